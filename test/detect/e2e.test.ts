/**
 * Detection bypasses, end to end: the real app in a Probot server, the loopback fake GitHub, and
 * signed webhooks. Each PR here is AI-assisted in a way an attacker (or a careless tool) might
 * hide, touches a critical path, and must be held, not passed.
 */
import { generateKeyPairSync } from 'node:crypto';
import { createServer } from 'node:net';
import { pino } from 'pino';
import { Probot, ProbotOctokit, Server } from 'probot';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aiGovernance } from '../../src/app.js';
import { CHECK_NAME } from '../../src/model/names.js';
import { startFakeGitHub, type FakeGitHub } from '../../src/fake-github/server.js';
import { FakeGitHubState } from '../../src/fake-github/state.js';
import type { OpenPullRequestSpec } from '../../src/fake-github/model.js';
import { pullRequestEvent, sendWebhook } from '../../src/fake-github/webhooks.js';

const SECRET = 'detect-e2e-webhook-secret';
const REPO = 'acme/payments-api';

const POLICY = `version: 1
detection:
  labels: [ai-assisted]
critical_paths:
  - name: payments
    paths: ["services/payments/**"]
    approvals: 1
    reviewers:
      teams: [payments-seniors]
actions:
  label: ai-assisted
  request_reviews: false
  comment: true
`;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

let state: FakeGitHubState;
let fake: FakeGitHub;
let server: Server;
let webhookUrl: string;

beforeAll(async () => {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  state = new FakeGitHubState({ app: { publicKey } });
  state.addOrg('acme');
  state.addTeam('acme', 'payments-seniors', ['sam-senior']);
  state.addUser('dana-dev');
  state.addUser('github-actions[bot]', { type: 'Bot' });
  state.addRepo({
    owner: 'acme',
    name: 'payments-api',
    files: { '.github/ai-governance.yml': POLICY, 'services/payments/refunds.ts': '' },
  });
  fake = await startFakeGitHub(state);
  const port = await freePort();
  const log = pino({ level: process.env.FAKE_GITHUB_LOG ?? 'silent' });
  server = new Server({
    Probot: Probot.defaults({
      appId: state.app.id,
      privateKey,
      secret: SECRET,
      baseUrl: `http://${fake.host}/api/v3`,
      log,
      Octokit: ProbotOctokit.defaults((o: Record<string, unknown>) => ({
        ...o,
        retry: { enabled: false },
        throttle: { ...(o.throttle as object), enabled: false },
      })),
    }),
    host: '127.0.0.1',
    port,
    log,
  });
  await server.load(aiGovernance());
  await server.start();
  webhookUrl = `http://127.0.0.1:${port}/api/github/webhooks`;
});

afterAll(async () => {
  await server?.stop();
  await fake?.close();
});

/** Opens a PR by dana-dev on the payments path, delivers `opened`, and returns its one check run. */
async function openAndJudge(spec: Partial<OpenPullRequestSpec>) {
  const { number } = state.openPullRequest(REPO, {
    author: 'dana-dev',
    title: 'Retry failed refunds',
    body: 'Refunds that time out are retried once.',
    commits: [{ message: 'Retry failed refunds' }],
    files: ['services/payments/refunds.ts'],
    ...spec,
  });
  fake.stats.reset();
  const status = await sendWebhook(
    webhookUrl,
    SECRET,
    pullRequestEvent(state, REPO, number, 'opened'),
  );
  expect(status).toBe(200);
  // Besides the org's absent .github policy (read for its floor), no error answers.
  expect(fake.stats.requests.filter((r) => r.status >= 400 && !noOrgPolicy(r))).toEqual([]);
  const pr = state.requirePull(REPO, number);
  const runs = state.checkRunsFor(REPO, pr.headSha, CHECK_NAME);
  expect(runs).toHaveLength(1);
  return { pr, run: runs[0]! };
}

describe('detection bypasses, end to end', () => {
  it('holds a PR whose co-author trailer sits below a markdown rule (---)', async () => {
    const { pr, run } = await openAndJudge({
      commits: [
        {
          message:
            'Retry failed refunds\n\nRefunds that time out are retried once.\n\n---\n\n' +
            'Co-authored-by: Codex <noreply@openai.com>\n',
        },
      ],
    });
    expect(run).toMatchObject({ status: 'completed', conclusion: 'action_required' });
    // Found as the commit's trailer, with its commit and exact line.
    expect(run.output.summary).toContain('Co-authored-by: Codex');
    expect(run.output.summary).toContain(pr.headSha.slice(0, 7));
    expect(pr.labels).toContain('ai-assisted');
  });
});

describe('labels, end to end', () => {
  it('holds a PR whose ai-assisted label a labeler workflow (github-actions[bot]) applied', async () => {
    const { pr, run } = await openAndJudge({
      labels: [{ name: 'ai-assisted', by: 'github-actions[bot]' }],
    });
    expect(run).toMatchObject({ status: 'completed', conclusion: 'action_required' });
    expect(run.output.summary).toMatch(/\| label \|[^\n]*ai-assisted[^\n]*detection\\?\.labels/);
    expect(pr.comments.filter((c) => c.viaApp)).toHaveLength(1);
  });

  it("passes a human PR that carries only the app's own ai-assisted label", async () => {
    const { run } = await openAndJudge({ labels: [{ name: 'ai-assisted', by: state.botLogin }] });
    expect(run).toMatchObject({ status: 'completed', conclusion: 'success' });
  });
});

/** GitHub's 404 for the org's .github policy, which the sample org does not have. */
function noOrgPolicy(r: { method: string; path: string; status: number }): boolean {
  return (
    r.method === 'GET' &&
    r.status === 404 &&
    r.path === '/api/v3/repos/acme/.github/contents/.github%2Fai-governance.yml'
  );
}
