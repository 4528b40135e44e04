/**
 * The Probot entry point: `probot run ./dist/src/index.js` (see `npm start`). With `REDIS_URL` set,
 * evaluations of one pull request are serialised across every instance sharing that Redis (Probot
 * shares its rate-limit throttling through the same Redis); without it, within this process.
 * Failed webhook deliveries are redelivered after start-up and on the schedule the `REDELIVERY_*`
 * variables set (see github/recovery-config.ts), one round at a time under the same lock.
 */
import { aiGovernance } from './app.js';
import { recoveryFromEnv } from './github/recovery-config.js';
import { lockFromEnv } from './scale/lock-from-env.js';

const recovery = recoveryFromEnv(process.env);

export default aiGovernance({ lock: lockFromEnv(process.env), ...(recovery ? { recovery } : {}) });
