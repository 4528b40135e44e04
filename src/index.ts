/**
 * The Probot entry point: `probot run ./dist/src/index.js` (see `npm start`). With `REDIS_URL` set,
 * evaluations of one pull request are serialised across every instance sharing that Redis (Probot
 * shares its rate-limit throttling through the same Redis); without it, within this process.
 * Failed webhook deliveries are redelivered after start-up and on the schedule the `REDELIVERY_*`
 * variables set (see github/recovery-config.ts), one round at a time under the same lock.
 */
import { pino } from 'pino';
import { aiGovernance } from './app.js';
import { recoveryFromEnv } from './github/recovery-config.js';
import { lockFromEnv } from './scale/lock-from-env.js';
import { pacingFromEnv } from './scale/pacing-from-env.js';

const recovery = recoveryFromEnv(process.env);

export default aiGovernance({
  lock: lockFromEnv(process.env),
  // Reads paced per installation, in Redis when REDIS_URL is set (see github/pacing.ts).
  pacing: pacingFromEnv(process.env, pino({ name: 'ai-governance-pacing' })),
  ...(recovery ? { recovery } : {}),
});
