/**
 * A pull request's commits in full: GitHub's list of them stops at 250, so past that (or when the
 * list did not add up) the range `base...head` is walked with the compare endpoint, and the commits
 * the list did not hold are read by sha. Co-authors past a commit's first page are read last.
 */
import type { CommitFact } from '../../model/facts.js';
import { PR_COMMITS_CAP } from '../../model/github.js';
import { PAGE_CONCURRENCY, fail, mapBounded, nextCursor, reading } from '../client.js';
import { PAGE_SIZE } from '../queries/common.js';
import {
  commitAuthorsQuery,
  commitsByOidQuery,
  type CommitObjectsAnswer,
  type RawCommit,
} from '../queries/commits.js';
import type { PullRequestAt } from './first-query.js';
import type { PullRequestLists } from './lists.js';
import { commitState, isPresent, toCommitFact, toIdentity, type CommitState } from './raw.js';

/** The most commits the adapter will walk when GitHub's PR list stops early. */
export const MAX_COMMIT_WALK = 10_000;

/**
 * The commits of `base...head`, in order, from the PR's list when it holds all `total` of them;
 * complete only when none is missing.
 */
export async function completeCommits(
  at: PullRequestAt,
  lists: PullRequestLists,
  { total, base, head }: { total: number; base: string; head: string },
): Promise<{ commits: CommitFact[]; complete: boolean }> {
  const known = new Map(lists.commits);
  let order = lists.commitOrder;
  let complete = !lists.pages.commits.hasNextPage && known.size >= total;
  if (!complete || known.size >= PR_COMMITS_CAP) {
    const walk = await walkCommitRange(at, base, head);
    complete = walk.complete;
    if (walk.complete) {
      const missing = walk.shas.filter((sha) => !known.has(sha));
      for (const c of await readCommitsByOid(at, missing)) known.set(c.oid, commitState(c));
      order = walk.shas;
    }
  }
  const states = order.map((sha) => known.get(sha)!);
  await readMoreCoAuthors(at, states);
  return { commits: states.map(toCommitFact), complete };
}

/**
 * Lists every commit of `base...head` (what the PR contains) with the compare endpoint, 100 a
 * page, in order. Complete only when every commit GitHub counts was listed and the range is within
 * {@link MAX_COMMIT_WALK}.
 */
async function walkCommitRange(
  at: PullRequestAt,
  base: string,
  head: string,
): Promise<{ complete: boolean; shas: string[] }> {
  const what = `commits of ${at.ref}`;
  const shas: string[] = [];
  const seen = new Set<string>();
  const readPage = async (page: number) => {
    const res = await reading(what, () =>
      at.gh.request('GET /repos/{owner}/{repo}/compare/{basehead}', {
        owner: at.owner,
        repo: at.repo,
        basehead: `${base}...${head}`,
        per_page: PAGE_SIZE,
        page,
      }),
    );
    const data = res.data as { total_commits?: unknown; commits?: { sha: string }[] };
    if (typeof data?.total_commits !== 'number' || !Array.isArray(data.commits)) {
      fail(what, 'the compare answer has no commit list');
    }
    return { total: data.total_commits, commits: data.commits };
  };
  const add = (commits: { sha: string }[]) => {
    for (const c of commits) {
      if (c?.sha && !seen.has(c.sha)) {
        seen.add(c.sha);
        shas.push(c.sha);
      }
    }
  };
  // The first page says how many commits there are; the others are then read by number, a few
  // at once, and taken in page order.
  const first = await readPage(1);
  const total = first.total;
  if (total > MAX_COMMIT_WALK) return { complete: false, shas };
  add(first.commits);
  if (shas.length < total && first.commits.length >= PAGE_SIZE) {
    const rest = Array.from({ length: Math.ceil(total / PAGE_SIZE) - 1 }, (_, i) => i + 2);
    const pages = await mapBounded(rest, PAGE_CONCURRENCY, readPage);
    for (const p of pages) add(p.commits);
  }
  return { complete: shas.length === total, shas };
}

/** Reads commits by sha, 100 a query. */
async function readCommitsByOid(at: PullRequestAt, shas: string[]): Promise<RawCommit[]> {
  const what = `commits of ${at.ref}`;
  const out: RawCommit[] = [];
  for (let start = 0; start < shas.length; start += PAGE_SIZE) {
    const batch = shas.slice(start, start + PAGE_SIZE);
    const vars: Record<string, unknown> = { owner: at.owner, repo: at.repo };
    batch.forEach((sha, i) => (vars[`o${i}`] = sha));
    const answer = await reading(what, () =>
      at.gh.graphql<CommitObjectsAnswer>(commitsByOidQuery(batch.length), vars),
    );
    batch.forEach((sha, i) => {
      const c = answer?.repository?.[`c${i}`];
      if (
        !c ||
        c.__typename !== 'Commit' ||
        !c.oid ||
        typeof c.message !== 'string' ||
        !c.authors
      ) {
        fail(what, `commit ${sha} was not found`);
      }
      out.push(c as RawCommit);
    });
  }
  return out;
}

/** Reads further pages of co-authors for every commit that has them, batched 100 commits a query. */
async function readMoreCoAuthors(at: PullRequestAt, states: CommitState[]): Promise<void> {
  const what = `commit authors of ${at.ref}`;
  for (;;) {
    const pending = states.filter((s) => s.authorsPage.hasNextPage);
    if (pending.length === 0) return;
    for (let start = 0; start < pending.length; start += PAGE_SIZE) {
      const batch = pending.slice(start, start + PAGE_SIZE);
      const vars: Record<string, unknown> = { owner: at.owner, repo: at.repo };
      batch.forEach((s, i) => {
        vars[`o${i}`] = s.raw.oid;
        vars[`a${i}`] = nextCursor(what, s.authorsPage, null);
      });
      const answer = await reading(what, () =>
        at.gh.graphql<CommitObjectsAnswer>(commitAuthorsQuery(batch.length), vars),
      );
      batch.forEach((s, i) => {
        const c = answer?.repository?.[`c${i}`];
        if (!c?.authors) fail(what, `commit ${s.raw.oid} was not found`);
        const previous = s.authorsPage.endCursor;
        s.authors.push(...(c.authors.nodes ?? []).filter(isPresent).map(toIdentity));
        s.authorsPage = c.authors.pageInfo;
        if (s.authorsPage.hasNextPage) nextCursor(what, s.authorsPage, previous);
      });
    }
  }
}
