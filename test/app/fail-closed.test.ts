/**
 * Fail closed: a list GitHub will not give in full, an error from GitHub or an answer that cannot
 * be trusted ends in a failing check on the right commit, never in a passing one.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { FileSpec } from '../../src/fake-github/model.js';
import type { FakeGitHubState } from '../../src/fake-github/state.js';
import { pullRequestEvent } from '../../src/fake-github/webhooks.js';
import { plain, type AppOnFake } from '../support/app-on-fake.js';
import { calls, queryOf, sent, writeCalls } from '../support/requests.js';
import {
  R,
  REPO,
  acme,
  headOf,
  openAiPaymentsPr,
  openAiPr,
  openHumanPr,
  startApp,
} from './scenario.js';

let state: FakeGitHubState;
let app: AppOnFake | undefined;

afterEach(async () => {
  await app?.stop();
  app = undefined;
});

function manyFiles(n: number): Exclude<FileSpec, string>[] {
  return Array.from({ length: n }, (_, i) => ({
    path: `src/generated/file-${String(i).padStart(4, '0')}.ts`,
    changeType: 'ADDED',
  }));
}

/** Starts the app on `state` and delivers `opened` for PR `n` (no request fails). */
async function open(n: number): Promise<void> {
  app = await startApp(state);
  await app.deliver(pullRequestEvent(state, REPO, n, 'opened'));
}

/** The state of `acme` with the AI-assisted payments PR, approved by two seniors; its number. */
function approvedAiPr(): number {
  state = acme();
  const n = openAiPaymentsPr(state);
  state.submitReview(REPO, n, { user: 'carol' });
  state.submitReview(REPO, n, { user: 'dave' });
  return n;
}

describe('lists GitHub stops early', () => {
  it('3,500 changed files of which GitHub lists 3,000: a failing check that says so', async () => {
    // A human PR (no AI evidence): nothing else would hold it, so only the truncation can.
    state = acme();
    const n = openHumanPr(state, manyFiles(3500));
    await open(n);

    // The first 100 files come with the snapshot, pages 2 to 30 from REST (where GitHub stops).
    expect(sent(app!.fake, 'POST /graphql PullRequestPage')).toEqual([]);
    const pages = sent(app!.fake, `GET ${R}/pulls/${n}/files`);
    expect(pages.map((r) => Number(queryOf(r).page)).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 29 }, (_, i) => i + 2),
    );
    const check = app!.check(REPO, headOf(state, n));
    expect(check.conclusion).toBe('failure');
    expect(check.output.title).toBe(
      'Could not evaluate: GitHub listed 3000 of 3500 changed files, so critical paths may be missing; spl…',
    );
    expect(plain(check.output.summary!)).toContain(
      'GitHub listed 3000 of 3500 changed files, so critical paths may be missing; split the pull request',
    );
    expect(app!.errors()).toEqual([]);
  });

  it('the same through REST, read when a file was renamed', async () => {
    state = acme();
    const files = manyFiles(3500);
    files[3] = {
      path: 'src/refunds.ts',
      changeType: 'RENAMED',
      previousPath: 'services/payments/refunds.ts',
    };
    const n = openHumanPr(state, files);
    await open(n);

    expect(sent(app!.fake, `GET ${R}/pulls/${n}/files`)).toHaveLength(30);
    expect(sent(app!.fake, 'POST /graphql PullRequestPage')).toEqual([]);
    const check = app!.check(REPO, headOf(state, n));
    expect(check.conclusion).toBe('failure');
    expect(plain(check.output.summary!)).toContain('GitHub listed 3000 of 3500 changed files');
  });

  it('a rename out of a critical path is still critical (previous path from REST)', async () => {
    state = acme();
    const n = openAiPaymentsPr(state, [
      {
        path: 'lib/refunds.ts',
        changeType: 'RENAMED',
        previousPath: 'services/payments/refunds.ts',
      },
    ]);
    await open(n);

    expect(sent(app!.fake, `GET ${R}/pulls/${n}/files`)).toHaveLength(1);
    const check = app!.check(REPO, headOf(state, n));
    expect(check.conclusion).toBe('action_required');
    expect(check.annotations).toEqual([
      expect.objectContaining({ path: 'lib/refunds.ts', title: 'Critical path: payments' }),
    ]);
  });
});

