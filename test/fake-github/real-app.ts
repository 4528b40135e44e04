/**
 * The real app (Probot's server, signed webhooks) against the loopback fake GitHub, for
 * end-to-end tests that play an attacker's story step by step.
 */
import { generateKeyPairSync } from 'node:crypto';
import { createServer } from 'node:net';
import { pino } from 'pino';
import { Probot, ProbotOctokit, Server } from 'probot';
import { expect } from 'vitest';
import { aiGovernance } from '../../src/app.js';
import { CHECK_NAME, COMMENT_MARKER } from '../../src/model/names.js';
import { startFakeGitHub, type FakeGitHub } from '../../src/fake-github/server.js';
import { FakeGitHubState } from '../../src/fake-github/state.js';
import type { FakeCheckRun } from '../../src/fake-github/model.js';
import { sendWebhook, type WebhookDelivery } from '../../src/fake-github/webhooks.js';

const SECRET = 'fake-webhook-secret';

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

export interface RealApp {
  state: FakeGitHubState;
  fake: FakeGitHub;
  /** Sends a signed delivery and expects GitHub's 200 and no failed request to the fake. */
  deliver(delivery: WebhookDelivery): Promise<void>;
  /** The app's one check run on a commit. */
  check(repo: string, sha: string): FakeCheckRun;
  /** The app's one audit comment on a PR. */
  comment(repo: string, number: number): string;
  close(): Promise<void>;
}

/** Starts the fake with the state `setup` builds, and the real app against it. */
export async function startRealApp(setup: (state: FakeGitHubState) => void): Promise<RealApp> {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  const state = new FakeGitHubState({ app: { publicKey } });
  setup(state);
  const fake = await startFakeGitHub(state);
  const port = await freePort();
  const log = pino({ level: process.env.FAKE_GITHUB_LOG ?? 'silent' });
  const server = new Server({
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
  const url = `http://127.0.0.1:${port}/api/github/webhooks`;
  return {
    state,
    fake,
    async deliver(delivery) {
      fake.stats.reset();
      expect(await sendWebhook(url, SECRET, delivery)).toBe(200);
      // A 404 for a file that is not there (the org's .github policy) is an answer, not a failure.
      const failed = fake.stats.requests.filter(
        (r) => r.status >= 400 && !(r.status === 404 && (r.route ?? '').includes('/contents/')),
      );
      expect(failed).toEqual([]);
    },
    check(repo, sha) {
      const runs = state.checkRunsFor(repo, sha, CHECK_NAME);
      expect(runs).toHaveLength(1);
      return runs[0]!;
    },
    comment(repo, number) {
      const mine = state.requirePull(repo, number).comments.filter((c) => c.viaApp);
      expect(mine).toHaveLength(1);
      expect(mine[0]!.body.startsWith(COMMENT_MARKER)).toBe(true);
      return mine[0]!.body;
    },
    async close() {
      await server.stop();
      await fake.close();
    },
  };
}

/** Markdown as a reader sees it: escapes and the zero-width breaks before mentions removed. */
export function plain(markdown: string): string {
  return markdown.replace(/&#8203;/g, '').replace(/\\([!-/:-@[-`{-~])/g, '$1');
}
