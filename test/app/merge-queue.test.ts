/**
 * Merge queues: the check goes on the merge group's head commit, with the verdict of the pull
 * request the group carries, judged as it stands. Nothing else is written.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  CHECK_NAME,
  FakeGitHub,
  ORG_POLICY_READ,
  OWNER,
  PAYMENTS_POLICY,
  REPO,
  TEAMS,
  aiPaymentsPr,
  example,
  sha,
  startApp,
  finish,
  plain,
  type PrSpec,
  type TestApp,
} from './helpers.js';

const R = `/repos/${OWNER}/${REPO}`;
const GROUP_SHA = sha('merge-group-1');
let gh: FakeGitHub;
let app: TestApp;
let pr: PrSpec;

beforeEach(async () => {
  pr = aiPaymentsPr(7);
  gh = new FakeGitHub({ policyText: PAYMENTS_POLICY, teams: TEAMS, prs: [pr], mergeQueue: [7] });
  app = await startApp();
});

afterEach(() => finish(gh));

function mergeGroupEvent(number: number, queuedHead: string, groupSha = GROUP_SHA) {
  const p = example('merge_group');
  p.merge_group.head_sha = groupSha;
  p.merge_group.head_ref = `refs/heads/gh-readonly-queue/main/pr-${number}-${queuedHead}`;
  return p;
}

const groupReads = (groupSha = GROUP_SHA) => [
  'POST /graphql MergeQueueEntries',
  'POST /graphql PullRequestSnapshot',
  ORG_POLICY_READ,
  'POST /graphql TeamMembers',
  `GET ${R}/commits/${groupSha}/check-runs`,
];

describe('merge_group.checks_requested', () => {
  it('posts the approved PR’s verdict on the merge group’s head, and writes nothing else', async () => {
    pr.reviews.push(
      { by: 'carol', state: 'APPROVED', commit: pr.headSha },
      { by: 'dave', state: 'APPROVED', commit: pr.headSha },
    );
    await app.receive('merge_group', mergeGroupEvent(7, pr.headSha));

    expect(gh.calls()).toEqual([...groupReads(), `POST ${R}/check-runs`]);
    const check = gh.one('POST', `${R}/check-runs`).body;
    expect(check).toMatchObject({
      name: CHECK_NAME,
      head_sha: GROUP_SHA,
      status: 'completed',
      conclusion: 'success',
      output: { title: 'AI-assisted: approved by @carol, @dave' },
    });
    expect(gh.requests[0]!.body.variables).toMatchObject({ branch: 'main' });
    expect(gh.requests[1]!.body.variables.number).toBe(7);
    expect(pr.comments).toEqual([]);
    expect(pr.labels).toEqual([]);
    expect(app.errors()).toEqual([]);
  });

  it('a PR still waiting for approvals is not passed in the queue either', async () => {
    pr.reviews.push({ by: 'carol', state: 'APPROVED', commit: pr.headSha });
    await app.receive('merge_group', mergeGroupEvent(7, pr.headSha));

    expect(gh.calls()).toEqual([...groupReads(), `POST ${R}/check-runs`]);
    const check = gh.one('POST', `${R}/check-runs`).body;
    expect(check.head_sha).toBe(GROUP_SHA);
    expect(check.conclusion).toBe('action_required');
    expect(check.output.title).toBe('Needs 1 more approval from @acme/payments-seniors');
  });

  it('fails the group when the PR’s head moved after it joined the queue', async () => {
    pr.reviews.push(
      { by: 'carol', state: 'APPROVED', commit: pr.headSha },
      { by: 'dave', state: 'APPROVED', commit: pr.headSha },
    );
    const queued = sha('an-older-head');
    await app.receive('merge_group', mergeGroupEvent(7, queued));

    expect(gh.calls()).toEqual([
      'POST /graphql MergeQueueEntries',
      'POST /graphql PullRequestSnapshot',
      `GET ${R}/commits/${GROUP_SHA}/check-runs`,
      `POST ${R}/check-runs`,
    ]);
    const check = gh.one('POST', `${R}/check-runs`).body;
    expect(check.head_sha).toBe(GROUP_SHA);
    expect(check.conclusion).toBe('failure');
    expect(check.output.title).toContain(`not ${queued.slice(0, 7)} that joined the merge queue`);
    expect(pr.comments).toEqual([]);
  });

  it('fails a group whose branch does not name a pull request', async () => {
    const p = mergeGroupEvent(7, pr.headSha);
    p.merge_group.head_ref = 'refs/heads/gh-readonly-queue/main/something-else';
    await app.receive('merge_group', p);

    expect(gh.calls()).toEqual([
      `GET ${R}/commits/${GROUP_SHA}/check-runs`,
      `POST ${R}/check-runs`,
    ]);
    const check = gh.one('POST', `${R}/check-runs`).body;
    expect(check.head_sha).toBe(GROUP_SHA);
    expect(check.conclusion).toBe('failure');
    expect(check.output.title).toContain('cannot tell which pull request');
  });

  it('a re-run of the merge group’s check suite judges the group again', async () => {
    pr.reviews.push(
      { by: 'carol', state: 'APPROVED', commit: pr.headSha },
      { by: 'dave', state: 'APPROVED', commit: pr.headSha },
    );
    const p = example('check_suite', (e) => e.action === 'rerequested');
    p.check_suite.head_sha = GROUP_SHA;
    p.check_suite.head_branch = `gh-readonly-queue/main/pr-7-${pr.headSha}`;
    p.check_suite.pull_requests = [];
    await app.receive('check_suite', p);

    expect(gh.calls()).toEqual([...groupReads(), `POST ${R}/check-runs`]);
    expect(gh.one('POST', `${R}/check-runs`).body).toMatchObject({
      head_sha: GROUP_SHA,
      conclusion: 'success',
    });
  });
});

describe('a merge group that carries the pull requests queued ahead', () => {
  const approve = (p: PrSpec) =>
    p.reviews.push(
      { by: 'carol', state: 'APPROVED', commit: p.headSha },
      { by: 'dave', state: 'APPROVED', commit: p.headSha },
    );

  it('fails when a PR ahead is not approved, and names it', async () => {
    const ahead = gh.addPr(aiPaymentsPr(6));
    gh.repo.mergeQueue = [6, 7];
    approve(pr);
    await app.receive('merge_group', mergeGroupEvent(7, pr.headSha));

    expect(gh.calls()).toEqual([
      'POST /graphql MergeQueueEntries',
      'POST /graphql PullRequestSnapshot',
      ORG_POLICY_READ,
      'POST /graphql TeamMembers',
      'POST /graphql PullRequestSnapshot',
      ORG_POLICY_READ,
      'POST /graphql TeamMembers',
      `GET ${R}/commits/${GROUP_SHA}/check-runs`,
      `POST ${R}/check-runs`,
    ]);
    expect(gh.requests[4]!.body.variables.number).toBe(6);
    const check = gh.one('POST', `${R}/check-runs`).body;
    expect(check.head_sha).toBe(GROUP_SHA);
    expect(check.conclusion).toBe('action_required');
    expect(check.output.title).toBe('#6: Needs 2 approvals from @acme/payments-seniors');
    expect(check.output.summary).toContain('This merge group carries #6, #7');
    expect(check.output.summary).toContain('**#6 does not pass**');
    expect(ahead.comments).toEqual([]);
    expect(pr.comments).toEqual([]);
  });

  it('passes when every PR it carries passes, and says which it judged', async () => {
    const ahead = gh.addPr(aiPaymentsPr(6));
    gh.repo.mergeQueue = [6, 7, 8];
    approve(pr);
    approve(ahead);
    await app.receive('merge_group', mergeGroupEvent(7, pr.headSha));

    const check = gh.one('POST', `${R}/check-runs`).body;
    expect(check.conclusion).toBe('success');
    expect(check.output.title).toBe('AI-assisted: approved by @carol, @dave');
    expect(check.output.summary).toContain('carries #6, #7');
    expect(plain(check.output.summary)).not.toMatch(/#8(?!\d)/);
  });

  it('fails closed when the PR is not in the queue (a stale group)', async () => {
    gh.repo.mergeQueue = [5];
    approve(pr);
    await app.receive('merge_group', mergeGroupEvent(7, pr.headSha));

    expect(gh.calls()).toEqual([
      'POST /graphql MergeQueueEntries',
      `GET ${R}/commits/${GROUP_SHA}/check-runs`,
      `POST ${R}/check-runs`,
    ]);
    const check = gh.one('POST', `${R}/check-runs`).body;
    expect(check.conclusion).toBe('failure');
    expect(check.output.title).toContain('cannot tell which pull requests the merge group carries');
    expect(plain(check.output.summary)).toContain('#7 is not in it');
  });

  it('fails closed when the queue cannot be read', async () => {
    approve(pr);
    gh.fail('POST /graphql MergeQueueEntries', 502);
    await app.receive('merge_group', mergeGroupEvent(7, pr.headSha));

    const check = gh.one('POST', `${R}/check-runs`).body;
    expect(check.head_sha).toBe(GROUP_SHA);
    expect(check.conclusion).toBe('failure');
    expect(plain(check.output.summary)).toContain(
      'could not read the merge queue of acme/payments-api@main: HTTP 502',
    );
  });
});
