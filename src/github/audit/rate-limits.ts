/**
 * Rate limits for the audit's long reads: options for Octokit's throttling plugin (Probot's
 * `throttle` option) that wait out GitHub's primary limit until its reset and a secondary limit
 * for its `retry-after`, tell the caller of each wait (so a progress bar can show it), and then
 * let the request be sent again. The plugin does the waiting and the retrying; this only decides.
 *
 * The plugin also spaces GraphQL requests a second apart, as it does for writes; the audit sends
 * its queries one after another, so it lets them go unspaced by default (`spacingMs`).
 */

import type { Endpoints, RequestParameters } from '@octokit/types';
import Bottleneck from 'bottleneck';
import type { GitHubClient } from '../client.js';

export interface RateLimitWait {
  /** `primary`: the hourly budget is spent, until its reset; `secondary`: GitHub asked to slow down. */
  limit: 'primary' | 'secondary';
  /** How long the request waits before it is sent again. */
  seconds: number;
  /** When it is sent again. */
  until: Date;
  /** The request that was refused, e.g. `POST /graphql`. */
  request: string;
  /** How many times this request has been sent again already. */
  retries: number;
}

export interface AuditThrottleOptions {
  /** Told of each wait before it starts. */
  onWait?: (wait: RateLimitWait) => void;
  /** Times one request is sent again after a limit before the read fails (default 5). */
  maxRetries?: number;
  /** Spacing of GraphQL requests in ms (the plugin's default is 1,000; the audit's is 0). */
  spacingMs?: number;
  /** The clock, for tests. */
  now?: () => number;
}

/** What the throttling plugin passes to its handlers about the refused request. */
interface RequestOptions {
  method?: string;
  url?: string;
}

/**
 * The `throttle` option for an Octokit (or Probot's `ProbotOctokit`) the audit reads through.
 * A limit past `maxRetries` waits for the same request ends the read with the plugin's error.
 */
export function auditThrottle(options: AuditThrottleOptions = {}) {
  const maxRetries = options.maxRetries ?? 5;
  const now = options.now ?? Date.now;
  const handler =
    (limit: RateLimitWait['limit']) =>
    (retryAfter: number, request: RequestOptions, _octokit: unknown, retryCount: number) => {
      if (retryCount >= maxRetries) return false;
      const seconds = Math.max(0, retryAfter);
      options.onWait?.({
        limit,
        seconds,
        until: new Date(now() + seconds * 1000),
        request: `${request.method ?? 'GET'} ${request.url ?? ''}`.trim(),
        retries: retryCount,
      });
      return true;
    };
  return {
    enabled: true,
    onRateLimit: handler('primary'),
    onSecondaryRateLimit: handler('secondary'),
    write: new Bottleneck.Group({ maxConcurrent: 1, minTime: options.spacingMs ?? 0 }),
  };
}

export interface RateLimitWaitOptions {
  onWait?: (wait: RateLimitWait) => void;
  /** Times one request is sent again after a limit before the read fails (default 5). */
  maxRetries?: number;
  /** Seconds to wait for a secondary limit that gives no `retry-after` (GitHub's advice: 60). */
  secondaryFallbackSeconds?: number;
  /** The clock and the wait, for tests. */
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

/** How long GitHub asks to wait before sending a refused request again; null when it is no limit. */
export function rateLimitDelay(
  err: unknown,
  now: number,
  secondaryFallbackSeconds = 60,
): { limit: RateLimitWait['limit']; seconds: number } | null {
  const e = err as {
    status?: unknown;
    message?: unknown;
    headers?: Record<string, unknown>;
    response?: { headers?: Record<string, unknown> };
    errors?: { type?: unknown }[];
  } | null;
  if (!e || typeof e !== 'object') return null;
  const headers = e.response?.headers ?? e.headers ?? {};
  const header = (name: string) => {
    const v = headers[name];
    return typeof v === 'string' || typeof v === 'number' ? Number(v) : NaN;
  };
  const graphqlLimited =
    Array.isArray(e.errors) && e.errors.some((x) => x?.type === 'RATE_LIMITED');
  const httpLimited = e.status === 403 || e.status === 429;
  if (!graphqlLimited && !httpLimited) return null;
  const message = typeof e.message === 'string' ? e.message : '';
  const retryAfter = header('retry-after');
  if (/secondary rate/i.test(message)) {
    return {
      limit: 'secondary',
      seconds: Number.isFinite(retryAfter) ? retryAfter : secondaryFallbackSeconds,
    };
  }
  if (graphqlLimited || header('x-ratelimit-remaining') === 0) {
    const reset = header('x-ratelimit-reset');
    // One second past the reset, as GitHub advises; retry-after when it is the later.
    const untilReset = Number.isFinite(reset) ? Math.ceil((reset * 1000 - now) / 1000) + 1 : 60;
    return {
      limit: 'primary',
      seconds: Math.max(0, untilReset, Number.isFinite(retryAfter) ? retryAfter : 0),
    };
  }
  if (Number.isFinite(retryAfter)) return { limit: 'secondary', seconds: retryAfter };
  return null;
}

/**
 * The client with every request sent again after a rate limit, once GitHub's wait is over: the
 * primary limit until its reset, a secondary limit for its `retry-after`. Each wait is told to
 * `onWait` first. Works whatever Octokit plugins the client has (Octokit's throttling plugin does
 * not see GraphQL answers on Enterprise Server's `/api/graphql` as GraphQL).
 */
export function withRateLimitWaits(
  gh: GitHubClient,
  options: RateLimitWaitOptions = {},
): GitHubClient {
  const maxRetries = options.maxRetries ?? 5;
  const now = options.now ?? Date.now;
  const sleep =
    options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const retrying = async <T>(request: string, send: () => Promise<T>): Promise<T> => {
    for (let retries = 0; ; retries++) {
      try {
        return await send();
      } catch (err) {
        const delay = rateLimitDelay(err, now(), options.secondaryFallbackSeconds);
        if (!delay || retries >= maxRetries) throw err;
        options.onWait?.({
          ...delay,
          until: new Date(now() + delay.seconds * 1000),
          request,
          retries,
        });
        await sleep(delay.seconds * 1000);
      }
    }
  };
  return {
    graphql: <T>(query: string, vars?: Record<string, unknown>) =>
      retrying(`POST /graphql ${/^\s*query\s+(\w+)/.exec(query)?.[1] ?? ''}`.trim(), () =>
        gh.graphql<T>(query, vars),
      ),
    request: <R extends keyof Endpoints>(
      route: R,
      params?: Endpoints[R]['parameters'] & RequestParameters,
    ) => retrying(route, () => gh.request(route, params)),
  };
}
