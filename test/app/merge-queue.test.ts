/**
 * Merge queues: the check goes on the merge group's head commit, with the verdict of the pull
 * request the group carries, judged as it stands. Nothing else is written.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CHECK_NAME } from '../../src/model/names.js';
import type { FakeGitHubState } from '../../src/fake-github/state.js';
import { checkSuiteEvent, mergeGroupEvent } from '../../src/fake-github/webhooks.js';
import { plain, type AppOnFake } from '../support/app-on-fake.js';
import { calls, variablesOf } from '../support/requests.js';
import { EVALUATION_READS, R, REPO, acme, openAiPaymentsPr, startApp } from './scenario.js';

let state: FakeGitHubState;
let app: AppOnFake;
let n: number;

beforeEach(async () => {
  state = acme();
  n = openAiPaymentsPr(state);
  app = await startApp(state);
});

afterEach(() => app.stop());

const approve = (number: number, by = ['carol', 'dave']) => {
  for (const user of by) state.submitReview(REPO, number, { user });
};

/** The reads of judging a group that carries one PR, and the app's run on the group's commit. */
const groupReads = (groupSha: string) => [
  'POST /graphql MergeQueueEntries',
  ...EVALUATION_READS,
  `GET ${R}/commits/${groupSha}/check-runs`,
];

/** The app's one check run on a commit, and no comment or label on the PRs. */
function groupCheck(sha: string) {
  const check = app.check(REPO, sha);
  for (const pr of state.requireRepo(REPO).pulls.values()) {
    expect(pr.comments).toEqual([]);
    expect(pr.labels).toEqual([]);
  }
  return check;
}

describe('merge_group.checks_requested', () => {
  it('posts the approved PR’s verdict on the merge group’s head, and writes nothing else', async () => {
    approve(n);
    const group = state.createMergeGroup(REPO, n);
    await app.deliver(mergeGroupEvent(state, REPO, group));

    expect(calls(app.fake)).toEqual([...groupReads(group.headSha), `POST ${R}/check-runs`]);
    const check = groupCheck(group.headSha);
    expect(check).toMatchObject({
      name: CHECK_NAME,
      status: 'completed',
      conclusion: 'success',
      output: { title: 'AI-assisted: approved by @carol, @dave' },
    });
    expect(variablesOf(app.fake, 'MergeQueueEntries')[0]).toMatchObject({ branch: 'main' });
    expect(variablesOf(app.fake, 'PullRequestSnapshot')[0]!.number).toBe(n);
    expect(app.errors()).toEqual([]);
  });

  it('a PR still waiting for approvals is not passed in the queue either', async () => {
    approve(n, ['carol']);
    const group = state.createMergeGroup(REPO, n);
    await app.deliver(mergeGroupEvent(state, REPO, group));

    expect(calls(app.fake)).toEqual([...groupReads(group.headSha), `POST ${R}/check-runs`]);
    const check = groupCheck(group.headSha);
    expect(check.conclusion).toBe('action_required');
    expect(check.output.title).toBe('Needs 1 more approval from @acme/payments-seniors');
  });

  it('fails the group when the PR’s head moved after it joined the queue', async () => {
    const queued = state.requirePull(REPO, n).headSha;
    const group = state.createMergeGroup(REPO, n);
    // A push while the group's checks are requested (GitHub then drops the PR from the queue,
    // but the group's event is already on its way); the approvals are on the new head.
    state.pushCommits(REPO, n, [{ message: 'One more thing' }]);
    approve(n);
    await app.deliver(mergeGroupEvent(state, REPO, group));

    expect(calls(app.fake)).toEqual([
      'POST /graphql MergeQueueEntries',
      'POST /graphql PullRequestSnapshot',
      `GET ${R}/commits/${group.headSha}/check-runs`,
      `POST ${R}/check-runs`,
    ]);
    const check = groupCheck(group.headSha);
    expect(check.conclusion).toBe('failure');
    expect(check.output.title).toContain(`not ${queued.slice(0, 7)} that joined the merge queue`);
  });

  it('fails a group whose branch does not name a pull request', async () => {
    const group = state.createMergeGroup(REPO, n);
    const headRef = 'refs/heads/gh-readonly-queue/main/something-else';
    await app.deliver(mergeGroupEvent(state, REPO, { ...group, headRef }));

    expect(calls(app.fake)).toEqual([
      `GET ${R}/commits/${group.headSha}/check-runs`,
      `POST ${R}/check-runs`,
    ]);
    const check = groupCheck(group.headSha);
    expect(check.conclusion).toBe('failure');
    expect(check.output.title).toContain('cannot tell which pull request');
  });

  it('a re-run of the merge group’s check suite judges the group again', async () => {
    approve(n);
    const group = state.createMergeGroup(REPO, n);
    // The suite is on the group's commit, on its gh-readonly-queue branch; it lists no PR.
    const rerun = checkSuiteEvent(state, REPO, group.headSha, 'rerequested');
    expect(rerun.payload).toMatchObject({
      check_suite: { head_branch: group.headRef.replace('refs/heads/', ''), pull_requests: [] },
    });
    await app.deliver(rerun);

    expect(calls(app.fake)).toEqual([...groupReads(group.headSha), `POST ${R}/check-runs`]);
    expect(groupCheck(group.headSha).conclusion).toBe('success');
  });
});

