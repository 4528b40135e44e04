/**
 * The Probot app: it wires the event handlers (src/events/) to the app's shared parts. Every
 * handler only works out which PR an event is about and hands it to evaluatePullRequest, which
 * re-reads everything from GitHub.
 */
import type { Probot } from 'probot';
import { onMergeGroupEvents } from './events/merge-group.js';
import { onMembershipEvents, onPushEvents } from './events/org.js';
import { onPullRequestEvents } from './events/pull-request.js';
import { startAppRecovery } from './events/recovery.js';
import { onRerunEvents } from './events/rerun.js';
import { createRuntime, type AppOptions } from './events/runtime.js';

export type { AppOptions } from './events/runtime.js';
export { ORG_CONCURRENCY } from './events/org.js';
export { PULL_REQUEST_ACTIONS, REVIEW_ACTIONS } from './events/pull-request.js';

export function aiGovernance(options: AppOptions = {}) {
  return (app: Probot) => {
    const rt = createRuntime(app, options);
    onPullRequestEvents(app, rt);
    onRerunEvents(app, rt);
    onMergeGroupEvents(app, rt);
    onMembershipEvents(app, rt);
    onPushEvents(app, rt);
    if (options.recovery) startAppRecovery(app, rt, options.recovery);
  };
}

export default aiGovernance();