describe('errors from GitHub', () => {
  it('GraphQL 502: a failing check on the payload’s head sha, with the reason', async () => {
    const n = approvedAiPr();
    const head = state.pushCommits(REPO, n, [{ message: 'Tidy up' }]);
    app = await startApp(state);
    app.fake.fail({ operation: 'PullRequestSnapshot', status: 502, message: 'Bad Gateway' });
    expect(await app.send(pullRequestEvent(state, REPO, n, 'synchronize'))).toBe(200);

    // One attempt (retries are off in tests), then the failing check; nothing else.
    expect(calls(app.fake)).toEqual([
      'POST /graphql PullRequestSnapshot',
      `GET ${R}/commits/${head}/check-runs`,
      `POST ${R}/check-runs`,
    ]);
    const check = app.check(REPO, head);
    expect(check.conclusion).toBe('failure');
    expect(check.output.title).toMatch(
      /^Could not evaluate: could not read pull request acme\/payments-api#\d+: HTTP 502/,
    );
    expect(app.errors()).toEqual([expect.stringMatching(/^evaluation failed: .*HTTP 502/)]);
  });

  it('a GraphQL error answer (rate limited) fails with GitHub’s message', async () => {
    state = acme();
    const n = openAiPaymentsPr(state);
    // GitHub answers a query past the installation's GraphQL budget with 200 and RATE_LIMITED;
    // this installation has spent its GraphQL points for the hour (REST still has budget).
    app = await startApp(state, {}, { fake: { primaryLimits: { enforce: true } } });
    const installation = String(state.installationFor('acme'));
    app.fake.primary.spend(installation, 'graphql', app.fake.primary.limit);
    expect(await app.send(pullRequestEvent(state, REPO, n, 'opened'))).toBe(200);

    expect(sent(app.fake, 'POST /graphql PullRequestSnapshot').map((r) => r.status)).toEqual([200]);
    const check = app.check(REPO, headOf(state, n));
    expect(check.conclusion).toBe('failure');
    expect(plain(check.output.summary!)).toContain(
      `could not read pull request acme/payments-api#${n}: RATE_LIMITED: API rate limit exceeded for installation ID`,
    );
  });

  it('team members that cannot be read: failure, not "nobody approved"', async () => {
    const n = approvedAiPr();
    app = await startApp(state);
    app.fake.fail({ operation: 'TeamMembers', status: 500 });
    expect(await app.send(pullRequestEvent(state, REPO, n, 'opened'))).toBe(200);

    expect(writeCalls(app.fake)).toEqual([`POST ${R}/check-runs`]);
    const check = app.check(REPO, headOf(state, n));
    expect(check.conclusion).toBe('failure');
    expect(check.output.title).toContain('could not read the members of teams in acme');
  });

  it('a write that fails after a passing verdict turns into a failing check, never a pass', async () => {
    state = acme();
    const n = openHumanPr(state, ['README.md']);
    app = await startApp(state);
    app.fake.fail({ method: 'POST', route: 'POST /repos/{owner}/{repo}/check-runs', status: 500 });
    expect(await app.send(pullRequestEvent(state, REPO, n, 'opened'))).toBe(200);

    const posts = sent(app.fake, `POST ${R}/check-runs`);
    expect(posts.map((p) => p.status)).toEqual([500, 201]);
    expect(posts.map((p) => (p.body as { conclusion: string }).conclusion)).toEqual([
      'success',
      'failure',
    ]);
    expect(app.check(REPO, headOf(state, n)).conclusion).toBe('failure');
  });

  it('when even the failing check cannot be written, the delivery fails (GitHub shows it)', async () => {
    state = acme();
    const n = openAiPaymentsPr(state);
    app = await startApp(state);
    app.fake.fail({ operation: 'PullRequestSnapshot', status: 502 });
    app.fake.fail({ method: 'POST', route: 'POST /repos/{owner}/{repo}/check-runs', status: 502 });
    const status = await app.send(pullRequestEvent(state, REPO, n, 'opened'));
    expect(status).toBeGreaterThanOrEqual(500);
    expect(state.checkRunsFor(REPO, headOf(state, n))).toEqual([]);
  });
});

describe('AI evidence in a PR that touches no critical path', () => {
  it('passes with no approval required, labels it and keeps the audit comment', async () => {
    state = acme();
    const n = openAiPr(state, ['docs/guide.md'], 'Reword the guide');
    await open(n);

    expect(writeCalls(app!.fake)).toEqual([
      `POST ${R}/check-runs`,
      `POST ${R}/issues/${n}/comments`,
      `POST ${R}/issues/${n}/labels`,
    ]);
    const check = app!.check(REPO, headOf(state, n));
    expect(check.conclusion).toBe('success');
    expect(check.output.title).toBe('AI-assisted: no approval required');
  });
});
