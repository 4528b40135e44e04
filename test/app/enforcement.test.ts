/**
 * Report-only mode (`enforcement: evaluate`): the app judges and writes as under `enforce`, but
 * the check concludes `neutral` with what enforcement would have done; errors still fail; the
 * label and review requests follow `actions.while_evaluating`; the mode comes from the default
 * branch only.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  CLAUDE_TRAILER,
  FakeGitHub,
  OWNER,
  PAYMENTS_POLICY,
  POLICY_PATH,
  REPO,
  TEAMS,
  aiPaymentsPr,
  finish,
  plain,
  pullRequest,
  pullRequestEvent,
  sha,
  startApp,
  type TestApp,
} from './helpers.js';

const R = `/repos/${OWNER}/${REPO}`;
const EVALUATE_POLICY = `${PAYMENTS_POLICY}enforcement: evaluate\n`;
let gh: FakeGitHub;
let app: TestApp;

beforeEach(async () => {
  app = await startApp();
});

afterEach(() => finish(gh));

function auditEvent(): Record<string, unknown> {
  const events = app.logs.filter(
    (l) => (l as Record<string, unknown>).audit === 'ai-governance.evaluation',
  );
  expect(events).toHaveLength(1);
  return events[0] as Record<string, unknown>;
}

describe('enforcement: evaluate', () => {
  it('concludes neutral, says what enforcement would need, and asks nobody for anything', async () => {
    const pr = aiPaymentsPr(7);
    gh = new FakeGitHub({ policyText: EVALUATE_POLICY, teams: TEAMS, prs: [pr] });
    await app.receive('pull_request', pullRequestEvent('opened', pr));

    const check = gh.one('POST', `${R}/check-runs`).body;
    expect(check.conclusion).toBe('neutral');
    expect(check.output.title).toBe('Would need 2 approvals from @acme/payments-seniors');
    expect(plain(check.output.summary)).toContain(
      'decided in report-only mode (`enforcement: evaluate`): nothing is held',
    );
    // The audit comment is written and says which mode decided; no label, no review request.
    expect(gh.writeCalls()).toEqual([`POST ${R}/check-runs`, `POST ${R}/issues/7/comments`]);
    const comment = plain(gh.one('POST', `${R}/issues/7/comments`).body.body);
    expect(comment).toContain('report-only mode');
    expect(comment).toContain('⏳ approval required (report only)');
    const event = auditEvent();
    expect(event.enforcement).toBe('evaluate');
    expect(event.outcome).toBe('approval_required');
    expect(app.errors()).toEqual([]);
  });

  it('adds the label and requests reviews when actions.while_evaluating is true', async () => {
    const pr = aiPaymentsPr(7);
    gh = new FakeGitHub({
      policyText: `${EVALUATE_POLICY}actions:\n  while_evaluating: true\n`,
      teams: TEAMS,
      prs: [pr],
    });
    await app.receive('pull_request', pullRequestEvent('opened', pr));

    expect(gh.one('POST', `${R}/check-runs`).body.conclusion).toBe('neutral');
    expect(gh.one('POST', `${R}/issues/7/labels`).body.labels).toEqual(['ai-assisted']);
    expect(gh.one('POST', `${R}/pulls/7/requested_reviewers`).body.team_reviewers).toEqual([
      'payments-seniors',
    ]);
  });

  it('reports a pass as neutral too, saying it would pass', async () => {
    const pr = aiPaymentsPr(7);
    pr.reviews.push(
      { by: 'carol', state: 'APPROVED', commit: pr.headSha },
      { by: 'dave', state: 'APPROVED', commit: pr.headSha },
    );
    gh = new FakeGitHub({ policyText: EVALUATE_POLICY, teams: TEAMS, prs: [pr] });
    await app.receive('pull_request', pullRequestEvent('opened', pr));

    const check = gh.one('POST', `${R}/check-runs`).body;
    expect(check.conclusion).toBe('neutral');
    expect(check.output.title).toBe('Would pass: AI-assisted: approved by @carol, @dave');
    expect(auditEvent().outcome).toBe('pass');
  });

  it('still fails on an invalid policy: report-only never hides that the app could not judge', async () => {
    const pr = aiPaymentsPr(7);
    gh = new FakeGitHub({
      policyText: 'version: 1\nenforcement: evaluate\ncritical_path: []\n',
      teams: TEAMS,
      prs: [pr],
    });
    await app.receive('pull_request', pullRequestEvent('opened', pr));

    const check = gh.one('POST', `${R}/check-runs`).body;
    expect(check.conclusion).toBe('failure');
    expect(check.output.title).toMatch(/^Could not evaluate/);
  });

  it('still fails when GitHub cannot list every changed file', async () => {
    const pr = aiPaymentsPr(7);
    pr.changedFiles = 3500;
    gh = new FakeGitHub({ policyText: EVALUATE_POLICY, teams: TEAMS, prs: [pr] });
    await app.receive('pull_request', pullRequestEvent('opened', pr));

    const check = gh.one('POST', `${R}/check-runs`).body;
    expect(check.conclusion).toBe('failure');
    expect(auditEvent().outcome).toBe('error');
  });

  it('is refused with its position when misspelt', async () => {
    const pr = aiPaymentsPr(7);
    gh = new FakeGitHub({ policyText: 'version: 1\nenforcement: report\n', prs: [pr] });
    await app.receive('pull_request', pullRequestEvent('opened', pr));

    const check = gh.one('POST', `${R}/check-runs`).body;
    expect(check.conclusion).toBe('failure');
    expect(check.output.annotations).toEqual([
      expect.objectContaining({ path: POLICY_PATH, start_line: 2, end_line: 2 }),
    ]);
    expect(plain(check.output.summary)).toContain(
      `${POLICY_PATH}:2:14: \`enforcement\`: \`report\` is not \`evaluate\` or \`enforce\`; write \`evaluate\` or \`enforce\`, in lower case`,
    );
  });
});

describe('enforcement: enforce (the default)', () => {
  it('holds the PR and records the mode', async () => {
    const pr = aiPaymentsPr(7);
    gh = new FakeGitHub({ policyText: PAYMENTS_POLICY, teams: TEAMS, prs: [pr] });
    await app.receive('pull_request', pullRequestEvent('opened', pr));

    const check = gh.one('POST', `${R}/check-runs`).body;
    expect(check.conclusion).toBe('action_required');
    expect(check.output.title).toBe('Needs 2 approvals from @acme/payments-seniors');
    expect(plain(check.output.summary)).toContain('decided in `enforce` mode');
    expect(auditEvent().enforcement).toBe('enforce');
  });
});

describe('a pull request cannot switch itself to report-only', () => {
  it('that sets enforcement: evaluate in its own policy file is held by the default branch’s policy', async () => {
    const pr = pullRequest(9, {
      files: [POLICY_PATH, 'services/payments/refund.ts'],
      commits: [{ sha: sha('pr-9-head'), message: `Report only for now\n\n${CLAUDE_TRAILER}\n` }],
    });
    // The PR's branch holds the report-only policy; the app reads the default branch (HEAD).
    gh = new FakeGitHub({
      policyText: PAYMENTS_POLICY,
      contents: { [`${OWNER}/${REPO}:${POLICY_PATH}`]: EVALUATE_POLICY },
      teams: TEAMS,
      prs: [pr],
    });
    await app.receive('pull_request', pullRequestEvent('opened', pr));

    expect(gh.requests[0]!.body.variables.policyExpression).toBe(`HEAD:${POLICY_PATH}`);
    const check = gh.one('POST', `${R}/check-runs`).body;
    expect(check.conclusion).toBe('action_required');
    expect(check.output.title).toMatch(/^Needs 3 approvals/);
    expect(plain(check.output.summary)).toContain('Ask @acme/platform-leads for 1 approval');
    expect(auditEvent().enforcement).toBe('enforce');
  });

  it('that adds a repository file switching an org policy to evaluate is still judged by the org policy', async () => {
    // The repository has no policy on its default branch; the PR adds one. The org's applies.
    const pr = pullRequest(11, {
      files: [{ path: POLICY_PATH, changeType: 'ADDED' }, 'services/payments/refund.ts'],
      commits: [{ sha: sha('pr-11-head'), message: `Add a local policy\n\n${CLAUDE_TRAILER}\n` }],
    });
    gh = new FakeGitHub({
      policyText: null,
      contents: { [`${OWNER}/.github:${POLICY_PATH}`]: PAYMENTS_POLICY },
      teams: TEAMS,
      prs: [pr],
    });
    await app.receive('pull_request', pullRequestEvent('opened', pr));

    const check = gh.one('POST', `${R}/check-runs`).body;
    expect(check.conclusion).toBe('action_required');
    expect(auditEvent().enforcement).toBe('enforce');
  });
});
