import { pino } from 'pino';
import { InProcessLock, type KeyedLock } from '../github/lock.js';
import { RedisLock, type LockLog } from './redis-lock.js';

/**
 * The lock the app runs with: a {@link RedisLock} shared by every instance when `REDIS_URL` is
 * set (the same variable that makes Probot share its rate-limit throttling through Redis), else
 * an in-process lock for a single instance.
 */
export function lockFromEnv(env: NodeJS.ProcessEnv = process.env, log?: LockLog): KeyedLock {
  const url = env.REDIS_URL?.trim();
  if (!url) return new InProcessLock();
  return new RedisLock({
    redis: url,
    log: log ?? pino({ name: 'ai-governance-lock', level: env.LOG_LEVEL || 'info' }),
  });
}
