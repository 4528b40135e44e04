/**
 * A policy file's history on a repository's default branch, with the file's text after each
 * commit that changed it, for judging each merge by the policy in force when it merged. Read
 * once per repository (and once for the org's `.github` repository): a page of 50 versions per
 * query, newest first, returned oldest first.
 */

import type { PolicyHistory, PolicyVersion } from '../../audit/model.js';
import { errorStatus, nextCursor, type GitHubClient } from '../client.js';
import { POLICY_HISTORY_QUERY, type PolicyHistoryAnswer } from '../queries/audit.js';
import { auditQuery, type OnRequest } from './requests.js';
import { isPresent } from './to-facts.js';

/** Pages of history read at most (2,500 versions); a longer history is marked incomplete. */
export const MAX_HISTORY_PAGES = 50;

export interface PolicyHistoryOptions {
  onRequest?: OnRequest;
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
  const full = `${owner}/${repo}`;
  const what = `the history of ${path} in ${full}`;
  const newestFirst: PolicyVersion[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < MAX_HISTORY_PAGES; page++) {
    let answer: PolicyHistoryAnswer;
    try {
      answer = await auditQuery<PolicyHistoryAnswer>(
        gh,
        what,
        POLICY_HISTORY_QUERY,
        { owner, repo, path, cursor },
        options.onRequest,
      );
    } catch (err) {
      if (page === 0 && repositoryNotFound(err)) {
        return { repository: full, path, versions: [], complete: true };
      }
      throw err;
    }
    const branch = answer?.repository?.defaultBranchRef;
    if (answer?.repository && !branch) {
      return { repository: full, path, versions: [], complete: true };
    }
    const history = branch?.target?.history;
    if (!history) throw new Error(`could not read ${what}: GitHub gave no history`);
    for (const c of (history.nodes ?? []).filter(isPresent)) {
      const obj = c.file?.object ?? null;
      const version: PolicyVersion = { commit: c.oid, committedAt: c.committedDate, text: null };
      if (c.file) {
        if (obj?.__typename === 'Blob' && typeof obj.text === 'string' && !obj.isTruncated) {
          version.text = obj.text;
        } else {
          version.unreadable =
            obj?.__typename !== 'Blob'
              ? `${path} is not a file at ${c.oid.slice(0, 7)}`
              : obj.isBinary
                ? `${path} is binary at ${c.oid.slice(0, 7)}`
                : `GitHub gave only part of ${path} at ${c.oid.slice(0, 7)}`;
        }
      }
      newestFirst.push(version);
    }
    if (!history.pageInfo.hasNextPage) {
      return { repository: full, path, versions: newestFirst.reverse(), complete: true };
    }
    cursor = nextCursor(what, history.pageInfo, cursor);
  }
  return { repository: full, path, versions: newestFirst.reverse(), complete: false };
}

/** GitHub's NOT_FOUND on the repository itself (as Octokit throws it, wrapped by `reading`). */
function repositoryNotFound(err: unknown): boolean {
  const cause = (err as { cause?: unknown })?.cause ?? err;
  if (errorStatus(cause) === 404) return true;
  const errors = (cause as { errors?: unknown })?.errors;
  return (
    Array.isArray(errors) &&
    errors.length > 0 &&
    errors.every(
      (e: { type?: unknown; path?: unknown }) =>
        e?.type === 'NOT_FOUND' && Array.isArray(e.path) && e.path[0] === 'repository',
    )
  );
}
