/**
 * The Probot entry point: `probot run ./dist/src/index.js` (see `npm start`). With `REDIS_URL` set,
 * evaluations of one pull request are serialised across every instance sharing that Redis (Probot
 * shares its rate-limit throttling through the same Redis); without it, within this process.
 */
import { aiGovernance } from './app.js';
import { lockFromEnv } from './scale/lock-from-env.js';

export default aiGovernance({ lock: lockFromEnv(process.env) });
