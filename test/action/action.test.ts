/**
 * The GitHub Action entry point, run the way a workflow runs it (`node dist/src/action/main.js`
 * with the runner's environment and an event file) against the loopback fake GitHub, where the
 * token acts as `github-actions[bot]` and writes belong to the GitHub Actions app. Plus the
 * reading of the step's settings, in process.
 *
 * The entry-point tests run the compiled `dist/`: `npm test` builds before running vitest; on its
 * own, run `npm run build` first.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ACTION_EVENTS,
  GITHUB_ACTIONS_APP,
  failureMessage,
  readActionSettings,
  runAction,
  type ActionSettings,
} from '../../src/action/run.js';
import { CHECK_NAME, COMMENT_MARKER } from '../../src/model/names.js';
import { startFakeGitHub, type FakeGitHub } from '../../src/fake-github/server.js';
import { FakeGitHubState } from '../../src/fake-github/state.js';
import {
  pullRequestEvent,
  pullRequestReviewEvent,
  type WebhookDelivery,
} from '../../src/fake-github/webhooks.js';
import { addPaymentsOrg, CLAUDE, DEVELOPER, REPO, ROOT } from '../support/fixtures.js';

const MAIN = join(ROOT, 'dist/src/action/main.js');
const TOKEN = 'ghs_workflow_token';
/** The reviewer by name: a workflow's token has no organization permissions to read teams with. */
const POLICY = `version: 1
critical_paths:
  - name: payments
    paths: ["services/payments/**"]
    approvals: 1
    reviewers:
      users: [sam-senior]
actions:
  comment: true
  label: null
  request_reviews: false
`;

let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ai-governance-action-'));
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

let files = 0;
/** The event file the runner writes: the webhook payload, without the app's `installation`. */
function eventFile(payload: Record<string, unknown>): string {
  const { installation: _installation, ...rest } = payload;
  const path = join(dir, `event-${++files}.json`);
  writeFileSync(path, JSON.stringify(rest));
  return path;
}