describe('a merge group that carries the pull requests queued ahead', () => {
  it('fails when a PR ahead is not approved, and names it', async () => {
    const ahead = openAiPaymentsPr(state);
    approve(n);
    state.createMergeGroup(REPO, ahead);
    const group = state.createMergeGroup(REPO, n);
    await app.deliver(mergeGroupEvent(state, REPO, group));

    expect(calls(app.fake)).toEqual([
      'POST /graphql MergeQueueEntries',
      ...EVALUATION_READS,
      ...EVALUATION_READS,
      `GET ${R}/commits/${group.headSha}/check-runs`,
      `POST ${R}/check-runs`,
    ]);
    expect(variablesOf(app.fake, 'PullRequestSnapshot').map((v) => v.number)).toEqual([n, ahead]);
    const check = groupCheck(group.headSha);
    expect(check.conclusion).toBe('action_required');
    expect(check.output.title).toBe(`#${ahead}: Needs 2 approvals from @acme/payments-seniors`);
    expect(check.output.summary).toContain(`This merge group carries #${ahead}, #${n}`);
    expect(check.output.summary).toContain(`**#${ahead} does not pass**`);
  });

  it('passes when every PR it carries passes, and says which it judged', async () => {
    const ahead = openAiPaymentsPr(state);
    const behind = openAiPaymentsPr(state);
    approve(n);
    approve(ahead);
    state.createMergeGroup(REPO, ahead);
    const group = state.createMergeGroup(REPO, n);
    state.createMergeGroup(REPO, behind);
    await app.deliver(mergeGroupEvent(state, REPO, group));

    const check = groupCheck(group.headSha);
    expect(check.conclusion).toBe('success');
    expect(check.output.title).toBe('AI-assisted: approved by @carol, @dave');
    expect(check.output.summary).toContain(`carries #${ahead}, #${n}`);
    expect(plain(check.output.summary!)).not.toMatch(new RegExp(`#${behind}(?!\\d)`));
  });

  it('fails closed when the PR is not in the queue (a stale group)', async () => {
    const other = openAiPaymentsPr(state);
    approve(n);
    const group = state.createMergeGroup(REPO, n);
    state.leaveMergeQueue(REPO, n);
    state.createMergeGroup(REPO, other);
    await app.deliver(mergeGroupEvent(state, REPO, group));

    expect(calls(app.fake)).toEqual([
      'POST /graphql MergeQueueEntries',
      `GET ${R}/commits/${group.headSha}/check-runs`,
      `POST ${R}/check-runs`,
    ]);
    const check = groupCheck(group.headSha);
    expect(check.conclusion).toBe('failure');
    expect(check.output.title).toContain('cannot tell which pull requests the merge group carries');
    expect(plain(check.output.summary!)).toContain(`#${n} is not in it`);
  });

  it('fails closed when the queue cannot be read', async () => {
    approve(n);
    const group = state.createMergeGroup(REPO, n);
    app.fake.fail({ operation: 'MergeQueueEntries', status: 502 });
    expect(await app.send(mergeGroupEvent(state, REPO, group))).toBe(200);

    const check = groupCheck(group.headSha);
    expect(check.conclusion).toBe('failure');
    expect(plain(check.output.summary!)).toContain(
      'could not read the merge queue of acme/payments-api@main: HTTP 502',
    );
  });
});
