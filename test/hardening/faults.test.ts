/**
 * Faults: GitHub answering with server errors, rate limits and secondary rate limits, or not at
 * all, and errors thrown anywhere in a handler. Requests go through Probot's own Octokit with its
 * retry and throttling plugins switched on (only their waits are shortened: `shortWaits` in
 * test/support/app-on-fake.ts). The app must retry within bounds and, when GitHub still fails, end
 * with a completed, failing check that says why: never `in_progress`, never `success`.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type { FakePullRequest } from '../../src/fake-github/model.js';
import type { FakeGitHubState } from '../../src/fake-github/state.js';
import {
  checkSuiteEvent,
  pullRequestEvent,
  pullRequestReviewEvent,
} from '../../src/fake-github/webhooks.js';
import type { KeyedLock } from '../../src/github/lock.js';
import { plain, type AppOnFake, type AppOnFakeOptions } from '../support/app-on-fake.js';
import {
  R,
  REPO,
  asked,
  errorLogs,
  find,
  hardeningState,
  one,
  openAiPaymentsPr,
  openPr,
  start,
} from './world.js';

let state: FakeGitHubState;
let pr: FakePullRequest;

beforeEach(() => {
  state = hardeningState();
  pr = openAiPaymentsPr(state, 7);
});

/** The app with Probot's retries and throttling on, their waits in milliseconds. */
const startRetrying = (app: AppOnFakeOptions['app'] = {}) =>
  start(state, { retries: true, shortWaits: true, logLevel: 'debug', app });
/** The app with retries and throttling off. */
const startPlain = (app: AppOnFakeOptions['app'] = {}) => start(state, { app });

const opened = () => pullRequestEvent(state, REPO, pr.number, 'opened');
const snapshots = (app: AppOnFake) => asked(app, 'PullRequestSnapshot');
const SNAPSHOT = { operation: 'PullRequestSnapshot' };
const CHECK_RUNS = 'POST /repos/{owner}/{repo}/check-runs';
/** GitHub's answer to a request it failed to serve: a status and a bare message. */
const serverError = (status: number, message: string) => ({ status, body: { message } });

/** The app's check run on the PR head: completed, with this conclusion, one run only. */
function onlyRun(app: AppOnFake, conclusion: string, head = pr.headSha) {
  const run = app.check(REPO, head);
  expect(run.status).toBe('completed');
  expect(run.conclusion).toBe(conclusion);
  return run;
}

/** Every check run ever written (answered or refused) was completed and none passed. */
function neverPassed(app: AppOnFake) {
  const writes = app.fake.stats.requests.filter(
    (r) => r.kind === 'write' && r.path.includes('/check-runs'),
  );
  expect(writes.length).toBeGreaterThan(0);
  for (const w of writes) {
    const body = w.body as { status?: string; conclusion?: string };
    expect(body.status ?? 'completed').toBe('completed');
    expect(body.conclusion).not.toBe('success');
  }
}

describe('server errors (500, 502, 503): retried with back-off by the retry plugin', () => {
  it.each([500, 502, 503])(
    '%i twice, then an answer: the PR is judged normally',
    async (status) => {
      const app = await startRetrying();
      app.fake.fail({ ...SNAPSHOT, ...serverError(status, 'Server Error'), times: 2 });
      expect(await app.send(opened())).toBe(200);

      expect(snapshots(app)).toBe(3);
      expect(onlyRun(app, 'action_required').output.title).toBe(
        'Needs 2 approvals from @acme/payments-seniors',
      );
      expect(app.errors()).toEqual([]);
    },
  );

  it.each([500, 502, 503])(
    '%i every time: 3 retries, then a completed failing check with the reason',
    async (status) => {
      const app = await startRetrying();
      app.fake.fail({ ...SNAPSHOT, ...serverError(status, 'Server Error'), times: 100 });
      const delivery = opened();
      expect(await app.send(delivery)).toBe(200);

      // 1 attempt + 3 retries, bounded: nothing more is asked of a GitHub that keeps failing.
      expect(snapshots(app)).toBe(4);
      const run = onlyRun(app, 'failure');
      expect(run.output.title).toMatch(
        new RegExp(
          `^Could not evaluate: could not read pull request acme/payments-api#7: HTTP ${status}: Server Error`,
        ),
      );
      expect(plain(run.output.summary!)).toContain(
        `HTTP ${status}: Server Error (retried 3 times)`,
      );
      expect(plain(run.output.summary!)).toContain('Re-run this check');
      neverPassed(app);
      const [logged] = errorLogs(app);
      expect(logged).toMatchObject({
        deliveryId: delivery.id,
        msg: expect.stringContaining(`${status}`),
      });
    },
  );

  it('a write that fails once is retried: still exactly one check run', async () => {
    const app = await startRetrying();
    app.fake.fail({ route: CHECK_RUNS, ...serverError(502, 'Bad Gateway') });
    expect(await app.send(opened())).toBe(200);

    expect(find(app, 'POST', `${R}/check-runs`).map((r) => r.status)).toEqual([502, 201]);
    onlyRun(app, 'action_required');
    app.comment(REPO, pr.number);
  });

  it('a passing verdict whose write keeps failing ends as a failing check, never success', async () => {
    const human = openPr(state, 8, { files: ['README.md'] });
    const app = await startRetrying();
    app.fake.fail({ route: CHECK_RUNS, ...serverError(503, 'Service Unavailable'), times: 4 });
    expect(await app.send(pullRequestEvent(state, REPO, human.number, 'opened'))).toBe(200);

    const posts = find(app, 'POST', `${R}/check-runs`).map(
      (p) => (p.body as { conclusion: string }).conclusion,
    );
    expect(posts).toEqual(['success', 'success', 'success', 'success', 'failure']);
    const run = onlyRun(app, 'failure', human.headSha);
    expect(run.output.title).toContain('HTTP 503');
  });
});

