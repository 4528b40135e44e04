/** `GET /healthz` on the app `npm start` runs: up, and whether its Redis answers. */
import { describe, expect, it } from 'vitest';
import { freePort } from '../../src/fake-github/ports.js';
import { appKeys } from '../support/app-on-fake.js';
import { startRedisServer } from '../scale/redis-server.js';
import { folderPerTest, npmStart } from './npm-start.js';

const dir = folderPerTest('aig-health-');

const CREDENTIALS = {
  APP_ID: '1',
  PRIVATE_KEY: appKeys().privateKey,
  WEBHOOK_SECRET: 'health-secret',
};

async function healthz(port: number) {
  const res = await fetch(`http://127.0.0.1:${port}/healthz`);
  return { status: res.status, body: (await res.json()) as unknown };
}

describe('/healthz', () => {
  it('says the app is up, with no Redis configured', async () => {
    const port = await freePort();
    await npmStart(dir.path, CREDENTIALS, port);
    expect(await healthz(port)).toEqual({
      status: 200,
      body: { status: 'ok', redis: 'not configured' },
    });
    const head = await fetch(`http://127.0.0.1:${port}/healthz`, { method: 'HEAD' });
    expect(head.status).toBe(200);
  }, 30_000);

  it('says whether the Redis in REDIS_URL answers: ok, then 503 once it is gone', async () => {
    const redis = await startRedisServer();
    try {
      const port = await freePort();
      await npmStart(dir.path, { ...CREDENTIALS, REDIS_URL: redis.url }, port);
      expect(await healthz(port)).toEqual({ status: 200, body: { status: 'ok', redis: 'ok' } });
      await redis.stop();
      expect(await healthz(port)).toEqual({
        status: 503,
        body: { status: 'degraded', redis: 'unreachable' },
      });
    } finally {
      await redis.stop();
    }
  }, 30_000);
});
