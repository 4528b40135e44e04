/**
 * Faults: GitHub answering with server errors, rate limits and secondary rate limits, or not at
 * all, and errors thrown anywhere in a handler. Requests go through Probot's own Octokit with its
 * retry and throttling plugins switched on (only their waits are shortened, see harness.ts). The
 * app must retry within bounds and, when GitHub still fails, end with a completed, failing check
 * that says why: never `in_progress`, never `success`.
 */
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  FakeGitHub,
  PAYMENTS_POLICY,
  TEAMS,
  aiPaymentsPr,
  example,
  finish,
  plain,
  pullRequest,
  pullRequestEvent,
  reviewEvent,
  type PrSpec,
} from '../app/helpers.js';
import {
  R,
  deliver,
  errorLogs,
  failWithHeaders,
  hang,
  startPlainApp,
  startRetryingApp,
} from './harness.js';

let gh: FakeGitHub;
let pr: PrSpec;

beforeEach(() => {
  pr = aiPaymentsPr(7);
  gh = new FakeGitHub({ policyText: PAYMENTS_POLICY, teams: TEAMS, prs: [pr] });
});

afterEach(() => finish(gh));

const SNAPSHOT = 'POST /graphql PullRequestSnapshot';
const snapshots = () => gh.requests.filter((r) => r.op === 'PullRequestSnapshot').length;

/** The app's check run on the PR head: completed, with this conclusion, one run only. */
function onlyRun(conclusion: string) {
  const runs = gh.checkRuns.filter((r) => r.head_sha === pr.headSha);
  expect(runs).toHaveLength(1);
  expect(runs[0]!.status).toBe('completed');
  expect(runs[0]!.conclusion).toBe(conclusion);
  return runs[0]!;
}

/** Every check run ever written was completed and none passed. */
function neverPassed() {
  for (const w of gh.writes().filter((r) => r.path.includes('/check-runs'))) {
    expect(w.body.status ?? 'completed').toBe('completed');
    expect(w.body.conclusion).not.toBe('success');
  }
}

describe('server errors (500, 502, 503): retried with back-off by the retry plugin', () => {
  it.each([500, 502, 503])(
    '%i twice, then an answer: the PR is judged normally',
    async (status) => {
      const app = await startRetryingApp();
      gh.fail(SNAPSHOT, status, { message: 'Server Error' }, 2);
      await app.receive('pull_request', pullRequestEvent('opened', pr));

      expect(snapshots()).toBe(3);
      expect(onlyRun('action_required').output.title).toBe(
        'Needs 2 approvals from @acme/payments-seniors',
      );
      expect(app.errors()).toEqual([]);
    },
  );

  it.each([500, 502, 503])(
    '%i every time: 3 retries, then a completed failing check with the reason',
    async (status) => {
      const app = await startRetryingApp();
      gh.fail(SNAPSHOT, status, { message: 'Server Error' }, 100);
      const id = randomUUID();
      await deliver(app, 'pull_request', pullRequestEvent('opened', pr), id);

      // 1 attempt + 3 retries, bounded: nothing more is asked of a GitHub that keeps failing.
      expect(snapshots()).toBe(4);
      const run = onlyRun('failure');
      expect(run.output.title).toMatch(
        new RegExp(
          `^Could not evaluate: could not read pull request acme/payments-api#7: HTTP ${status}: Server Error`,
        ),
      );
      expect(plain(run.output.summary!)).toContain(
        `HTTP ${status}: Server Error (retried 3 times)`,
      );
      expect(plain(run.output.summary!)).toContain('Re-run this check');
      neverPassed();
      const [logged] = errorLogs(app);
      expect(logged).toMatchObject({ deliveryId: id, msg: expect.stringContaining(`${status}`) });
    },
  );

  it('a write that fails once is retried: still exactly one check run', async () => {
    const app = await startRetryingApp();
    gh.fail(`POST ${R}/check-runs`, 502, { message: 'Bad Gateway' }, 1);
    await app.receive('pull_request', pullRequestEvent('opened', pr));

    expect(gh.find('POST', `${R}/check-runs`)).toHaveLength(2);
    onlyRun('action_required');
    expect(pr.comments.filter((c) => c.byApp)).toHaveLength(1);
  });

  it('a passing verdict whose write keeps failing ends as a failing check, never success', async () => {
    const human = gh.addPr(pullRequest(8, { files: ['README.md'] }));
    const app = await startRetryingApp();
    gh.fail(`POST ${R}/check-runs`, 503, { message: 'Service Unavailable' }, 4);
    await app.receive('pull_request', pullRequestEvent('opened', human));

    const posts = gh.find('POST', `${R}/check-runs`).map((p) => p.body.conclusion);
    expect(posts).toEqual(['success', 'success', 'success', 'success', 'failure']);
    const run = gh.checkRun(human.headSha)!;
    expect(run.conclusion).toBe('failure');
    expect(run.output.title).toContain('HTTP 503');
  });
});

