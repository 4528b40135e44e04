/**
 * The read side of the GitHub adapter: gathers a pull request's facts, the default branch head and
 * the policy files' text with as few reads as GitHub allows.
 *
 * Fail closed: a list GitHub will not give in full is marked incomplete, never passed off as whole;
 * any error from GitHub is thrown with a message that says what could not be read.
 */
import type { GitHubClient } from './client.js';
import { readEarlierHeads } from './earlier-heads.js';
import { completeCommits } from './facts/commits.js';
import { finishFiles, startRestFiles } from './facts/files.js';
import { readFirstQuery, type PullRequestAt } from './facts/first-query.js';
import { PullRequestLists } from './facts/lists.js';
import { readPageRounds } from './facts/page-rounds.js';
import { commitState, toCommitFact } from './facts/raw.js';
import { finishSnapshot, type PullRequestSnapshot } from './facts/snapshot.js';

export type { GitHubClient } from './client.js';
export type { PullRequestSnapshot } from './facts/snapshot.js';
export { MAX_COMMIT_WALK } from './facts/commits.js';
// The audit's reader of merged pull requests maps GitHub's answers the same way.
export { isPresent, toActor, toIdentity, toReview } from './facts/raw.js';

/**
 * Reads a pull request's facts, the default branch head and the policy file text: one GraphQL
 * query for a PR with at most 100 commits, files, labels and reviews, then one follow-up query per
 * further page round (asking only for the lists that still have pages), and what GitHub's lists
 * cannot give (commits past 250, previous paths of files, older force pushes) by the reads that can.
 */
export async function readPullRequest(
  gh: GitHubClient,
  owner: string,
  repo: string,
  number: number,
  options: { appId?: number } = {},
): Promise<PullRequestSnapshot> {
  const at: PullRequestAt = { gh, owner, repo, number, ref: `${owner}/${repo}#${number}` };
  const first = await readFirstQuery(at, options.appId);
  const { pr } = first;
  const lists = new PullRequestLists();
  lists.add(pr);
  const restFiles = startRestFiles(at, lists, pr.changedFiles);
  await readPageRounds(at, lists, pr.headRefOid);
  const commits = await completeCommits(at, lists, {
    total: pr.commits.totalCount,
    base: pr.baseRef?.target?.oid ?? pr.baseRefOid,
    head: pr.headRefOid,
  });
  const earlierHeads = await readEarlierHeads(
    gh,
    {
      owner,
      repo,
      number,
      headSha: pr.headRefOid,
      ...(options.appId !== undefined ? { appId: options.appId } : {}),
    },
    pr.forcePushes,
    (raw) => toCommitFact(commitState(raw)),
  );
  const files = await finishFiles(at, lists.files, restFiles, pr.changedFiles, pr.headRefOid);
  return finishSnapshot(at, first, lists, { commits, files, earlierHeads });
}
