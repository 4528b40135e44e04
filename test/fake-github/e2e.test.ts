import { generateKeyPairSync } from 'node:crypto';
import { createServer } from 'node:net';
import { pino } from 'pino';
import { Probot, ProbotOctokit, Server } from 'probot';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aiGovernance } from '../../src/app.js';
import { CHECK_NAME, COMMENT_MARKER } from '../../src/model/names.js';
import { startFakeGitHub, type FakeGitHub } from '../../src/fake-github/server.js';
import { FakeGitHubState } from '../../src/fake-github/state.js';
import { pullRequestEvent, sendWebhook } from '../../src/fake-github/webhooks.js';

const SECRET = 'fake-webhook-secret';
const REPO = 'acme/payments-api';

const POLICY = `version: 1
critical_paths:
  - name: payments
    paths: ["services/payments/**"]
    approvals: 2
    reviewers:
      teams: [payments-seniors]
actions:
  label: ai-assisted
  request_reviews: true
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

describe('the real app against the fake GitHub', () => {
  let fake: FakeGitHub;
  let server: Server;
  let webhookUrl: string;
  let state: FakeGitHubState;
  let number: number;

  beforeAll(async () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', {
      modulusLength: 2048,
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
      publicKeyEncoding: { type: 'spki', format: 'pem' },
    });
    state = new FakeGitHubState({ app: { publicKey } });
    state.addOrg('acme');
    state.addTeam('acme', 'payments-seniors', ['sam-senior', 'pat-senior']);
    state.addUser('dana-dev');
    state.addRepo({
      owner: 'acme',
      name: 'payments-api',
      files: { '.github/ai-governance.yml': POLICY, 'README.md': '# Payments\n' },
    });
    number = state.openPullRequest(REPO, {
      author: 'dana-dev',
      title: 'Retry failed refunds',
      body: 'Refunds that time out are retried once.',
      commits: [
        {
          message: 'Retry failed refunds',
          coAuthors: [{ name: 'Claude', email: 'noreply@anthropic.com' }],
        },
      ],
      files: ['services/payments/refunds.ts', 'docs/refunds.md'],
    }).number;

    fake = await startFakeGitHub(state);
    const port = await freePort();
    // What Probot builds from GHE_HOST and GHE_PROTOCOL.
    const baseUrl = `http://${fake.host}/api/v3`;
    const log = pino({ level: process.env.FAKE_GITHUB_LOG ?? 'silent' });
    server = new Server({
      Probot: Probot.defaults({
        appId: state.app.id,
        privateKey,
        secret: SECRET,
        baseUrl,
        log,
        // A function, not an object: Probot replaces an object's `throttle` with its own options,
        // which would leave throttling on (one GraphQL query or write a second per installation).
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

  it('holds an AI-assisted PR on a critical path with one check run and one audit comment', async () => {
    fake.stats.reset();
    const status = await sendWebhook(
      webhookUrl,
      SECRET,
      pullRequestEvent(state, REPO, number, 'opened'),
    );
    expect(status).toBe(200);
    expect(fake.stats.unmatched).toBe(0);
    // The one error answer: the org has no .github policy (read for its floor).
    // The org has no .github repository: the snapshot query learns that, no request fails.
    expect(fake.stats.requests.filter((r) => r.status >= 400)).toEqual([]);

    const pr = state.requirePull(REPO, number);
    const runs = state.checkRunsFor(REPO, pr.headSha, CHECK_NAME);
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({
      status: 'completed',
      conclusion: 'action_required',
      appId: state.app.id,
    });
    expect(pr.comments).toHaveLength(1);
    expect(pr.comments[0]!.viaApp).toBe(true);
    expect(pr.comments[0]!.body.startsWith(COMMENT_MARKER)).toBe(true);
    expect(pr.labels).toContain('ai-assisted');
    expect(pr.labelEvents.at(-1)?.actor).toBe(state.botLogin);
    expect(pr.requestedReviewers).toContainEqual({ type: 'team', slug: 'payments-seniors' });
  });

  it('writes nothing when the same webhook comes again', async () => {
    const pr = state.requirePull(REPO, number);
    const comment = pr.comments[0]!.body;
    fake.stats.reset();
    const status = await sendWebhook(
      webhookUrl,
      SECRET,
      pullRequestEvent(state, REPO, number, 'opened'),
    );
    expect(status).toBe(200);
    expect(fake.stats.writes).toBe(0);
    // The one error answer: the org has no .github policy (read for its floor).
    // The org has no .github repository: the snapshot query learns that, no request fails.
    expect(fake.stats.requests.filter((r) => r.status >= 400)).toEqual([]);
    expect(state.checkRunsFor(REPO, pr.headSha, CHECK_NAME)).toHaveLength(1);
    expect(pr.comments).toHaveLength(1);
    expect(pr.comments[0]!.body).toBe(comment);
  });

  it('rejects a delivery with a bad signature without touching GitHub', async () => {
    fake.stats.reset();
    const status = await sendWebhook(
      webhookUrl,
      'not-the-secret',
      pullRequestEvent(state, REPO, number, 'opened'),
    );
    expect(status).toBe(400);
    expect(fake.stats.requests).toEqual([]);
  });
});
