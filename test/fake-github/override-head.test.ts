import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pullRequestEvent } from '../../src/fake-github/webhooks.js';
import { parseHistory } from '../../src/render/comment.js';
import { newFakeState, plain, startAppOnFake, type AppOnFake } from '../support/app-on-fake.js';
import {
  addPaymentsOrg,
  CLAUDE,
  INCIDENT_OVERRIDE,
  labelAndComment,
  openAiPullRequest,
  paymentsPolicy,
  REPO,
} from '../support/fixtures.js';

/**
 * Issue 11, item 8: with `latest_push_only`, an override label applied before a new AI push must
 * not pass the new head; the check says to apply it again, and the audit history shows both.
 */
const LABEL = 'ai-governance-override';

describe('end to end: an override covers the head it was applied on', () => {
  let app: AppOnFake;
  let number: number;
  let first: string;

  beforeAll(async () => {
    const state = newFakeState();
    addPaymentsOrg(state, paymentsPolicy(2, INCIDENT_OVERRIDE + labelAndComment()));
    state.addTeam('acme', 'incident-commanders', ['ines']);
    number = openAiPullRequest(state);
    first = state.requirePull(REPO, number).headSha;
    app = await startAppOnFake(state);
    await app.deliver(pullRequestEvent(app.state, REPO, number, 'opened'));
  });

  afterAll(async () => {
    await app?.stop();
  });

  it('the incident commander overrides the head they see', async () => {
    const { state } = app;
    state.addLabel(REPO, number, LABEL, 'ines');
    await app.deliver(
      pullRequestEvent(state, REPO, number, 'labeled', { label: LABEL, sender: 'ines' }),
    );
    expect(app.check(REPO, first)).toMatchObject({
      conclusion: 'success',
      output: { title: `Overridden by @ines with label ${LABEL}` },
    });
  });

  it('a new AI push is held again: the override must be applied again', async () => {
    const { state } = app;
    const head = state.pushCommits(REPO, number, [
      { message: 'Also retry chargebacks', coAuthors: [CLAUDE] },
    ]);
    await app.deliver(pullRequestEvent(state, REPO, number, 'synchronize', { before: first }));
    const run = app.check(REPO, head);
    expect(run.conclusion).toBe('action_required');
    const summary = plain(run.output.summary ?? '');
    expect(summary).toContain(
      `@ines applied it before the latest commit ${head.slice(0, 7)} was pushed`,
    );
    expect(summary).toContain('an override covers only the commit it was applied on');
    expect(summary).toContain(
      `The override label ${'` ai-governance-override `'} was applied on an earlier commit; to override this one, remove it and apply it again.`,
    );
    // The first head keeps its verdict; the audit history shows both.
    expect(app.check(REPO, first).conclusion).toBe('success');
    const history = parseHistory(app.comment(REPO, number));
    expect(history.map((h) => [h.headSha, h.outcome, h.override])).toEqual([
      [first, 'approval_required', undefined],
      [first, 'overridden', { label: LABEL, appliedBy: 'ines' }],
      [head, 'approval_required', { label: LABEL, appliedBy: 'ines', stale: true }],
    ]);
    expect(plain(app.comment(REPO, number))).toContain(
      'by @ines (on an earlier commit; to apply again)',
    );
  });

  it('applied again on the new head, it overrides that head', async () => {
    const { state } = app;
    const head = state.requirePull(REPO, number).headSha;
    state.removeLabel(REPO, number, LABEL, 'ines');
    state.addLabel(REPO, number, LABEL, 'ines');
    await app.deliver(
      pullRequestEvent(state, REPO, number, 'labeled', { label: LABEL, sender: 'ines' }),
    );
    expect(app.check(REPO, head)).toMatchObject({
      conclusion: 'success',
      output: { title: `Overridden by @ines with label ${LABEL}` },
    });
  });

  it('a re-delivered event changes nothing (the record is stable)', async () => {
    const { state, fake } = app;
    await app.deliver(
      pullRequestEvent(state, REPO, number, 'labeled', { label: LABEL, sender: 'ines' }),
    );
    expect(fake.stats.writes).toBe(0);
  });
});
