/**
 * What the audit's reads cost: every request goes through {@link auditQuery} or
 * {@link auditRest}, which report it (with the GraphQL points GitHub charged and the points left)
 * to the caller's `onRequest`, so a progress bar can show them and a benchmark can count them.
 */

import type { Endpoints, RequestParameters } from '@octokit/types';
import { reading, type GitHubClient } from '../client.js';
import type { AuditRateLimit } from '../queries/audit.js';

/** One request the audit made. */
export interface AuditRequest {
  /** The GraphQL operation, or the REST route. */
  operation: string;
  kind: 'graphql' | 'rest';
  /** GraphQL points GitHub charged (from `rateLimit.cost`); null for REST. */
  cost: number | null;
  /** GraphQL points left in the hour, when GitHub said. */
  remaining: number | null;
  /** When the GraphQL points are refilled (ISO 8601), when GitHub said. */
  resetAt: string | null;
}

export type OnRequest = (request: AuditRequest) => void;

/** Running totals of the audit's requests, for a summary line or a benchmark. */
export class AuditRequestTotals {
  requests = 0;
  graphql = 0;
  rest = 0;
  points = 0;
  remaining: number | null = null;
  resetAt: string | null = null;
  readonly byOperation: Record<string, number> = {};

  /** Pass as `onRequest` (bound). */
  readonly add: OnRequest = (r) => {
    this.requests++;
    if (r.kind === 'graphql') this.graphql++;
    else this.rest++;
    this.points += r.cost ?? 0;
    if (r.remaining !== null) this.remaining = r.remaining;
    if (r.resetAt !== null) this.resetAt = r.resetAt;
    this.byOperation[r.operation] = (this.byOperation[r.operation] ?? 0) + 1;
  };
}

function operationName(query: string): string {
  return /^\s*query\s+(\w+)/.exec(query)?.[1] ?? 'query';
}

/** A GraphQL query of the audit, reported to `onRequest` once answered. */
export async function auditQuery<T extends { rateLimit: AuditRateLimit | null }>(
  gh: GitHubClient,
  what: string,
  query: string,
  vars: Record<string, unknown>,
  onRequest: OnRequest | undefined,
): Promise<T> {
  const operation = operationName(query);
  let answer: T;
  try {
    answer = await reading(what, () => gh.graphql<T>(query, vars));
  } catch (err) {
    onRequest?.({ operation, kind: 'graphql', cost: null, remaining: null, resetAt: null });
    throw err;
  }
  const rate = answer?.rateLimit ?? null;
  onRequest?.({
    operation,
    kind: 'graphql',
    cost: rate?.cost ?? null,
    remaining: rate?.remaining ?? null,
    resetAt: rate?.resetAt ?? null,
  });
  return answer;
}

/** A REST request of the audit, reported to `onRequest` once answered. */
export async function auditRest<R extends keyof Endpoints>(
  gh: GitHubClient,
  what: string,
  route: R,
  params: Endpoints[R]['parameters'] & RequestParameters,
  onRequest: OnRequest | undefined,
): Promise<Endpoints[R]['response']> {
  try {
    return await reading(what, () => gh.request(route, params));
  } finally {
    onRequest?.({ operation: route, kind: 'rest', cost: null, remaining: null, resetAt: null });
  }
}
