/**
 * Concurrency: duplicate deliveries and events for the same PR that arrive together are evaluated
 * one after the other (the in-process lock, src/github/lock.ts), and every write is an upsert, so a
 * PR gets exactly one check run per head commit and one audit comment.
 *
 * The race is staged, not left to timing: every evaluation is let into the app's lock (or straight
 * through, without one), and the pull request's snapshot is held by the fake GitHub until all of
 * them have arrived and as many as can run at once are waiting for it; then all are released
 * together. Without the lock, they so all read the same state before any of them writes.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { markReadyForReview } from '../../src/fake-github/merged.js';
import type { FakePullRequest } from '../../src/fake-github/model.js';
import type { FakeGitHubState } from '../../src/fake-github/state.js';
import {
  pullRequestEvent,
  pullRequestReviewEvent,
  type WebhookDelivery,
} from '../../src/fake-github/webhooks.js';
import { InProcessLock, type KeyedLock } from '../../src/github/lock.js';
import type { AppOnFake } from '../support/app-on-fake.js';
import { R, REPO, find, hardeningState, openAiPaymentsPr, start, writeCalls } from './world.js';

let state: FakeGitHubState;
let pr: FakePullRequest;

beforeEach(() => {
  state = hardeningState();
  pr = openAiPaymentsPr(state, 7);
});

/** No serialisation at all: what the app would do without its lock. */
const noLock: KeyedLock = { run: (_key, fn) => fn() };

/** A lock (or none) that counts the evaluations that reached it. */
function counting(inner: KeyedLock): KeyedLock & { reached: number } {
  const gate = {
    reached: 0,
    run<T>(key: string, fn: () => Promise<T>): Promise<T> {
      gate.reached++;
      return inner.run(key, fn);
    },
  };
  return gate;
}

/** The app with `lock` (the real in-process lock unless given), counted. */
async function startWith(inner: KeyedLock = new InProcessLock()) {
  const lock = counting(inner);
  const app = await start(state, { app: { lock } });
  return { app, lock, serial: inner !== noLock };
}

/**
 * Sends the deliveries at once, holding the PR snapshot until every one reached the lock and as
 * many snapshots are waiting as can run at once (one under the lock, all without); then lets
 * them all go and waits for every answer.
 */
async function race(
  { app, lock, serial }: Awaited<ReturnType<typeof startWith>>,
  deliveries: WebhookDelivery[],
) {
  const before = lock.reached;
  const held = app.fake.fail({ operation: 'PullRequestSnapshot', hang: true, times: Infinity });
  const answers = Promise.all(deliveries.map((d) => app.send(d)));
  await vi.waitFor(
    () => {
      expect(lock.reached - before).toBe(deliveries.length);
      expect(held.waiting).toBe(serial ? 1 : deliveries.length);
    },
    { timeout: 10_000 },
  );
  held.release();
  expect(await answers).toEqual(deliveries.map(() => 200));
}

const runsOn = (head: string) => state.checkRunsFor(REPO, head);
const appComments = () => pr.comments.filter((c) => c.viaApp);

/** The same delivery `n` times at once, as GitHub's redelivery can do. */
const duplicates = (n: number) => {
  const d = pullRequestEvent(state, REPO, pr.number, 'opened');
  return Array.from({ length: n }, () => structuredClone(d));
};

/** A review of the old head, then a push (new head): delivered in the same instant. */
function reviewAndPush() {
  const oldHead = pr.headSha;
  const carol = state.submitReview(REPO, pr.number, { user: 'carol' });
  const review = pullRequestReviewEvent(state, REPO, pr.number, carol.id);
  const newHead = state.pushCommits(REPO, pr.number, [{ message: 'Handle timeouts too' }]);
  const push = pullRequestEvent(state, REPO, pr.number, 'synchronize', { before: oldHead });
  return { oldHead, newHead, deliveries: [push, review] };
}

const judge = async (app: AppOnFake) =>
  expect(await app.send(pullRequestEvent(state, REPO, pr.number, 'opened'))).toBe(200);

