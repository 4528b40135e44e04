/** Further pages of a pull request's lists: one query a round, for the lists that still have pages. */
import { fail, reading } from '../client.js';
import {
  CONNECTION_NAMES,
  CURSOR_VARIABLES,
  pullRequestPageQuery,
  type PullRequestConnection,
  type PullRequestPageAnswer,
} from '../queries/pull-request.js';
import type { PullRequestAt } from './first-query.js';
import type { PullRequestLists } from './lists.js';

/**
 * Reads rounds of pages into `lists` until none has pages left. Each round checks that the head
 * is still `headSha`, and that GitHub gave a new cursor for every list it said had more.
 */
export async function readPageRounds(
  at: PullRequestAt,
  lists: PullRequestLists,
  headSha: string,
): Promise<void> {
  const sent: Partial<Record<PullRequestConnection, string>> = {};
  for (let unread = lists.unread(); unread.length > 0; unread = lists.unread()) {
    const what = `${unread.map((c) => CONNECTION_NAMES[c]).join(' and ')} of ${at.ref}`;
    const vars: Record<string, unknown> = { owner: at.owner, repo: at.repo, number: at.number };
    for (const c of unread) {
      const cursor = lists.cursor(c);
      if (!cursor || cursor === sent[c]) {
        fail(what, 'GitHub said there were more pages but gave no new cursor');
      }
      sent[c] = cursor;
      vars[CURSOR_VARIABLES[c]] = cursor;
    }
    const page = await reading(what, () =>
      at.gh.graphql<PullRequestPageAnswer>(pullRequestPageQuery(unread), vars),
    );
    const next = page?.repository?.pullRequest;
    if (!next) fail(what, 'pull request not found');
    if (next.headRefOid !== headSha) {
      fail(what, `the head moved from ${headSha} to ${next.headRefOid} while it was read`);
    }
    const missing = unread.find((c) => !next[c]);
    if (missing) fail(what, `no ${CONNECTION_NAMES[missing]} in the answer`);
    lists.add(next);
  }
}