describe('rate limits', () => {
  it('429 with retry-after: retried, then judged', async () => {
    const app = await startRetryingApp();
    failWithHeaders(
      gh,
      SNAPSHOT,
      429,
      { message: 'Too Many Requests' },
      () => ({ 'retry-after': '1' }),
      2,
    );
    await app.receive('pull_request', pullRequestEvent('opened', pr));
    expect(snapshots()).toBe(3);
    onlyRun('action_required');
  });

  it('429 every time: bounded retries, then a failing check', async () => {
    const app = await startRetryingApp();
    failWithHeaders(
      gh,
      SNAPSHOT,
      429,
      { message: 'Too Many Requests' },
      () => ({ 'retry-after': '1' }),
      100,
    );
    await app.receive('pull_request', pullRequestEvent('opened', pr));
    expect(snapshots()).toBe(4);
    expect(onlyRun('failure').output.title).toContain('HTTP 429: Too Many Requests');
    neverPassed();
  });

  const primary = () => ({
    'x-ratelimit-limit': '5000',
    'x-ratelimit-remaining': '0',
    'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + 5),
  });

  it('403 with x-ratelimit-remaining 0: waits until x-ratelimit-reset, retries, then judges', async () => {
    const app = await startRetryingApp();
    const message = 'API rate limit exceeded for installation ID 4242.';
    failWithHeaders(gh, SNAPSHOT, 403, { message }, primary, 2);
    await app.receive('pull_request', pullRequestEvent('opened', pr));

    expect(snapshots()).toBe(3);
    onlyRun('action_required');
    // The wait comes from the reset time (about 6 s, shortened to 6 ms here), as Probot logs.
    const waits = app.logs.map((l) => /Retrying after (\d+) seconds/.exec(l.msg)?.[1]);
    expect(waits.filter(Boolean).map(Number)).toEqual([
      expect.toSatisfy((n: number) => n >= 5 && n <= 7),
      expect.toSatisfy((n: number) => n >= 5 && n <= 7),
    ]);
  });

  it('403 rate limit that does not lift: Probot’s 3 retries, then a failing check', async () => {
    const app = await startRetryingApp();
    const message = 'API rate limit exceeded for installation ID 4242.';
    failWithHeaders(gh, SNAPSHOT, 403, { message }, primary, 100);
    await app.receive('pull_request', pullRequestEvent('opened', pr));

    expect(snapshots()).toBe(4);
    expect(plain(onlyRun('failure').output.summary!)).toContain(`HTTP 403: ${message}`);
    neverPassed();
  });

  it('a GraphQL RATE_LIMITED answer (HTTP 200): retried by the throttling plugin, then fails', async () => {
    const app = await startRetryingApp();
    gh.fail(
      SNAPSHOT,
      200,
      { data: null, errors: [{ type: 'RATE_LIMITED', message: 'API rate limit exceeded' }] },
      100,
    );
    await app.receive('pull_request', pullRequestEvent('opened', pr));
    expect(snapshots()).toBe(4);
    onlyRun('failure');
    neverPassed();
  });

  it.each([403, 429])(
    'a secondary rate limit (%i with retry-after) is retried after the wait; once it clears, the PR is judged',
    async (status) => {
      const app = await startRetryingApp();
      const message =
        'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.';
      failWithHeaders(gh, SNAPSHOT, status, { message }, () => ({ 'retry-after': '60' }), 1);
      const started = Date.now();
      await app.receive('pull_request', pullRequestEvent('opened', pr));

      expect(snapshots()).toBeGreaterThanOrEqual(2);
      // The wait GitHub named (60 "seconds", at 1 ms each in this test) was kept.
      expect(Date.now() - started).toBeGreaterThanOrEqual(60);
      onlyRun('action_required');
      neverPassed();
    },
  );

  it.each([403, 429])(
    'a secondary rate limit (%i) that does not clear: bounded retries, then a failing check says so',
    async (status) => {
      const app = await startRetryingApp();
      const message =
        'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.';
      failWithHeaders(gh, SNAPSHOT, status, { message }, () => ({ 'retry-after': '5' }), 100);
      await app.receive('pull_request', pullRequestEvent('opened', pr));

      expect(app.logs.some((l) => /Secondary quota detected/.test(l.msg))).toBe(true);
      // A 403 gets the app's 2 retries; a 429 also goes through Octokit's retry plugin (4
      // attempts) on each of them. Either way the count is bounded.
      expect(snapshots()).toBe(status === 403 ? 3 : 12);
      expect(plain(onlyRun('failure').output.summary!)).toContain('secondary rate limit');
      neverPassed();
    },
  );
});

