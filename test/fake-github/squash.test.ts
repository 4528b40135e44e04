import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pullRequestEvent } from '../../src/fake-github/webhooks.js';
import { newFakeState, plain, startAppOnFake, type AppOnFake } from '../support/app-on-fake.js';
import {
  addPaymentsOrg,
  CLAUDE,
  DEVELOPER,
  INCIDENT_OVERRIDE,
  labelAndComment,
  paymentsPolicy,
  REPO,
} from '../support/fixtures.js';

/**
 * Issue 11, item 2: an AI-assisted PR squashed into one human commit without the trailers and
 * force-pushed must stay AI-assisted; only an authorised removal of the AI label clears that.
 */

describe('end to end: a squash does not forget the evidence', () => {
  let app: AppOnFake;
  let number: number;
  let aiHead: string;
  let aiCommits: string[];

  beforeAll(async () => {
    const state = newFakeState();
    addPaymentsOrg(state, paymentsPolicy(1, INCIDENT_OVERRIDE + labelAndComment()));
    state.addTeam('acme', 'incident-commanders', ['ines']);
    const pr = state.openPullRequest(REPO, {
      author: DEVELOPER,
      title: 'Retry failed refunds',
      commits: [
        { message: 'Retry failed refunds', coAuthors: [CLAUDE] },
        { message: 'Log the retries' },
      ],
      files: ['services/payments/refunds.ts'],
    });
    number = pr.number;
    aiHead = pr.headSha;
    aiCommits = [...pr.commits];
    app = await startAppOnFake(state);
    await app.deliver(pullRequestEvent(app.state, REPO, number, 'opened'));
    expect(app.check(REPO, aiHead).conclusion).toBe('action_required');
  });

  afterAll(async () => {
    await app?.stop();
  });

  it('squashed into one human commit and force-pushed: still AI-assisted, still held', async () => {
    const { state } = app;
    const head = state.forcePush(REPO, number, [{ message: 'Retry failed refunds' }]);
    await app.deliver(pullRequestEvent(state, REPO, number, 'synchronize', { before: aiHead }));
    const run = app.check(REPO, head);
    expect(run.conclusion).toBe('action_required');
    const summary = plain(run.output.summary ?? '');
    expect(summary).toContain('AI-assisted (1 piece of evidence)');
    expect(summary).toContain(
      `| trailer | Claude Code | \` ${aiCommits[0]!.slice(0, 7)} \` (no longer on the branch) |`,
    );
    expect(plain(app.comment(REPO, number))).toContain('(no longer on the branch)');
  });

  it('squashed again: the evidence is carried on, from the app’s own record', async () => {
    const { state } = app;
    const before = state.requirePull(REPO, number).headSha;
    const head = state.forcePush(REPO, number, [{ message: 'Retry failed refunds (v2)' }]);
    await app.deliver(pullRequestEvent(state, REPO, number, 'synchronize', { before }));
    expect(app.check(REPO, head).conclusion).toBe('action_required');
  });

  it('the author removing the AI label clears nothing', async () => {
    const { state } = app;
    state.removeLabel(REPO, number, 'ai-assisted', 'dana-dev');
    await app.deliver(
      pullRequestEvent(state, REPO, number, 'unlabeled', {
        label: 'ai-assisted',
        sender: 'dana-dev',
      }),
    );
    const pr = state.requirePull(REPO, number);
    expect(app.check(REPO, pr.headSha).conclusion).toBe('action_required');
    expect(pr.labels).toContain('ai-assisted');
  });

  it('a person allowed to override removes the AI label: the carried evidence is cleared', async () => {
    const { state } = app;
    state.removeLabel(REPO, number, 'ai-assisted', 'ines');
    await app.deliver(
      pullRequestEvent(state, REPO, number, 'unlabeled', { label: 'ai-assisted', sender: 'ines' }),
    );
    const pr = state.requirePull(REPO, number);
    const run = app.check(REPO, pr.headSha);
    expect(run.conclusion).toBe('success');
    expect(plain(run.output.summary ?? '')).toContain(
      'Evidence from earlier heads was cleared by the removal of the AI label by @ines',
    );
    expect(pr.labels).not.toContain('ai-assisted');
  });
});
