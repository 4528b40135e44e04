/**
 * A merge group passes only if every PR it carries passes (its own and those queued ahead); the
 * verdict is posted on the group's head commit.
 */
import type { Context, Probot } from 'probot';
import { describeError } from '../github/client.js';
import { writeFailingCheck } from '../github/failing-check.js';
import { parseMergeQueueRef, pullRequestsAhead } from '../github/locate.js';
import { onEvents } from './guard.js';
import type { EventRuntime } from './runtime.js';

export function onMergeGroupEvents(app: Probot, rt: EventRuntime): void {
  onEvents(app, rt, ['merge_group.checks_requested'], async (context) => {
    const group = context.payload.merge_group;
    await judgeMergeGroup(rt, context, group.head_ref, group.head_sha);
  });
}

/** Judges the merge group whose branch is `headRef` and whose commit is `sha`. */
export async function judgeMergeGroup(
  rt: EventRuntime,
  context: Context,
  headRef: string,
  sha: string,
): Promise<void> {
  const { owner, repo } = context.repo();
  const gh = rt.github(context);
  const refuse = async (why: string) => {
    const me = await rt.appIdentity();
    await writeFailingCheck(gh, owner, repo, sha, why, me.id);
  };
  const parsed = parseMergeQueueRef(headRef);
  // Not a queue branch we understand: say so on the group, never pass it.
  if (!parsed) return refuse(`cannot tell which pull request the merge group ${headRef} carries`);
  let carried: number[];
  try {
    carried = await pullRequestsAhead(gh, owner, repo, parsed.base, parsed.number);
  } catch (err) {
    // Which changes the group carries is unknown: it does not pass.
    return refuse(`cannot tell which pull requests the merge group carries: ${describeError(err)}`);
  }
  await rt.run(context, {
    owner,
    repo,
    number: parsed.number,
    mergeGroupSha: sha,
    expectedHeadSha: parsed.headSha,
    carried,
    trigger: 'merge_group.checks_requested',
  });
}
