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
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHECK_NAME, COMMENT_MARKER } from '../../src/model/names.js';
import { startFakeGitHub, type FakeGitHub } from '../../src/fake-github/server.js';
import type { FakeGitHubState } from '../../src/fake-github/state.js';
import {
  pullRequestEvent,
  pullRequestReviewEvent,
  sendWebhook,
  type WebhookDelivery,
} from '../../src/fake-github/webhooks.js';
import { newFakeState, WEBHOOK_SECRET } from '../support/app-on-fake.js';
import {
  addPaymentsOrg,
  CLAUDE,
  DEVELOPER,
  labelAndComment,
  paymentsPolicy,
  REPO,
} from '../support/fixtures.js';
import {
  appProcessEnv,
  errorsIn,
  requireBuiltApp,
  startAppProcess,
  stopAppProcess,
  type AppProcess as Instance,
} from './app-process.js';
import { startRedisServer, type RedisServer } from './redis-server.js';

describe('two app instances sharing one Redis', () => {
  let redisServer: RedisServer;
  let redis: Redis;
  let fake: FakeGitHub;
  let state: FakeGitHubState;
  let workdir: string;
  const instances: Instance[] = [];

  beforeAll(async () => {
    requireBuiltApp();
    redisServer = await startRedisServer();
    redis = new Redis(redisServer.url);

    state = newFakeState();
    addPaymentsOrg(state, paymentsPolicy(1, labelAndComment()));
    fake = await startFakeGitHub(state);

    workdir = mkdtempSync(join(tmpdir(), 'ai-governance-two-'));
    const env = appProcessEnv(state, fake, redisServer.url);
    instances.push(
      ...(await Promise.all([startAppProcess(env, workdir), startAppProcess(env, workdir)])),
    );
  }, 40_000);

  afterAll(async () => {
    await Promise.all(instances.map(stopAppProcess));
    redis?.disconnect();
    await fake?.close();
    await redisServer?.stop();
    if (workdir) rmSync(workdir, { recursive: true, force: true });
  });

  /** Sends every delivery to its instance at once; resolves when all have been answered. */
  async function sendAll(pairs: [WebhookDelivery, Instance][]): Promise<number[]> {
    return Promise.all(pairs.map(([d, i]) => sendWebhook(i.url, WEBHOOK_SECRET, d)));
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
    const ai = [CLAUDE];
    const a = state.openPullRequest(REPO, {
      author: DEVELOPER,
      title: 'Retry failed refunds',
      commits: [{ message: 'Retry failed refunds', coAuthors: ai }],
      files: ['services/payments/refunds.ts'],
    });
    const b = state.openPullRequest(REPO, {
      author: DEVELOPER,
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
