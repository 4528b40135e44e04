import { COMMENT_MARKER } from '../model/names.js';
import { PAGE_MAX } from '../model/github.js';
import type { GitHubClient } from './client.js';

export interface ExistingComment {
  id: number;
  body: string;
}

interface RestComment {
  id: number | bigint;
  body?: string | null;
  user?: { login: string; type: string } | null;
  performed_via_github_app?: { id: number } | null;
}

/** At most this many pages of comments are searched for the audit comment (100 a page). */
export const MAX_COMMENT_PAGES = 30;

/**
 * The app's audit comment on a PR: the first comment that starts with the marker AND was written by
 * this app. Anyone can paste the marker into a comment of their own; only the author proves it.
 */
export function pickAuditComment(
  comments: readonly RestComment[],
  app: { id: number; botLogin: string },
): ExistingComment | null {
  for (const c of comments) {
    const body = c.body ?? '';
    if (!body.startsWith(COMMENT_MARKER)) continue;
    const byApp =
      c.performed_via_github_app?.id === app.id ||
      (c.user?.type === 'Bot' && c.user.login.toLowerCase() === app.botLogin.toLowerCase());
    if (byApp) return { id: Number(c.id), body };
  }
  return null;
}

export async function findAuditComment(
  gh: GitHubClient,
  owner: string,
  repo: string,
  number: number,
  app: { id: number; botLogin: string },
): Promise<ExistingComment | null> {
  for (let page = 1; page <= MAX_COMMENT_PAGES; page++) {
    const { data } = await gh.request('GET /repos/{owner}/{repo}/issues/{issue_number}/comments', {
      owner,
      repo,
      issue_number: number,
      per_page: PAGE_MAX,
      page,
    });
    const comments: RestComment[] = data;
    const found = pickAuditComment(comments, app);
    if (found) return found;
    if (comments.length < PAGE_MAX) return null;
  }
  // Not found within the bound: writing a second comment is better than failing the check.
  return null;
}

/** One audit comment per PR: created once, edited in place, untouched when the text is the same. */
export async function upsertAuditComment(
  gh: GitHubClient,
  owner: string,
  repo: string,
  number: number,
  existing: ExistingComment | null,
  body: string,
): Promise<'created' | 'updated' | 'unchanged'> {
  if (existing) {
    if (existing.body === body) return 'unchanged';
    await gh.request('PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}', {
      owner,
      repo,
      comment_id: existing.id,
      body,
    });
    return 'updated';
  }
  await gh.request('POST /repos/{owner}/{repo}/issues/{issue_number}/comments', {
    owner,
    repo,
    issue_number: number,
    body,
  });
  return 'created';
}
