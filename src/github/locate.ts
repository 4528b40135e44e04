import type { GitHubClient } from './client.js';

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
    per_page: 100,
  });
  return (data as Array<{ number: number; state: string; head: { sha: string } }>)
    .filter((p) => p.state === 'open' && p.head.sha === sha)
    .map((p) => p.number);
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
      per_page: 100,
      page,
    });
    const prs = data as Array<{ number: number; head?: { sha?: string } }>;
    for (const p of prs) {
      numbers.push(p.number);
      if (typeof p.head?.sha === 'string') heads[p.number] = p.head.sha;
    }
    if (prs.length < 100) return { numbers, heads, truncated: false };
  }
  return { numbers: numbers.slice(0, MAX_OPEN_PRS), heads, truncated: true };
}
