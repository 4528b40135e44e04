/**
 * The demo's running system: the fake GitHub on loopback and the real app in Probot's own server,
 * configured the way a GitHub Enterprise Server installation is (`GHE_HOST`, `GHE_PROTOCOL`), with
 * a throwaway key pair and webhook secret. Webhooks reach the app over HTTP, signed.
 */

import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { pino, type Level } from 'pino';
import { Probot, ProbotOctokit, Server } from 'probot';
import { aiGovernance } from '../app.js';
import { freePort } from '../fake-github/ports.js';
import { startFakeGitHub, type FakeGitHub } from '../fake-github/server.js';
import type { FakeGitHubState } from '../fake-github/state.js';
import { sendWebhook, type WebhookDelivery } from '../fake-github/webhooks.js';

export interface Harness {
  fake: FakeGitHub;
  /** Where the app takes webhooks, `http://127.0.0.1:PORT/api/github/webhooks`. */
  webhookUrl: string;
  /** The settings the app runs with, as environment variables (the private key left out). */
  env: Record<string, string>;
  /** Signs and posts a delivery; rejects unless the app answers 200 (it has then finished). */
  send(delivery: WebhookDelivery): Promise<void>;
  /** Stops both servers; safe to call more than once. */
  close(): Promise<void>;
}

export interface HarnessOptions {
  /** Probot's log level; default `warn`, so only problems reach the terminal. */
  logLevel?: Level | 'silent';
  /** Where the log goes; default standard error. */
  logStream?: NodeJS.WritableStream;
}

/** A throwaway RSA key pair for the app; the fake checks the app's JWTs against the public half. */
export function throwawayKeys(): { privateKey: string; publicKey: string } {
  return generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
}

/**
 * Octokit without retries or throttling. A function, not an object: Probot 14 replaces an
 * object's `throttle` with its own options, which would leave the pacing on (about one GraphQL
 * query or write a second), and the demo would take a minute instead of seconds.
 */
const UnpacedOctokit = ProbotOctokit.defaults((o: Record<string, unknown>) => ({
  ...o,
  retry: { ...(o.retry as object), enabled: false },
  throttle: { ...(o.throttle as object), enabled: false },
}));

/**
 * Starts the fake GitHub for `state` (whose app must carry `privateKey`'s public half) and the app
 * against it. Everything listens on 127.0.0.1 only.
 */
export async function startHarness(
  state: FakeGitHubState,
  privateKey: string,
  options: HarnessOptions = {},
): Promise<Harness> {
  const fake = await startFakeGitHub(state);
  const secret = randomBytes(24).toString('hex');
  const env: Record<string, string> = {
    APP_ID: String(state.app.id),
    WEBHOOK_SECRET: secret,
    GHE_HOST: fake.host,
    GHE_PROTOCOL: 'http',
    LOG_LEVEL: options.logLevel ?? 'warn',
  };
  // Once the demo stops, requests still in flight fail as the servers close: those are no news.
  let muted = false;
  const sink = options.logStream ?? process.stderr;
  const log = pino(
    { level: env.LOG_LEVEL!, base: { name: 'ai-governance' } },
    { write: (line: string) => (muted ? true : sink.write(line)) },
  );
  let server: Server | null = null;
  let port = 0;
  try {
    // Probot's server cannot be asked for port 0, so take a free one; another program may grab it
    // in between, hence the retries.
    for (let attempt = 1; ; attempt++) {
      port = await freePort();
      const candidate = new Server({
        Probot: Probot.defaults({
          appId: Number(env.APP_ID),
          privateKey,
          secret,
          // What Probot builds from GHE_HOST and GHE_PROTOCOL.
          baseUrl: `${env.GHE_PROTOCOL}://${env.GHE_HOST}/api/v3`,
          log,
          Octokit: UnpacedOctokit,
        }),
        host: '127.0.0.1',
        port,
        log,
        enableStaticFiles: false,
      });
      await candidate.load(aiGovernance());
      try {
        await candidate.start();
        server = candidate;
        break;
      } catch (err) {
        if ((err as { code?: string }).code !== 'EADDRINUSE' || attempt >= 5) throw err;
      }
    }
  } catch (err) {
    await fake.close();
    throw err;
  }
  const webhookUrl = `http://127.0.0.1:${port}/api/github/webhooks`;
  let closing: Promise<void> | null = null;
  const running = server;
  return {
    fake,
    webhookUrl,
    env,
    async send(delivery) {
      const status = await sendWebhook(webhookUrl, secret, delivery);
      if (status !== 200) {
        throw new Error(
          `the app answered ${status} to ${delivery.name}.${String(delivery.payload.action ?? '')}`,
        );
      }
    },
    close() {
      closing ??= (async () => {
        muted = true;
        const results = await Promise.allSettled([running.stop(), fake.close()]);
        const failed = results.find((r) => r.status === 'rejected');
        if (failed) throw (failed as PromiseRejectedResult).reason;
      })();
      return closing;
    },
  };
}
