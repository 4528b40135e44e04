/**
 * Reconciliation: the app was down longer than GitHub keeps deliveries, so redelivery has nothing
 * to ask for. After the start-up round the app re-evaluates every open pull request whose check on
 * the head is missing, in progress, or not newer than its newest review, dismissal or label, and
 * only those: one GraphQL query per repository page, no write for a PR that did not change, and
 * a second run changes nothing.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DELIVERY_RETENTION_MS } from '../../src/fake-github/deliveries.js';
import { pullRequestEvent } from '../../src/fake-github/webhooks.js';
import { REPO } from '../support/fixtures.js';
import { RecoveryWorld } from './recovery-harness.js';

describe('reconciliation after a downtime longer than GitHub keeps deliveries', () => {
  let world: RecoveryWorld;
  let held: number;
  let quiet: number;

  beforeEach(async () => {
    world = new RecoveryWorld();
    await world.start();
    held = world.openAiPullRequest();
    quiet = world.openAiPullRequest();
    await world.startApp();
    for (const number of [held, quiet]) await world.approveBySeniors(number);
    await world.stopApp();
    world.later();
  });

  afterEach(async () => {
    await world.close();
  });

  it('withdraws a pass whose approval was dismissed, and leaves the untouched PR alone', async () => {
    const pr = world.state.requirePull(REPO, held);
    const lost = await world.dismissApproval(held, 'sam-senior');
    expect(lost.status).toBe('failed to connect');
    // Four days pass: GitHub no longer lists the failed delivery.
    world.fake.deliveries.age(DELIVERY_RETENTION_MS + 24 * 3600_000);
    world.fake.stats.reset();

    await world.startApp({ reconcileOnStart: true });
    const round = await world.round(1);

    expect(round.error).toBeNull();
    expect(round.redelivery!.listed).toBe(0);
    expect(round.reconciliation!.reconciled).toEqual([
      expect.objectContaining({
        repo: REPO,
        pr: held,
        headSha: pr.headSha,
        reason: 'older_than_activity',
        outcome: 'approval_required',
        error: null,
      }),
    ]);
    expect(world.checks(pr.headSha)).toHaveLength(1);
    expect(world.checks(pr.headSha)[0]!.conclusion).toBe('action_required');
    expect(world.appComments(held)).toHaveLength(1);
    const quietHead = world.state.requirePull(REPO, quiet).headSha;
    expect(world.checks(quietHead).map((c) => c.conclusion)).toEqual(['success']);
    // One query found both candidates; the audit log says what was re-judged.
    expect(world.fake.stats.byRoute()['graphql ReconcileOpenPullRequests']).toBe(1);
    const audit = world.audits('ai-governance.reconciliation').at(-1)!;
    expect(audit).toMatchObject({ repositories: 1, openPullRequests: 2 });
    expect(audit.reconciled).toEqual([expect.objectContaining({ pr: held })]);
    const evaluation = world
      .audits('ai-governance.evaluation')
      .find((l) => l.trigger === 'reconcile.older_than_activity');
    expect(evaluation).toMatchObject({ pr: held, outcome: 'approval_required' });

    // Running it again changes nothing and writes nothing. (The dismissal is within a minute of
    // the new check, so the PR may be judged again; its verdict and every write stay the same.)
    world.fake.stats.reset();
    const again = await world.runRound('startup');
    expect(again.reconciliation!.reconciled.map((r) => [r.pr, r.outcome])).toEqual(
      again.reconciliation!.reconciled.map(() => [held, 'approval_required']),
    );
    expect(world.fake.stats.writes).toBe(0);
    expect(world.checks(pr.headSha)).toHaveLength(1);
    expect(world.appComments(held)).toHaveLength(1);
  });

  it('holds a head pushed during the downtime, which has no check at all', async () => {
    const before = world.state.requirePull(REPO, held).headSha;
    const head = world.state.pushCommits(REPO, held, [
      { message: 'Handle partial refunds\n\nAssisted-by: Codex' },
    ]);
    await world.send(pullRequestEvent(world.state, REPO, held, 'synchronize', { before }));
    world.fake.deliveries.age(DELIVERY_RETENTION_MS + 60_000);

    await world.startApp({ reconcileOnStart: true });
    const round = await world.round(1);

    expect(round.reconciliation!.reconciled).toEqual([
      expect.objectContaining({ pr: held, headSha: head, reason: 'missing' }),
    ]);
    expect(world.checks(head).map((c) => c.conclusion)).toEqual(['action_required']);
    expect(world.appComments(held)).toHaveLength(1);
  });

  it('reports a repository it could not read, and re-judges nothing there', async () => {
    world.fake.fail({ operation: 'ReconcileOpenPullRequests', status: 502 });
    await world.startApp({ reconcileOnStart: true });
    const round = await world.round(1);
    expect(round.reconciliation!.errors).toEqual([
      expect.stringMatching(/acme\/payments-api.*502/),
    ]);
    expect(world.logs.some((l) => /did not look at every open pull request/.test(l.msg))).toBe(
      true,
    );
  });
});
