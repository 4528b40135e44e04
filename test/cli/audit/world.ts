/**
 * A generated organisation of known ground truth for `ai-governance audit`: every class of record
 * occurs, with the awkward cases the audit must get right (a merge that went around the check, a
 * pull request judged by an older policy than today's, one with more files than GitHub lists, an
 * override, a renamed critical file, a repository without a policy of its own).
 */
import { mergePullRequest } from '../../../src/fake-github/merged.js';
import type { FakeGitHubState } from '../../../src/fake-github/state.js';
import type { FileSpec } from '../../../src/fake-github/model.js';
import { POLICY_PATH } from '../../../src/model/names.js';
import { recordBlock } from '../../../src/render/record.js';
import { newFakeState } from '../../support/app-on-fake.js';
import { CLAUDE, INCIDENT_OVERRIDE, paymentsPolicy } from '../../support/fixtures.js';

export const ORG = 'acme';
export const PAY = `${ORG}/payments`;
export const WEB = `${ORG}/web`;
/** The window the tests audit, and the clock the command is given. */
export const SINCE = '2026-09-01';
export const UNTIL = '2026-11-30';
export const NOW = new Date('2026-12-01T00:00:00Z');

/** One approval from the payments seniors; overrides by the incident commanders. */
export const POLICY_V1 = paymentsPolicy(1, INCIDENT_OVERRIDE);
/** Today's policy (from 2026-10-15 on): two approvals. */
export const POLICY_V2 = POLICY_V1.replace('approvals: 1', 'approvals: 2');
/** The org default, from 2026-11-15 on: the web app's checkout is critical. */
export const ORG_POLICY = `version: 1
critical_paths:
  - name: checkout
    paths: ["app/checkout/**"]
    approvals: 1
    reviewers:
      teams: [web-seniors]
`;

const APP_CHECK = 'AI Governance';

export interface World {
  state: FakeGitHubState;
  /** The pull requests by role (numbers in their repository). */
  pr: {
    compliant: number;
    olderPolicy: number;
    bypassed: number;
    overridden: number;
    renamed: number;
    huge: number;
    human: number;
    docs: number;
    webBefore: number;
    webAfter: number;
  };
  /** The commits that wrote each version of the payments policy. */
  policyCommits: { v1: string; v2: string; org: string };
}

