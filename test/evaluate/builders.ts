import type {
  Actor,
  CommitFact,
  PullRequestFacts,
  ReviewFact,
  ReviewState,
} from '../../src/model/facts.js';
import type { CriticalRule, DetectionSettings, Policy } from '../../src/model/policy.js';

export const HEAD = 'c0ffee0000000000000000000000000000000003';
export const OLD = 'c0ffee0000000000000000000000000000000002';

export function user(login: string): Actor {
  return { login, type: 'User' };
}

export function bot(login: string): Actor {
  return { login, type: 'Bot' };
}

/** The bots whose pull requests detection ignores unless a policy says otherwise. */
export const IGNORED_BOTS = [
  'dependabot[bot]',
  'renovate[bot]',
  'github-actions[bot]',
  'pre-commit-ci[bot]',
];

/** The documented detection defaults, with the given changes. */
export function detection(over: Partial<DetectionSettings> = {}): DetectionSettings {
  return {
    builtin: true,
    trailers: [],
    co_authors: [],
    labels: [],
    authors: [],
    ignore_authors: [...IGNORED_BOTS],
    body_markers: [],
    ...over,
  };
}

/** A policy with the documented defaults (what `version: 1` alone means) and the given changes. */
export function policy(over: Partial<Policy> = {}): Policy {
  return {
    version: 1,
    enforcement: 'enforce',
    detection: detection(),
    critical_paths: [],
    ai_default: { approvals: 0, reviewers: { teams: [], users: [] } },
    apply_to_human_prs: false,
    approval: { latest_push_only: true, changes_requested_blocks: true, allow_contributors: false },
    override: null,
    policy_file: { approvals: 1, reviewers: { teams: [], users: [] } },
    actions: {
      label: 'ai-assisted',
      request_reviews: true,
      comment: true,
      while_evaluating: false,
    },
    floor: { enforcement: false, detection: false, approval: false, override: false },
    ...over,
  };
}

export function rule(over: Partial<CriticalRule> = {}): CriticalRule {
  return {
    name: 'payments',
    paths: ['services/payments/**'],
    exclude: [],
    approvals: 2,
    reviewers: { teams: ['payments-seniors'], users: [] },
    floor: false,
    ...over,
  };
}

export function commit(sha: string, message: string, author = 'dev'): CommitFact {
  return {
    sha,
    message,
    authors: [{ name: author, email: `${author}@example.com`, login: author }],
    committer: { name: author, email: `${author}@example.com`, login: author },
  };
}

export const CLAUDE_MSG =
  'Fix rounding in refunds\n\nCo-Authored-By: Claude <noreply@anthropic.com>\n';

export function review(
  login: string,
  state: ReviewState,
  commitId = HEAD,
  at = '2026-11-20T10:00:00Z',
  actor: Actor = user(login),
  authorCanPush: boolean | null = true,
): ReviewFact {
  return { id: `${login}-${at}`, user: actor, state, commitId, submittedAt: at, authorCanPush };
}

/** An approval of the head commit from each of `logins`. */
export function approvals(...logins: string[]): ReviewFact[] {
  return logins.map((login) => review(login, 'APPROVED'));
}

/** An AI-assisted PR by "dev" touching a payments file, with no reviews yet. */
export function facts(over: Partial<PullRequestFacts> = {}): PullRequestFacts {
  return {
    repository: 'acme/api',
    number: 7,
    title: 'Fix refunds',
    body: '',
    author: user('dev'),
    headRef: 'fix-refunds',
    headSha: HEAD,
    baseRef: 'main',
    commits: [commit(HEAD, CLAUDE_MSG)],
    commitsComplete: true,
    files: [{ path: 'services/payments/refund.ts' }],
    filesComplete: true,
    labels: [],
    reviews: [],
    teams: { 'payments-seniors': ['alice', 'bob', 'carol'] },
    ...over,
  };
}
