/**
 * The one GitHub test double for app-level tests: the real app, in Probot's own server on
 * loopback, against the loopback fake GitHub (`src/fake-github/`, GitHub's GraphQL schema executed
 * by graphql-js, REST shapes from GitHub's OpenAPI types), fed signed webhooks over HTTP.
 *
 * A test builds a `FakeGitHubState` (see `fixtures.ts` for the usual org), starts the app on it
 * with {@link startAppOnFake}, sends deliveries built by `src/fake-github/webhooks.ts` from that
 * state, and reads what the app wrote back from the state and from `fake.stats`.
 */
import { generateKeyPairSync } from 'node:crypto';
import { pino } from 'pino';
import { Probot, ProbotOctokit, Server } from 'probot';
import { expect } from 'vitest';
import { aiGovernance, type AppOptions } from '../../src/app.js';
import { DEFAULT_SECONDARY_RETRY } from '../../src/github/secondary-limit.js';
import { CHECK_NAME, COMMENT_MARKER } from '../../src/model/names.js';
import {
  startFakeGitHub,
  type FakeGitHub,
  type StartOptions,
} from '../../src/fake-github/server.js';
import { freePort } from '../../src/fake-github/ports.js';
import { FakeGitHubState } from '../../src/fake-github/state.js';
import type { FakeCheckRun, StateOptions } from '../../src/fake-github/model.js';
import { sendWebhook, type WebhookDelivery } from '../../src/fake-github/webhooks.js';

export const WEBHOOK_SECRET = 'fake-webhook-secret';

let keys: { privateKey: string; publicKey: string } | null = null;

/** The app's RSA key pair, made once per test file (making one costs tens of milliseconds). */
export function appKeys(): { privateKey: string; publicKey: string } {
  keys ??= generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  return keys;
}

/** A fake GitHub's state that knows the app by {@link appKeys}' public key. */
export function newFakeState(options: Omit<StateOptions, 'app'> = {}): FakeGitHubState {
  return new FakeGitHubState({ ...options, app: { publicKey: appKeys().publicKey } });
}

/** One log line of the app, as pino wrote it. */
export interface LogLine {
  level: number;
  msg: string;
  audit?: string;
  [key: string]: unknown;
}

export interface AppOnFakeOptions {
  /** Passed to the app's factory. */
  app?: AppOptions;
  /** Passed to the fake GitHub (latency, limits, extra tokens). */
  fake?: StartOptions;
  /** The app's log level (default `info`, kept in {@link AppOnFake.logs}). */
  logLevel?: string;
  /**
   * Keep Probot's own retries and throttling (default off, so a test does not wait out a
   * retry; the tests of how the app copes with GitHub's limits turn them on).
   */
  retries?: boolean;
  /**
   * With `retries`: every wait of Probot's retry and throttling plugins, and of the app's own
   * retry after a secondary rate limit, counts milliseconds instead of seconds ("retry after
   * 60 s" takes 60 ms, the retry plugin's back-off of 1, 4 and 9 s takes 14 ms), and the
   * throttling plugin's queues run each request at once instead of spacing writes a second apart.
   * What is retried, how often and after how many of GitHub's seconds stay Probot's and the app's.
   * An `app.secondaryRetry` given explicitly is kept.
   */
  shortWaits?: boolean;
  /**
   * Address the fake as api.github.com is laid out, REST at the root and GraphQL at `/graphql`,
   * instead of as GitHub Enterprise Server (`/api/v3`, `/api/graphql`; the default). Octokit's
   * throttling plugin knows a GraphQL request, and so its RATE_LIMITED answer, only by the path
   * `/graphql`.
   */
  githubComUrls?: boolean;
  /**
   * Run on this fake GitHub, already started on `state`, instead of starting one; `stop` then
   * leaves it running. With {@link port}, an app stopped and started again on the same fake is,
   * to GitHub, the same app after a redeployment: the fake's deliveries reach it again.
   */
  onFake?: FakeGitHub;
  /** The port the app listens on (default: a free one). */
  port?: number;
  /**
   * Listen before the app is loaded (default: after), so that what the app does as it loads
   * (its start-up redelivery round) finds it listening.
   */
  listenFirst?: boolean;
}

export interface AppOnFake {
  state: FakeGitHubState;
  fake: FakeGitHub;
  /** The app's webhook URL. */
  url: string;
  /** Every log line of the app. */
  logs: LogLine[];
  /** Sends a signed delivery; resolves with the HTTP status once the handlers finished. */
  send(delivery: WebhookDelivery): Promise<number>;
  /** Sends a signed delivery and expects 200 and no failed request to the fake. */
  deliver(delivery: WebhookDelivery): Promise<void>;
  /** The app's one check run on a commit. */
  check(repo: string, sha: string): FakeCheckRun;
  /** The app's one audit comment on a PR. */
  comment(repo: string, number: number): string;
  /** The app's log lines of one audit kind (`ai-governance.evaluation`, ...). */
  audits(kind: string): LogLine[];
  /** Error-level log messages of the app. */
  errors(): string[];
  stop(): Promise<void>;
}