describe('a GitHub that does not answer', () => {
  it('an attempt is abandoned after the time limit and retried; then a failing check', async () => {
    const app = await startRetryingApp({ requestTimeoutMs: 100 });
    const stuck = hang(gh, SNAPSHOT);
    await app.receive('pull_request', pullRequestEvent('opened', pr));
    stuck.release();

    expect(stuck.attempts).toBe(4);
    const run = onlyRun('failure');
    expect(run.output.title).toMatch(
      /^Could not evaluate: could not read pull request acme\/payments-api#7: HTTP 500: GitHub did/,
    );
    expect(plain(run.output.summary!)).toContain('GitHub did not answer within 0.1 s');
    expect(app.errors()).toEqual([expect.stringContaining('GitHub did not answer within 0.1 s')]);
  });

  it('a slow evaluation’s in-progress run is completed as a failure, not left in progress', async () => {
    // Retries off, so the one stuck attempt outlasts the 2 s after which the app shows a run.
    const app = await startPlainApp({ requestTimeoutMs: 2_500 });
    const stuck = hang(gh, SNAPSHOT, 1);
    await app.receive('pull_request', pullRequestEvent('opened', pr));
    stuck.release();

    const post = gh.one('POST', `${R}/check-runs`).body;
    expect(post.status).toBe('in_progress');
    const run = onlyRun('failure');
    expect(gh.one('PATCH', `${R}/check-runs/${run.id}`).body).toMatchObject({
      status: 'completed',
      conclusion: 'failure',
    });
    expect(run.output.title).toContain('GitHub did not');
  });

  it('a request that hangs does not hold the PR for ever: the next event is judged', async () => {
    const app = await startPlainApp({ requestTimeoutMs: 100 });
    const stuck = hang(gh, SNAPSHOT, 1);
    pr.reviews.push(
      { by: 'carol', state: 'APPROVED', commit: pr.headSha },
      { by: 'dave', state: 'APPROVED', commit: pr.headSha },
    );
    await Promise.all([
      app.receive('pull_request', pullRequestEvent('opened', pr)),
      app.receive(
        'pull_request_review',
        reviewEvent(pr, { by: 'dave', state: 'APPROVED', commit: pr.headSha }),
      ),
    ]);
    stuck.release();
    expect(stuck.attempts).toBe(1);
    // The first evaluation failed and wrote a failing check; the second replaced it in place.
    expect(gh.find('POST', `${R}/check-runs`).map((p) => p.body.conclusion)).toEqual(['failure']);
    expect(gh.find('PATCH', `${R}/check-runs/${onlyRun('success').id}`)).toHaveLength(1);
  });
});