describe('the Action entry point against the fake GitHub', () => {
  let fake: FakeGitHub;
  let state: FakeGitHubState;

  beforeAll(async () => {
    if (!existsSync(MAIN)) {
      throw new Error(`${MAIN} is missing: run \`npm run build\` first (npm test does)`);
    }
    // Writes made with a workflow's token belong to the GitHub Actions app.
    state = new FakeGitHubState({
      app: { id: GITHUB_ACTIONS_APP.id, slug: GITHUB_ACTIONS_APP.slug, name: 'GitHub Actions' },
    });
    // sam-senior is a member through the seniors' team, so they can push (GitHub's rule for approvals).
    addPaymentsOrg(state, POLICY);
    fake = await startFakeGitHub(state, { tokens: { [TOKEN]: state.botLogin } });
  });

  afterAll(async () => {
    await fake?.close();
  });

  /** Runs `node dist/src/action/main.js` as a workflow step would. */
  function step(
    delivery: WebhookDelivery,
    opts: { eventName?: string; env?: Record<string, string> } = {},
  ): Promise<{ code: number | null; output: string }> {
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '',
      GITHUB_ACTIONS: 'true',
      GITHUB_EVENT_NAME: opts.eventName ?? delivery.name,
      GITHUB_EVENT_PATH: eventFile(delivery.payload),
      GITHUB_API_URL: fake.apiUrl,
      GITHUB_RUN_ID: '9001',
      GITHUB_RUN_ATTEMPT: '1',
      GITHUB_TOKEN: TOKEN,
      'INPUT_APP-ID': String(GITHUB_ACTIONS_APP.id),
      'INPUT_APP-SLUG': GITHUB_ACTIONS_APP.slug,
      'INPUT_LOG-LEVEL': 'warn',
      ...opts.env,
    };
    return new Promise((resolveRun, reject) => {
      const child = spawn(process.execPath, [MAIN], { cwd: dir, env, stdio: 'pipe' });
      let output = '';
      child.stdout.on('data', (d: Buffer) => (output += d.toString()));
      child.stderr.on('data', (d: Buffer) => (output += d.toString()));
      child.on('error', reject);
      child.on('close', (code) => resolveRun({ code, output }));
    });
  }

  function openPr(opts: { crossRepository?: boolean } = {}) {
    return state.openPullRequest(REPO, {
      author: DEVELOPER,
      title: 'Retry failed refunds',
      commits: [{ message: 'Retry failed refunds', coAuthors: [CLAUDE] }],
      files: ['services/payments/refunds.ts'],
      ...opts,
    });
  }

  it('writes the check run and the audit comment as the GitHub Actions app', async () => {
    const pr = openPr();
    const { code, output } = await step(pullRequestEvent(state, REPO, pr.number, 'opened'));
    expect(code, output).toBe(0);
    expect(fake.stats.unmatched).toBe(0);
    const runs = state.checkRunsFor(REPO, pr.headSha, CHECK_NAME);
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({
      status: 'completed',
      conclusion: 'action_required',
      appId: GITHUB_ACTIONS_APP.id,
    });
    expect(pr.comments).toHaveLength(1);
    expect(pr.comments[0]!.author).toBe('github-actions[bot]');
    expect(pr.comments[0]!.body.startsWith(COMMENT_MARKER)).toBe(true);

    // The approval arrives as a pull_request_review event: the same check run turns green.
    const review = state.submitReview(REPO, pr.number, { user: 'sam-senior' });
    const second = await step(pullRequestReviewEvent(state, REPO, pr.number, review.id));
    expect(second.code, second.output).toBe(0);
    const after = state.checkRunsFor(REPO, pr.headSha, CHECK_NAME);
    expect(after).toHaveLength(1);
    expect(after[0]).toMatchObject({ id: runs[0]!.id, conclusion: 'success' });
    expect(pr.comments).toHaveLength(1);

    // pull_request_target carries the same payload: nothing changed, so nothing is written.
    fake.stats.reset();
    const third = await step(pullRequestEvent(state, REPO, pr.number, 'synchronize'), {
      eventName: 'pull_request_target',
    });
    expect(third.code, third.output).toBe(0);
    expect(fake.stats.writes).toBe(0);
    expect(fake.stats.reads).toBeGreaterThan(0);
  }, 30_000);

  it('fails the step, with the fix, when the token may not write (a fork’s read-only token)', async () => {
    const pr = openPr({ crossRepository: true });
    fake.fail({
      route: 'POST /repos/{owner}/{repo}/check-runs',
      status: 403,
      message: 'Resource not accessible by integration',
      times: 2,
    });
    const delivery = pullRequestEvent(state, REPO, pr.number, 'opened');
    // The head lives in the author's fork.
    const head = (delivery.payload.pull_request as { head: { repo: Record<string, unknown> } })
      .head;
    head.repo = { ...head.repo, full_name: 'dana-dev/payments-api', fork: true };
    const { code, output } = await step(delivery);
    expect(code, output).toBe(1);
    expect(output).toMatch(/::error title=AI Governance::could not evaluate: .*HTTP 403/);
    expect(output).toMatch(
      /read-only for pull requests from forks: run the workflow on pull_request_target/,
    );
    expect(state.checkRunsFor(REPO, pr.headSha, CHECK_NAME)).toEqual([]);
  }, 30_000);

  it('skips, with a warning, an event it does not act on', async () => {
    const pr = openPr();
    fake.stats.reset();
    const { code, output } = await step(pullRequestEvent(state, REPO, pr.number, 'opened'), {
      eventName: 'issue_comment',
    });
    expect(code).toBe(0);
    expect(output).toMatch(/::warning title=AI Governance::the workflow ran on "issue_comment"/);
    expect(fake.stats.requests).toEqual([]);
  });
});

