/** A re-run asked for on a commit (of the app's check run, or the whole suite). */
import type { Context, Probot } from 'probot';
import { CHECK_NAME } from '../model/names.js';
import { REEVALUATE_ACTION } from '../github/check-run.js';
import { parseMergeQueueRef, pullRequestsForCommit } from '../github/locate.js';
import { onEvents } from './guard.js';
import { judgeMergeGroup } from './merge-group.js';
import { runEach, triggerOf, type EventRuntime } from './runtime.js';

export function onRerunEvents(app: Probot, rt: EventRuntime): void {
  onEvents(app, rt, ['check_run.rerequested', 'check_run.requested_action'], async (context) => {
    const run = context.payload.check_run;
    const me = await rt.appIdentity();
    if (run.name !== CHECK_NAME || (run.app && run.app.id !== me.id)) return;
    if (
      context.payload.action === 'requested_action' &&
      context.payload.requested_action?.identifier !== REEVALUATE_ACTION
    ) {
      return;
    }
    const suite = run.check_suite;
    await rerun(rt, context, run.head_sha, suite?.head_branch ?? null, run.pull_requests);
  });
  onEvents(app, rt, ['check_suite.rerequested'], async (context) => {
    const suite = context.payload.check_suite;
    await rerun(rt, context, suite.head_sha, suite.head_branch, suite.pull_requests);
  });
}

/** The PRs the commit heads are evaluated again, or the merge group it is judged again. */
async function rerun(
  rt: EventRuntime,
  context: Context,
  sha: string,
  branch: string | null,
  prs: ReadonlyArray<{ number: number }> | null | undefined,
): Promise<void> {
  if (branch && parseMergeQueueRef(branch)) {
    await judgeMergeGroup(rt, context, branch, sha);
    return;
  }
  const { owner, repo } = context.repo();
  let numbers = (prs ?? []).map((p) => p.number);
  if (numbers.length === 0) {
    // Fork PRs are not listed in check payloads: ask which PRs this commit heads.
    numbers = await pullRequestsForCommit(rt.github(context), owner, repo, sha);
  }
  const trigger = triggerOf(context);
  await runEach(
    rt,
    context,
    numbers.map((number) => ({ owner, repo, number, headSha: sha, trigger })),
  );
}
