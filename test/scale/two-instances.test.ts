/**
 * Two real app processes behind one "load balancer" behave as one app: both run the built entry
 * point (`probot run dist/src/index.js`, which runs the app as `npm start` does) with the same `REDIS_URL`,
 * against the loopback fake GitHub. Interleaved signed webhooks for the same pull requests go to
 * both: the same delivery twice, and a review and a push in the same moment. The fake must end up
 * with one check run per head commit, one audit comment per PR, and the right conclusions.
 *
 * This test runs the compiled `dist/`: `npm test` builds before running vitest; on its own, run
 * `npm run build` first. It needs `redis-server` (`.ci/run` installs it).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHECK_NAME, COMMENT_MARKER } from '../../src/model/names.js';
import { startFakeGitHub, type FakeGitHub } from '../../src/fake-github/server.js';
import { FakeGitHubState } from '../../src/fake-github/state.js';
import {
  pullRequestEvent,
  pullRequestReviewEvent,
  sendWebhook,
  type WebhookDelivery,
} from '../../src/fake-github/webhooks.js';
import {
  freePort,
  haveRedisServer,
  startRedisServer,
  waitForPort,
  type RedisServer,
} from './redis-server.js';

const ROOT = resolve(import.meta.dirname, '../..');
const ENTRY = join(ROOT, 'dist/src/index.js');
const PROBOT = join(ROOT, 'node_modules/probot/bin/probot.js');
const SECRET = 'two-instances-secret';
const REPO = 'acme/payments-api';
const POLICY = `version: 1
critical_paths:
  - name: payments
    paths: ["services/payments/**"]
    approvals: 1
    reviewers:
      users: [sam-senior]
actions:
  comment: true
  label: ai-assisted
  request_reviews: false
`;

interface Instance {
  child: ChildProcess;
  url: string;
  output: string[];
}

/** Starts one app process the way a deployment does: `probot run` on the built entry point. */
async function startInstance(env: Record<string, string>, cwd: string): Promise<Instance> {
  const port = await freePort();
  const output: string[] = [];
  const child = spawn(process.execPath, [PROBOT, 'run', ENTRY], {
    cwd,
    // Only what the app needs: nothing from the developer's shell (a webhook proxy, say).
    env: { PATH: process.env.PATH ?? '', ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const collect = (d: Buffer) => output.push(...d.toString().split('\n').filter(Boolean));
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  try {
    await waitForPort(port, 15_000);
  } catch (err) {
    child.kill('SIGKILL');
    throw new Error(`the app did not start: ${(err as Error).message}\n${output.join('\n')}`);
  }
  return { child, url: `http://127.0.0.1:${port}/api/github/webhooks`, output };
}

async function stopInstance(i: Instance | undefined): Promise<void> {
  if (!i || i.child.exitCode !== null || i.child.signalCode !== null) return;
  const exited = new Promise((r) => i.child.once('exit', r));
  i.child.kill('SIGTERM');
  await exited;
}

/** JSON log lines at error level or above. */
function errorsIn(i: Instance): string[] {
  return i.output.filter((line) => {
    try {
      return (JSON.parse(line) as { level?: number }).level! >= 50;
    } catch {
      return false;
    }
  });
}

describe('two app instances sharing one Redis', () => {
  let redisServer: RedisServer;
  let redis: Redis;
  let fake: FakeGitHub;
  let state: FakeGitHubState;
  let workdir: string;
  const instances: Instance[] = [];

  beforeAll(async () => {
    if (!existsSync(ENTRY)) {
      throw new Error(`${ENTRY} is missing: run \`npm run build\` first (npm test does)`);
    }
    if (!haveRedisServer()) {
      throw new Error(
        'redis-server is not installed; install it with `apt-get install -y redis-server` (.ci/run does)',
      );
    }
    redisServer = await startRedisServer();
    redis = new Redis(redisServer.url);

    const { privateKey, publicKey } = generateKeyPairSync('rsa', {
      modulusLength: 2048,
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
      publicKeyEncoding: { type: 'spki', format: 'pem' },
    });
    state = new FakeGitHubState({ app: { publicKey } });
    state.addOrg('acme');
    state.addUser('sam-senior');
    state.addOrgMember('acme', 'sam-senior'); // a member, so they can push (GitHub's rule for approvals)
    state.addUser('dana-dev');
    state.addRepo({
      owner: 'acme',
      name: 'payments-api',
      files: { '.github/ai-governance.yml': POLICY, 'README.md': '# Payments\n' },
    });
    fake = await startFakeGitHub(state);

    workdir = mkdtempSync(join(tmpdir(), 'ai-governance-two-'));
    const env = {
      APP_ID: String(state.app.id),
      PRIVATE_KEY: privateKey,
      WEBHOOK_SECRET: SECRET,
      GHE_HOST: fake.host,
      GHE_PROTOCOL: 'http',
      REDIS_URL: redisServer.url,
      LOG_LEVEL: 'warn',
      LOG_FORMAT: 'json',
      NODE_ENV: 'production',
    };
    instances.push(
      ...(await Promise.all([startInstance(env, workdir), startInstance(env, workdir)])),
    );
  }, 40_000);

  afterAll(async () => {
    await Promise.all(instances.map(stopInstance));
    redis?.disconnect();
    await fake?.close();
    await redisServer?.stop();
    if (workdir) rmSync(workdir, { recursive: true, force: true });
  });

  /** Sends every delivery to its instance at once; resolves when all have been answered. */
  async function sendAll(pairs: [WebhookDelivery, Instance][]): Promise<number[]> {
    return Promise.all(pairs.map(([d, i]) => sendWebhook(i.url, SECRET, d)));
  }

  /**
   * Probot answers a delivery once its handlers finish, or with 202 after 9 s while they go on.
   * After a 202, the instances are idle once no lock is held and the fake has had no request for
   * a second.
   */
  async function settle(statuses: number[]): Promise<void> {
    expect(statuses.every((s) => s === 200 || s === 202)).toBe(true);
    if (statuses.every((s) => s === 200)) return;
    let seen = -1;
    let quietSince = Date.now();
    for (;;) {
      const n = fake.stats.requests.length;
      if (n !== seen) {
        seen = n;
        quietSince = Date.now();
      }
      const held = await redis.keys('ai-governance:lock:*');
      if (held.length === 0 && Date.now() - quietSince > 1_000) return;
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  it('writes one check run per head commit and one audit comment per PR', async () => {
    const [one, two] = instances as [Instance, Instance];
    const ai = [{ name: 'Claude', email: 'noreply@anthropic.com' }];
    const a = state.openPullRequest(REPO, {
      author: 'dana-dev',
      title: 'Retry failed refunds',
      commits: [{ message: 'Retry failed refunds', coAuthors: ai }],
      files: ['services/payments/refunds.ts'],
    });
    const b = state.openPullRequest(REPO, {
      author: 'dana-dev',
      title: 'Round card fees',
      commits: [{ message: 'Round card fees', coAuthors: ai }],
      files: ['services/payments/fees.ts'],
    });
    const firstHeadA = a.headSha;

    // Round 1: GitHub delivers each `opened` twice, once to each instance, at the same moment.
    const openedA = pullRequestEvent(state, REPO, a.number, 'opened');
    const openedB = pullRequestEvent(state, REPO, b.number, 'opened');
    await settle(
      await sendAll([
        [openedA, one],
        [openedA, two],
        [openedB, two],
        [openedB, one],
      ]),
    );

    // Round 2: on A, a push and the senior's approval of the new head land together, each event
    // on a different instance (and the push twice); on B, a request for changes and an edit.
    state.pushCommits(REPO, a.number, [{ message: 'Log refund retries', coAuthors: ai }], {
      files: ['services/payments/retry-log.ts'],
    });
    const approval = state.submitReview(REPO, a.number, { user: 'sam-senior' });
    const changes = state.submitReview(REPO, b.number, {
      user: 'sam-senior',
      state: 'CHANGES_REQUESTED',
    });
    const pushA = pullRequestEvent(state, REPO, a.number, 'synchronize');
    await settle(
      await sendAll([
        [pullRequestReviewEvent(state, REPO, a.number, approval.id), one],
        [pushA, two],
        [pushA, one],
        [pullRequestReviewEvent(state, REPO, b.number, changes.id), two],
        [pullRequestEvent(state, REPO, b.number, 'edited'), one],
      ]),
    );

    const diagnostics = () =>
      `\nrequests: ${JSON.stringify(fake.stats.byRoute())}\n` +
      instances.map((i, n) => `instance ${n + 1}:\n${i.output.join('\n')}`).join('\n');

    expect(fake.stats.unmatched, diagnostics()).toBe(0);
    expect(
      // Besides the org's absent .github policy (read for its floor), no error answers.
      fake.stats.requests.filter(
        (r) =>
          r.status >= 400 &&
          !(
            r.method === 'GET' &&
            r.status === 404 &&
            r.path.endsWith('/repos/acme/.github/contents/.github%2Fai-governance.yml')
          ),
      ),
      diagnostics(),
    ).toEqual([]);
    expect([...errorsIn(one), ...errorsIn(two)], diagnostics()).toEqual([]);

    // One check run per head commit, each with the verdict of the PR's state at that head.
    const runsOldA = state.checkRunsFor(REPO, firstHeadA, CHECK_NAME);
    const runsA = state.checkRunsFor(REPO, a.headSha, CHECK_NAME);
    const runsB = state.checkRunsFor(REPO, b.headSha, CHECK_NAME);
    expect(runsOldA, diagnostics()).toHaveLength(1);
    expect(runsA, diagnostics()).toHaveLength(1);
    expect(runsB, diagnostics()).toHaveLength(1);
    expect(runsOldA[0]).toMatchObject({ status: 'completed', conclusion: 'action_required' });
    expect(runsA[0]).toMatchObject({ status: 'completed', conclusion: 'success' });
    expect(runsB[0]).toMatchObject({ status: 'completed', conclusion: 'action_required' });

    // One audit comment per PR, written by the app and kept current.
    for (const pr of [a, b]) {
      expect(pr.comments, diagnostics()).toHaveLength(1);
      expect(pr.comments[0]!.viaApp).toBe(true);
      expect(pr.comments[0]!.body.startsWith(COMMENT_MARKER)).toBe(true);
    }
    expect(a.comments[0]!.body).toContain(a.headSha.slice(0, 7));
    // And the label added once to each.
    for (const pr of [a, b]) {
      expect(pr.labels).toEqual(['ai-assisted']);
      expect(pr.labelEvents.filter((e) => e.action === 'labeled')).toHaveLength(1);
    }

    // The instances did go through Redis: every evaluation took the shared lock (one SET or more
    // each: 9 deliveries), and Probot's throttling keeps its shared state there too.
    const stats = await redis.info('commandstats');
    const sets = Number(/cmdstat_set:calls=(\d+)/.exec(stats)?.[1] ?? 0);
    expect(sets).toBeGreaterThanOrEqual(9);
    expect(await redis.keys('ai-governance:lock:*')).toEqual([]);
    expect((await redis.keys('b_octokit-*')).length).toBeGreaterThan(0);
  }, 60_000);
});
