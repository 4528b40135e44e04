/**
 * Pushes that race: an event names a head that is no longer the PR's head by the time the
 * evaluation reads it. The verdict goes on the new head, and the "Evaluating…" run shown on the
 * old commit meanwhile is completed (cancelled, "Superseded by …"), so no run stays in progress.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { CHECK_NAME } from '../../src/model/names.js';
import { completeSuperseded } from '../../src/github/check-run.js';
import { clientDouble } from '../support/client-double.js';
import { pullRequestEvent } from '../../src/fake-github/webhooks.js';
import type { FakeGitHubState } from '../../src/fake-github/state.js';
import { newFakeState, startAppOnFake, type AppOnFake } from '../support/app-on-fake.js';
import { addPaymentsOrg, CLAUDE, openAiPullRequest, REPO } from '../support/fixtures.js';

let running: AppOnFake | undefined;
afterEach(async () => {
  await running?.stop();
  running = undefined;
});

/** The usual org with one AI-assisted PR, not yet judged. */
function orgWithPullRequest() {
  const state = newFakeState();
  addPaymentsOrg(state);
  return { state, pr: state.requirePull(REPO, openAiPullRequest(state)) };
}

/** Every evaluation shows "Evaluating…" at once; GitHub answers in 20 ms. */
const start = (state: FakeGitHubState) =>
  startAppOnFake(state, {
    app: { inProgressAfterMs: 0 },
    fake: { latencyMs: 20 },
    logLevel: 'warn',
  });

describe('a superseded commit', () => {
  it('gets its in-progress run completed when the head moved during the evaluation', async () => {
    const { state, pr } = orgWithPullRequest();
    const oldHead = pr.headSha;
    // The delivery for the first head, sent late: a second push has already moved the head.
    const late = pullRequestEvent(state, REPO, pr.number, 'opened');
    const newHead = state.pushCommits(REPO, pr.number, [{ message: 'More', coAuthors: [CLAUDE] }], {
      files: ['services/payments/more.ts'],
    });
    running = await start(state);

    expect(await running.send(late)).toBe(200);

    const onNew = state.checkRunsFor(REPO, newHead, CHECK_NAME);
    expect(onNew).toHaveLength(1);
    expect(onNew[0]).toMatchObject({ status: 'completed', conclusion: 'action_required' });
    const onOld = state.checkRunsFor(REPO, oldHead, CHECK_NAME);
    expect(onOld).toHaveLength(1);
    expect(onOld[0]).toMatchObject({ status: 'completed', conclusion: 'cancelled' });
    expect(onOld[0]!.output.title).toBe(`Superseded by ${newHead.slice(0, 7)}`);
    expect(onOld[0]!.output.summary).toContain(newHead);
    expect(running.errors()).toEqual([]);

    // The old commit becoming the head again is judged again: the cancelled run gets a verdict.
    state.requirePull(REPO, pr.number).headSha = oldHead;
    expect(await running.send(pullRequestEvent(state, REPO, pr.number, 'synchronize'))).toBe(200);
    const again = state.checkRunsFor(REPO, oldHead, CHECK_NAME);
    expect(again).toHaveLength(1);
    expect(again[0]).toMatchObject({ status: 'completed', conclusion: 'action_required' });
  });

  it('leaves an in-progress run alone when the head did not move', async () => {
    const { state, pr } = orgWithPullRequest();
    running = await start(state);
    expect(await running.send(pullRequestEvent(state, REPO, pr.number, 'opened'))).toBe(200);
    const runs = state.checkRunsFor(REPO, pr.headSha, CHECK_NAME);
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ status: 'completed', conclusion: 'action_required' });
  });
});

describe('completeSuperseded', () => {
  function recorder() {
    const calls: { route: string; params: Record<string, unknown> }[] = [];
    const gh = clientDouble({
      request: async (route, params) => {
        calls.push({ route, params });
        return { data: {} };
      },
    });
    return { gh, calls };
  }
  const base = { title: null, summary: null, text: null };

  it('completes an in-progress run as cancelled, naming the new head', async () => {
    const { gh, calls } = recorder();
    const r = await completeSuperseded(
      gh,
      'acme',
      'api',
      { id: 5, status: 'in_progress', conclusion: null, ...base },
      'b'.repeat(40),
    );
    expect(r).toBe('updated');
    expect(calls).toHaveLength(1);
    expect(calls[0]!.params).toMatchObject({
      check_run_id: 5,
      status: 'completed',
      conclusion: 'cancelled',
      output: { title: 'Superseded by bbbbbbb' },
    });
  });

  it('writes nothing for a run that is already completed', async () => {
    const { gh, calls } = recorder();
    const r = await completeSuperseded(
      gh,
      'acme',
      'api',
      { id: 5, status: 'completed', conclusion: 'success', ...base },
      'b'.repeat(40),
    );
    expect(r).toBe('unchanged');
    expect(calls).toEqual([]);
  });
});
