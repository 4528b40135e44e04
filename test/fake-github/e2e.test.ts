import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHECK_NAME, COMMENT_MARKER } from '../../src/model/names.js';
import type { FakeGitHub } from '../../src/fake-github/server.js';
import type { FakeGitHubState } from '../../src/fake-github/state.js';
import { pullRequestEvent, sendWebhook } from '../../src/fake-github/webhooks.js';
import { newFakeState, startAppOnFake, type AppOnFake } from '../support/app-on-fake.js';
import {
  addPaymentsOrg,
  labelAndComment,
  openAiPullRequest,
  paymentsPolicy,
  REPO,
} from '../support/fixtures.js';

describe('the real app against the fake GitHub', () => {
  let app: AppOnFake;
  let fake: FakeGitHub;
  let state: FakeGitHubState;
  let number: number;

  beforeAll(async () => {
    state = newFakeState();
    addPaymentsOrg(state, paymentsPolicy(2, labelAndComment(true)));
    number = openAiPullRequest(state, ['services/payments/refunds.ts', 'docs/refunds.md']);
    app = await startAppOnFake(state);
    fake = app.fake;
  });

  afterAll(async () => {
    await app?.stop();
  });

  it('holds an AI-assisted PR on a critical path with one check run and one audit comment', async () => {
    fake.stats.reset();
    expect(await app.send(pullRequestEvent(state, REPO, number, 'opened'))).toBe(200);
    expect(fake.stats.unmatched).toBe(0);
    // The one error answer: the org has no .github policy (read for its floor).
    // The org has no .github repository: the snapshot query learns that, no request fails.
    expect(fake.stats.requests.filter((r) => r.status >= 400)).toEqual([]);

    const pr = state.requirePull(REPO, number);
    const runs = state.checkRunsFor(REPO, pr.headSha, CHECK_NAME);
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({
      status: 'completed',
      conclusion: 'action_required',
      appId: state.app.id,
    });
    expect(pr.comments).toHaveLength(1);
    expect(pr.comments[0]!.viaApp).toBe(true);
    expect(pr.comments[0]!.body.startsWith(COMMENT_MARKER)).toBe(true);
    expect(pr.labels).toContain('ai-assisted');
    expect(pr.labelEvents.at(-1)?.actor).toBe(state.botLogin);
    expect(pr.requestedReviewers).toContainEqual({ type: 'team', slug: 'payments-seniors' });
  });

  it('writes nothing when the same webhook comes again', async () => {
    const pr = state.requirePull(REPO, number);
    const comment = pr.comments[0]!.body;
    fake.stats.reset();
    expect(await app.send(pullRequestEvent(state, REPO, number, 'opened'))).toBe(200);
    expect(fake.stats.writes).toBe(0);
    // The one error answer: the org has no .github policy (read for its floor).
    // The org has no .github repository: the snapshot query learns that, no request fails.
    expect(fake.stats.requests.filter((r) => r.status >= 400)).toEqual([]);
    expect(state.checkRunsFor(REPO, pr.headSha, CHECK_NAME)).toHaveLength(1);
    expect(pr.comments).toHaveLength(1);
    expect(pr.comments[0]!.body).toBe(comment);
  });

  it('rejects a delivery with a bad signature without touching GitHub', async () => {
    fake.stats.reset();
    const status = await sendWebhook(
      app.url,
      'not-the-secret',
      pullRequestEvent(state, REPO, number, 'opened'),
    );
    expect(status).toBe(400);
    expect(fake.stats.requests).toEqual([]);
  });
});
