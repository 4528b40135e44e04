import type {
  LabelEventFact,
  MergedHeadCheck,
  MergedPullRequestFacts,
  PolicyHistory,
  PolicyVersion,
  AuditContext,
} from '../../src/audit/model.js';
import type { Actor } from '../../src/model/facts.js';
import { facts, user } from '../evaluate/builders.js';
import { paymentsPolicy } from '../support/fixtures.js';

export {
  HEAD,
  OLD,
  CLAUDE_MSG,
  approvals,
  bot,
  commit,
  review,
  user,
} from '../evaluate/builders.js';

export const MERGED_AT = '2026-11-20T12:00:00Z';
export const MERGE_SHA = 'feed000000000000000000000000000000000001';
export const APP_SLUG = 'ai-governance';

/** Two approvals from the payments seniors for AI-assisted payments changes; commanders override. */
export const POLICY_V2 = paymentsPolicy(
  2,
  'override:\n  label: ai-governance-override\n  teams: [incident-commanders]\n',
);

/** The older policy: one approval from dana or erin for payments, and no override. */
export const POLICY_V1 = `version: 1
critical_paths:
  - name: payments
    paths: ['services/payments/**']
    approvals: 1
    reviewers:
      users: [dana, erin]
`;

export function version(commit: string, committedAt: string, text: string | null): PolicyVersion {
  return { commit, committedAt, text };
}

export function history(
  repository: string,
  versions: PolicyVersion[],
  complete = true,
): PolicyHistory {
  return { repository, path: '.github/ai-governance.yml', versions, complete };
}

export function appCheck(over: Partial<MergedHeadCheck> = {}): MergedHeadCheck {
  return {
    name: 'AI Governance',
    appSlug: APP_SLUG,
    status: 'completed',
    conclusion: 'success',
    title: 'Approved',
    completedAt: '2026-11-20T11:30:00Z',
    ...over,
  };
}

export function labelled(
  name: string,
  by: Actor,
  at: string,
  action: LabelEventFact['action'] = 'added',
  id = `LE_${name}_${at}`,
): LabelEventFact {
  return { id, name, action, actor: by, at };
}

/** An AI-assisted PR by "dev" to acme/api touching a payments file, merged at MERGED_AT. */
export function merged(over: Partial<MergedPullRequestFacts> = {}): MergedPullRequestFacts {
  return {
    ...facts(),
    repository: 'acme/api',
    number: 7,
    url: 'https://github.com/acme/api/pull/7',
    createdAt: '2026-11-19T09:00:00Z',
    readyForReviewAt: '2026-11-19T09:00:00Z',
    mergedAt: MERGED_AT,
    mergedBy: user('lead'),
    mergeCommitSha: MERGE_SHA,
    labelEvents: [],
    labelEventsComplete: true,
    reviewsComplete: true,
    headChecks: [appCheck()],
    ...over,
  };
}

/** The repository's policy is POLICY_V2 since November 1st; no org policy. */
export function context(over: Partial<AuditContext> = {}): AuditContext {
  return {
    repoPolicy: history('acme/api', [version('p2', '2026-11-01T00:00:00Z', POLICY_V2)]),
    orgPolicy: history('acme/.github', []),
    teams: {
      'payments-seniors': ['alice', 'bob', 'carol'],
      'incident-commanders': ['ivy'],
    },
    appSlug: APP_SLUG,
    ...over,
  };
}
