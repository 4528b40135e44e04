import { isAiReviewBot, toolForLogin } from '../detect/catalogue.js';
import { loginFromNoreply, parseIdentity } from '../detect/identity.js';
import { commitTrailers } from '../detect/trailers.js';
import type { ApprovalSettings, Reviewers } from '../model/policy.js';
import type { Actor, PullRequestFacts, ReviewFact } from '../model/facts.js';
import type { DiscountedReview } from '../model/verdict.js';

/** A reviewer's standing after all their reviews, in the order GitHub recorded them. */
export interface ReviewerStanding {
  login: string;
  actor: Actor;
  state: 'APPROVED' | 'CHANGES_REQUESTED';
  commitId: string | null;
  /** Whether GitHub says they can push to the repository (null: it did not say). */
  canPush: boolean | null;
  /** They approved earlier and then requested changes. */
  approvedBefore: boolean;
}

/**
 * Each reviewer's latest decision. Comments do not change a decision (as on GitHub); a dismissed
 * review clears it; pending reviews are not submitted and are ignored. Ghost reviewers (deleted
 * accounts) are returned apart, since nobody can vouch for them.
 */
export function reviewerStandings(reviews: readonly ReviewFact[]): {
  standings: ReviewerStanding[];
  ghosts: number;
} {
  const ordered = reviews
    .map((r, i) => ({ r, i }))
    .sort((a, b) => {
      const ta = a.r.submittedAt ?? '';
      const tb = b.r.submittedAt ?? '';
      return ta < tb ? -1 : ta > tb ? 1 : a.i - b.i;
    });
  const byLogin = new Map<string, ReviewerStanding | null>();
  let ghosts = 0;
  for (const { r } of ordered) {
    if (r.state === 'PENDING' || r.state === 'COMMENTED') continue;
    if (!r.user) {
      ghosts += 1;
      continue;
    }
    const login = r.user.login.toLowerCase();
    const prev = byLogin.get(login) ?? null;
    if (r.state === 'DISMISSED') {
      byLogin.set(login, null);
      continue;
    }
    byLogin.set(login, {
      login: r.user.login,
      actor: r.user,
      state: r.state,
      commitId: r.commitId,
      canPush: r.authorCanPush,
      approvedBefore:
        r.state === 'CHANGES_REQUESTED' &&
        (prev?.state === 'APPROVED' || prev?.approvedBefore === true),
    });
  }
  const standings = [...byLogin.values()].filter((s): s is ReviewerStanding => s !== null);
  return { standings, ghosts };
}

/** Lower-case logins of everyone who wrote or co-wrote a commit of the PR. */
export function contributorLogins(facts: Pick<PullRequestFacts, 'commits'>): Set<string> {
  const logins = new Set<string>();
  const addEmail = (email: string) => {
    const login = loginFromNoreply(email);
    if (login) logins.add(login);
  };
  for (const c of facts.commits) {
    for (const a of c.authors) {
      if (a.login) logins.add(a.login.toLowerCase());
      addEmail(a.email);
    }
    if (c.committer.login) logins.add(c.committer.login.toLowerCase());
    addEmail(c.committer.email);
    for (const t of commitTrailers(c.message)) {
      if (t.key.toLowerCase() === 'co-authored-by') addEmail(parseIdentity(t.value).email);
    }
  }
  // GitHub's own committer for web edits and merges is not a person who wrote the change.
  logins.delete('web-flow');
  return logins;
}

export function isBot(actor: Actor): boolean {
  const login = actor.login.toLowerCase();
  return (
    actor.type === 'Bot' ||
    login.endsWith('[bot]') ||
    isAiReviewBot(login) ||
    toolForLogin(login) !== undefined
  );
}

/** Who a requirement lets approve, with team membership as read at evaluation time. */
export type Membership = 'member' | 'not-member' | { unknownTeam: string };

export function membership(
  login: string,
  reviewers: Reviewers,
  teams: PullRequestFacts['teams'],
): Membership {
  const l = login.toLowerCase();
  if (reviewers.teams.length === 0 && reviewers.users.length === 0) return 'member';
  if (reviewers.users.some((u) => u.toLowerCase() === l)) return 'member';
  for (const slug of reviewers.teams) {
    const members = teams[slug.toLowerCase()];
    if (members === undefined || members === null) return { unknownTeam: slug };
    if (members.some((m) => m.toLowerCase() === l)) return 'member';
  }
  return 'not-member';
}

export interface Eligibility {
  prAuthor: string;
  contributors: Set<string>;
  headSha: string;
  settings: ApprovalSettings;
}

/**
 * Why a reviewer's standing cannot count for anyone, or null when it can (subject to the
 * requirement's reviewer list).
 */
export function personalDiscount(s: ReviewerStanding, e: Eligibility): DiscountedReview | null {
  const login = s.login;
  const l = login.toLowerCase();
  if (isBot(s.actor)) {
    return { login, reason: 'bot', detail: `@${login} is a bot; a bot's review never counts` };
  }
  if (l === e.prAuthor.toLowerCase()) {
    return { login, reason: 'pr-author', detail: `@${login} opened this PR and cannot approve it` };
  }
  if (!e.settings.allow_contributors && e.contributors.has(l)) {
    return {
      login,
      reason: 'contributor',
      detail: `@${login} wrote or co-wrote a commit in this PR and cannot approve it`,
    };
  }
  // As on GitHub, a review counts only from someone who can push. When GitHub did not say, an
  // approval does not count and a request for changes still blocks (fail closed both ways).
  if (s.canPush === false || (s.canPush !== true && s.state === 'APPROVED')) {
    return {
      login,
      reason: 'no-write-access',
      detail:
        s.canPush === false
          ? `@${login} cannot push to this repository; only reviews from people with write access count`
          : `GitHub did not say whether @${login} can push to this repository, so the approval does not count`,
    };
  }
  if (s.state === 'APPROVED' && e.settings.latest_push_only && s.commitId !== e.headSha) {
    const on = s.commitId ? s.commitId.slice(0, 7) : 'an unknown commit';
    return {
      login,
      reason: 'stale',
      detail: `@${login} approved ${on}, not the latest commit ${e.headSha.slice(0, 7)}`,
    };
  }
  return null;
}
