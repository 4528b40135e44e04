/**
 * How the app paces its requests to GitHub: per installation, writes as GitHub asks, reads apart.
 *
 * Probot's throttling (`@octokit/plugin-throttling`) sends every GraphQL request, queries included,
 * through its write limiter (one request a second), and the Octokit Probot hands a webhook handler
 * carries no throttling id, so one limiter covers every installation of the app (in Redis too).
 * The app therefore makes its own two clients per installation from Probot's Octokit class:
 *
 * - **writes** (REST POST/PATCH/PUT/DELETE, GraphQL mutations) go through Probot's throttling as
 *   shipped, keyed by the installation: a second between writes, three between writes that notify
 *   people, one at a time, shared through Redis when Probot has `REDIS_URL`;
 * - **reads** (REST GET/HEAD, GraphQL queries) go through {@link ReadPacer}, sized by GitHub's
 *   documented secondary limits: a bound on concurrent reads and a budget of points a minute,
 *   per installation, and a pause of the installation's reads when GitHub says a secondary limit
 *   was hit.
 */

import Bottleneck from 'bottleneck';
import type { ProbotOctokit } from 'probot';
import type { GitHubClient } from './client.js';
import { limitRequestTime } from './request-timeout.js';
import {
  DEFAULT_SECONDARY_RETRY,
  isSecondaryLimit,
  retrySecondaryLimits,
  secondaryWaitSeconds,
  type SecondaryRetryOptions,
} from './secondary-limit.js';

/**
 * GitHub's documented secondary limits ("Rate limits for the REST API", "About secondary rate
 * limits"): at most 100 concurrent requests (REST and GraphQL together), 900 points a minute for
 * REST endpoints and 2,000 for GraphQL (a GraphQL query or a REST GET is 1 point, a mutation or a
 * REST write 5), and about 80 content-creating requests a minute, 500 an hour.
 */
export const GITHUB_SECONDARY_LIMITS = {
  concurrentRequests: 100,
  restPointsPerMinute: 900,
  graphqlPointsPerMinute: 2000,
  restWritePoints: 5,
  contentCreatingPerMinute: 80,
} as const;

export interface ReadPacingOptions {
  /** Reads of one installation in flight at once. */
  concurrency: number;
  /** GraphQL queries that may go at once after a quiet spell (the bucket's size). */
  graphqlBurst: number;
  /** GraphQL queries a second the bucket refills with. */
  graphqlPerSecond: number;
  restBurst: number;
  restPerSecond: number;
  /** Shares the limiters between instances (Redis); in this process when absent. */
  connection?: Bottleneck.IORedisConnection;
}

/**
 * Per installation: 15 reads in flight (GitHub allows 100), so that one large pull request's
 * pages (10 at once) leave room for other reads; GraphQL at most 500 at once and
 * 20 a second after, so never more than 1,700 points in any minute (GitHub allows 2,000); REST
 * reads at most 100 at once and 8 a second, 580 in any minute, which leaves room under GitHub's
 * 900 for the writes Probot's throttling lets through (one a second, 5 points each: 300 a minute).
 */
export const DEFAULT_READ_PACING: ReadPacingOptions = {
  concurrency: 15,
  graphqlBurst: 500,
  graphqlPerSecond: 20,
  restBurst: 100,
  restPerSecond: 8,
};

const noop = () => Promise.resolve();

/** Where one installation's reads are counted: in this process, or in Redis. */
interface Limits {
  /** Waits for one point of `kind`, then runs `read` when fewer than the bound are in flight. */
  run<T>(key: string, kind: 'graphql' | 'rest', read: () => Promise<T>): Promise<T>;
}

/**
 * In this process: a token bucket per kind and a count of reads in flight, per installation. Plain
 * timers and a queue, since a Bottleneck job costs milliseconds of timers even when nothing waits.
 */
class LocalLimits implements Limits {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  private readonly running = new Map<string, number>();
  private readonly queued = new Map<string, (() => void)[]>();

  constructor(private readonly options: ReadPacingOptions) {}

