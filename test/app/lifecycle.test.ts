/**
 * One AI-assisted pull request through its life: opened, reviewed, approved, pushed to again, and
 * re-evaluated without change. Each step asserts the exact requests the app sends to GitHub.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CHECK_NAME, COMMENT_MARKER } from '../../src/model/names.js';
import type { ReviewState } from '../../src/fake-github/model.js';
import type { FakeGitHubState } from '../../src/fake-github/state.js';
import { pullRequestEvent, pullRequestReviewEvent } from '../../src/fake-github/webhooks.js';
import type { AppOnFake } from '../support/app-on-fake.js';
import { calls, sent, variablesOf } from '../support/requests.js';
import {
  EVALUATION_READS as reads,
  ORG,
  R,
  REPO,
  acme,
  headOf,
  openAiPaymentsPr,
  startApp,
} from './scenario.js';

let state: FakeGitHubState;
let app: AppOnFake;
let n: number;

beforeEach(async () => {
  state = acme();
  n = openAiPaymentsPr(state);
  app = await startApp(state);
});

afterEach(() => app.stop());

async function opened(): Promise<void> {
  await app.deliver(pullRequestEvent(state, REPO, n, 'opened'));
}

/** A review as GitHub records it, then the webhook GitHub sends for it. */
async function review(by: string, reviewState: ReviewState = 'APPROVED'): Promise<void> {
  const r = state.submitReview(REPO, n, { user: by, state: reviewState });
  await app.deliver(pullRequestReviewEvent(state, REPO, n, r.id));
}

/** The id of the app's audit comment on the PR. */
function commentId(): number {
  const mine = state.requirePull(REPO, n).comments.filter((c) => c.viaApp);
  expect(mine).toHaveLength(1);
  return mine[0]!.id;
}

