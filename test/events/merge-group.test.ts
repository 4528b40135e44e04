/**
 * A merge group carries the changes of every pull request queued ahead of its own. With the merge
 * queue's "only merge non-failing pull requests" off, GitHub merges them all once the group passes:
 * so the group passes only if every PR it carries passes, and the check names the one that does not.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHECK_NAME } from '../../src/model/names.js';
import { mergeGroupEvent } from '../../src/fake-github/webhooks.js';
import type { FakeGitHubState } from '../../src/fake-github/state.js';
import { newFakeState, startAppOnFake, type AppOnFake } from '../support/app-on-fake.js';
import { addPaymentsOrg, CLAUDE, REPO } from '../support/fixtures.js';

/** One approval from sam-senior by name (the check names the reviewer it waits for). */
const POLICY = `version: 1
critical_paths:
  - name: payments
    paths: ["services/payments/**"]
    approvals: 1
    reviewers: { users: [sam-senior] }
`;

describe('merge groups against the loopback fake', () => {
  let running: AppOnFake;
  let state: FakeGitHubState;

  beforeAll(async () => {
    state = newFakeState();
    // sam-senior is a member through the seniors' team, so they can push (GitHub's rule for approvals).
    addPaymentsOrg(state, POLICY);
    state.addUser('eve-dev');
    running = await startAppOnFake(state, { logLevel: 'warn' });
  });
  afterAll(() => running?.stop());

  function aiPr(author: string, file: string) {
    return state.openPullRequest(REPO, {
      author,
      title: `Change ${file}`,
      commits: [{ message: `Change ${file}`, coAuthors: [CLAUDE] }],
      files: [`services/payments/${file}`],
    });
  }

  it('fails a group whose PR is approved when an unapproved PR queued ahead rides along', async () => {
    const unapproved = aiPr('eve-dev', 'ledger.ts');
    const approved = aiPr('dana-dev', 'refunds.ts');
    state.submitReview(REPO, approved.number, { user: 'sam-senior' });
    // The unapproved PR joins the queue first (say by an admin); the approved one after it.
    state.createMergeGroup(REPO, unapproved.number);
    const group = state.createMergeGroup(REPO, approved.number);

    expect(await running.send(mergeGroupEvent(state, REPO, group))).toBe(200);

    const runs = state.checkRunsFor(REPO, group.headSha, CHECK_NAME);
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ status: 'completed', conclusion: 'action_required' });
    expect(runs[0]!.output.title).toBe(`#${unapproved.number}: Needs 1 approval from @sam-senior`);
    expect(runs[0]!.output.summary).toContain(
      `This merge group carries #${unapproved.number}, #${approved.number}`,
    );
    expect(running.errors()).toEqual([]);

    // Once the PR ahead is approved too, the same group passes.
    state.submitReview(REPO, unapproved.number, { user: 'sam-senior' });
    expect(await running.send(mergeGroupEvent(state, REPO, group))).toBe(200);
    const again = state.checkRunsFor(REPO, group.headSha, CHECK_NAME);
    expect(again).toHaveLength(1);
    expect(again[0]).toMatchObject({ status: 'completed', conclusion: 'success' });
    expect(again[0]!.output.summary).toContain('each of them passes');

    state.leaveMergeQueue(REPO, unapproved.number);
    state.leaveMergeQueue(REPO, approved.number);
  });

  it('fails closed on a group whose PR is no longer in the queue', async () => {
    const pr = aiPr('dana-dev', 'fees.ts');
    state.submitReview(REPO, pr.number, { user: 'sam-senior' });
    const group = state.createMergeGroup(REPO, pr.number);
    state.leaveMergeQueue(REPO, pr.number);

    expect(await running.send(mergeGroupEvent(state, REPO, group))).toBe(200);
    const runs = state.checkRunsFor(REPO, group.headSha, CHECK_NAME);
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ status: 'completed', conclusion: 'failure' });
    expect(runs[0]!.output.title).toContain(
      'cannot tell which pull requests the merge group carries',
    );
  });

  it('passes a group that carries only its own approved PR', async () => {
    const pr = aiPr('dana-dev', 'payouts.ts');
    state.submitReview(REPO, pr.number, { user: 'sam-senior' });
    const group = state.createMergeGroup(REPO, pr.number);
    expect(await running.send(mergeGroupEvent(state, REPO, group))).toBe(200);
    const runs = state.checkRunsFor(REPO, group.headSha, CHECK_NAME);
    expect(runs[0]).toMatchObject({ status: 'completed', conclusion: 'success' });
    expect(runs[0]!.output.title).toBe('AI-assisted: approved by @sam-senior');
  });
});