describe('errors thrown anywhere in a handler', () => {
  it('the app’s identity cannot be read: logged with the delivery id, a failing check on the event’s commit', async () => {
    const app = await startPlainApp({ identity: undefined });
    gh.fail('GET /app', 500, { message: 'Server Error' }, 2);
    const id = randomUUID();
    await expect(
      deliver(app, 'pull_request', pullRequestEvent('opened', pr), id),
    ).rejects.toThrow();

    const run = onlyRun('failure');
    expect(run.output.title).toBe(
      'Could not evaluate: could not handle pull_request.opened: HTTP 500: Server Error',
    );
    expect(errorLogs(app)).toContainEqual(
      expect.objectContaining({
        deliveryId: id,
        msg: 'could not handle pull_request.opened: HTTP 500: Server Error',
      }),
    );

    // The next event reads the identity again and replaces the failing run in place.
    await app.receive('pull_request', pullRequestEvent('reopened', pr));
    expect(gh.find('POST', `${R}/check-runs`)).toHaveLength(1);
    expect(onlyRun('action_required').id).toBe(run.id);
  });

  it('a lock that throws (a bug, not a busy lock): a failing check, logged with the delivery id', async () => {
    const broken = {
      run: async () => {
        throw new TypeError('lock store answered garbage');
      },
    };
    const app = await startPlainApp({ lock: broken });
    const id = randomUUID();
    await expect(deliver(app, 'pull_request', pullRequestEvent('opened', pr), id)).rejects.toThrow(
      'lock store answered garbage',
    );
    expect(onlyRun('failure').output.title).toBe(
      'Could not evaluate: could not handle pull_request.opened: lock store answered garbage',
    );
    expect(errorLogs(app).map((l) => l.deliveryId)).toContain(id);
  });

  it('the PRs of a re-run commit cannot be listed: a failing check on that commit', async () => {
    const app = await startPlainApp();
    gh.fail(`GET ${R}/commits/${pr.headSha}/pulls`, 502, { message: 'Bad Gateway' }, 1);
    const p = example('check_suite', (e) => e.action === 'rerequested');
    p.check_suite.head_sha = pr.headSha;
    p.check_suite.head_branch = pr.headRef;
    p.check_suite.pull_requests = [];
    await expect(app.receive('check_suite', p)).rejects.toThrow();
    expect(onlyRun('failure').output.title).toBe(
      'Could not evaluate: could not handle check_suite.rerequested: HTTP 502: Bad Gateway',
    );
  });

  it('a payload without the fields it should have: logged with the delivery id, nothing written', async () => {
    const app = await startPlainApp();
    const p = pullRequestEvent('opened', pr);
    delete p.pull_request.head;
    const id = randomUUID();
    await expect(deliver(app, 'pull_request', p, id)).rejects.toThrow(/reading 'sha'/);
    expect(gh.writes()).toEqual([]);
    expect(errorLogs(app)).toContainEqual(
      expect.objectContaining({
        deliveryId: id,
        msg: expect.stringMatching(/^could not handle pull_request\.opened: /),
      }),
    );
  });

  it('an evaluation error is not handled twice: one failing check, the delivery succeeds', async () => {
    const app = await startPlainApp();
    gh.fail(SNAPSHOT, 502, { message: 'Bad Gateway' }, 1);
    await app.receive('pull_request', pullRequestEvent('opened', pr));
    expect(gh.find('POST', `${R}/check-runs`)).toHaveLength(1);
    expect(app.errors()).toHaveLength(1);
  });
});
