import Bottleneck from 'bottleneck';
import { Redis } from 'ioredis';
import { Pacing } from '../github/pacing.js';

export interface PacingLog {
  error: (obj: object, msg: string) => void;
}

/**
 * The pacing the app runs with: with `REDIS_URL` set, the read limiters of each installation live
 * in that Redis, so every instance sharing it counts against the same bounds (Probot shares its
 * write throttling through the same Redis); without it, within this process.
 */
export function pacingFromEnv(env: NodeJS.ProcessEnv = process.env, log?: PacingLog): Pacing {
  const url = env.REDIS_URL?.trim();
  if (!url) return new Pacing();
  const connection = new Bottleneck.IORedisConnection({ client: new Redis(url) });
  connection.on('error', (err: unknown) =>
    log?.error({ err }, 'the request pacing could not reach Redis'),
  );
  return new Pacing({ reads: { connection } });
}
