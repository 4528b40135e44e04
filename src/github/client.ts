import type { PageInfoForward } from './queries/common.js';
import type { Endpoints, RequestParameters } from '@octokit/types';

/**
 * The part of Probot's Octokit (a webhook's `context.octokit`) the adapter uses. A REST request
 * names one of GitHub's documented routes, `request('GET /repos/{owner}/{repo}/pulls/{pull_number}',
 * ...)`: it takes that route's parameters and answers that route's shape, both from GitHub's
 * OpenAPI description (`@octokit/openapi-types`). A route GitHub does not document does not compile.
 */
export interface GitHubClient {
  request<R extends keyof Endpoints>(
    route: R,
    params?: Endpoints[R]['parameters'] & RequestParameters,
  ): Promise<Endpoints[R]['response']>;
  graphql<T>(query: string, vars?: RequestParameters): Promise<T>;
}

/** A REST answer's body, by route. */
export type Answer<R extends keyof Endpoints> = Endpoints[R]['response']['data'];

/** A short account of an Octokit or GraphQL error, for messages people read. */
export function describeError(err: unknown): string {
  if (err && typeof err === 'object') {
    const e = err as { status?: unknown; message?: unknown; errors?: unknown };
    if (Array.isArray(e.errors) && e.errors.length > 0) {
      return e.errors
        .map((x: { type?: string; message?: string }) =>
          x && typeof x === 'object'
            ? `${x.type ? `${x.type}: ` : ''}${x.message ?? 'unknown error'}`
            : String(x),
        )
        .join('; ');
    }
    const message = typeof e.message === 'string' && e.message ? e.message : String(err);
    if (typeof e.status !== 'number') return message;
    // Octokit's retry plugin counts its retries on the request's options.
    const retries = (err as { request?: { request?: { retryCount?: unknown } } }).request?.request
      ?.retryCount;
    const times = typeof retries === 'number' && retries > 0 ? ` (retried ${retries} times)` : '';
    return `HTTP ${e.status}: ${message}${times}`;
  }
  return String(err);
}

/** HTTP status of an Octokit request error, if it has one. */
export function errorStatus(err: unknown): number | undefined {
  const status = (err as { status?: unknown } | null)?.status;
  return typeof status === 'number' ? status : undefined;
}

export async function reading<T>(what: string, read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (err) {
    throw new Error(`could not read ${what}: ${describeError(err)}`, { cause: err });
  }
}

export function fail(what: string, why: string): never {
  throw new Error(`could not read ${what}: ${why}`);
}

export function nextCursor(what: string, page: PageInfoForward, previous: string | null): string {
  if (!page.endCursor || page.endCursor === previous) {
    fail(what, 'GitHub said there were more pages but gave no new cursor');
  }
  return page.endCursor;
}

/**
 * Pages read at once for one list (REST pages by number): a small bound, well under GitHub's 100
 * concurrent requests, so that one large pull request does not crowd out everything else.
 */
export const PAGE_CONCURRENCY = 10;

/** `fn` over `items` with at most `limit` running at once; results in the items' order. */
export async function mapBounded<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}
