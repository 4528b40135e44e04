/**
 * GitHub's secondary rate limits (403 or 429 "You have exceeded a secondary rate limit") ask the
 * caller to wait and try again. Probot's throttling settings only log them, so the app retries
 * such a request itself: a bounded number of times, after the wait GitHub names (capped).
 */

export interface SecondaryRetryOptions {
  /** Retries of one request after a secondary limit. */
  retries: number;
  /** Milliseconds per second of `retry-after`: 1000 in service, smaller in tests. */
  unitMs: number;
  /** Longest wait, in seconds, whatever GitHub asks; 60 when it names none. */
  maxWaitSeconds: number;
}

export const DEFAULT_SECONDARY_RETRY: SecondaryRetryOptions = {
  retries: 2,
  unitMs: 1000,
  maxWaitSeconds: 60,
};

interface RequestError {
  status?: number;
  message?: string;
  response?: { headers?: Record<string, string | undefined> };
}

/** True for GitHub's answer to a request that tripped a secondary rate limit. */
export function isSecondaryLimit(err: unknown): boolean {
  const e = err as RequestError | null;
  if (!e || (e.status !== 403 && e.status !== 429)) return false;
  return /secondary rate limit/i.test(e.message ?? '');
}

/** Seconds to wait before a retry: GitHub's `retry-after`, else 60, capped. */
export function secondaryWaitSeconds(err: unknown, maxWaitSeconds: number): number {
  const raw = (err as RequestError | null)?.response?.headers?.['retry-after'];
  const asked = raw !== undefined && /^\d+$/.test(raw.trim()) ? Number(raw) : 60;
  return Math.min(Math.max(asked, 1), maxWaitSeconds);
}

const patched = new WeakSet<object>();

type Options = Record<string, unknown> & { request?: Record<string, unknown> };
interface Hookable {
  hook?: { error?: (name: 'request', fn: (err: unknown, options: Options) => unknown) => void };
  request?: (options: Options) => Promise<unknown>;
}

/** Makes one Octokit instance (a webhook's `context.octokit`) retry secondary rate limits. */
export function retrySecondaryLimits(
  octokit: unknown,
  options: SecondaryRetryOptions = DEFAULT_SECONDARY_RETRY,
): void {
  const o = octokit as Hookable;
  if (!o || typeof o !== 'object' || patched.has(o) || options.retries <= 0) return;
  if (typeof o.hook?.error !== 'function' || typeof o.request !== 'function') return;
  patched.add(o);
  const request = o.request.bind(o);
  o.hook.error('request', async (err, requestOptions) => {
    const done = Number(requestOptions.request?.secondaryRetries ?? 0);
    if (!isSecondaryLimit(err) || done >= options.retries) throw err;
    const seconds = secondaryWaitSeconds(err, options.maxWaitSeconds);
    await new Promise((r) => setTimeout(r, seconds * options.unitMs));
    return request({
      ...requestOptions,
      request: { ...requestOptions.request, secondaryRetries: done + 1 },
    });
  });
}
