/**
 * The events that only ask for a re-evaluation (check re-runs, the check's button, fork PRs found
 * by commit), the events that must be ignored, and deliveries that fail signature verification.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CHECK_NAME } from '../../src/model/names.js';
import type { FakeGitHubState } from '../../src/fake-github/state.js';
import {
  checkRunEvent,
  checkSuiteEvent,
  pullRequestEvent,
  signPayload,
  webhookHeaders,
  type WebhookDelivery,
} from '../../src/fake-github/webhooks.js';
import { WEBHOOK_SECRET, type AppOnFake } from '../support/app-on-fake.js';
import { CLAUDE } from '../support/fixtures.js';
import { calls, variablesOf } from '../support/requests.js';
import {
  AI_PAYMENTS_FILES,
  EVALUATION_READS as reads,
  R,
  REPO,
  acme,
  headOf,
  openAiPaymentsPr,
  otherAppsRun,
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

/** Opens the PR, then records an approval that the app has not heard of yet; the app's run. */
async function openedThenApprovedQuietly(): Promise<number> {
  await app.deliver(pullRequestEvent(state, REPO, n, 'opened'));
  state.submitReview(REPO, n, { user: 'carol' });
  return app.check(REPO, headOf(state, n)).id;
}

/** The id of the app's audit comment on the PR. */
function commentId(): number {
  return state.requirePull(REPO, n).comments.find((c) => c.viaApp)!.id;
}

describe('check_run', () => {
  it('rerequested on our run re-evaluates the PR', async () => {
    const runId = await openedThenApprovedQuietly();
    await app.deliver(checkRunEvent(state, REPO, runId, 'rerequested'));

    expect(calls(app.fake)).toEqual([
      ...reads,
      `PATCH ${R}/check-runs/${runId}`,
      `PATCH ${R}/issues/comments/${commentId()}`,
    ]);
    expect(app.check(REPO, headOf(state, n)).output.title).toBe(
      'Needs 1 more approval from @acme/payments-seniors',
    );
  });

  it('requested_action "reevaluate" re-evaluates the PR', async () => {
    const runId = await openedThenApprovedQuietly();
    await app.deliver(
      checkRunEvent(state, REPO, runId, 'requested_action', { identifier: 'reevaluate' }),
    );

    expect(calls(app.fake)).toEqual([
      ...reads,
      `PATCH ${R}/check-runs/${runId}`,
      `PATCH ${R}/issues/comments/${commentId()}`,
    ]);
  });

  it('a requested_action with another identifier is ignored', async () => {
    const runId = await openedThenApprovedQuietly();
    await app.deliver(
      checkRunEvent(state, REPO, runId, 'requested_action', { identifier: 'lgtm|26764' }),
    );
    expect(app.fake.stats.requests).toEqual([]);
  });

  it('a re-run of another app’s check run is ignored', async () => {
    await openedThenApprovedQuietly();
    // Another app's run, and another app's run that happens to use our check name.
    const other = otherAppsRun(state, n, 'CI');
    const impostor = otherAppsRun(state, n, CHECK_NAME);
    app.fake.stats.reset();
    for (const run of [other, impostor]) {
      expect(await app.send(checkRunEvent(state, REPO, run.id, 'rerequested'))).toBe(200);
    }
    expect(app.fake.stats.requests).toEqual([]);
    expect(app.fake.stats.tokens).toBe(0);
  });
});

describe('check_suite.rerequested', () => {
  it('with the PR listed re-evaluates it', async () => {
    const runId = await openedThenApprovedQuietly();
    const rerun = checkSuiteEvent(state, REPO, headOf(state, n), 'rerequested');
    expect(rerun.payload).toMatchObject({ check_suite: { pull_requests: [{ number: n }] } });
    await app.deliver(rerun);

    expect(calls(app.fake)).toEqual([
      ...reads,
      `PATCH ${R}/check-runs/${runId}`,
      `PATCH ${R}/issues/comments/${commentId()}`,
    ]);
  });

  it('from a fork (no PR listed) finds the PR by its head commit', async () => {
    const fork = state.openPullRequest(REPO, {
      author: 'alice',
      title: 'Retry failed refunds',
      headRef: 'main',
      crossRepository: true,
      commits: [{ message: 'Retry failed refunds', coAuthors: [CLAUDE] }],
      files: AI_PAYMENTS_FILES,
    });
    const rerun = checkSuiteEvent(state, REPO, fork.headSha, 'rerequested', { headBranch: 'main' });
    expect(rerun.payload).toMatchObject({ check_suite: { pull_requests: [] } });
    await app.deliver(rerun);

    expect(calls(app.fake).slice(0, 2)).toEqual([
      `GET ${R}/commits/${fork.headSha}/pulls`,
      'POST /graphql PullRequestSnapshot',
    ]);
    expect(variablesOf(app.fake, 'PullRequestSnapshot')[0]!.number).toBe(fork.number);
    const check = app.check(REPO, fork.headSha);
    expect(check.conclusion).toBe('action_required');
    expect(state.requirePull(REPO, fork.number).comments).toHaveLength(1);
  });

  it('for a commit no open PR heads does nothing more', async () => {
    const sha = state.commitToBranch(REPO, {
      branch: 'some-branch',
      message: 'Try something',
      files: { 'notes.md': 'notes\n' },
    });
    await app.deliver(checkSuiteEvent(state, REPO, sha, 'rerequested'));
    expect(calls(app.fake)).toEqual([`GET ${R}/commits/${sha}/pulls`]);
  });
});

describe('webhook signatures (through Probot’s HTTP middleware)', () => {
  /** POSTs `body` to the app with GitHub's headers and the given signature (none when null). */
  async function post(delivery: WebhookDelivery, body: string, signature: string | null) {
    const headers = webhookHeaders(WEBHOOK_SECRET, delivery, body);
    delete headers['x-hub-signature'];
    if (signature === null) delete headers['x-hub-signature-256'];
    else headers['x-hub-signature-256'] = signature;
    return fetch(app.url, { method: 'POST', headers, body });
  }

  it('rejects a delivery with a wrong or missing signature and calls GitHub for nothing', async () => {
    const delivery = pullRequestEvent(state, REPO, n, 'opened');
    const body = JSON.stringify(delivery.payload);

    const forged = await post(delivery, body, signPayload('not-the-secret', body));
    const missing = await post(delivery, body, null);
    const changed = body.replace('"action":"opened"', '"action":"reopened"');
    expect(changed).not.toBe(body);
    const tampered = await post(delivery, changed, signPayload(WEBHOOK_SECRET, body));
    for (const res of [forged, missing, tampered]) {
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
    }

    expect(app.fake.stats.requests).toEqual([]);
    expect(app.fake.stats.tokens).toBe(0);
    expect(state.checkRunsFor(REPO, headOf(state, n))).toEqual([]);
  });

  it('accepts the same delivery signed with the secret (the route works)', async () => {
    const delivery = pullRequestEvent(state, REPO, n, 'opened');
    const body = JSON.stringify(delivery.payload);
    const res = await post(delivery, body, signPayload(WEBHOOK_SECRET, body));
    expect(res.status).toBe(200);
    expect(app.check(REPO, headOf(state, n)).conclusion).toBe('action_required');
  });
});
