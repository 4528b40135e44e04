/**
 * The fixtures the tests share: the project's root, the usual org (`acme`, its payments seniors,
 * a developer, the `payments-api` repository) and its policy, and an AI tool's co-author line.
 */
import { resolve } from 'node:path';
import type { FakeGitHubState } from '../../src/fake-github/state.js';
import { POLICY_PATH } from '../../src/model/names.js';

/** The project's root folder. */
export const ROOT = resolve(import.meta.dirname, '../..');

export const ORG = 'acme';
export const REPO = 'acme/payments-api';
export const SENIORS = ['sam-senior', 'pat-senior'];
export const DEVELOPER = 'dana-dev';

/** Claude as a co-author, the way Claude Code signs a commit. */
export const CLAUDE = { name: 'Claude', email: 'noreply@anthropic.com' };

/** The payments policy: `approvals` from the payments seniors on `services/payments/**`. */
export function paymentsPolicy(approvals = 1, extra = ''): string {
  return `version: 1
critical_paths:
  - name: payments
    paths: ["services/payments/**"]
    approvals: ${approvals}
    reviewers:
      teams: [payments-seniors]
${extra}`;
}

/** Policy lines: overrides by the label `ai-governance-override`, for the incident commanders. */
export const INCIDENT_OVERRIDE = `override:
  label: ai-governance-override
  teams: [incident-commanders]
`;

/**
 * Policy lines for what the app does on an AI-assisted PR: the `ai-assisted` label, the audit
 * comment, and review requests only when `requestReviews`.
 */
export function labelAndComment(requestReviews = false): string {
  return `actions:
  label: ai-assisted
  comment: true
  request_reviews: ${requestReviews}
`;
}

/**
 * The usual org in `state`: `acme` with the team `payments-seniors` ({@link SENIORS}), the
 * developer {@link DEVELOPER} as a member, and {@link REPO} with `policy` on its default branch
 * (none when `null`).
 */
export function addPaymentsOrg(
  state: FakeGitHubState,
  policy: string | null = paymentsPolicy(),
): void {
  state.addOrg(ORG);
  state.addTeam(ORG, 'payments-seniors', SENIORS);
  state.addOrgMember(ORG, DEVELOPER);
  state.addRepo({
    owner: ORG,
    name: 'payments-api',
    files: { ...(policy === null ? {} : { [POLICY_PATH]: policy }), 'README.md': '# Payments\n' },
  });
}

/** An AI-assisted pull request by {@link DEVELOPER} on the payments path; returns its number. */
export function openAiPullRequest(
  state: FakeGitHubState,
  files: string[] = ['services/payments/refunds.ts'],
  repo = REPO,
): number {
  return state.openPullRequest(repo, {
    author: DEVELOPER,
    title: 'Retry failed refunds',
    commits: [{ message: 'Retry failed refunds', coAuthors: [CLAUDE] }],
    files,
  }).number;
}

/** A human pull request by {@link DEVELOPER} (no AI evidence), on `files`; returns its number. */
export function openHumanPullRequest(
  state: FakeGitHubState,
  files: string[] = ['README.md'],
  repo = REPO,
): number {
  return state.openPullRequest(repo, {
    author: DEVELOPER,
    title: 'Docs',
    commits: [{ message: 'Docs' }],
    files,
  }).number;
}

/**
 * A plain repository, `acme/api` (no policy), with one human pull request, #1, by `dana`: what
 * the tests of GitHub's deliveries send events about. Returns the repository's full name.
 */
export function addApiRepoWithPullRequest(state: FakeGitHubState): string {
  state.addOrg(ORG);
  state.addUser('dana');
  state.addRepo({ owner: ORG, name: 'api', files: { 'README.md': '# api\n' } });
  state.openPullRequest(`${ORG}/api`, {
    author: 'dana',
    title: 'Change',
    commits: [{ message: 'Change' }],
    files: ['src/a.ts'],
  });
  return `${ORG}/api`;
}