describe('rate limits', () => {
  it('429 with retry-after: retried, then judged', async () => {
    const app = await startRetrying();
    app.fake.fail({
      ...SNAPSHOT,
      status: 429,
      message: 'Too Many Requests',
      headers: { 'retry-after': '1' },
      times: 2,
    });
    expect(await app.send(opened())).toBe(200);
    expect(snapshots(app)).toBe(3);
    onlyRun(app, 'action_required');
  });

  it('429 every time: bounded retries, then a failing check', async () => {
    const app = await startRetrying();
    app.fake.fail({
      ...SNAPSHOT,
      status: 429,
      message: 'Too Many Requests',
      headers: { 'retry-after': '1' },
      times: 100,
    });
    expect(await app.send(opened())).toBe(200);
    expect(snapshots(app)).toBe(4);
    expect(onlyRun(app, 'failure').output.title).toContain('HTTP 429: Too Many Requests');
    neverPassed(app);
  });

  /** The headers of a primary rate limit that lifts in `seconds`. */
  const primary = (seconds: number) => ({
    'x-ratelimit-limit': '5000',
    'x-ratelimit-remaining': '0',
    'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + seconds),
  });
  const message = 'API rate limit exceeded for installation ID 777.';

  it('403 with x-ratelimit-remaining 0: waits until x-ratelimit-reset, retries, then judges', async () => {
    const app = await startRetrying();
    app.fake.fail({ ...SNAPSHOT, status: 403, message, headers: primary(5), times: 2 });
    expect(await app.send(opened())).toBe(200);

    expect(snapshots(app)).toBe(3);
    onlyRun(app, 'action_required');
    // The wait comes from the reset time (about 6 s, shortened to 6 ms here), as Probot logs.
    const waits = app.logs.map((l) => /Retrying after (\d+) seconds/.exec(l.msg)?.[1]);
    expect(waits.filter(Boolean).map(Number)).toEqual([
      expect.toSatisfy((n: number) => n >= 5 && n <= 7),
      expect.toSatisfy((n: number) => n >= 5 && n <= 7),
    ]);
  });

  it('403 rate limit that does not lift: Probot’s 3 retries, then a failing check', async () => {
    const app = await startRetrying();
    app.fake.fail({ ...SNAPSHOT, status: 403, message, headers: primary(5), times: 100 });
    expect(await app.send(opened())).toBe(200);

    expect(snapshots(app)).toBe(4);
    expect(plain(onlyRun(app, 'failure').output.summary!)).toContain(`HTTP 403: ${message}`);
    neverPassed(app);
  });

  it('a GraphQL RATE_LIMITED answer (HTTP 200): retried by the throttling plugin, then fails', async () => {
    const app = await startRetrying();
    // As GitHub answers a query past the GraphQL budget: a 200 with an error, and the headers.
    app.fake.fail({
      ...SNAPSHOT,
      status: 200,
      body: { errors: [{ type: 'RATE_LIMITED', message: 'API rate limit exceeded' }] },
      headers: primary(1),
      times: 100,
    });
    expect(await app.send(opened())).toBe(200);
    expect(snapshots(app)).toBe(4);
    onlyRun(app, 'failure');
    neverPassed(app);
  });

  const secondary =
    'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.';

  it.each([403, 429])(
    'a secondary rate limit (%i with retry-after) is retried after the wait; once it clears, the PR is judged',
    async (status) => {
      const app = await startRetrying();
      app.fake.fail({
        ...SNAPSHOT,
        status,
        message: secondary,
        headers: { 'retry-after': '60' },
      });
      const started = Date.now();
      expect(await app.send(opened())).toBe(200);

      expect(snapshots(app)).toBeGreaterThanOrEqual(2);
      // The wait GitHub named (60 "seconds", at 1 ms each in this test) was kept.
      expect(Date.now() - started).toBeGreaterThanOrEqual(60);
      onlyRun(app, 'action_required');
      neverPassed(app);
    },
  );

  it.each([403, 429])(
    'a secondary rate limit (%i) that does not clear: bounded retries, then a failing check says so',
    async (status) => {
      const app = await startRetrying();
      app.fake.fail({
        ...SNAPSHOT,
        status,
        message: secondary,
        headers: { 'retry-after': '5' },
        times: 100,
      });
      expect(await app.send(opened())).toBe(200);

      expect(app.logs.some((l) => /Secondary quota detected/.test(l.msg))).toBe(true);
      // A 403 gets the app's 2 retries; a 429 also goes through Octokit's retry plugin (4
      // attempts) on each of them. Either way the count is bounded.
      expect(snapshots(app)).toBe(status === 403 ? 3 : 12);
      expect(plain(onlyRun(app, 'failure').output.summary!)).toContain('secondary rate limit');
      neverPassed(app);
    },
  );
});

