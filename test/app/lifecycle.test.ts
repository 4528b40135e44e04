/**
 * One AI-assisted pull request through its life: opened, reviewed, approved, pushed to again, and
 * re-evaluated without change. Each step asserts the exact requests the app sends to GitHub.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { COMMENT_MARKER } from '../../src/model/names.js';
import {
  CHECK_NAME,
  FakeGitHub,
  OWNER,
  PAYMENTS_POLICY,
  REPO,
  TEAMS,
  aiPaymentsPr,
  pullRequestEvent,
  reviewEvent,
  sha,
  startApp,
  finish,
  evaluationReads,
  type PrSpec,
  type TestApp,
} from './helpers.js';

const R = `/repos/${OWNER}/${REPO}`;
let gh: FakeGitHub;
let app: TestApp;
let pr: PrSpec;

beforeEach(async () => {
  pr = aiPaymentsPr(7);
  gh = new FakeGitHub({ policyText: PAYMENTS_POLICY, teams: TEAMS, prs: [pr] });
  app = await startApp();
});

afterEach(() => finish(gh));

const reads = evaluationReads;

async function opened(): Promise<void> {
  await app.receive('pull_request', pullRequestEvent('opened', pr));
}

/** A review as GitHub records it, followed by the webhook GitHub sends for it. */
async function review(by: string, commit = pr.headSha, state = 'APPROVED'): Promise<void> {
  pr.reviews.push({ by, state: state as 'APPROVED', commit });
  // GitHub drops the team's pending request once a member reviews; the timeline keeps it.
  pr.reviewRequests.teams = [];
  await app.receive('pull_request_review', reviewEvent(pr, { by, state, commit }));
}