export function buildWorld(): World {
  const s = newFakeState({ start: '2026-08-01T09:00:00Z' });
  s.addOrg(ORG);
  s.addUser('dana', { name: 'Dana Dev' });
  s.addUser('lee', { name: 'Lee Park' });
  s.addUser('merger', { name: 'Release Manager' });
  s.addUser('outsider');
  s.addUser('acme-ai-reviewer[bot]', { type: 'Bot' });
  s.addTeam(ORG, 'payments-seniors', ['sam', 'sue']);
  s.addTeam(ORG, 'incident-commanders', ['ines']);
  s.addTeam(ORG, 'web-seniors', ['wes']);
  s.addOrgMember(ORG, 'dana', 'lee', 'merger');
  s.addRepo({ owner: ORG, name: '.github', files: { 'README.md': 'org profile\n' } });
  s.addRepo({
    owner: ORG,
    name: 'payments',
    files: { 'README.md': '# Payments\n', [POLICY_PATH]: POLICY_V1 },
  });
  s.addRepo({ owner: ORG, name: 'web', files: { 'README.md': '# Web\n' } });
  s.setPermission(PAY, 'outsider', 'read');
  const v1 = s.repo(PAY)!.branches.get('main')!;

  const at = (iso: string) => s.advanceClock(iso);
  const open = (
    repo: string,
    title: string,
    files: FileSpec[],
    opts: { ai?: boolean; author?: string } = {},
  ) => {
    const pr = s.openPullRequest(repo, {
      author: opts.author ?? 'dana',
      title,
      commits: [{ message: title, ...(opts.ai === false ? {} : { coAuthors: [CLAUDE] }) }],
      files,
    });
    return pr;
  };
  /** The app's check on a head, ending with its record of the head, as the app writes it. */
  const appCheck = (repo: string, headSha: string, conclusion: string, title: string) =>
    s.createCheckRun(repo, {
      name: APP_CHECK,
      headSha,
      status: 'completed',
      conclusion,
      completedAt: s.now(),
      output: {
        title,
        summary: title,
        text: recordBlock({
          pr: s.pullsWithCommit(s.requireRepo(repo), headSha)[0]!.number,
          head: headSha,
          overrideAtFirstSight: null,
          evidence: [],
        }),
      } as never,
      annotations: [],
      actions: [],
      appId: s.app.id,
      externalId: '',
      detailsUrl: null,
    });
  const merge = (repo: string, n: number) => mergePullRequest(s, repo, n, { by: 'merger' });

  // Before the window: merged in August, never in the report.
  at('2026-08-20T10:00:00Z');
  const early = open(PAY, 'Old refund fix', ['services/payments/old-fix.ts']);
  s.submitReview(PAY, early.number, { user: 'sam' });
  merge(PAY, early.number);

  // Compliant under v1: AI-assisted, payments, one senior on the head, the check passed.
  at('2026-09-10T10:00:00Z');
  const olderPolicy = open(PAY, 'Retry refunds', ['services/payments/refunds.ts']);
  s.submitReview(PAY, olderPolicy.number, { user: 'sam' });
  appCheck(PAY, olderPolicy.headSha, 'success', 'AI-assisted: approved by @sam');
  merge(PAY, olderPolicy.number);

  // The web repository, before any policy: judged by the built-in defaults.
  at('2026-10-10T10:00:00Z');
  const webBefore = open(WEB, 'Checkout button', ['app/checkout/button.tsx']);
  merge(WEB, webBefore.number);

  // Today's policy: two approvals, from 2026-10-15.
  at('2026-10-15T09:00:00Z');
  const v2 = s.setDefaultBranchFile(PAY, POLICY_PATH, POLICY_V2);

  // Compliant under v2: two seniors on the head.
  at('2026-10-20T10:00:00Z');
  const compliant = open(PAY, 'Refund ledger', ['services/payments/ledger.ts']);
  s.submitReview(PAY, compliant.number, { user: 'sam' });
  s.submitReview(PAY, compliant.number, { user: 'sue' });
  appCheck(PAY, compliant.headSha, 'success', 'AI-assisted: approved by @sam, @sue');
  merge(PAY, compliant.number);

  // Merged around a failing check: sue approved a commit since replaced, an outsider without
  // write access and a bot approved; nobody counts.
  at('2026-11-01T10:00:00Z');
  const bypassed = open(PAY, 'Skip fraud check for refunds', ['services/payments/fraud.ts']);
  s.submitReview(PAY, bypassed.number, { user: 'sue' });
  const headNow = s.pushCommits(PAY, bypassed.number, [{ message: 'More', coAuthors: [CLAUDE] }], {
    files: ['services/payments/fraud.ts'],
  });
  s.submitReview(PAY, bypassed.number, { user: 'outsider' });
  s.submitReview(PAY, bypassed.number, { user: 'acme-ai-reviewer[bot]' });
  appCheck(PAY, headNow, 'failure', 'AI-assisted: needs 2 approvals from @acme/payments-seniors');
  merge(PAY, bypassed.number);

  // Overridden by the incident commander, no approval.
  at('2026-11-05T10:00:00Z');
  const overridden = open(PAY, 'Hotfix payouts', ['services/payments/payouts.ts']);
  appCheck(PAY, overridden.headSha, 'action_required', 'AI-assisted: needs 2 approvals');
  s.addLabel(PAY, overridden.number, 'ai-governance-override', 'ines');
  appCheck(PAY, overridden.headSha, 'success', 'Overridden by @ines');
  merge(PAY, overridden.number);

  // A critical file renamed out of the critical path: the old path still makes it critical.
  at('2026-11-08T10:00:00Z');
  const renamed = open(PAY, 'Move the card vault', [
    { path: 'lib/vault.ts', previousPath: 'services/payments/vault.ts', changeType: 'RENAMED' },
  ]);
  s.submitReview(PAY, renamed.number, { user: 'sam' });
  s.submitReview(PAY, renamed.number, { user: 'sue' });
  appCheck(PAY, renamed.headSha, 'success', 'AI-assisted: approved by @sam, @sue');
  merge(PAY, renamed.number);

  // 3,500 files, of which GitHub lists 3,000: what it changed cannot be known.
  at('2026-11-10T10:00:00Z');
  const huge = open(
    PAY,
    'Regenerate fixtures',
    Array.from({ length: 3500 }, (_, i) => `fixtures/f${i}.json`),
  );
  s.submitReview(PAY, huge.number, { user: 'sam' });
  s.submitReview(PAY, huge.number, { user: 'sue' });
  merge(PAY, huge.number);

  // A human change to payments, and an AI change to the docs.
  at('2026-11-12T10:00:00Z');
  const human = open(PAY, 'Tidy refunds', ['services/payments/refunds.ts'], {
    ai: false,
    author: 'lee',
  });
  merge(PAY, human.number);
  const docs = open(PAY, 'Explain refunds', ['docs/refunds.md']);
  merge(PAY, docs.number);

  // The web repository has no policy of its own; the org default arrives on 2026-11-15.
  at('2026-11-15T09:00:00Z');
  const org = s.setDefaultBranchFile(`${ORG}/.github`, POLICY_PATH, ORG_POLICY);
  at('2026-11-20T10:00:00Z');
  const webAfter = open(WEB, 'Checkout totals', ['app/checkout/totals.tsx']);
  merge(WEB, webAfter.number);

  return {
    state: s,
    pr: {
      compliant: compliant.number,
      olderPolicy: olderPolicy.number,
      bypassed: bypassed.number,
      overridden: overridden.number,
      renamed: renamed.number,
      huge: huge.number,
      human: human.number,
      docs: docs.number,
      webBefore: webBefore.number,
      webAfter: webAfter.number,
    },
    policyCommits: { v1, v2, org },
  };
}

/** A merge made after a first audit run, for the incremental read. */
export function mergeOneMore(w: World, iso: string): number {
  const s = w.state;
  s.advanceClock(iso);
  const pr = s.openPullRequest(PAY, {
    author: 'dana',
    title: 'Refund webhooks',
    commits: [{ message: 'Refund webhooks', coAuthors: [CLAUDE] }],
    files: ['services/payments/webhooks.ts'],
  });
  s.submitReview(PAY, pr.number, { user: 'sam' });
  mergePullRequest(s, PAY, pr.number, { by: 'merger' });
  return pr.number;
}
