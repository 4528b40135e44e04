/**
 * A hand-written GitHub client for unit tests that answer a few requests themselves. The app's
 * client is typed by route (src/github/client.ts); a double answers whatever its handlers return,
 * unchecked against GitHub's shapes, so tests where the shapes matter use the fake GitHub
 * (src/fake-github/) instead.
 */
import type { GitHubClient } from '../../src/github/client.js';

export interface DoubleResponse {
  data: unknown;
  status?: number;
  headers?: Record<string, string | undefined>;
}

export function clientDouble(handlers: {
  request?: (route: string, params: Record<string, unknown>) => Promise<DoubleResponse>;
  graphql?: (query: string, vars: Record<string, unknown>) => Promise<unknown>;
}): GitHubClient {
  const request = async (route: string, params?: Record<string, unknown>) => {
    if (!handlers.request) throw new Error(`unexpected request ${route}`);
    const res = await handlers.request(route, params ?? {});
    return { status: 200, headers: {}, ...res };
  };
  const graphql = async (query: string, vars?: Record<string, unknown>) => {
    if (!handlers.graphql) throw new Error('unexpected GraphQL query');
    return handlers.graphql(query, vars ?? {});
  };
  return {
    request: request as GitHubClient['request'],
    graphql: graphql as GitHubClient['graphql'],
  };
}
