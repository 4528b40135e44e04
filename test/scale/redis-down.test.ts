/**
 * Redis stops while the app runs. The app process (`probot run dist/src/index.js`, what `npm start`
 * runs) keeps Probot's throttling, its read pacing and the per-PR lock in that Redis. With Redis
 * gone the lock cannot be taken, and the failing check saying so must still reach GitHub: on a
 * commit that had a passing check (which must not stay), and on a new commit that had none.
 *
 * This test runs the compiled `dist/`: `npm test` builds first; on its own, `npm run build`. It
 * needs `redis-server` (`.ci/run` installs it).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHECK_NAME } from '../../src/model/names.js';
import { startFakeGitHub, type FakeGitHub } from '../../src/fake-github/server.js';
import { FakeGitHubState } from '../../src/fake-github/state.js';
import { pullRequestEvent, sendWebhook } from '../../src/fake-github/webhooks.js';
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
const SECRET = 'redis-down-secret';
const REPO = 'acme/payments-api';
const POLICY = `version: 1
critical_paths:
  - name: payments
    paths: ["services/payments/**"]
    approvals: 1
    reviewers:
      users: [sam-senior]
`;

describe('the app when Redis stops', () => {
  let redisServer: RedisServer;
  let fake: FakeGitHub;
  let state: FakeGitHubState;
  let workdir: string;
  let child: ChildProcess | undefined;
  const output: string[] = [];
  let url: string;

  beforeAll(async () => {
    if (!existsSync(ENTRY)) {
      throw new Error(`${ENTRY} is missing: run \`npm run build\` first (npm test does)`);
    }
    if (!haveRedisServer()) {
      throw new Error('redis-server is not installed (`apt-get install -y redis-server`)');
    }
    redisServer = await startRedisServer();
    const { privateKey, publicKey } = generateKeyPairSync('rsa', {
      modulusLength: 2048,
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
      publicKeyEncoding: { type: 'spki', format: 'pem' },
    });
    state = new FakeGitHubState({ app: { publicKey } });
    state.addOrg('acme');
    state.addUser('sam-senior');
    state.addUser('dana-dev');
    state.addRepo({
      owner: 'acme',
      name: 'payments-api',
      files: { '.github/ai-governance.yml': POLICY },
    });
    fake = await startFakeGitHub(state);
    workdir = mkdtempSync(join(tmpdir(), 'ai-governance-redis-down-'));
    const port = await freePort();
    child = spawn(process.execPath, [PROBOT, 'run', ENTRY], {
      cwd: workdir,
      env: {
        PATH: process.env.PATH ?? '',
        APP_ID: String(state.app.id),
        PRIVATE_KEY: privateKey,
        WEBHOOK_SECRET: SECRET,
        GHE_HOST: fake.host,
        GHE_PROTOCOL: 'http',
        REDIS_URL: redisServer.url,
        LOG_LEVEL: 'warn',
        LOG_FORMAT: 'json',
        NODE_ENV: 'production',
        PORT: String(port),
        HOST: '127.0.0.1',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const collect = (d: Buffer) => output.push(...d.toString().split('\n').filter(Boolean));
    child.stdout!.on('data', collect);
    child.stderr!.on('data', collect);
    await waitForPort(port, 15_000);
    url = `http://127.0.0.1:${port}/api/github/webhooks`;
  }, 40_000);

  afterAll(async () => {
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child!.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    await fake?.close();
    await redisServer?.stop();
    if (workdir) rmSync(workdir, { recursive: true, force: true });
  });

  /** The app's check on a commit once it is completed with `conclusion`, or what it is after `ms`. */
  async function checkOn(sha: string, conclusion: string, ms = 20_000) {
    const until = Date.now() + ms;
    for (;;) {
      const run = state.checkRunsFor(REPO, sha, CHECK_NAME).at(-1);
      if ((run?.conclusion === conclusion && run.status === 'completed') || Date.now() > until) {
        return run;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  it('still writes a failing check on the commit, through a path that does not use Redis', async () => {
    const docs = state.openPullRequest(REPO, {
      author: 'dana-dev',
      title: 'Docs',
      commits: [{ message: 'Docs' }],
      files: ['README.md'],
    });
    // While Redis is up: a normal evaluation, which passes.
    const first = await sendWebhook(
      url,
      SECRET,
      pullRequestEvent(state, REPO, docs.number, 'opened'),
    );
    expect(first).toBe(200);
    expect((await checkOn(docs.headSha, 'success'))?.conclusion, output.join('\n')).toBe('success');

    await redisServer.stop();

    // The passing check on the same commit is replaced by a failing one.
    const edited = pullRequestEvent(state, REPO, docs.number, 'edited');
    expect([200, 202, 500]).toContain(await sendWebhook(url, SECRET, edited));
    const replaced = await checkOn(docs.headSha, 'failure');
    expect(replaced, output.join('\n')).toMatchObject({
      status: 'completed',
      conclusion: 'failure',
    });
    expect(replaced!.output.summary).toMatch(/lock store \\\(Redis\\\) did not answer/);
    expect(state.checkRunsFor(REPO, docs.headSha, CHECK_NAME)).toHaveLength(1);

    // A new commit that never had a check gets the failing one.
    const ai = state.openPullRequest(REPO, {
      author: 'dana-dev',
      title: 'Refunds',
      commits: [
        { message: 'Refunds', coAuthors: [{ name: 'Claude', email: 'noreply@anthropic.com' }] },
      ],
      files: ['services/payments/refunds.ts'],
    });
    const opened = pullRequestEvent(state, REPO, ai.number, 'opened');
    expect([200, 202, 500]).toContain(await sendWebhook(url, SECRET, opened));
    const fresh = await checkOn(ai.headSha, 'failure');
    expect(fresh, output.join('\n')).toMatchObject({ status: 'completed', conclusion: 'failure' });
    expect(fresh!.output.summary).toMatch(/lock store \\\(Redis\\\) did not answer/);
  }, 90_000);
});