describe('duplicate deliveries', () => {
  it('the same delivery five times at once: one check run, one comment, one label, one request', async () => {
    const run = await startWith();
    await race(run, duplicates(5));

    expect(writeCalls(run.app)).toEqual([
      `POST ${R}/check-runs`,
      `POST ${R}/issues/7/comments`,
      `POST ${R}/issues/7/labels`,
      `POST ${R}/pulls/7/requested_reviewers`,
    ]);
    expect(runsOn(pr.headSha)).toHaveLength(1);
    expect(appComments()).toHaveLength(1);
    expect(run.app.errors()).toEqual([]);
  });

  it('without the lock the same deliveries would write duplicates (the test can fail)', async () => {
    const run = await startWith(noLock);
    await race(run, duplicates(5));
    expect(runsOn(pr.headSha).length).toBeGreaterThan(1);
    expect(appComments().length).toBeGreaterThan(1);
  });
});

describe('a review and a push in the same second', () => {
  it('one check run per head commit and one audit comment; the old approval does not count', async () => {
    const run = await startWith();
    await judge(run.app);
    const { oldHead, newHead, deliveries } = reviewAndPush();
    await race(run, deliveries);

    expect(runsOn(oldHead)).toHaveLength(1);
    expect(runsOn(newHead)).toHaveLength(1);
    expect(runsOn(newHead)[0]!.conclusion).toBe('action_required');
    expect(
      find(run.app, 'POST', `${R}/check-runs`).map(
        (r) => (r.body as { head_sha: string }).head_sha,
      ),
    ).toEqual([oldHead, newHead]);
    expect(appComments()).toHaveLength(1);
    expect(appComments()[0]!.body).toContain('reviewed an older commit');
    expect(run.app.errors()).toEqual([]);
  });

  it('without the lock the same two events would write two runs on the new head', async () => {
    const run = await startWith(noLock);
    await judge(run.app);
    const { newHead, deliveries } = reviewAndPush();
    await race(run, deliveries);
    expect(runsOn(newHead).length).toBeGreaterThan(1);
  });
});

describe('many events for one PR and one for another, all at once', () => {
  it('each PR gets one check run and one comment; the other PR is not held up', async () => {
    // The story of PR #7, each delivery built when its event happened.
    const draft = openAiPaymentsPr(state, 8, { draft: true });
    const other = openAiPaymentsPr(state, 9);
    const event = (action: Parameters<typeof pullRequestEvent>[3], label?: string) =>
      pullRequestEvent(state, REPO, draft.number, action, label ? { label } : {});
    const story = [event('opened')];
    state.addLabel(REPO, draft.number, 'needs-care', 'alice');
    story.push(event('labeled', 'needs-care'));
    state.removeLabel(REPO, draft.number, 'needs-care', 'alice');
    story.push(event('unlabeled', 'needs-care'));
    markReadyForReview(state, REPO, draft.number, 'alice');
    story.push(event('ready_for_review'));
    state.closePullRequest(REPO, draft.number);
    state.reopenPullRequest(REPO, draft.number);
    story.push(event('reopened'));
    const before = draft.headSha;
    state.pushCommits(REPO, draft.number, [{ message: 'Handle timeouts too' }]);
    story.push(event('synchronize'));
    expect(draft.headSha).not.toBe(before);

    const run = await startWith();
    const deliveries = [...story, pullRequestEvent(state, REPO, other.number, 'opened')];
    const answers = await Promise.all(deliveries.map((d) => run.app.send(d)));
    expect(answers).toEqual(deliveries.map(() => 200));

    expect(runsOn(draft.headSha)).toHaveLength(1);
    expect(runsOn(other.headSha)).toHaveLength(1);
    expect(draft.comments.filter((c) => c.viaApp)).toHaveLength(1);
    expect(other.comments.filter((c) => c.viaApp)).toHaveLength(1);
    expect(run.app.errors()).toEqual([]);
  });
});

describe('two processes, one after the other (each with its own lock)', () => {
  it('the second finds what the first wrote and writes nothing: every write is an upsert', async () => {
    const first = await start(state);
    const second = await start(state);
    await judge(first);
    await judge(second);

    expect(writeCalls(first).length).toBeGreaterThan(0);
    expect(writeCalls(second)).toEqual([]);
    expect(runsOn(pr.headSha)).toHaveLength(1);
    expect(appComments()).toHaveLength(1);
  });
});
