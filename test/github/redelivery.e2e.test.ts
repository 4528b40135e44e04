/**
 * A lost webhook must not leave a stale pass. The app approves a PR, is stopped, misses an event
 * (GitHub records the delivery as failed: connection refused), and starts again: its start-up
 * redelivery round asks GitHub for the failed delivery, which reaches the app like any other,
 * and the head's check is no longer `success`, with one check per head and one comment.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { pullRequestEvent } from '../../src/fake-github/webhooks.js';
import { REPO } from '../support/fixtures.js';
import { RecoveryWorld } from './recovery-harness.js';

describe('redelivery of deliveries that failed while the app was down', () => {
  let world: RecoveryWorld;
  let number: number;

  beforeEach(async () => {
    world = new RecoveryWorld();
    await world.start();
    number = world.openAiPullRequest();
    // Up and running: two seniors approve, the check passes.
    await world.startApp();
    await world.approveBySeniors(number);
    await world.stopApp();
  });

  afterEach(async () => {
    await world.close();
  });

  it('withdraws the pass when an approval was dismissed during the downtime', async () => {
    const pr = world.state.requirePull(REPO, number);
    const lost = await world.dismissApproval(number, 'sam-senior');
    expect(lost.status).toBe('failed to connect');
    expect(world.checks(pr.headSha).map((c) => c.conclusion)).toEqual(['success']);

    await world.startApp({});
    const round = await world.round(1);

    expect(round.error).toBeNull();
    expect(round.redelivery!.redelivered.map((e) => e.guid)).toEqual([lost.guid]);
    const again = world.fake.deliveries.all()[0]!;
    expect(again).toMatchObject({ guid: lost.guid, redelivery: true, status: 'OK' });
    const runs = world.checks(pr.headSha);
    expect(runs).toHaveLength(1);
    expect(runs[0]!.conclusion).toBe('action_required');
    expect(world.appComments(number)).toHaveLength(1);

    // The audit log names the redelivered event.
    const audit = world.audits('ai-governance.redelivery').at(-1)!;
    expect(audit.redelivered).toEqual([
      expect.objectContaining({
        guid: lost.guid,
        event: 'pull_request_review.dismissed',
        lastStatus: 'failed to connect',
      }),
    ]);
    const evaluation = world
      .audits('ai-governance.evaluation')
      .find((l) => l.deliveryId === lost.guid);
    expect(evaluation).toMatchObject({ outcome: 'approval_required', pr: number });

    // A second round finds nothing to do and GitHub sees no write.
    world.fake.stats.reset();
    const second = await world.runRound();
    expect(second.redelivery!.redelivered).toEqual([]);
    expect(world.fake.stats.writes).toBe(0);
    expect(world.checks(pr.headSha)).toHaveLength(1);
    expect(world.appComments(number)).toHaveLength(1);
  });

  it('holds the new head when an AI-assisted commit was pushed during the downtime', async () => {
    const pr = world.state.requirePull(REPO, number);
    const before = pr.headSha;
    const head = world.state.pushCommits(REPO, number, [
      {
        message: 'Handle partial refunds\n\nAssisted-by: Codex',
      },
    ]);
    const lost = await world.send(
      pullRequestEvent(world.state, REPO, number, 'synchronize', { before }),
    );
    expect(lost.status).toBe('failed to connect');
    expect(world.checks(head)).toEqual([]);

    await world.startApp({});
    const round = await world.round(1);

    expect(round.redelivery!.redelivered.map((e) => e.guid)).toEqual([lost.guid]);
    const runs = world.checks(head);
    expect(runs).toHaveLength(1);
    expect(runs[0]!.conclusion).toBe('action_required');
    expect(world.appComments(number)).toHaveLength(1);
  });

  it('gives up on an event after the attempts allowed, and says so', async () => {
    const pr = world.state.requirePull(REPO, number);
    const lost = await world.dismissApproval(number, 'pat-senior');
    // Every later attempt fails too: the app is up but GitHub's answer is refused.
    await world.startApp({ maxAttempts: 2, startDelayMs: 60_000 });
    world.fake.fail({ route: 'GET /app/hook/deliveries', status: 502, times: 1 });
    const failing = await world.runRound();
    expect(failing.error).toMatch(/502/);
    expect(world.checks(pr.headSha).map((c) => c.conclusion)).toEqual(['success']);

    // GitHub now refuses the app's every read and write: the app cannot even write a failing
    // check, so each redelivery fails as well.
    world.fake.fail({ route: /\/graphql|\/repos\//, status: 502, times: 1000 });
    const first = await world.runRound();
    expect(first.redelivery!.redelivered.map((e) => e.guid)).toEqual([lost.guid]);
    expect(world.fake.deliveries.all()[0]).toMatchObject({
      guid: lost.guid,
      redelivery: true,
      status: 'Invalid HTTP Response: 500',
    });
    const second = await world.runRound();
    expect(second.redelivery!.redelivered).toEqual([]);
    expect(second.redelivery!.gaveUp.map((e) => e.guid)).toEqual([lost.guid]);
    expect(world.logs.some((l) => /no longer redelivered/.test(l.msg))).toBe(true);
    expect(world.fake.deliveries.all().filter((d) => d.guid === lost.guid)).toHaveLength(2);
  });
});
