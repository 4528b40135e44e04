/**
 * Redis stops while the app runs. The app process (`probot run dist/src/index.js`, what `npm start`
 * runs) keeps Probot's throttling, its read pacing and the per-PR lock in that Redis. With Redis
 * gone the lock cannot be taken, and the failing check saying so must still reach GitHub: on a
 * commit that had a passing check (which must not stay), and on a new commit that had none.
 *
 * This test runs the compiled `dist/`: `npm test` builds first; on its own, `npm run build`. It
 * needs `redis-server` (`.ci/run` installs it).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHECK_NAME } from '../../src/model/names.js';
import { startFakeGitHub, type FakeGitHub } from '../../src/fake-github/server.js';
import type { FakeGitHubState } from '../../src/fake-github/state.js';
import { pullRequestEvent, sendWebhook } from '../../src/fake-github/webhooks.js';
import { newFakeState, WEBHOOK_SECRET } from '../support/app-on-fake.js';
import {
  addPaymentsOrg,
  openAiPullRequest,
  openHumanPullRequest,
  REPO,
} from '../support/fixtures.js';
import {
  appProcessEnv,
  requireBuiltApp,
  startAppProcess,
  stopAppProcess,
  type AppProcess,
} from './app-process.js';
import { startRedisServer, type RedisServer } from './redis-server.js';

describe('the app when Redis stops', () => {
  let redisServer: RedisServer;
  let fake: FakeGitHub;
  let state: FakeGitHubState;
  let workdir: string;
  let app: AppProcess | undefined;
  let output: string[] = [];
  let url: string;

  beforeAll(async () => {
    requireBuiltApp();
    redisServer = await startRedisServer();
    state = newFakeState();
    addPaymentsOrg(state);
    fake = await startFakeGitHub(state);
    workdir = mkdtempSync(join(tmpdir(), 'ai-governance-redis-down-'));
    app = await startAppProcess(appProcessEnv(state, fake, redisServer.url), workdir);
    ({ output, url } = app);
  }, 40_000);

  afterAll(async () => {
    await stopAppProcess(app);
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
    const docs = state.requirePull(REPO, openHumanPullRequest(state));
    // While Redis is up: a normal evaluation, which passes.
    const first = await sendWebhook(
      url,
      WEBHOOK_SECRET,
      pullRequestEvent(state, REPO, docs.number, 'opened'),
    );
    expect(first).toBe(200);
    expect((await checkOn(docs.headSha, 'success'))?.conclusion, output.join('\n')).toBe('success');

    await redisServer.stop();

    // The passing check on the same commit is replaced by a failing one.
    const edited = pullRequestEvent(state, REPO, docs.number, 'edited');
    expect([200, 202, 500]).toContain(await sendWebhook(url, WEBHOOK_SECRET, edited));
    const replaced = await checkOn(docs.headSha, 'failure');
    expect(replaced, output.join('\n')).toMatchObject({
      status: 'completed',
      conclusion: 'failure',
    });
    expect(replaced!.output.summary).toMatch(/lock store \\\(Redis\\\) did not answer/);
    expect(state.checkRunsFor(REPO, docs.headSha, CHECK_NAME)).toHaveLength(1);

    // A new commit that never had a check gets the failing one.
    const ai = state.requirePull(REPO, openAiPullRequest(state));
    const opened = pullRequestEvent(state, REPO, ai.number, 'opened');
    expect([200, 202, 500]).toContain(await sendWebhook(url, WEBHOOK_SECRET, opened));
    const fresh = await checkOn(ai.headSha, 'failure');
    expect(fresh, output.join('\n')).toMatchObject({ status: 'completed', conclusion: 'failure' });
    expect(fresh!.output.summary).toMatch(/lock store \\\(Redis\\\) did not answer/);
  }, 90_000);
});
