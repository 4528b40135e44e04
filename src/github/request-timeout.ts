/** A time limit on each attempt of each request to GitHub, so a hung request cannot hold a PR. */

/** Octokit instances whose requests already have a time limit. */
const timed = new WeakSet<object>();

/**
 * Gives every attempt of every request of one Octokit instance (a webhook's `context.octokit`) at
 * most `ms` to answer. The limit is applied by the fetch each attempt calls, inside Octokit's retry
 * plugin, so an attempt that times out fails like a server error and is retried as one.
 */
export function limitRequestTime(octokit: unknown, ms: number): void {
  type Options = { request?: { fetch?: typeof fetch } & Record<string, unknown> };
  const o = octokit as {
    hook?: { before?: (name: 'request', fn: (options: Options) => void) => void };
  };
  if (!o || typeof o !== 'object' || !(ms > 0) || timed.has(o)) return;
  if (typeof o.hook?.before !== 'function') return;
  timed.add(o);
  o.hook.before('request', (options) => {
    const inner = options.request?.fetch;
    if (inner && limited.has(inner)) return;
    const within: typeof fetch = (url, init) =>
      fetchWithin(ms, inner ?? globalThis.fetch, url, init);
    limited.add(within);
    // A new object: the one in the options may be the instance's defaults, shared by every request.
    options.request = { ...options.request, fetch: within };
  });
}

const limited = new WeakSet<object>();

async function fetchWithin(
  ms: number,
  inner: typeof fetch,
  url: Parameters<typeof fetch>[0],
  init: RequestInit = {},
): Promise<Response> {
  const controller = new AbortController();
  const outer = init.signal;
  const onAbort = () => controller.abort(outer?.reason);
  if (outer?.aborted) onAbort();
  else outer?.addEventListener('abort', onAbort, { once: true });
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const err = new Error(`GitHub did not answer within ${formatSeconds(ms)}`);
      controller.abort(err);
      reject(err);
    }, ms);
  });
  try {
    return await Promise.race([inner(url, { ...init, signal: controller.signal }), late]);
  } finally {
    clearTimeout(timer);
    outer?.removeEventListener('abort', onAbort);
  }
}

function formatSeconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(3))} s`;
}
