/**
 * The Probot entry point: `probot run ./dist/src/index.js` (see `npm start`). With `REDIS_URL` set,
 * evaluations of one pull request are serialised across every instance sharing that Redis (Probot
 * shares its rate-limit throttling through the same Redis); without it, within this process.
 * Failed webhook deliveries are redelivered after start-up and on the schedule the `REDELIVERY_*`
 * variables set, and stale verdicts reconciled after start-up unless `RECONCILE_ON_START=false`
 * (see github/recovery-config.ts), one round at a time under the same lock.
 * `GET /healthz` says the app is up and whether that Redis answers (see health.ts).
 */
import { pino } from 'pino';
import type { ApplicationFunctionOptions, Probot } from 'probot';
import { aiGovernance } from './app.js';
import { recoveryFromEnv } from './github/recovery-config.js';
import { healthHandler } from './health.js';
import { lockFromEnv } from './scale/lock-from-env.js';
import { pacingFromEnv } from './scale/pacing-from-env.js';
import { RedisLock } from './scale/redis-lock.js';

const recovery = recoveryFromEnv(process.env);
const lock = lockFromEnv(process.env);
const governance = aiGovernance({
  lock,
  // Reads paced per installation, in Redis when REDIS_URL is set (see github/pacing.ts).
  pacing: pacingFromEnv(process.env, pino({ name: 'ai-governance-pacing' })),
  ...(recovery ? { recovery } : {}),
});

export default function app(probot: Probot, options?: ApplicationFunctionOptions): void {
  options?.addHandler?.(healthHandler(lock instanceof RedisLock ? () => lock.ping() : null));
  governance(probot);
}
