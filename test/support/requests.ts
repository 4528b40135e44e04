/**
 * What the app asked of the loopback fake GitHub, read from its request log (`fake.stats`): each
 * request as `METHOD /path` (REST paths without the `/api/v3` prefix, GraphQL as
 * `POST /graphql Operation`), the installation-token requests left out.
 *
 * Start the fake with `recordBodies: true` to read what a request sent ({@link variablesOf}, a
 * record's `body`).
 */
import type { FakeGitHub, RequestRecord } from '../../src/fake-github/server.js';

/** A record's path as the app's Octokit names it (`/repos/...`, `/graphql`). */
function shortPath(r: RequestRecord): string {
  return r.path.replace(/^\/api\/v3(?=\/)/, '').replace(/^\/api\/graphql$/, '/graphql');
}

/** One request as `METHOD /path`, GraphQL as `POST /graphql Operation`. */
export function callOf(r: RequestRecord): string {
  return `${r.method} ${shortPath(r)}${r.operation ? ` ${r.operation}` : ''}`;
}

/** Every request since the last reset, tokens left out, in the order answered. */
export function calls(fake: FakeGitHub): string[] {
  return fake.stats.requests.filter((r) => r.kind !== 'token').map(callOf);
}

/** The requests that changed something on GitHub (REST writes), as `METHOD /path`. */
export function writeCalls(fake: FakeGitHub): string[] {
  return fake.stats.requests.filter((r) => r.kind === 'write').map(callOf);
}

/** The requests to `METHOD /path`, or of one GraphQL operation with `POST /graphql Operation`. */
export function sent(fake: FakeGitHub, call: string): RequestRecord[] {
  return fake.stats.requests.filter((r) => r.kind !== 'token' && callOf(r) === call);
}

/** The GraphQL variables of each request of one operation, in order (needs `recordBodies`). */
export function variablesOf(fake: FakeGitHub, operation: string): Record<string, unknown>[] {
  return sent(fake, `POST /graphql ${operation}`).map(
    (r) => (r.body as { variables?: Record<string, unknown> } | undefined)?.variables ?? {},
  );
}

/** A record's query parameters (`?page=2` → `{ page: '2' }`). */
export function queryOf(r: RequestRecord): Record<string, string> {
  return Object.fromEntries(new URLSearchParams(r.query));
}