describe('an AI-assisted pull request that touches a critical path', () => {
  it('opened: holds it for the team, annotates the files, comments, labels and asks for review', async () => {
    await opened();

    expect(gh.calls()).toEqual([
      ...reads(pr.headSha),
      `POST ${R}/check-runs`,
      `POST ${R}/issues/7/comments`,
      `POST ${R}/issues/7/labels`,
      `POST ${R}/pulls/7/requested_reviewers`,
    ]);
    expect(gh.tokens).toBe(1);

    const snapshot = gh.requests[0]!;
    expect(snapshot.body.variables).toMatchObject({
      owner: OWNER,
      repo: REPO,
      number: 7,
      policyExpression: 'HEAD:.github/ai-governance.yml',
    });
    const teams = gh.requests[2]!;
    expect(teams.body.variables).toEqual({
      org: OWNER,
      s0: 'payments-seniors',
      c0: null,
      s1: 'platform-leads',
      c1: null,
    });
    const lookup = gh.requests[3]!;
    expect(lookup.query).toMatchObject({ check_name: CHECK_NAME, app_id: '1' });

    const check = gh.one('POST', `${R}/check-runs`).body;
    expect(check).toMatchObject({
      name: CHECK_NAME,
      head_sha: pr.headSha,
      status: 'completed',
      conclusion: 'action_required',
      actions: [expect.objectContaining({ identifier: 'reevaluate' })],
    });
    expect(check.output.title).toBe('Needs 2 approvals from @acme/payments-seniors');
    expect(check.output.summary).toContain('AI-assisted (1 piece of evidence)');
    expect(check.output.summary).toContain('noreply@anthropic.com');
    expect(check.output.summary).toContain('### Requirements');
    expect(check.output.text).toContain('services/payments/refund.ts');
    // One annotation per critical file; the excluded README and the docs are not critical.
    expect(check.output.annotations).toEqual([
      expect.objectContaining({
        path: 'services/payments/refund.ts',
        start_line: 1,
        end_line: 1,
        annotation_level: 'notice',
        title: 'Critical path: payments',
      }),
      expect.objectContaining({
        path: 'services/payments/retry.ts',
        annotation_level: 'notice',
      }),
    ]);
    expect(check.output.annotations[0].message).toBe(
      'Falls under "payments": 2 approval(s) required from team payments-seniors.',
    );

    const comment = gh.one('POST', `${R}/issues/7/comments`).body.body as string;
    expect(comment.startsWith(`${COMMENT_MARKER}\n`)).toBe(true);
    expect(comment).toContain('## AI Governance audit');
    // Teams are written without pinging anyone (a zero-width space after the @).
    expect(comment).toContain('**⏳ Needs 2 approvals from @&#8203;acme\\/payments\\-seniors**');
    expect(comment).toContain('Claude Code');

    expect(gh.one('POST', `${R}/issues/7/labels`).body).toEqual({ labels: ['ai-assisted'] });
    expect(gh.one('POST', `${R}/pulls/7/requested_reviewers`).body).toEqual({
      reviewers: [],
      team_reviewers: ['payments-seniors'],
    });
    expect(app.errors()).toEqual([]);
  });

  it('one approval from a team member: still held (1 of 2), comment updated, nothing asked twice', async () => {
    await opened();
    const firstRun = gh.checkRun(pr.headSha)!;
    const commentId = pr.comments[0]!.id;
    gh.reset();

    await review('carol');

    // The same run is updated in place (its annotations already say which rule each file falls
    // under, so none are sent again); the comment is edited in place.
    expect(gh.calls()).toEqual([
      ...reads(pr.headSha),
      `PATCH ${R}/check-runs/${firstRun.id}`,
      `PATCH ${R}/issues/comments/${commentId}`,
    ]);
    const check = gh.one('PATCH', `${R}/check-runs/${firstRun.id}`).body;
    expect(check.conclusion).toBe('action_required');
    expect(check.output.title).toBe('Needs 1 more approval from @acme/payments-seniors');
    expect(check.output.summary).toContain('@&#8203;carol');
    expect(check.output.annotations).toBeUndefined();
    expect(gh.checkRuns).toHaveLength(1);
    expect(gh.checkRun(pr.headSha)!.annotations).toHaveLength(2);

    const body = gh.one('PATCH', `${R}/issues/comments/${commentId}`).body.body as string;
    expect(body.startsWith(COMMENT_MARKER)).toBe(true);
    expect(body).toContain('### History');
    expect(body.match(/⏳ approval required/g)).toHaveLength(2);
    expect(app.errors()).toEqual([]);
  });

  it('two approvals pass; a new push makes them stale and holds the new head', async () => {
    await opened();
    await review('carol');
    gh.reset();

    const runId = gh.checkRun(pr.headSha)!.id;
    await review('dave');
    expect(gh.calls()).toEqual([
      ...reads(pr.headSha),
      `PATCH ${R}/check-runs/${runId}`,
      `PATCH ${R}/issues/comments/${pr.comments[0]!.id}`,
    ]);
    const passed = gh.one('PATCH', `${R}/check-runs/${runId}`).body;
    expect(passed.conclusion).toBe('success');
    expect(passed.output.title).toBe('AI-assisted: approved by @carol, @dave');

    // synchronize: a new commit becomes the head; the approvals were given on the old one.
    const oldHead = pr.headSha;
    const newHead = sha('pr-7-head-2');
    pr.commits.push({ sha: newHead, message: 'Address review comments' });
    pr.headSha = newHead;
    gh.reset();
    await app.receive('pull_request', pullRequestEvent('synchronize', pr));

    expect(gh.calls()).toEqual([
      ...reads(newHead),
      `POST ${R}/check-runs`,
      `PATCH ${R}/issues/comments/${pr.comments[0]!.id}`,
    ]);
    const held = gh.one('POST', `${R}/check-runs`).body;
    expect(held.head_sha).toBe(newHead);
    expect(held.conclusion).toBe('action_required');
    expect(held.output.title).toBe('Needs 2 approvals from @acme/payments-seniors');
    expect(held.output.summary).toContain('reviewed an older commit');
    expect(held.output.annotations).toHaveLength(2);
    // The old head keeps its own run; the new head has a new one.
    expect(gh.checkRun(oldHead)!.conclusion).toBe('success');
    expect(gh.checkRun(newHead)!.conclusion).toBe('action_required');
    expect(app.errors()).toEqual([]);
  });

  it('a re-evaluation of the same state writes nothing (only reads)', async () => {
    await opened();
    gh.reset();

    // The app's own label produces a `labeled` event; nothing has changed since.
    const labeled = pullRequestEvent('labeled', pr);
    labeled.label.name = 'ai-assisted';
    labeled.sender.login = 'ai-governance[bot]';
    labeled.sender.type = 'Bot';
    await app.receive('pull_request', labeled);
    expect(gh.calls()).toEqual(reads(pr.headSha));

    // Again, after an approval has been taken into account.
    await review('carol');
    gh.reset();
    await app.receive('pull_request', pullRequestEvent('reopened', pr));
    expect(gh.calls()).toEqual(reads(pr.headSha));
    expect(gh.writes()).toEqual([]);
    expect(gh.checkRuns).toHaveLength(1);
    expect(pr.comments).toHaveLength(1);
    expect(app.errors()).toEqual([]);
  });
});

