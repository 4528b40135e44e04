/**
 * `GET /healthz`: the app is up, and whether the Redis it shares locks through answers. 200 with
 * `{"status":"ok","redis":"ok"|"not configured"}`; 503 with `"status":"degraded"` and
 * `"redis":"unreachable"` when REDIS_URL is set and Redis does not answer, since evaluations then
 * fail closed until it does. Added to Probot's server through the app function's `addHandler`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

export const HEALTH_PATH = '/healthz';

export type RedisHealth = 'ok' | 'unreachable' | 'not configured';

export interface Health {
  status: 'ok' | 'degraded';
  redis: RedisHealth;
}

export async function health(pingRedis: (() => Promise<boolean>) | null): Promise<Health> {
  if (!pingRedis) return { status: 'ok', redis: 'not configured' };
  const up = await pingRedis().catch(() => false);
  return up ? { status: 'ok', redis: 'ok' } : { status: 'degraded', redis: 'unreachable' };
}

/** A Node request handler in Probot's style: true when it answered the request. */
export function healthHandler(pingRedis: (() => Promise<boolean>) | null) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    const path = req.url?.split('?')[0];
    if (path !== HEALTH_PATH || (req.method !== 'GET' && req.method !== 'HEAD')) return false;
    const h = await health(pingRedis);
    res
      .writeHead(h.status === 'ok' ? 200 : 503, {
        'content-type': 'application/json',
        'cache-control': 'no-store',
      })
      .end(req.method === 'HEAD' ? undefined : JSON.stringify(h));
    return true;
  };
}
