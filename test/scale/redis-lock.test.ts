/**
 * RedisLock against a real `redis-server` on loopback (started and stopped by this file): mutual
 * exclusion across separate clients, release by the owner only, expiry of a dead holder's lock,
 * renewal while the work runs, bounded waiting, and an unreachable store.
 */
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { InProcessLock } from '../../src/github/lock.js';
import { lockFromEnv } from '../../src/scale/lock-from-env.js';
import {
  LockError,
  LockTimeoutError,
  RedisLock,
  type LockLog,
} from '../../src/scale/redis-lock.js';
import { freePort } from '../../src/fake-github/ports.js';
import { startRedisServer, type RedisServer } from './redis-server.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function recordingLog(): LockLog & { lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    warn: (_o, msg) => lines.push(`warn: ${msg}`),
    error: (_o, msg) => lines.push(`error: ${msg}`),
  };
}

describe('RedisLock', () => {
  let server: RedisServer;
  let admin: Redis;
  const opened: RedisLock[] = [];
  let prefix = 0;

  /** A lock with its own connection, under a prefix no other test uses. */
  function lock(options: Partial<ConstructorParameters<typeof RedisLock>[0]> = {}): RedisLock {
    const l = new RedisLock({ redis: server.url, prefix: `t${prefix}:`, ...options });
    opened.push(l);
    return l;
  }

  beforeAll(async () => {
    server = await startRedisServer();
    admin = new Redis(server.url);
  });

  afterEach(async () => {
    prefix++;
    await Promise.all(opened.splice(0).map((l) => l.close()));
  });

  afterAll(async () => {
    admin?.disconnect();
    await server?.stop();
  });

  it('lets one holder at a time run, across separate clients', async () => {
    const a = lock();
    const b = lock();
    let inside = 0;
    let most = 0;
    const order: number[] = [];
    const work = (i: number) => async () => {
      inside++;
      most = Math.max(most, inside);
      await sleep(15);
      order.push(i);
      inside--;
      return i;
    };
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) => (i % 2 === 0 ? a : b).run('acme/api#1', work(i))),
    );
    expect(most).toBe(1);
    expect(results).toEqual(Array.from({ length: 12 }, (_, i) => i));
    expect(order.sort((x, y) => x - y)).toEqual(results);
    expect(await admin.keys(`t${prefix}:*`)).toEqual([]);
  });

  it('runs different keys at the same time', async () => {
    const a = lock();
    const b = lock();
    let inside = 0;
    let most = 0;
    const work = async () => {
      inside++;
      most = Math.max(most, inside);
      await sleep(100);
      inside--;
    };
    await Promise.all([a.run('acme/api#1', work), b.run('acme/api#2', work)]);
    expect(most).toBe(2);
  });

  it('queues one process’s own work in memory: one SET per run, no retries', async () => {
    const client = new Redis(server.url);
    const set = vi.spyOn(client, 'set');
    const l = new RedisLock({ redis: client, prefix: `t${prefix}:` });
    await Promise.all(Array.from({ length: 5 }, () => l.run('acme/api#1', () => sleep(10))));
    expect(set).toHaveBeenCalledTimes(5);
    await l.close(); // does not close a client it was given
    expect(client.status).toBe('ready');
    client.disconnect();
  });

  it('never frees a lock another holder took after this one expired', async () => {
    const log = recordingLog();
    // Renewal stops after 50 ms, so the 200 ms lock expires while the work still runs.
    const a = lock({ ttlMs: 200, renewEveryMs: 40, maxHoldMs: 50, log });
    const key = `t${prefix}:acme/api#1`;
    await a.run('acme/api#1', async () => {
      await sleep(400);
      expect(await admin.get(key)).toBeNull();
      // Someone else takes it now.
      expect(await admin.set(key, 'someone-else', 'PX', 10_000, 'NX')).toBe('OK');
    });
    expect(await admin.get(key)).toBe('someone-else');
    expect(log.lines.some((l) => l.includes('no longer renewing'))).toBe(true);
  });

  it('says so when its lock expired while the work ran', async () => {
    const log = recordingLog();
    const a = lock({ ttlMs: 300, renewEveryMs: 100, log });
    const key = `t${prefix}:acme/api#1`;
    await a.run('acme/api#1', async () => {
      await admin.set(key, 'someone-else');
      await sleep(250);
    });
    expect(await admin.get(key)).toBe('someone-else');
    expect(log.lines.some((l) => l.includes('expired while its evaluation ran'))).toBe(true);
  });

  it('takes over the lock of a holder that died once it expires', async () => {
    const key = `t${prefix}:acme/api#1`;
    await admin.set(key, 'a-crashed-process', 'PX', 400);
    const b = lock({ retryMaxMs: 50 });
    const start = Date.now();
    let ran = false;
    await b.run('acme/api#1', async () => {
      ran = true;
    });
    expect(ran).toBe(true);
    expect(Date.now() - start).toBeGreaterThanOrEqual(300);
  });

  it('keeps renewing the lock while the work runs past its TTL', async () => {
    const a = lock({ ttlMs: 300 });
    const b = lock({ waitMs: 700 });
    const key = `t${prefix}:acme/api#1`;
    let bRan = false;
    const holding = a.run('acme/api#1', async () => {
      await sleep(1_200);
      expect(Number(await admin.pttl(key))).toBeGreaterThan(0);
    });
    await sleep(50);
    const waiting = b.run('acme/api#1', async () => {
      bRan = true;
    });
    await expect(waiting).rejects.toBeInstanceOf(LockTimeoutError);
    expect(bRan).toBe(false);
    await holding;
    expect(await admin.exists(key)).toBe(0);
  });

  it('gives up after the wait bound with a clear error, without running the work', async () => {
    const key = `t${prefix}:acme/api#7`;
    await admin.set(key, 'busy', 'PX', 10_000);
    const l = lock({ waitMs: 200 });
    const fn = vi.fn(async () => 'ran');
    const err = await l.run('acme/api#7', fn).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LockTimeoutError);
    expect(err).toBeInstanceOf(LockError);
    expect((err as LockTimeoutError).key).toBe('acme/api#7');
    expect((err as Error).message).toMatch(/another instance kept evaluating acme\/api#7/);
    expect((err as Error).message).toMatch(/Re-evaluate/);
    expect(fn).not.toHaveBeenCalled();
    expect(await admin.get(key)).toBe('busy');
  });

  it('releases the lock when the work throws, and passes the error on', async () => {
    const l = lock();
    await expect(
      l.run('acme/api#1', async () => {
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await admin.keys(`t${prefix}:*`)).toEqual([]);
    expect(await l.run('acme/api#1', async () => 'again')).toBe('again');
  });

  it('fails with a LockError when Redis does not answer, without running the work', async () => {
    const port = await freePort(); // nothing listens there
    const log = recordingLog();
    const l = new RedisLock({ redis: `redis://127.0.0.1:${port}`, log });
    opened.push(l);
    const fn = vi.fn(async () => 'ran');
    const err = await l.run('acme/api#1', fn).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LockError);
    expect(err).not.toBeInstanceOf(LockTimeoutError);
    expect((err as Error).message).toMatch(
      /could not take the lock on acme\/api#1: the lock store \(Redis\) did not answer/,
    );
    expect(fn).not.toHaveBeenCalled();
  });

  it('rejects settings that would let the lock lapse between renewals', () => {
    expect(() => new RedisLock({ redis: server.url, ttlMs: 100, renewEveryMs: 100 })).toThrow(
      /renewEveryMs \(100\) must be shorter than ttlMs \(100\)/,
    );
    expect(() => new RedisLock({ redis: server.url, ttlMs: 0 })).toThrow(
      /ttlMs must be a positive number/,
    );
    expect(() => new RedisLock({ redis: server.url, waitMs: -1 })).toThrow(/waitMs must be zero/);
  });

  it('is chosen by REDIS_URL; without it the lock stays in-process', async () => {
    expect(lockFromEnv({})).toBeInstanceOf(InProcessLock);
    expect(lockFromEnv({ REDIS_URL: '  ' })).toBeInstanceOf(InProcessLock);
    const l = lockFromEnv({ REDIS_URL: server.url }, recordingLog());
    expect(l).toBeInstanceOf(RedisLock);
    expect(await l.run('acme/api#1', async () => 42)).toBe(42);
    await (l as RedisLock).close();
  });
});