describe('what the check run shows after the verdict changes', () => {
  /** The annotations GitHub shows on the commit's current run. */
  const shown = (headSha: string) =>
    (gh.checkRun(headSha)!.annotations as { annotation_level: string; message: string }[]).map(
      (a) => `${a.annotation_level}: ${a.message}`,
    );

  it('a passing run keeps one neutral annotation per critical file, none stale', async () => {
    await opened();
    await review('carol');
    await review('dave');
    const run = gh.checkRun(pr.headSha)!;
    expect(run.conclusion).toBe('success');
    expect(gh.checkRuns).toHaveLength(1);
    expect(shown(pr.headSha)).toEqual([
      'notice: Falls under "payments": 2 approval(s) required from team payments-seniors.',
      'notice: Falls under "payments": 2 approval(s) required from team payments-seniors.',
    ]);
  });

  it('a run that failed first gets the critical files annotated once the PR can be judged', async () => {
    gh.fail('POST /graphql TeamMembers', 502);
    await opened();
    expect(gh.checkRun(pr.headSha)!.conclusion).toBe('failure');
    await app.receive('pull_request', pullRequestEvent('reopened', pr));
    expect(gh.checkRun(pr.headSha)!.conclusion).toBe('action_required');
    expect(gh.checkRuns).toHaveLength(1);
    expect(shown(pr.headSha)).toEqual([
      'notice: Falls under "payments": 2 approval(s) required from team payments-seniors.',
      'notice: Falls under "payments": 2 approval(s) required from team payments-seniors.',
    ]);
  });

  it('an error after a judged run replaces the judged run’s details in place, and settles', async () => {
    await opened();
    gh.fail('POST /graphql TeamMembers', 502);
    await app.receive('pull_request', pullRequestEvent('reopened', pr));
    const run = gh.checkRun(pr.headSha)!;
    expect(run.conclusion).toBe('failure');
    expect(gh.checkRuns).toHaveLength(1);
    expect(run.output.text).toBe('No file falls under a critical-path rule.\n');
    expect(run.output.summary).toContain('502');

    // The same error again: nothing to write.
    gh.fail('POST /graphql TeamMembers', 502);
    gh.reset();
    await app.receive('pull_request', pullRequestEvent('reopened', pr));
    expect(gh.writes()).toEqual([]);
  });
});

describe('a large AI-assisted change to the critical path', () => {
  it('stays within GitHub’s limits: 50 annotations a request, bounded summary, text and comment', async () => {
    const files = Array.from(
      { length: 2900 },
      (_, i) => `services/payments/generated/${'deep/'.repeat(8)}file-${i}.ts`,
    );
    pr.files = files.map((path) => ({ path, changeType: 'ADDED' }));
    pr.changedFiles = files.length;
    await opened();

    const creates = gh.find('POST', `${R}/check-runs`);
    expect(creates).toHaveLength(1);
    expect(creates[0]!.body.output.annotations).toHaveLength(50);
    const updates = gh.find('PATCH', `${R}/check-runs/${gh.checkRun(pr.headSha)!.id}`);
    expect(updates.map((u) => u.body.output.annotations.length)).toEqual([50, 50, 50]);
    expect(gh.checkRun(pr.headSha)!.annotations).toHaveLength(200);
    expect(gh.checkRun(pr.headSha)!.conclusion).toBe('action_required');
    expect(gh.checkRun(pr.headSha)!.output.text!.length).toBeLessThanOrEqual(65_535);
    expect(pr.comments[0]!.body.length).toBeLessThanOrEqual(65_536);
    expect(app.errors()).toEqual([]);

    // And nothing changes on a second look.
    gh.reset();
    await app.receive('pull_request', pullRequestEvent('reopened', pr));
    expect(gh.writes()).toEqual([]);
  });
});
