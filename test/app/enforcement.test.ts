/**
 * Report-only mode (`enforcement: evaluate`): the app judges and writes as under `enforce`, but
 * the check concludes `neutral` with what enforcement would have done; errors still fail; the
 * label and review requests follow `actions.while_evaluating`; the mode comes from the default
 * branch only.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { FakeGitHubState } from '../../src/fake-github/state.js';
import { pullRequestEvent } from '../../src/fake-github/webhooks.js';
import { plain, type AppOnFake, type LogLine } from '../support/app-on-fake.js';
import { variablesOf, writeCalls } from '../support/requests.js';
import {
  PAYMENTS_POLICY,
  POLICY_PATH,
  R,
  REPO,
  acme,
  headOf,
  openAiPaymentsPr,
  openAiPr,
  setHeadFiles,
  startApp,
  type AcmeOptions,
} from './scenario.js';

const EVALUATE_POLICY = `${PAYMENTS_POLICY}enforcement: evaluate\n`;
let state: FakeGitHubState;
let app: AppOnFake | undefined;

afterEach(async () => {
  await app?.stop();
  app = undefined;
});

/** The AI-assisted payments PR in `acme` (with `options`), opened; its number. */
async function openedAiPr(options: AcmeOptions, before?: (n: number) => void): Promise<number> {
  state = acme(options);
  const n = openAiPaymentsPr(state);
  before?.(n);
  app = await startApp(state);
  await app.deliver(pullRequestEvent(state, REPO, n, 'opened'));
  return n;
}

function auditEvent(): LogLine {
  const events = app!.audits('ai-governance.evaluation');
  expect(events).toHaveLength(1);
  return events[0]!;
}

describe('enforcement: evaluate', () => {
  it('concludes neutral, says what enforcement would need, and asks nobody for anything', async () => {
    const n = await openedAiPr({ policy: EVALUATE_POLICY });

    const check = app!.check(REPO, headOf(state, n));
    expect(check.conclusion).toBe('neutral');
    expect(check.output.title).toBe('Would need 2 approvals from @acme/payments-seniors');
    expect(plain(check.output.summary!)).toContain(
      'decided in report-only mode (`enforcement: evaluate`): nothing is held',
    );
    // The audit comment is written and says which mode decided; no label, no review request.
    expect(writeCalls(app!.fake)).toEqual([
      `POST ${R}/check-runs`,
      `POST ${R}/issues/${n}/comments`,
    ]);
    const comment = plain(app!.comment(REPO, n));
    expect(comment).toContain('report-only mode');
    expect(comment).toContain('⏳ approval required (report only)');
    const event = auditEvent();
    expect(event.enforcement).toBe('evaluate');
    expect(event.outcome).toBe('approval_required');
    expect(app!.errors()).toEqual([]);
  });

  it('adds the label and requests reviews when actions.while_evaluating is true', async () => {
    const n = await openedAiPr({
      policy: `${EVALUATE_POLICY}actions:\n  while_evaluating: true\n`,
    });

    expect(app!.check(REPO, headOf(state, n)).conclusion).toBe('neutral');
    const pr = state.requirePull(REPO, n);
    expect(pr.labels).toEqual(['ai-assisted']);
    expect(pr.requestedReviewers).toEqual([{ type: 'team', slug: 'payments-seniors' }]);
  });

  it('reports a pass as neutral too, saying it would pass', async () => {
    const n = await openedAiPr({ policy: EVALUATE_POLICY }, (number) => {
      state.submitReview(REPO, number, { user: 'carol' });
      state.submitReview(REPO, number, { user: 'dave' });
    });

    const check = app!.check(REPO, headOf(state, n));
    expect(check.conclusion).toBe('neutral');
    expect(check.output.title).toBe('Would pass: AI-assisted: approved by @carol, @dave');
    expect(auditEvent().outcome).toBe('pass');
  });

  it('still fails on an invalid policy: report-only never hides that the app could not judge', async () => {
    const n = await openedAiPr({
      policy: 'version: 1\nenforcement: evaluate\ncritical_path: []\n',
    });

    const check = app!.check(REPO, headOf(state, n));
    expect(check.conclusion).toBe('failure');
    expect(check.output.title).toMatch(/^Could not evaluate/);
  });

  it('still fails when GitHub cannot list every changed file', async () => {
    state = acme({ policy: EVALUATE_POLICY });
    const files = Array.from({ length: 3500 }, (_, i) => `services/payments/gen/file-${i}.ts`);
    const n = openAiPaymentsPr(state, files);
    app = await startApp(state);
    await app.deliver(pullRequestEvent(state, REPO, n, 'opened'));

    const check = app.check(REPO, headOf(state, n));
    expect(check.conclusion).toBe('failure');
    expect(check.output.title).toContain('GitHub listed 3000 of 3500 changed files');
    expect(auditEvent().outcome).toBe('error');
  });

  it('is refused with its position when misspelt', async () => {
    const n = await openedAiPr({ policy: 'version: 1\nenforcement: report\n' });

    const check = app!.check(REPO, headOf(state, n));
    expect(check.conclusion).toBe('failure');
    expect(check.annotations).toEqual([
      expect.objectContaining({ path: POLICY_PATH, start_line: 2, end_line: 2 }),
    ]);
    expect(plain(check.output.summary!)).toContain(
      `${POLICY_PATH}:2:14: \`enforcement\`: \`report\` is not \`evaluate\` or \`enforce\`; write \`evaluate\` or \`enforce\`, in lower case`,
    );
  });
});

