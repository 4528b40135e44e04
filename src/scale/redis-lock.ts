/**
 * A per-pull-request lock shared by every app process that points at the same Redis, so that
 * several instances behind one load balancer evaluate a PR one at a time, as a single process
 * would. Each evaluation re-reads everything from GitHub and writes only what changed, so holding
 * this lock around an evaluation is all it takes for two instances never to write twice or out of
 * order.
 *
 * How it works: `SET key token NX PX ttl` takes the lock; a Lua script deletes it only when it
 * still holds this holder's token (so a holder whose lock expired never frees someone else's);
 * another script pushes the expiry out while the evaluation runs. Waiting is bounded: after
 * `waitMs` the caller gets a {@link LockTimeoutError}, never a silent pass. Inside one process the
 * keys are queued first by an in-process lock, so a process sends Redis one attempt per key at a
 * time however many events it has queued for that PR.
 */

import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { InProcessLock, type KeyedLock } from '../github/lock.js';

/** The log calls the lock makes (a pino logger fits). */
export interface LockLog {
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface RedisLockOptions {
  /** A connected client, or a `redis://` URL to open one (closed again by {@link RedisLock.close}). */
  redis: Redis | string;
  /** Prefix of the Redis keys. Default `ai-governance:lock:`. */
  prefix?: string;
  /** How long a lock lives unless renewed, in ms. Default 30 s. */
  ttlMs?: number;
  /** How often a held lock is renewed, in ms. Default a third of `ttlMs`. */
  renewEveryMs?: number;
  /**
   * The longest one holder keeps renewing, in ms. Default 10 minutes. An evaluation still running
   * then is assumed stuck: the lock is left to expire so the PR's next events are not blocked.
   */
  maxHoldMs?: number;
  /** How long to wait for a lock another holder has, in ms, before giving up. Default 2 minutes. */
  waitMs?: number;
  /** First pause between attempts, in ms; it doubles up to `retryMaxMs`, with jitter. Default 20. */
  retryMinMs?: number;
  /** Longest pause between attempts, in ms. Default 500. */
  retryMaxMs?: number;
  log?: LockLog;
}

/** The lock could not be taken: the evaluation did not run. */
export class LockError extends Error {
  constructor(
    message: string,
    readonly key: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'LockError';
  }
}

/** Another holder kept the lock for longer than the caller was willing to wait. */
export class LockTimeoutError extends LockError {
  constructor(
    key: string,
    readonly waitedMs: number,
  ) {
    super(
      `another instance kept evaluating ${key} for more than ${Math.round(waitedMs / 1000)} s, ` +
        'so this evaluation did not run; choose Re-evaluate on the check, or push, to try again',
      key,
    );
    this.name = 'LockTimeoutError';
  }
}

/** Deletes the key only when it still holds this holder's token. */
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then
  return redis.call('del', KEYS[1])
end
return 0`;

/** Pushes the expiry out only when the key still holds this holder's token. */
const RENEW = `if redis.call('get', KEYS[1]) == ARGV[1] then
  return redis.call('pexpire', KEYS[1], ARGV[2])
end
return 0`;

const silent: LockLog = { warn: () => {}, error: () => {} };

export class RedisLock implements KeyedLock {
  private readonly redis: Redis;
  private readonly ownsClient: boolean;
  private readonly local = new InProcessLock();
  private readonly prefix: string;
  private readonly ttlMs: number;
  private readonly renewEveryMs: number;
  private readonly maxHoldMs: number;
  private readonly waitMs: number;
  private readonly retryMinMs: number;
  private readonly retryMaxMs: number;
  private readonly log: LockLog;
  private lastConnectionError = 0;

  constructor(options: RedisLockOptions) {
    this.prefix = options.prefix ?? 'ai-governance:lock:';
    this.ttlMs = positive('ttlMs', options.ttlMs ?? 30_000);
    this.renewEveryMs = positive(
      'renewEveryMs',
      options.renewEveryMs ?? Math.floor(this.ttlMs / 3),
    );
    if (this.renewEveryMs >= this.ttlMs) {
      throw new RangeError(
        `renewEveryMs (${this.renewEveryMs}) must be shorter than ttlMs (${this.ttlMs}), or the lock expires between renewals`,
      );
    }
    this.maxHoldMs = positive('maxHoldMs', options.maxHoldMs ?? 10 * 60_000);
    this.waitMs = nonNegative('waitMs', options.waitMs ?? 2 * 60_000);
    this.retryMinMs = positive('retryMinMs', options.retryMinMs ?? 20);
    this.retryMaxMs = Math.max(this.retryMinMs, options.retryMaxMs ?? 500);
    this.log = options.log ?? silent;
    if (typeof options.redis === 'string') {
      this.redis = new Redis(options.redis, {
        lazyConnect: true,
        // A command fails after a few reconnection attempts instead of waiting for Redis forever:
        // the caller then gets a LockError, which ends in a failing check.
        maxRetriesPerRequest: 2,
        connectTimeout: 5_000,
      });
      this.ownsClient = true;
    } else {
      this.redis = options.redis;
      this.ownsClient = false;
    }
    this.redis.on('error', (err: Error) => {
      // ioredis reports every failed reconnection attempt; one line a minute is enough.
      const now = Date.now();
      if (now - this.lastConnectionError < 60_000) return;
      this.lastConnectionError = now;
      this.log.error({ err }, `lock store: ${err.message}`);
    });
  }

  /** Runs `fn` while holding the lock on `key` in every process that shares this Redis. */
  run<T>(key: string, fn: () => Promise<T>): Promise<T> {
    return this.local.run(key, () => this.hold(key, fn));
  }

  /** Closes the Redis connection when this lock opened it. */
  /** True when Redis answers PING within `timeoutMs`; for the health endpoint. */
  async ping(timeoutMs = 2_000): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
    });
    try {
      const answer = this.redis.ping().then(
        (pong) => pong === 'PONG',
        () => false,
      );
      return await Promise.race([answer, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  async close(): Promise<void> {
    if (!this.ownsClient) return;
    try {
      await this.redis.quit();
    } catch {
      this.redis.disconnect();
    }
  }

  private async hold<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const redisKey = this.prefix + key;
    const token = randomUUID();
    await this.acquire(key, redisKey, token);
    const since = Date.now();
    let stopped = false;
    const renew = async (): Promise<void> => {
      if (stopped) return;
      if (Date.now() - since >= this.maxHoldMs) {
        stopped = true;
        clearInterval(timer);
        this.log.error(
          { key, heldMs: Date.now() - since },
          `the evaluation of ${key} has held its lock for ${Math.round(this.maxHoldMs / 1000)} s; ` +
            `no longer renewing it, so it expires within ${Math.round(this.ttlMs / 1000)} s`,
        );
        return;
      }
      try {
        const kept = await this.redis.eval(RENEW, 1, redisKey, token, String(this.ttlMs));
        if (Number(kept) !== 1 && !stopped) {
          stopped = true;
          clearInterval(timer);
          this.log.error(
            { key },
            `the lock on ${key} expired while its evaluation ran; another instance may be evaluating the same pull request`,
          );
        }
      } catch (err) {
        this.log.warn({ err, key }, `could not renew the lock on ${key}: ${message(err)}`);
      }
    };
    const timer = setInterval(() => void renew(), this.renewEveryMs);
    timer.unref();
    try {
      return await fn();
    } finally {
      stopped = true;
      clearInterval(timer);
      await this.release(key, redisKey, token);
    }
  }

  private async acquire(key: string, redisKey: string, token: string): Promise<void> {
    const start = Date.now();
    let pause = this.retryMinMs;
    for (;;) {
      let taken: string | null;
      try {
        taken = await this.redis.set(redisKey, token, 'PX', this.ttlMs, 'NX');
      } catch (err) {
        // The cause (with Redis's address) goes to the logs, not into the check people read.
        throw new LockError(
          `could not take the lock on ${key}: the lock store (Redis) did not answer; ` +
            'the app’s logs say why',
          key,
          { cause: err },
        );
      }
      if (taken === 'OK') return;
      const waited = Date.now() - start;
      if (waited >= this.waitMs) throw new LockTimeoutError(key, waited);
      // Full jitter between half the pause and the pause, so waiters do not retry in step.
      const delay = pause / 2 + Math.random() * (pause / 2);
      await sleep(Math.min(delay, this.waitMs - waited));
      pause = Math.min(pause * 2, this.retryMaxMs);
    }
  }

  private async release(key: string, redisKey: string, token: string): Promise<void> {
    try {
      await this.redis.eval(RELEASE, 1, redisKey, token);
    } catch (err) {
      // The evaluation is done; the lock expires on its own within ttlMs.
      this.log.warn(
        { err, key },
        `could not release the lock on ${key} (it expires within ${Math.round(this.ttlMs / 1000)} s): ${message(err)}`,
      );
    }
  }
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function positive(name: string, value: number): number {
  if (!Number.isFinite(value) || value <= 0) {
    throw new RangeError(`${name} must be a positive number of milliseconds, not ${value}`);
  }
  return value;
}

function nonNegative(name: string, value: number): number {
  if (!Number.isFinite(value) || value < 0) {
    throw new RangeError(`${name} must be zero or a positive number of milliseconds, not ${value}`);
  }
  return value;
}
