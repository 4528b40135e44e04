/**
 * Heads of a pull request that force pushes replaced, read from its timeline
 * (`HeadRefForcePushedEvent.beforeCommit`): the commit as GitHub still holds it, and the app's
 * record of that head at the end of its check run's text there. The snapshot query reads the last
 * 100 force pushes; older ones (rare) are read here, 100 a query, back to the first.
 */
import type { CommitFact, EarlierHead } from '../model/facts.js';
import { parseRecord } from '../render/record.js';
import { fail, reading, type GitHubClient } from './client.js';
import type { RawCommit } from './queries/commits.js';
import {
  forcePushesPageQuery,
  type ForcePushesPageAnswer,
  type RawEarlierHead,
  type RawForcePush,
  type RawForcePushesConnection,
} from './queries/force-pushes.js';

/** More force pushes than this on one PR is refused (fail closed) rather than read on. */
export const MAX_FORCE_PUSH_PAGES = 50;

/** The app's latest run on the commit, and the record its text ends with. */
function recordOf(head: RawEarlierHead): EarlierHead['record'] {
  const runs = (head.checkSuites?.nodes ?? [])
    .flatMap((suite) => suite?.checkRuns?.nodes ?? [])
    .filter((r) => r !== null && r.databaseId !== null)
    .sort((a, b) => b!.databaseId! - a!.databaseId!);
  return parseRecord(runs[0]?.text ?? null);
}

function toEarlierHeads(
  nodes: readonly (RawForcePush | null)[],
  toCommit: (raw: RawCommit) => CommitFact,
): EarlierHead[] {
  const out: EarlierHead[] = [];
  for (const n of nodes) {
    const before = n?.beforeCommit;
    if (!n?.createdAt || !before?.oid) continue;
    out.push({
      sha: before.oid,
      replacedAt: n.createdAt,
      commit: typeof before.message === 'string' && before.authors ? toCommit(before) : null,
      record: recordOf(before),
    });
  }
  return out;
}

/**
 * Every head a force push replaced, oldest first: the snapshot's page, then older pages while
 * GitHub says there are more. A missing list or a head that moves meanwhile is an error.
 */
export async function readEarlierHeads(
  gh: GitHubClient,
  target: { owner: string; repo: string; number: number; headSha: string; appId?: number },
  first: RawForcePushesConnection | undefined,
  toCommit: (raw: RawCommit) => CommitFact,
): Promise<EarlierHead[]> {
  const { owner, repo, number } = target;
  const what = `force pushes of ${owner}/${repo}#${number}`;
  if (!first) fail(what, 'GitHub gave no force-push list');
  const pages: (RawForcePush | null)[][] = [first.nodes ?? []];
  let page = first.pageInfo;
  const withRecords = target.appId !== undefined;
  for (let i = 0; page.hasPreviousPage; i++) {
    if (i >= MAX_FORCE_PUSH_PAGES) {
      fail(
        what,
        `more than ${MAX_FORCE_PUSH_PAGES * 100} force pushes; evidence on earlier heads cannot all be read`,
      );
    }
    const cursor = page.startCursor;
    if (!cursor) fail(what, 'GitHub said there were more pages but gave no cursor');
    const answer = await reading(what, () =>
      gh.graphql<ForcePushesPageAnswer>(forcePushesPageQuery(withRecords), {
        owner,
        repo,
        number,
        cursor,
        ...(withRecords ? { appId: target.appId } : {}),
      }),
    );
    const pr = answer?.repository?.pullRequest;
    if (!pr?.forcePushes) fail(what, 'pull request not found');
    if (pr.headRefOid !== target.headSha) {
      fail(what, `the head moved from ${target.headSha} to ${pr.headRefOid} while it was read`);
    }
    if (pr.forcePushes.pageInfo.startCursor === cursor) {
      fail(what, 'GitHub said there were more pages but gave no new cursor');
    }
    pages.unshift(pr.forcePushes.nodes ?? []);
    page = pr.forcePushes.pageInfo;
  }
  return toEarlierHeads(pages.flat(), toCommit);
}