/**
 * A stand-in for one of the throttling plugin's Bottleneck groups that runs every job at once (the
 * plugin's own retry limiter, which decides on retries and waits for them, is left as it is).
 */
function immediateGroup() {
  const limiter = {
    schedule: (...args: unknown[]) => {
      const first = typeof args[0] === 'function';
      const fn = (first ? args[0] : args[1]) as (...a: unknown[]) => unknown;
      return Promise.resolve().then(() => fn(...args.slice(first ? 1 : 2)));
    },
  };
  return { key: () => limiter };
}

/**
 * The Octokit the app uses in tests: Probot's, with retries and throttling off unless asked, and
 * with `shortWaits` their waits in milliseconds (see {@link AppOnFakeOptions.shortWaits}). Defaults
 * as a function, not an object: Probot replaces an object's `throttle` with its own options.
 */
function testOctokit(retries: boolean, shortWaits: boolean): typeof ProbotOctokit {
  if (retries && shortWaits) {
    return ProbotOctokit.defaults((o: Record<string, any>) => ({
      ...o,
      retry: { ...o.retry, enabled: true, retryAfterBaseValue: 1 },
      throttle: {
        ...o.throttle,
        enabled: true,
        retryAfterBaseValue: 1,
        global: immediateGroup(),
        auth: immediateGroup(),
        search: immediateGroup(),
        write: immediateGroup(),
        notifications: immediateGroup(),
      },
    }));
  }
  if (retries) return ProbotOctokit;
  return ProbotOctokit.defaults((o: Record<string, unknown>) => ({
    ...o,
    retry: { enabled: false },
    throttle: { ...(o.throttle as object), enabled: false },
  }));
}

/**
 * A Probot on `fake`, authenticated as the app by {@link appKeys}, with no server and no app
 * loaded: for tests that load the app themselves and hand it events (`receive`, unsigned), or
 * only need the app's Octokit (`auth`). Silent, retries and throttling off.
 */
export function probotOnFake(state: FakeGitHubState, fake: FakeGitHub): Probot {
  return new Probot({
    appId: state.app.id,
    privateKey: appKeys().privateKey,
    baseUrl: fake.apiUrl,
    log: pino({ level: 'silent' }),
    Octokit: testOctokit(false, false),
  });
}

/** Starts the fake GitHub on `state` (unless given one), then the app against it in Probot's server. */
export async function startAppOnFake(
  state: FakeGitHubState,
  options: AppOnFakeOptions = {},
): Promise<AppOnFake> {
  const fake = options.onFake ?? (await startFakeGitHub(state, options.fake));
  const retries = options.retries ?? false;
  const shortWaits = options.shortWaits ?? false;
  const port = options.port ?? (await freePort());
  const logs: LogLine[] = [];
  const log = pino(
    { level: options.logLevel ?? 'info' },
    { write: (s: string) => void logs.push(JSON.parse(s) as LogLine) },
  );
  const server = new Server({
    Probot: Probot.defaults({
      appId: state.app.id,
      privateKey: appKeys().privateKey,
      secret: WEBHOOK_SECRET,
      baseUrl: options.githubComUrls ? fake.url : fake.apiUrl,
      log,
      Octokit: testOctokit(retries, shortWaits),
    }),
    host: '127.0.0.1',
    port,
    log,
  });
  const appOptions: AppOptions | undefined =
    retries && shortWaits
      ? { secondaryRetry: { ...DEFAULT_SECONDARY_RETRY, unitMs: 1 }, ...options.app }
      : options.app;
  if (options.listenFirst) await server.start();
  await server.load(aiGovernance(appOptions));
  if (!options.listenFirst) await server.start();
  const url = `http://127.0.0.1:${port}/api/github/webhooks`;
  const send = (d: WebhookDelivery) => sendWebhook(url, WEBHOOK_SECRET, d);
  return {
    state,
    fake,
    url,
    logs,
    send,
    async deliver(delivery) {
      fake.stats.reset();
      expect(await send(delivery)).toBe(200);
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
    audits: (kind) => logs.filter((l) => l.audit === kind),
    errors: () => logs.filter((l) => l.level >= 50).map((l) => l.msg),
    async stop() {
      await server.stop();
      if (!options.onFake) await fake.close();
    },
  };
}

/** Markdown as a reader sees it: escapes and the zero-width breaks before mentions removed. */
export function plain(markdown: string): string {
  return markdown.replace(/&#8203;/g, '').replace(/\\([!-/:-@[-`{-~])/g, '$1');
}