describe('reading the step’s settings', () => {
  const payloadPath = () =>
    eventFile({ action: 'opened', repository: { full_name: 'acme/api' }, pull_request: {} });
  const base = (): NodeJS.ProcessEnv => ({
    GITHUB_EVENT_NAME: 'pull_request',
    GITHUB_EVENT_PATH: payloadPath(),
    GITHUB_TOKEN: 'ghs_x',
  });
  const settings = (env: NodeJS.ProcessEnv): ActionSettings => {
    const plan = readActionSettings(env);
    if (!('run' in plan)) throw new Error(`skipped: ${plan.skip}`);
    return plan.run;
  };

  it('defaults to github.com and the GitHub Actions app', () => {
    const s = settings({ ...base(), GITHUB_RUN_ID: '12', GITHUB_RUN_ATTEMPT: '3' });
    expect(s).toMatchObject({
      event: 'pull_request',
      apiUrl: 'https://api.github.com',
      identity: { id: 15368, slug: 'github-actions' },
      token: 'ghs_x',
      deliveryId: 'actions-12-3',
      logLevel: 'info',
    });
  });

  it('prefers the github-token input to GITHUB_TOKEN, and takes the app that issued it', () => {
    const s = settings({
      ...base(),
      'INPUT_GITHUB-TOKEN': 'ghs_app',
      'INPUT_APP-ID': '4242',
      'INPUT_APP-SLUG': 'acme-governance',
    });
    expect(s.token).toBe('ghs_app');
    expect(s.identity).toEqual({ id: 4242, slug: 'acme-governance' });
  });

  it('hands pull_request_target to the app as pull_request', () => {
    const s = settings({ ...base(), GITHUB_EVENT_NAME: 'pull_request_target' });
    expect(s).toMatchObject({ event: 'pull_request', workflowEvent: 'pull_request_target' });
    expect(Object.keys(ACTION_EVENTS)).toContain('merge_group');
  });

  it.each([
    [{ GITHUB_EVENT_NAME: '' }, /GITHUB_EVENT_NAME is not set/],
    [{ GITHUB_TOKEN: '' }, /no token: pass `github-token/],
    [{ GITHUB_EVENT_PATH: '' }, /GITHUB_EVENT_PATH is not set/],
    [{ GITHUB_EVENT_PATH: '/nonexistent/event.json' }, /cannot read the event payload at/],
    [{ GITHUB_API_URL: 'not a url' }, /GITHUB_API_URL is not a URL/],
    [
      { GITHUB_API_URL: 'https://ghe.example.com/api/v3' },
      /on ghe\.example\.com, set the app-id and app-slug inputs/,
    ],
    [{ 'INPUT_APP-ID': 'abc', 'INPUT_APP-SLUG': 'x' }, /app-id must be the numeric id/],
    [{ 'INPUT_APP-ID': '12' }, /app-slug must be the slug/],
  ])('rejects %o with a clear error', (change, message) => {
    expect(() => readActionSettings({ ...base(), ...change })).toThrow(message);
  });

  it('rejects an event file that is not a repository event', () => {
    const path = join(dir, 'bad.json');
    writeFileSync(path, '[1, 2]');
    expect(() => readActionSettings({ ...base(), GITHUB_EVENT_PATH: path })).toThrow(
      /is not a JSON object/,
    );
    writeFileSync(path, '{"action": "opened"}');
    expect(() => readActionSettings({ ...base(), GITHUB_EVENT_PATH: path })).toThrow(
      /names no repository/,
    );
  });

  it('fails the step with a workflow error line when a setting is wrong', async () => {
    const lines: string[] = [];
    const code = await runAction({ ...base(), GITHUB_TOKEN: '' }, { write: (l) => lines.push(l) });
    expect(code).toBe(1);
    expect(lines).toEqual([expect.stringMatching(/^::error title=AI Governance::no token/)]);
  });

  it('suggests permissions when a same-repository PR cannot be written to', () => {
    const s = settings(base());
    const err = Object.assign(new Error('Resource not accessible by integration'), { status: 403 });
    expect(failureMessage(new AggregateError([err]), s)).toMatch(
      /HTTP 403: Resource not accessible by integration\. Give the workflow's token the permissions checks: write/,
    );
    expect(failureMessage(new Error('boom'), s)).toBe('could not evaluate: boom');
  });
});
