import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pullRequestEvent, pullRequestReviewEvent } from '../../src/fake-github/webhooks.js';
import { newFakeState, plain, startAppOnFake, type AppOnFake } from '../support/app-on-fake.js';
import { CLAUDE, labelAndComment } from '../support/fixtures.js';

/**
 * Issue 11, item 4: with `ai_default` and no reviewers named, an approval from an account without
 * write access (the author's second account, on a public repository) must not pass the PR.
 */
const REPO = 'acme/web';
const POLICY = `version: 1
ai_default:
  approvals: 1
${labelAndComment()}`;

describe('end to end: approvals from accounts without write access', () => {
  let app: AppOnFake;
  let number: number;

  beforeAll(async () => {
    const state = newFakeState();
    state.addOrg('acme');
    state.addOrgMember('acme', 'dana-dev', 'carol');
    state.addUser('dana-alt'); // not a member, no role on the repository: read only
    state.addRepo({
      owner: 'acme',
      name: 'web',
      files: { '.github/ai-governance.yml': POLICY },
    });
    number = state.openPullRequest(REPO, {
      author: 'dana-dev',
      title: 'Faster search',
      commits: [{ message: 'Faster search', coAuthors: [CLAUDE] }],
      files: ['src/search.ts'],
    }).number;
    app = await startAppOnFake(state);
    await app.deliver(pullRequestEvent(app.state, REPO, number, 'opened'));
  });

  afterAll(async () => {
    await app?.stop();
  });

  it("the author's second account approves: still held, and the check says why", async () => {
    const { state } = app;
    const review = state.submitReview(REPO, number, { user: 'dana-alt' });
    await app.deliver(pullRequestReviewEvent(state, REPO, number, review.id, 'submitted'));
    const pr = state.requirePull(REPO, number);
    const run = app.check(REPO, pr.headSha);
    expect(run.conclusion).toBe('action_required');
    const summary = plain(run.output.summary ?? '');
    expect(summary).toContain('has no write access to the repository');
    expect(summary).toContain(
      'cannot push to this repository; only reviews from people with write access count',
    );
    expect(plain(app.comment(REPO, number))).toContain('has no write access to the repository');
  });

  it('a collaborator given write access then counts', async () => {
    const { state } = app;
    state.setPermission(REPO, 'dana-alt', 'write');
    const review = state.submitReview(REPO, number, { user: 'dana-alt' });
    await app.deliver(pullRequestReviewEvent(state, REPO, number, review.id, 'submitted'));
    const pr = state.requirePull(REPO, number);
    expect(app.check(REPO, pr.headSha).conclusion).toBe('success');
  });
});