describe('enforcement: enforce (the default)', () => {
  it('holds the PR and records the mode', async () => {
    const n = await openedAiPr({});

    const check = app!.check(REPO, headOf(state, n));
    expect(check.conclusion).toBe('action_required');
    expect(check.output.title).toBe('Needs 2 approvals from @acme/payments-seniors');
    expect(plain(check.output.summary!)).toContain('decided in `enforce` mode');
    expect(auditEvent().enforcement).toBe('enforce');
  });
});

describe('a pull request cannot switch itself to report-only', () => {
  it('that sets enforcement: evaluate in its own policy file is held by the default branch’s policy', async () => {
    state = acme();
    const n = openAiPr(state, [POLICY_PATH, 'services/payments/refund.ts'], 'Report only for now');
    // The PR's branch holds the report-only policy; the app reads the default branch (HEAD).
    setHeadFiles(state, n, { [POLICY_PATH]: EVALUATE_POLICY });
    app = await startApp(state);
    await app.deliver(pullRequestEvent(state, REPO, n, 'opened'));

    expect(variablesOf(app.fake, 'PullRequestSnapshot')[0]!.policyExpression).toBe(
      `HEAD:${POLICY_PATH}`,
    );
    const check = app.check(REPO, headOf(state, n));
    expect(check.conclusion).toBe('action_required');
    expect(check.output.title).toMatch(/^Needs 3 approvals/);
    expect(plain(check.output.summary!)).toContain('Ask @acme/platform-leads for 1 approval');
    expect(auditEvent().enforcement).toBe('enforce');
  });

  it('that adds a repository file switching an org policy to evaluate is still judged by the org policy', async () => {
    // The repository has no policy on its default branch; the PR adds one. The org's applies.
    state = acme({ policy: null, orgPolicy: PAYMENTS_POLICY });
    const n = openAiPr(
      state,
      [{ path: POLICY_PATH, changeType: 'ADDED' }, 'services/payments/refund.ts'],
      'Add a local policy',
    );
    setHeadFiles(state, n, { [POLICY_PATH]: EVALUATE_POLICY });
    app = await startApp(state);
    await app.deliver(pullRequestEvent(state, REPO, n, 'opened'));

    expect(app.check(REPO, headOf(state, n)).conclusion).toBe('action_required');
    expect(auditEvent().enforcement).toBe('enforce');
  });
});
