/** A pull request or review event names the PR: it is evaluated as GitHub has it now. */
import type { Probot } from 'probot';
import { onEvents } from './guard.js';
import type { EventRuntime } from './runtime.js';

export const PULL_REQUEST_ACTIONS = [
  'pull_request.opened',
  'pull_request.reopened',
  'pull_request.synchronize',
  'pull_request.edited',
  'pull_request.labeled',
  'pull_request.unlabeled',
  'pull_request.ready_for_review',
] as const;

export const REVIEW_ACTIONS = [
  'pull_request_review.submitted',
  'pull_request_review.edited',
  'pull_request_review.dismissed',
] as const;

export function onPullRequestEvents(app: Probot, rt: EventRuntime): void {
  onEvents(app, rt, [...PULL_REQUEST_ACTIONS, ...REVIEW_ACTIONS], async (context) => {
    const pr = context.payload.pull_request;
    await rt.run(context, {
      ...context.repo(),
      number: pr.number,
      headSha: pr.head.sha,
      trigger: `${context.name}.${context.payload.action}`,
    });
  });
}