describe('an AI-assisted pull request that touches a critical path', () => {
  it('opened: holds it for the team, annotates the files, comments, labels and asks for review', async () => {
    await opened();

    expect(calls(app.fake)).toEqual([
      ...reads,
      `POST ${R}/check-runs`,
      `POST ${R}/issues/${n}/comments`,
      `POST ${R}/issues/${n}/labels`,
      `POST ${R}/pulls/${n}/requested_reviewers`,
    ]);
    expect(app.fake.stats.tokens).toBe(1);

    expect(variablesOf(app.fake, 'PullRequestSnapshot')[0]).toMatchObject({
      owner: ORG,
      repo: 'payments-api',
      number: n,
      policyExpression: 'HEAD:.github/ai-governance.yml',
    });
    expect(variablesOf(app.fake, 'TeamMembers')).toEqual([
      { org: ORG, s0: 'payments-seniors', c0: null, s1: 'platform-leads', c1: null },
    ]);

    const check = app.check(REPO, headOf(state, n));
    expect(check).toMatchObject({
      name: CHECK_NAME,
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
    expect(check.annotations).toEqual([
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
    expect(check.annotations[0]!.message).toBe(
      'Falls under "payments": 2 approval(s) required from team payments-seniors.',
    );

    const comment = app.comment(REPO, n);
    expect(comment.startsWith(`${COMMENT_MARKER}\n`)).toBe(true);
    expect(comment).toContain('## AI Governance audit');
    // Teams are written without pinging anyone (a zero-width space after the @).
    expect(comment).toContain('**⏳ Needs 2 approvals from @&#8203;acme\\/payments\\-seniors**');
    expect(comment).toContain('Claude Code');

    const pr = state.requirePull(REPO, n);
    expect(pr.labels).toEqual(['ai-assisted']);
    expect(pr.labelEvents.map((e) => e.actor)).toEqual([state.botLogin]);
    // The team, and nobody by name.
    expect(pr.requestedReviewers).toEqual([{ type: 'team', slug: 'payments-seniors' }]);
    expect(app.errors()).toEqual([]);
  });

  it('one approval from a team member: still held (1 of 2), comment updated, nothing asked twice', async () => {
    await opened();
    const firstRun = app.check(REPO, headOf(state, n));
    const id = commentId();

    await review('carol');
    expect(state.requirePull(REPO, n).requestedReviewers).toEqual([]);

    // The same run is updated in place (its annotations already say which rule each file falls
    // under, so none are sent again); the comment is edited in place; the team, whose request
    // GitHub dropped when carol reviewed, is not asked again.
    expect(calls(app.fake)).toEqual([
      ...reads,
      `PATCH ${R}/check-runs/${firstRun.id}`,
      `PATCH ${R}/issues/comments/${id}`,
    ]);
    const check = app.check(REPO, headOf(state, n));
    expect(check.id).toBe(firstRun.id);
    expect(check.conclusion).toBe('action_required');
    expect(check.output.title).toBe('Needs 1 more approval from @acme/payments-seniors');
    expect(check.output.summary).toContain('@&#8203;carol');
    expect(check.annotations).toHaveLength(2);

    const body = app.comment(REPO, n);
    expect(body.startsWith(COMMENT_MARKER)).toBe(true);
    expect(body).toContain('### History');
    expect(body.match(/⏳ approval required/g)).toHaveLength(2);
    expect(app.errors()).toEqual([]);
  });

  it('two approvals pass; a new push makes them stale and holds the new head', async () => {
    await opened();
    await review('carol');

    const runId = app.check(REPO, headOf(state, n)).id;
    await review('dave');
    expect(calls(app.fake)).toEqual([
      ...reads,
      `PATCH ${R}/check-runs/${runId}`,
      `PATCH ${R}/issues/comments/${commentId()}`,
    ]);
    const passed = app.check(REPO, headOf(state, n));
    expect(passed.conclusion).toBe('success');
    expect(passed.output.title).toBe('AI-assisted: approved by @carol, @dave');

    // synchronize: a new commit becomes the head; the approvals were given on the old one.
    const oldHead = headOf(state, n);
    const newHead = state.pushCommits(REPO, n, [{ message: 'Address review comments' }]);
    await app.deliver(pullRequestEvent(state, REPO, n, 'synchronize'));

    expect(calls(app.fake)).toEqual([
      ...reads,
      `POST ${R}/check-runs`,
      `PATCH ${R}/issues/comments/${commentId()}`,
    ]);
    const held = app.check(REPO, newHead);
    expect(held.conclusion).toBe('action_required');
    expect(held.output.title).toBe('Needs 2 approvals from @acme/payments-seniors');
    expect(held.output.summary).toContain('reviewed an older commit');
    expect(held.annotations).toHaveLength(2);
    // The old head keeps its own run; the new head has a new one.
    expect(app.check(REPO, oldHead).conclusion).toBe('success');
    expect(app.errors()).toEqual([]);
  });

  it('a re-evaluation of the same state writes nothing (only reads)', async () => {
    await opened();

    // The app's own label produces a `labeled` event; nothing has changed since.
    await app.deliver(
      pullRequestEvent(state, REPO, n, 'labeled', { label: 'ai-assisted', sender: state.botLogin }),
    );
    expect(calls(app.fake)).toEqual(reads);

    // Again, after an approval has been taken into account.
    await review('carol');
    await app.deliver(pullRequestEvent(state, REPO, n, 'reopened'));
    expect(calls(app.fake)).toEqual(reads);
    expect(app.fake.stats.writes).toBe(0);
    expect(state.checkRunsFor(REPO, headOf(state, n))).toHaveLength(1);
    expect(state.requirePull(REPO, n).comments).toHaveLength(1);
    expect(app.errors()).toEqual([]);
  });
});

describe('what the check run shows after the verdict changes', () => {
  /** The annotations GitHub shows on the commit's current run. */
  const shown = () =>
    app.check(REPO, headOf(state, n)).annotations.map((a) => `${a.annotation_level}: ${a.message}`);
  const TWO_NOTICES = [
    'notice: Falls under "payments": 2 approval(s) required from team payments-seniors.',
    'notice: Falls under "payments": 2 approval(s) required from team payments-seniors.',
  ];

  it('a passing run keeps one neutral annotation per critical file, none stale', async () => {
    await opened();
    await review('carol');
    await review('dave');
    expect(app.check(REPO, headOf(state, n)).conclusion).toBe('success');
    expect(shown()).toEqual(TWO_NOTICES);
  });

  it('a run that failed first gets the critical files annotated once the PR can be judged', async () => {
    app.fake.fail({ operation: 'TeamMembers', status: 502 });
    expect(await app.send(pullRequestEvent(state, REPO, n, 'opened'))).toBe(200);
    expect(app.check(REPO, headOf(state, n)).conclusion).toBe('failure');
    await app.deliver(pullRequestEvent(state, REPO, n, 'reopened'));
    expect(app.check(REPO, headOf(state, n)).conclusion).toBe('action_required');
    expect(shown()).toEqual(TWO_NOTICES);
  });

  it('an error after a judged run replaces the judged run’s details in place, and settles', async () => {
    await opened();
    app.fake.fail({ operation: 'TeamMembers', status: 502 });
    expect(await app.send(pullRequestEvent(state, REPO, n, 'reopened'))).toBe(200);
    const run = app.check(REPO, headOf(state, n));
    expect(run.conclusion).toBe('failure');
    expect(run.output.text).toBe('No file falls under a critical-path rule.\n');
    expect(run.output.summary).toContain('502');

    // The same error again: nothing to write.
    app.fake.fail({ operation: 'TeamMembers', status: 502 });
    app.fake.stats.reset();
    expect(await app.send(pullRequestEvent(state, REPO, n, 'reopened'))).toBe(200);
    expect(app.fake.stats.writes).toBe(0);
  });
});

describe('a large AI-assisted change to the critical path', () => {
  it('stays within GitHub’s limits: 50 annotations a request, bounded summary, text and comment', async () => {
    const files = Array.from(
      { length: 2900 },
      (_, i) => `services/payments/generated/${'deep/'.repeat(8)}file-${i}.ts`,
    );
    n = openAiPaymentsPr(state, files);
    // The fake refuses more than 50 annotations in one request, a longer summary or text than
    // 65,535 characters and a longer comment than 65,536 (deliver fails on any refusal).
    await opened();

    const run = app.check(REPO, headOf(state, n));
    const writes = calls(app.fake).filter((c) => c.includes('/check-runs'));
    expect(writes).toEqual([
      `POST ${R}/check-runs`,
      `PATCH ${R}/check-runs/${run.id}`,
      `PATCH ${R}/check-runs/${run.id}`,
      `PATCH ${R}/check-runs/${run.id}`,
    ]);
    const sentAnnotations = (call: string) =>
      sent(app.fake, call).map(
        (r) => (r.body as { output: { annotations: unknown[] } }).output.annotations.length,
      );
    expect(sentAnnotations(`POST ${R}/check-runs`)).toEqual([50]);
    expect(sentAnnotations(`PATCH ${R}/check-runs/${run.id}`)).toEqual([50, 50, 50]);
    expect(run.annotations).toHaveLength(200);
    expect(run.conclusion).toBe('action_required');
    expect(run.output.text!.length).toBeLessThanOrEqual(65_535);
    expect(app.comment(REPO, n).length).toBeLessThanOrEqual(65_536);
    expect(app.errors()).toEqual([]);

    // And nothing changes on a second look.
    await app.deliver(pullRequestEvent(state, REPO, n, 'reopened'));
    expect(app.fake.stats.writes).toBe(0);
  });
});
