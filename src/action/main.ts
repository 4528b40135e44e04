/**
 * Entry point of the GitHub Action (`action.yml` runs `dist/src/action/main.js`): evaluates the
 * pull request the workflow's event is about, as the installed app would.
 */
import { runAction } from './run.js';

process.exitCode = await runAction(process.env);
