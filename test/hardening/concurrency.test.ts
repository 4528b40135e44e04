/**
 * Concurrency: duplicate deliveries and events for the same PR that arrive together are evaluated
 * one after the other (the in-process lock, src/github/lock.ts), and every write is an upsert, so a
 * PR gets exactly one check run per head commit and one audit comment.
 */
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { KeyedLock } from '../../src/github/lock.js';
import {
  FakeGitHub,
  PAYMENTS_POLICY,
  TEAMS,
  aiPaymentsPr,
  finish,
  pullRequestEvent,
  reviewEvent,
  sha,
  type PrSpec,
} from '../app/helpers.js';
import { R, startPlainApp } from './harness.js';

let gh: FakeGitHub;
let pr: PrSpec;

beforeEach(() => {
  pr = aiPaymentsPr(7);
  gh = new FakeGitHub({ policyText: PAYMENTS_POLICY, teams: TEAMS, prs: [pr] });
});

afterEach(() => finish(gh));

/** No serialisation at all: what the app would do without its lock. */
const noLock: KeyedLock = { run: (_key, fn) => fn() };

const runsOn = (head: string) => gh.checkRuns.filter((r) => r.head_sha === head);
const appComments = () => pr.comments.filter((c) => c.byApp);

/** The same delivery received `n` times at once, as GitHub's redelivery can do. */
async function duplicates(app: Awaited<ReturnType<typeof startPlainApp>>, n: number) {
  const id = randomUUID();
  const payload = pullRequestEvent('opened', pr);
  await Promise.all(
    Array.from({ length: n }, () =>
      app.probot.receive({ id, name: 'pull_request', payload: structuredClone(payload) } as any),
    ),
  );
}

/** A push (new head) and a review of the old head, delivered in the same instant. */
async function pushAndReview(app: Awaited<ReturnType<typeof startPlainApp>>) {
  const oldHead = pr.headSha;
  const newHead = sha('pr-7-head-2');
  pr.commits.push({ sha: newHead, message: 'Handle timeouts too' });
  pr.headSha = newHead;
  pr.reviews.push({ by: 'carol', state: 'APPROVED', commit: oldHead });
  await Promise.all([
    app.receive('pull_request', pullRequestEvent('synchronize', pr)),
    app.receive(
      'pull_request_review',
      reviewEvent({ ...pr, headSha: oldHead }, { by: 'carol', state: 'APPROVED', commit: oldHead }),
    ),
  ]);
  return { oldHead, newHead };
}

describe('duplicate deliveries', () => {
  it('the same delivery five times at once: one check run, one comment, one label, one request', async () => {
    const app = await startPlainApp();
    await duplicates(app, 5);

    expect(gh.writeCalls()).toEqual([
      `POST ${R}/check-runs`,
      `POST ${R}/issues/7/comments`,
      `POST ${R}/issues/7/labels`,
      `POST ${R}/pulls/7/requested_reviewers`,
    ]);
    expect(runsOn(pr.headSha)).toHaveLength(1);
    expect(appComments()).toHaveLength(1);
    expect(app.errors()).toEqual([]);
  });

  it('without the lock the same deliveries would write duplicates (the test can fail)', async () => {
    const app = await startPlainApp({ lock: noLock });
    await duplicates(app, 5);
    expect(runsOn(pr.headSha).length).toBeGreaterThan(1);
    expect(appComments().length).toBeGreaterThan(1);
  });
});

describe('a review and a push in the same second', () => {
  it('one check run per head commit and one audit comment; the old approval does not count', async () => {
    const app = await startPlainApp();
    await app.receive('pull_request', pullRequestEvent('opened', pr));
    const { oldHead, newHead } = await pushAndReview(app);

    expect(runsOn(oldHead)).toHaveLength(1);
    expect(runsOn(newHead)).toHaveLength(1);
    expect(runsOn(newHead)[0]!.conclusion).toBe('action_required');
    expect(gh.find('POST', `${R}/check-runs`).map((r) => r.body.head_sha)).toEqual([
      oldHead,
      newHead,
    ]);
    expect(appComments()).toHaveLength(1);
    expect(appComments()[0]!.body).toContain('reviewed an older commit');
    expect(app.errors()).toEqual([]);
  });

  it('without the lock the same two events would write two runs on the new head', async () => {
    const app = await startPlainApp({ lock: noLock });
    await app.receive('pull_request', pullRequestEvent('opened', pr));
    const { newHead } = await pushAndReview(app);
    expect(runsOn(newHead).length).toBeGreaterThan(1);
  });
});

describe('many events for one PR and one for another, all at once', () => {
  it('each PR gets one check run and one comment; the other PR is not held up', async () => {
    const other = gh.addPr(aiPaymentsPr(8));
    const app = await startPlainApp();
    const events = [
      ...['opened', 'labeled', 'unlabeled', 'ready_for_review', 'reopened', 'synchronize'].map(
        (action) => app.receive('pull_request', pullRequestEvent(action, pr)),
      ),
      app.receive('pull_request', pullRequestEvent('opened', other)),
    ];
    await Promise.all(events);

    expect(runsOn(pr.headSha)).toHaveLength(1);
    expect(runsOn(other.headSha)).toHaveLength(1);
    expect(appComments()).toHaveLength(1);
    expect(other.comments.filter((c) => c.byApp)).toHaveLength(1);
  });
});

describe('two processes, one after the other (each with its own lock)', () => {
  it('the second finds what the first wrote and writes nothing: every write is an upsert', async () => {
    const first = await startPlainApp();
    const second = await startPlainApp();
    await first.receive('pull_request', pullRequestEvent('opened', pr));
    gh.reset();
    await second.receive('pull_request', pullRequestEvent('opened', pr));

    expect(gh.writeCalls()).toEqual([]);
    expect(runsOn(pr.headSha)).toHaveLength(1);
    expect(appComments()).toHaveLength(1);
  });
});