  async run<T>(key: string, kind: 'graphql' | 'rest', read: () => Promise<T>): Promise<T> {
    await this.point(`${kind}:${key}`, kind);
    if ((this.running.get(key) ?? 0) >= this.options.concurrency) {
      await new Promise<void>((resolve) => {
        const q = this.queued.get(key) ?? [];
        q.push(resolve);
        this.queued.set(key, q);
      });
    } else {
      this.running.set(key, (this.running.get(key) ?? 0) + 1);
    }
    try {
      return await read();
    } finally {
      const next = this.queued.get(key)?.shift();
      if (next)
        next(); // the slot passes on to the next read
      else {
        const left = (this.running.get(key) ?? 1) - 1;
        if (left > 0) this.running.set(key, left);
        else this.running.delete(key);
        this.queued.delete(key);
      }
    }
  }

  private async point(bucketKey: string, kind: 'graphql' | 'rest'): Promise<void> {
    const burst = kind === 'graphql' ? this.options.graphqlBurst : this.options.restBurst;
    const rate =
      (kind === 'graphql' ? this.options.graphqlPerSecond : this.options.restPerSecond) / 1000;
    for (;;) {
      const now = Date.now();
      const b = this.buckets.get(bucketKey) ?? { tokens: burst, at: now };
      b.tokens = Math.min(burst, b.tokens + (now - b.at) * rate);
      b.at = now;
      this.buckets.set(bucketKey, b);
      if (b.tokens >= 1) {
        b.tokens -= 1;
        return;
      }
      await new Promise((r) => setTimeout(r, Math.ceil((1 - b.tokens) / rate)));
    }
  }
}

/** In Redis, shared by every instance: Bottleneck groups on the same connection. */
class SharedLimits implements Limits {
  private readonly inFlight: Bottleneck.Group;
  private readonly graphqlPoints: Bottleneck.Group;
  private readonly restPoints: Bottleneck.Group;

  constructor(options: ReadPacingOptions, connection: Bottleneck.IORedisConnection) {
    this.inFlight = new Bottleneck.Group({
      id: 'ai-governance-reads',
      maxConcurrent: options.concurrency,
      connection,
    });
    const bucket = (id: string, burst: number, perSecond: number) =>
      new Bottleneck.Group({
        id,
        reservoir: burst,
        reservoirIncreaseInterval: 1000,
        reservoirIncreaseAmount: perSecond,
        reservoirIncreaseMaximum: burst,
        connection,
      });
    this.graphqlPoints = bucket(
      'ai-governance-graphql-points',
      options.graphqlBurst,
      options.graphqlPerSecond,
    );
    this.restPoints = bucket('ai-governance-rest-points', options.restBurst, options.restPerSecond);
  }

  async run<T>(key: string, kind: 'graphql' | 'rest', read: () => Promise<T>): Promise<T> {
    // A job that a crashed instance left running must not hold a slot for ever.
    const job = { expiration: 60_000 };
    await (kind === 'graphql' ? this.graphqlPoints : this.restPoints).key(key).schedule(job, noop);
    return this.inFlight.key(key).schedule(job, read);
  }
}

/** Paces reads per installation key; see {@link DEFAULT_READ_PACING}. */
export class ReadPacer {
  private readonly limits: Limits;
  private readonly pausedUntil = new Map<string, number>();

  constructor(options: ReadPacingOptions = DEFAULT_READ_PACING) {
    this.limits = options.connection
      ? new SharedLimits(options, options.connection)
      : new LocalLimits(options);
  }

  /** Runs one read of installation `key` when its pause, its points and its concurrency allow. */
  async schedule<T>(key: string, kind: 'graphql' | 'rest', read: () => Promise<T>): Promise<T> {
    for (;;) {
      const wait = (this.pausedUntil.get(key) ?? 0) - Date.now();
      if (wait <= 0) break;
      await new Promise((r) => setTimeout(r, wait));
    }
    return this.limits.run(key, kind, read);
  }

  /** Holds every read of installation `key` for `ms` (GitHub named a wait). */
  pause(key: string, ms: number): void {
    const until = Date.now() + ms;
    if (until > (this.pausedUntil.get(key) ?? 0)) this.pausedUntil.set(key, until);
  }
}

export interface PacingOptions {
  reads?: Partial<ReadPacingOptions>;
  /** How long one request may take (ms); see {@link limitRequestTime}. Default 30 s. */
  requestTimeoutMs?: number;
  /** How requests that trip a secondary rate limit are retried. */
  secondaryRetry?: SecondaryRetryOptions;
}

