/**
 * A policy file's history on a repository's default branch, with the file's text after each
 * commit that changed it, for judging each merge by the policy in force when it merged. Read
 * once per repository: {@link readPolicyHistories} reads the first page (50 versions) of ten
 * repositories' histories in one query, and goes on page by page only for a longer history.
 * Versions are returned oldest first.
 */

import type { PolicyHistory, PolicyVersion } from '../../audit/model.js';
import { errorStatus, nextCursor, type GitHubClient } from '../client.js';
import {
  HISTORY_REPOS,
  POLICY_HISTORY_QUERY,
  policyHistoriesQuery,
  type HistoryCommit,
  type PolicyHistoriesAnswer,
  type PolicyHistoryAnswer,
  type RepositoryHistory,
} from '../queries/audit.js';
import type { PageInfoForward } from '../queries/common.js';
import { auditQuery, type OnRequest } from './requests.js';
import { isPresent } from './to-facts.js';

/** Pages of history read at most (2,500 versions); a longer history is marked incomplete. */
export const MAX_HISTORY_PAGES = 50;

export interface PolicyHistoryOptions {
  onRequest?: OnRequest;
}

function version(path: string, c: HistoryCommit): PolicyVersion {
  const obj = c.file?.object ?? null;
  const out: PolicyVersion = { commit: c.oid, committedAt: c.committedDate, text: null };
  if (!c.file) return out; // the commit deleted the file
  if (obj?.__typename === 'Blob' && typeof obj.text === 'string' && !obj.isTruncated) {
    out.text = obj.text;
  } else {
    const at = c.oid.slice(0, 7);
    out.unreadable =
      obj?.__typename !== 'Blob'
        ? `${path} is not a file at ${at}`
        : obj.isBinary
          ? `${path} is binary at ${at}`
          : `GitHub gave only part of ${path} at ${at}`;
  }
  return out;
}

type Page = { pageInfo: PageInfoForward; nodes: (HistoryCommit | null)[] | null };

/** A repository's history page from its answer; null when it has no default branch. */
function pageOf(repository: RepositoryHistory, what: string): Page | null {
  if (!repository.defaultBranchRef) return null;
  const history = repository.defaultBranchRef.target?.history;
  if (!history) throw new Error(`could not read ${what}: GitHub gave no history`);
  return history;
}

/** The rest of a history from `first` on, page by page; the whole history, oldest first. */
async function finish(
  gh: GitHubClient,
  owner: string,
  repo: string,
  path: string,
  first: Page | null,
  options: PolicyHistoryOptions,
): Promise<PolicyHistory> {
  const repository = `${owner}/${repo}`;
  const what = `the history of ${path} in ${repository}`;
  if (!first) return { repository, path, versions: [], complete: true };
  const newestFirst: PolicyVersion[] = [];
  let page: Page = first;
  let cursor: string | null = null;
  for (let pages = 1; ; pages++) {
    newestFirst.push(...(page.nodes ?? []).filter(isPresent).map((c) => version(path, c)));
    if (!page.pageInfo.hasNextPage) break;
    if (pages >= MAX_HISTORY_PAGES) {
      return { repository, path, versions: newestFirst.reverse(), complete: false };
    }
    cursor = nextCursor(what, page.pageInfo, cursor);
    const answer = await auditQuery<PolicyHistoryAnswer>(
      gh,
      what,
      POLICY_HISTORY_QUERY,
      { owner, repo, path, cursor },
      options.onRequest,
    );
    if (!answer?.repository) throw new Error(`could not read ${what}: the repository is gone`);
    const next = pageOf(answer.repository, what);
    if (!next) throw new Error(`could not read ${what}: the default branch is gone`);
    page = next;
  }
  return { repository, path, versions: newestFirst.reverse(), complete: true };
}

/**
 * The history of `path` on the default branch of `owner/repo`, oldest first. A repository that
 * does not exist (or that the token cannot see: GitHub does not tell them apart) has no versions;
 * so does one without a default branch.
 */
export async function readPolicyHistory(
  gh: GitHubClient,
  owner: string,
  repo: string,
  path: string,
  options: PolicyHistoryOptions = {},
): Promise<PolicyHistory> {
  const what = `the history of ${path} in ${owner}/${repo}`;
  let answer: PolicyHistoryAnswer;
  try {
    answer = await auditQuery<PolicyHistoryAnswer>(
      gh,
      what,
      POLICY_HISTORY_QUERY,
      { owner, repo, path, cursor: null },
      options.onRequest,
    );
  } catch (err) {
    if (notFound(err, (p) => p === 'repository'))
      return finish(gh, owner, repo, path, null, options);
    throw err;
  }
  const first = answer?.repository ? pageOf(answer.repository, what) : null;
  return finish(gh, owner, repo, path, first, options);
}

/**
 * The histories of `path` in several repositories of one owner (the org's `.github` may be one
 * of them), {@link HISTORY_REPOS} a query, by repository name.
 */
export async function readPolicyHistories(
  gh: GitHubClient,
  owner: string,
  repos: readonly string[],
  path: string,
  options: PolicyHistoryOptions = {},
): Promise<Map<string, PolicyHistory>> {
  const out = new Map<string, PolicyHistory>();
  const names = [...new Set(repos)];
  for (let start = 0; start < names.length; start += HISTORY_REPOS) {
    const batch = names.slice(start, start + HISTORY_REPOS);
    const what = `the history of ${path} in ${batch.length} repositories of ${owner}`;
    const vars: Record<string, unknown> = { owner, path };
    batch.forEach((name, i) => (vars[`r${i}`] = name));
    let answer: PolicyHistoriesAnswer;
    try {
      answer = await auditQuery<PolicyHistoriesAnswer>(
        gh,
        what,
        policyHistoriesQuery(batch.length),
        vars,
        options.onRequest,
      );
    } catch (err) {
      // A repository that is not there is a NOT_FOUND on its alias alone; the rest is answered.
      const data = partialData(err);
      if (!data || !notFound(err, (p) => /^r\d+$/.test(p))) throw err;
      answer = data as PolicyHistoriesAnswer;
    }
    for (const [i, name] of batch.entries()) {
      const repository = answer?.[`r${i}`] ?? null;
      const first = repository
        ? pageOf(repository, `the history of ${path} in ${owner}/${name}`)
        : null;
      out.set(name, await finish(gh, owner, name, path, first, options));
    }
  }
  return out;
}

/** The data GitHub gave along with its errors (Octokit keeps it on the error). */
function partialData(err: unknown): unknown {
  const cause = (err as { cause?: unknown })?.cause ?? err;
  const data = (cause as { data?: unknown })?.data;
  return data && typeof data === 'object' ? data : null;
}

/** Every error is GitHub's NOT_FOUND on a top-level field `field` accepts (or an HTTP 404). */
function notFound(err: unknown, field: (name: string) => boolean): boolean {
  const cause = (err as { cause?: unknown })?.cause ?? err;
  if (errorStatus(cause) === 404) return true;
  const errors = (cause as { errors?: unknown })?.errors;
  return (
    Array.isArray(errors) &&
    errors.length > 0 &&
    errors.every(
      (e: { type?: unknown; path?: unknown }) =>
        e?.type === 'NOT_FOUND' &&
        Array.isArray(e.path) &&
        e.path.length === 1 &&
        typeof e.path[0] === 'string' &&
        field(e.path[0]),
    )
  );
}
