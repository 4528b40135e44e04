/**
 * Shared set-up for the hardening tests: the app tests' stateful fake GitHub, plus a Probot whose
 * Octokit keeps Probot's own retry and throttling behaviour (only the waits are shortened), failures
 * that carry rate-limit headers, and readers for what the app wrote.
 */
import { randomUUID } from 'node:crypto';
import { pino } from 'pino';
import { Probot, ProbotOctokit } from 'probot';
import { expect } from 'vitest';
import { aiGovernance, type AppOptions } from '../../src/app.js';
import { COMMENT_MARKER } from '../../src/model/names.js';
import {
  APP,
  FakeGitHub,
  OWNER,
  REPO,
  WEBHOOK_SECRET,
  newProbot,
  plain,
  privateKey,
  type LogRecord,
  type PrSpec,
  type TestApp,
} from '../app/helpers.js';

export const R = `/repos/${OWNER}/${REPO}`;

/**
 * A stand-in for one of the throttling plugin's Bottleneck groups that runs every job at once: the
 * real groups space writes a second apart, which would only make the tests slow. The plugin's own
 * retry limiter (which decides on and waits for retries) is left as it is.
 */
function immediateGroup() {
  const limiter = {
    schedule: (...args: any[]) => {
      const fn = typeof args[0] === 'function' ? args[0] : args[1];
      const rest = typeof args[0] === 'function' ? args.slice(1) : args.slice(2);
      return Promise.resolve().then(() => fn(...rest));
    },
  };
  return { key: () => limiter };
}

/**
 * Probot's Octokit with retries and throttling ON, as in production: the options Probot passes (its
 * `onRateLimit`, which retries a primary rate limit at most 3 times, and its
 * `onSecondaryRateLimit`, which only logs) are kept; only the unit of every wait is 1 ms instead of
 * 1 s, so "retry after 60 s" takes 60 ms and the retry plugin's back-off (1, 4, 9 s) takes 14 ms.
 */
export const RetryingOctokit = ProbotOctokit.defaults((options: Record<string, any>) => ({
  ...options,
  retry: { ...options.retry, enabled: true, retryAfterBaseValue: 1 },
  throttle: {
    ...options.throttle,
    enabled: true,
    retryAfterBaseValue: 1,
    global: immediateGroup(),
    auth: immediateGroup(),
    search: immediateGroup(),
    write: immediateGroup(),
    notifications: immediateGroup(),
  },
}));

/** The app on a Probot whose Octokit retries and throttles (see RetryingOctokit). */
export async function startRetryingApp(options: AppOptions = {}): Promise<TestApp> {
  const logs: LogRecord[] = [];
  const log = pino({ level: 'debug' }, { write: (s: string) => void logs.push(JSON.parse(s)) });
  const probot = new Probot({
    appId: APP.id,
    privateKey: privateKey(),
    secret: WEBHOOK_SECRET,
    log: log as any,
    Octokit: RetryingOctokit as unknown as typeof ProbotOctokit,
  });
  await probot.load(
    aiGovernance({
      teamTtlMs: 0,
      identity: { ...APP },
      // Secondary-limit waits in milliseconds instead of seconds.
      secondaryRetry: { retries: 2, unitMs: 1, maxWaitSeconds: 60 },
      ...options,
    }),
  );
  return wrap(probot, logs);
}

/** The app on the app tests' Probot (no retries, no throttling). */
export async function startPlainApp(options: AppOptions = {}): Promise<TestApp> {
  const logs: LogRecord[] = [];
  const probot = newProbot(logs);
  await probot.load(aiGovernance({ teamTtlMs: 0, identity: { ...APP }, ...options }));
  return wrap(probot, logs);
}

function wrap(probot: Probot, logs: LogRecord[]): TestApp {
  return {
    probot,
    logs,
    receive: async (name, payload) => {
      await probot.receive({ id: randomUUID(), name, payload } as any);
    },
    errors: () => logs.filter((l) => l.level >= 50).map((l) => l.msg),
  };
}

/**
 * The next `times` requests whose `METHOD /path[ op]` starts with `key` are answered `status` with
 * `body` and these response headers (the fake's own `fail` sends no headers).
 */
export function failWithHeaders(
  gh: FakeGitHub,
  key: string,
  status: number,
  body: Record<string, unknown>,
  headers: () => Record<string, string>,
  times: number,
): void {
  const marked = { ...body };
  gh.fail(key, status, marked, times);
  const fake = gh as unknown as { handle: (...a: unknown[]) => unknown[] };
  const original = fake.handle.bind(gh);
  fake.handle = (...args: unknown[]) => {
    const reply = original(...args);
    // The fake answers an injected failure with the very body object it was given.
    return reply[1] === marked ? [reply[0], reply[1], headers()] : reply;
  };
}

/**
 * Requests whose `METHOD /path[ op]` starts with `key` are never answered (until `release` is
 * called): a GitHub that hangs.
 */
export function hang(
  gh: FakeGitHub,
  key: string,
  times = Infinity,
): { release(): void; readonly attempts: number } {
  const fake = gh as unknown as { handle: (...a: unknown[]) => unknown };
  const original = fake.handle.bind(gh);
  const waiting: (() => void)[] = [];
  let left = times;
  let attempts = 0;
  fake.handle = (method: unknown, uri: unknown, rawBody: unknown) => {
    const path = new URL(String(uri), 'https://api.github.com').pathname;
    let op = '';
    if (path === '/graphql') {
      const text = typeof rawBody === 'string' ? rawBody : JSON.stringify(rawBody ?? {});
      op = /query\s+(\w+)/.exec(text)?.[1] ?? '';
    }
    const k = `${String(method)} ${path}${op ? ` ${op}` : ''}`;
    if (left > 0 && k.startsWith(key)) {
      left--;
      attempts++;
      return new Promise((resolve) => waiting.push(() => resolve([504, { message: 'late' }])));
    }
    return original(method, uri, rawBody);
  };
  return {
    release: () => waiting.splice(0).forEach((f) => f()),
    get attempts() {
      return attempts;
    },
  };
}

/** Delivers an event with a known delivery id. */
export async function deliver(app: TestApp, name: string, payload: unknown, id = randomUUID()) {
  await app.probot.receive({ id, name, payload } as any);
  return id;
}

/** The app's audit comment on a PR, read back as text. */
export function auditComment(pr: PrSpec): string {
  const mine = pr.comments.filter((c) => c.byApp);
  expect(mine).toHaveLength(1);
  expect(mine[0]!.body.startsWith(COMMENT_MARKER)).toBe(true);
  return mine[0]!.body;
}

/** The "Reviews that did not count" section of a markdown body, as plain text. */
export function discountedSection(markdown: string): string {
  const m = /### Reviews that did not count\n\n([\s\S]*?)(?:\n\n###|\n\n\*\*|$)/.exec(markdown);
  return m ? plain(m[1]!) : '';
}

/** Log lines at error level with their delivery ids. */
export function errorLogs(app: TestApp): LogRecord[] {
  return app.logs.filter((l) => l.level >= 50);
}
