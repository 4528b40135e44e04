import { PAGE_MAX } from '../model/github.js';
import { fail, reading, type GitHubClient } from './client.js';
import { MERGE_QUEUE_QUERY, type MergeQueueAnswer } from './queries/merge-queue.js';

/** What the merge queue's branch names: `gh-readonly-queue/<base>/pr-<number>-<head sha>`. */
export function parseMergeQueueRef(
  ref: string,
): { base: string; number: number; headSha: string } | null {
  const m =
    /^(?:refs\/heads\/)?gh-readonly-queue\/(.+)\/pr-(\d+)-([0-9a-f]{40}|[0-9a-f]{64})$/.exec(ref);
  if (!m) return null;
  return { base: m[1]!, number: Number(m[2]), headSha: m[3]! };
}

/** Numbers of the open PRs whose head is `sha` (in this repository or a fork). */
export async function pullRequestsForCommit(
  gh: GitHubClient,
  owner: string,
  repo: string,
  sha: string,
): Promise<number[]> {
  const { data } = await gh.request('GET /repos/{owner}/{repo}/commits/{commit_sha}/pulls', {
    owner,
    repo,
    commit_sha: sha,
    per_page: PAGE_MAX,
  });
  return data.filter((p) => p.state === 'open' && p.head.sha === sha).map((p) => p.number);
}

/** At most this many open PRs are re-evaluated after a policy change (100 a page). */
export const MAX_OPEN_PRS = 1000;

/**
 * Open PRs of a repository, newest first, bounded by {@link MAX_OPEN_PRS}, with the head sha of
 * each (so that a PR that cannot be read still gets its failing check on the right commit).
 */
export async function openPullRequests(
  gh: GitHubClient,
  owner: string,
  repo: string,
): Promise<{ numbers: number[]; heads: Record<number, string>; truncated: boolean }> {
  const numbers: number[] = [];
  const heads: Record<number, string> = {};
  for (let page = 1; numbers.length < MAX_OPEN_PRS; page++) {
    const { data } = await gh.request('GET /repos/{owner}/{repo}/pulls', {
      owner,
      repo,
      state: 'open',
      sort: 'created',
      direction: 'desc',
      per_page: PAGE_MAX,
      page,
    });
    for (const p of data) {
      numbers.push(p.number);
      if (typeof p.head?.sha === 'string') heads[p.number] = p.head.sha;
    }
    if (data.length < PAGE_MAX) return { numbers, heads, truncated: false };
  }
  return { numbers: numbers.slice(0, MAX_OPEN_PRS), heads, truncated: true };
}

/**
 * The pull requests queued ahead of PR `number` in the merge queue of `base`, in queue order. A
 * merge group carries the changes of every entry ahead of its own (when the queue does not require
 * each group to pass, GitHub merges them all once this group passes), so each of them must pass
 * too. Every entry ahead is taken, even one that may sit in an earlier group: that can only make
 * the group stricter, and the queue rebuilds the groups behind an entry it removes.
 *
 * Fails closed: a queue GitHub does not show, a PR not in it (a stale group), more entries than
 * one page, or an entry whose pull request cannot be seen is an error, never an empty list.
 */
export async function pullRequestsAhead(
  gh: GitHubClient,
  owner: string,
  repo: string,
  base: string,
  number: number,
): Promise<number[]> {
  const what = `the merge queue of ${owner}/${repo}@${base}`;
  const answer = await reading(what, () =>
    gh.graphql<MergeQueueAnswer>(MERGE_QUEUE_QUERY, { owner, repo, branch: base }),
  );
  const queue = answer?.repository?.mergeQueue;
  const entries = queue?.entries;
  if (!entries) fail(what, 'GitHub shows no merge queue for that branch');
  const nodes = entries.nodes ?? [];
  if (entries.pageInfo.hasNextPage || nodes.length !== entries.totalCount) {
    fail(what, `it has ${entries.totalCount} entries, more than the ${nodes.length} listed`);
  }
  const seen: { position: number; number: number }[] = [];
  for (const n of nodes) {
    if (!n || !n.pullRequest || typeof n.pullRequest.number !== 'number') {
      fail(what, 'an entry’s pull request cannot be seen');
    }
    seen.push({ position: n.position, number: n.pullRequest.number });
  }
  const own = seen.find((e) => e.number === number);
  if (!own) {
    fail(what, `#${number} is not in it (the merge group is stale, or left the queue)`);
  }
  return seen
    .filter((e) => e.position < own.position)
    .sort((a, b) => a.position - b.position)
    .map((e) => e.number);
}

/** At most this many repositories of an installation are listed (100 a page). */
export const MAX_INSTALLATION_REPOS = 3000;

/**
 * The repositories the event's installation can see (`owner/name`, archived ones left out),
 * bounded by {@link MAX_INSTALLATION_REPOS}; `truncated` says when more were left out.
 */
export async function installationRepositories(
  gh: GitHubClient,
): Promise<{ repos: { owner: string; repo: string }[]; truncated: boolean }> {
  const repos: { owner: string; repo: string }[] = [];
  for (let page = 1; ; page++) {
    const { data } = await reading('the installation\u2019s repositories', () =>
      gh.request('GET /installation/repositories', { per_page: PAGE_MAX, page }),
    );
    const list = data.repositories;
    for (const r of list) if (!r.archived) repos.push({ owner: r.owner.login, repo: r.name });
    if (list.length < PAGE_MAX) return { repos, truncated: false };
    if (page * PAGE_MAX >= MAX_INSTALLATION_REPOS) return { repos, truncated: true };
  }
}