describe('a GitHub that does not answer', () => {
  it('an attempt is abandoned after the time limit and retried; then a failing check', async () => {
    const app = await startRetrying({ requestTimeoutMs: 100 });
    const stuck = app.fake.fail({ ...SNAPSHOT, hang: true, times: Infinity });
    expect(await app.send(opened())).toBe(200);
    stuck.release();

    expect(stuck.hits).toBe(4);
    // Each attempt was given up by the app, not answered by GitHub.
    expect(app.fake.stats.requests.filter((r) => r.operation === 'PullRequestSnapshot')).toEqual(
      Array.from({ length: 4 }, () => expect.objectContaining({ status: 499 })),
    );
    const run = onlyRun(app, 'failure');
    expect(run.output.title).toMatch(
      /^Could not evaluate: could not read pull request acme\/payments-api#7: HTTP 500: GitHub did/,
    );
    expect(plain(run.output.summary!)).toContain('GitHub did not answer within 0.1 s');
    expect(app.errors()).toEqual([expect.stringContaining('GitHub did not answer within 0.1 s')]);
  });

  it('a slow evaluation’s in-progress run is completed as a failure, not left in progress', async () => {
    // Retries off, so the one stuck attempt outlasts the 2 s after which the app shows a run.
    const app = await startPlain({ requestTimeoutMs: 2_500 });
    const stuck = app.fake.fail({ ...SNAPSHOT, hang: true });
    expect(await app.send(opened())).toBe(200);
    expect(stuck.hits).toBe(1);

    expect(one(app, 'POST', `${R}/check-runs`).status).toBe('in_progress');
    const run = onlyRun(app, 'failure');
    expect(one(app, 'PATCH', `${R}/check-runs/${run.id}`)).toMatchObject({
      status: 'completed',
      conclusion: 'failure',
    });
    expect(run.output.title).toContain('GitHub did not');
  });

  it('a request that hangs does not hold the PR for ever: the next event is judged', async () => {
    const app = await startPlain({ requestTimeoutMs: 100 });
    const stuck = app.fake.fail({ ...SNAPSHOT, hang: true });
    state.submitReview(REPO, pr.number, { user: 'carol' });
    const dave = state.submitReview(REPO, pr.number, { user: 'dave' });
    const statuses = await Promise.all([
      app.send(opened()),
      app.send(pullRequestReviewEvent(state, REPO, pr.number, dave.id)),
    ]);
    expect(statuses).toEqual([200, 200]);
    expect(stuck.hits).toBe(1);
    // The first evaluation failed and wrote a failing check; the second replaced it in place.
    const posts = find(app, 'POST', `${R}/check-runs`).map(
      (p) => (p.body as { conclusion: string }).conclusion,
    );
    expect(posts).toEqual(['failure']);
    const run = onlyRun(app, 'success');
    expect(find(app, 'PATCH', `${R}/check-runs/${run.id}`)).toHaveLength(1);
  });
});

