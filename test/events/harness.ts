/**
 * The real app in a Probot server on loopback, against the loopback fake GitHub, fed signed
 * webhooks over HTTP: the set-up of the event-handling tests (merge groups, org policy pushes,
 * membership changes, superseded runs).
 */
import { generateKeyPairSync } from 'node:crypto';
import { pino } from 'pino';
import { Probot, ProbotOctokit, Server } from 'probot';
import { aiGovernance, type AppOptions } from '../../src/app.js';
import {
  startFakeGitHub,
  type FakeGitHub,
  type StartOptions,
} from '../../src/fake-github/server.js';
import { FakeGitHubState } from '../../src/fake-github/state.js';
import { sendWebhook, type WebhookDelivery } from '../../src/fake-github/webhooks.js';
import { freePort } from '../scale/redis-server.js';

export const SECRET = 'events-webhook-secret';

export interface Running {
  state: FakeGitHubState;
  fake: FakeGitHub;
  /** Sends a signed delivery; resolves with the HTTP status once the handlers finished. */
  send(delivery: WebhookDelivery): Promise<number>;
  /** Error-level log lines of the app. */
  errors(): string[];
  stop(): Promise<void>;
}

export function newState(): { state: FakeGitHubState; privateKey: string } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  return { state: new FakeGitHubState({ app: { publicKey } }), privateKey };
}

/** Starts the fake for `state` and the app (retries and throttling off) in a Probot server. */
export async function startRunning(
  state: FakeGitHubState,
  privateKey: string,
  options: AppOptions = {},
  fakeOptions: StartOptions = {},
): Promise<Running> {
  const fake = await startFakeGitHub(state, fakeOptions);
  const port = await freePort();
  const lines: { level: number; msg: string }[] = [];
  const log = pino(
    { level: 'warn' },
    { write: (s: string) => void lines.push(JSON.parse(s) as { level: number; msg: string }) },
  );
  const server = new Server({
    Probot: Probot.defaults({
      appId: state.app.id,
      privateKey,
      secret: SECRET,
      baseUrl: fake.apiUrl,
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
  await server.load(aiGovernance(options));
  await server.start();
  const url = `http://127.0.0.1:${port}/api/github/webhooks`;
  return {
    state,
    fake,
    send: (d) => sendWebhook(url, SECRET, d),
    errors: () => lines.filter((l) => l.level >= 50).map((l) => l.msg),
    async stop() {
      await server.stop();
      await fake.close();
    },
  };
}