/** What a webhook handler's context offers: Probot's Octokit and the payload. */
export interface EventContext {
  octokit: ProbotOctokit;
  payload: unknown;
}

/**
 * Gives each webhook handler a {@link GitHubClient} whose reads and writes are paced per
 * installation as described at the top of this file.
 */
export class Pacing {
  readonly reads: ReadPacer;
  /** By the handler's Octokit (one per event), then installation. */
  private readonly clients = new WeakMap<object, Map<number | null, GitHubClient>>();

  constructor(private readonly options: PacingOptions = {}) {
    this.reads = new ReadPacer({ ...DEFAULT_READ_PACING, ...options.reads });
  }

  /**
   * The client for one event. An event without an installation (none in the payload) uses the
   * handler's own Octokit as Probot made it.
   */
  client(context: EventContext): GitHubClient {
    const base = context.octokit;
    const raw = (context.payload as { installation?: { id?: unknown } } | null)?.installation?.id;
    const id = typeof raw === 'number' && typeof base?.constructor === 'function' ? raw : null;
    let byId = this.clients.get(base);
    if (!byId) this.clients.set(base, (byId = new Map()));
    let client = byId.get(id);
    if (!client) {
      client =
        id === null
          ? this.harden(base)
          : this.forInstallation(base.constructor as typeof ProbotOctokit, id);
      byId.set(id, client);
    }
    return client;
  }

  /**
   * Two Octokits of the app's own class for installation `id`: Probot fills in the app's
   * credentials, its token cache and (with `REDIS_URL`) its Redis connection. The writer keeps
   * Probot's throttling, keyed by the installation; the reader turns it off and goes through
   * {@link ReadPacer} instead.
   */
  private forInstallation(Octokit: typeof ProbotOctokit, id: number): GitHubClient {
    const key = String(id);
    const writer = new Octokit({ auth: { installationId: id }, throttle: { id: key } });
    const reader = new Octokit({ auth: { installationId: id }, throttle: { enabled: false } });
    reader.hook.wrap('request', async (request, options) => {
      const graphql = /\/graphql$/.test(new URL(options.url ?? '', 'http://github.test').pathname);
      // The installation-token request an unpaced read makes on the way (a POST) is not a read: it
      // must not wait for a slot the read that needs it is holding.
      if (!graphql && !isRead(`${String(options.method ?? 'GET')} /`)) return request(options);
      try {
        return await this.reads.schedule(key, graphql ? 'graphql' : 'rest', async () =>
          request(options),
        );
      } catch (err) {
        if (isSecondaryLimit(err)) {
          const retry = this.options.secondaryRetry ?? DEFAULT_SECONDARY_RETRY;
          this.reads.pause(key, secondaryWaitSeconds(err, retry.maxWaitSeconds) * retry.unitMs);
        }
        throw err;
      }
    });
    const writes = this.harden(writer);
    const reads = this.harden(reader);
    return {
      graphql: (query, vars) =>
        isMutation(query) ? writes.graphql(query, vars) : reads.graphql(query, vars),
      request: (route, params) =>
        isRead(route, params) ? reads.request(route, params) : writes.request(route, params),
    };
  }

  /** A time limit on each request, and retries after secondary limits. */
  private harden(octokit: ProbotOctokit): GitHubClient {
    limitRequestTime(octokit, this.options.requestTimeoutMs ?? 30_000);
    retrySecondaryLimits(octokit, this.options.secondaryRetry);
    return octokit;
  }
}

/** A REST request that only reads: GET or HEAD (a route without a method is a GET). */
export function isRead(route: string, params?: Record<string, unknown>): boolean {
  const m = /^([A-Za-z]+)\s/.exec(route);
  const method = (m?.[1] ?? (typeof params?.method === 'string' ? params.method : 'GET'))
    .toUpperCase()
    .trim();
  return method === 'GET' || method === 'HEAD';
}

/** A GraphQL document whose operation is a mutation (comments before it are skipped). */
export function isMutation(query: string): boolean {
  return /^(?:\s|#[^\n]*\n)*mutation\b/.test(query);
}
