/** GitHub's GraphQL answer, turned into the plain facts the core judges. */
import type {
  Actor,
  ActorType,
  CommitFact,
  GitIdentity,
  ReviewFact,
  ReviewState,
} from '../../model/facts.js';
import { fail } from '../client.js';
import type { PageInfoForward, RawActor, RawGitActor } from '../queries/common.js';
import type { RawCommit } from '../queries/commits.js';
import type { RawPolicyObject, RawReview } from '../queries/pull-request.js';

const REVIEW_STATES: ReadonlySet<string> = new Set<ReviewState>([
  'APPROVED',
  'CHANGES_REQUESTED',
  'COMMENTED',
  'DISMISSED',
  'PENDING',
]);

const ACTOR_TYPES: Record<string, ActorType> = {
  User: 'User',
  Bot: 'Bot',
  Organization: 'Organization',
  Mannequin: 'Mannequin',
};

/** GraphQL gives bot logins without the `[bot]` suffix that REST and webhooks use; add it back. */
export function toActor(raw: RawActor | null | undefined): Actor | null {
  if (!raw || typeof raw.login !== 'string' || raw.login === '') return null;
  const type = ACTOR_TYPES[raw.__typename] ?? 'Unknown';
  if (type !== 'Bot' && raw.login.toLowerCase() === 'ghost') return null; // a deleted account
  const login = type === 'Bot' && !raw.login.endsWith('[bot]') ? `${raw.login}[bot]` : raw.login;
  return { login, type };
}

const BOT_NOREPLY = /\[bot\]@users\.noreply\.github\.com$/i;

export function toIdentity(raw: RawGitActor | null | undefined): GitIdentity {
  const name = raw?.name ?? '';
  const email = raw?.email ?? '';
  const login = raw?.user?.login ?? null;
  return { name, email, login, bot: BOT_NOREPLY.test(email) };
}

/** A commit as read so far: its co-authors may come in further pages. */
export interface CommitState {
  raw: RawCommit;
  authors: GitIdentity[];
  authorsPage: PageInfoForward;
}

export function commitState(raw: RawCommit): CommitState {
  return {
    raw,
    authors: (raw.authors?.nodes ?? []).filter(isPresent).map(toIdentity),
    authorsPage: raw.authors?.pageInfo ?? { hasNextPage: false, endCursor: null },
  };
}

export function toCommitFact(c: CommitState): CommitFact {
  return {
    sha: c.raw.oid,
    message: c.raw.message,
    authors: c.authors,
    committer: toIdentity(c.raw.committer),
  };
}

export function toReview(raw: RawReview, what: string): ReviewFact {
  if (!REVIEW_STATES.has(raw.state)) fail(what, `unknown review state "${raw.state}"`);
  return {
    id: raw.databaseId ?? raw.id,
    user: toActor(raw.author),
    state: raw.state as ReviewState,
    commitId: raw.commit?.oid ?? null,
    submittedAt: raw.submittedAt ?? null,
    authorCanPush:
      typeof raw.authorCanPushToRepository === 'boolean' ? raw.authorCanPushToRepository : null,
  };
}

/** A policy file's text from GitHub's answer; truncated when it exists but gave no whole text. */
export function blobText(obj: RawPolicyObject | null | undefined): {
  text: string | null;
  truncated: boolean;
} {
  if (!obj) return { text: null, truncated: false };
  if (obj.__typename === 'Blob' && typeof obj.text === 'string' && obj.isTruncated !== true) {
    return { text: obj.text, truncated: false };
  }
  return { text: null, truncated: true };
}

export function isPresent<T>(x: T | null | undefined): x is T {
  return x !== null && x !== undefined;
}