describe('errors thrown anywhere in a handler', () => {
  it('the app’s identity cannot be read: logged with the delivery id, a failing check on the event’s commit', async () => {
    const app = await startPlain();
    app.fake.fail({ route: 'GET /app', ...serverError(500, 'Server Error'), times: 2 });
    const delivery = opened();
    expect(await app.send(delivery)).toBe(500);

    const run = onlyRun(app, 'failure');
    expect(run.output.title).toBe(
      'Could not evaluate: could not handle pull_request.opened: HTTP 500: Server Error',
    );
    expect(errorLogs(app)).toContainEqual(
      expect.objectContaining({
        deliveryId: delivery.id,
        msg: 'could not handle pull_request.opened: HTTP 500: Server Error',
      }),
    );

    // The next event reads the identity again and replaces the failing run in place.
    state.closePullRequest(REPO, pr.number);
    state.reopenPullRequest(REPO, pr.number);
    expect(await app.send(pullRequestEvent(state, REPO, pr.number, 'reopened'))).toBe(200);
    expect(find(app, 'POST', `${R}/check-runs`)).toHaveLength(1);
    expect(onlyRun(app, 'action_required').id).toBe(run.id);
  });

  it('a lock that throws (a bug, not a busy lock): a failing check, logged with the delivery id', async () => {
    const broken: KeyedLock = {
      run: async () => {
        throw new TypeError('lock store answered garbage');
      },
    };
    const app = await startPlain({ lock: broken });
    const delivery = opened();
    expect(await app.send(delivery)).toBe(500);
    expect(onlyRun(app, 'failure').output.title).toBe(
      'Could not evaluate: could not handle pull_request.opened: lock store answered garbage',
    );
    expect(errorLogs(app)).toContainEqual(
      expect.objectContaining({
        deliveryId: delivery.id,
        msg: expect.stringContaining('lock store answered garbage'),
      }),
    );
  });

  it('the PRs of a re-run commit cannot be listed: a failing check on that commit', async () => {
    // A re-run of a fork's PR: GitHub sends the suite with no pull requests, so the app asks.
    const fork = openAiPaymentsPr(state, 9, { crossRepository: true, headRef: 'main' });
    const app = await startPlain();
    app.fake.fail({
      route: 'GET /repos/{owner}/{repo}/commits/{commit_sha}/pulls',
      ...serverError(502, 'Bad Gateway'),
    });
    const rerun = checkSuiteEvent(state, REPO, fork.headSha, 'rerequested', { headBranch: 'main' });
    expect((rerun.payload.check_suite as { pull_requests: unknown[] }).pull_requests).toEqual([]);
    // Probot answers a delivery whose handler failed with the failure's status.
    expect(await app.send(rerun)).toBe(502);
    expect(onlyRun(app, 'failure', fork.headSha).output.title).toBe(
      'Could not evaluate: could not handle check_suite.rerequested: HTTP 502: Bad Gateway',
    );
  });

  it('an installation token GitHub will not issue: nothing written, the delivery fails, logged with its id', async () => {
    // GitHub refuses a token for an installation that was just removed or suspended; the app can
    // then neither read nor write, and must say so rather than pass or stay silent.
    const app = await startPlain();
    app.fake.fail({
      route: 'POST /app/installations/{installation_id}/access_tokens',
      status: 404,
      message: 'Not Found',
      times: 100,
    });
    const delivery = opened();
    expect(await app.send(delivery)).toBe(500);
    expect(app.fake.stats.writes).toBe(0);
    expect(state.checkRunsFor(REPO, pr.headSha)).toEqual([]);
    const logged = errorLogs(app).filter((l) => l.deliveryId === delivery.id);
    expect(logged.map((l) => l.msg)).toEqual([
      expect.stringMatching(
        /^evaluation failed: could not read pull request acme\/payments-api#7: HTTP 404: Not Found/,
      ),
      expect.stringMatching(/^could not write the failing check either: HTTP 404: Not Found/),
    ]);
  });

  it('an evaluation error is not handled twice: one failing check, the delivery succeeds', async () => {
    const app = await startPlain();
    app.fake.fail({ ...SNAPSHOT, ...serverError(502, 'Bad Gateway') });
    expect(await app.send(opened())).toBe(200);
    expect(find(app, 'POST', `${R}/check-runs`)).toHaveLength(1);
    expect(app.errors()).toHaveLength(1);
  });
});
