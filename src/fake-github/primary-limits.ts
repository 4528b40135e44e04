/**
 * GitHub's primary rate limit, for the fake: each installation has a budget per hour, one for
 * REST requests and one for GraphQL points, refilled at a reset time the `x-ratelimit-*` headers
 * give. A GraphQL query costs what GitHub's documented formula says (the requests its connections
 * would need at their `first`/`last` sizes, a point per 100, at least 1).
 *
 * Counted always (the headers and `rateLimit { cost remaining }` answer from it); enforced only
 * when asked: a REST request past the budget gets a 403 (or 429) with `x-ratelimit-remaining: 0`,
 * the reset and a `retry-after`; a GraphQL query gets GitHub's `RATE_LIMITED` error.
 */

import {
  Kind,
  parse,
  type DocumentNode,
  type FragmentDefinitionNode,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValueNode,
} from 'graphql';

export type RateResource = 'core' | 'graphql';

export interface PrimaryLimitOptions {
  /** Requests (REST) or points (GraphQL) per window; GitHub's default for an installation is 5,000. */
  limit?: number;
  /** How long a window lasts, in ms (GitHub: an hour). */
  windowMs?: number;
  /** Refuse past the budget (off by default: counted only). */
  enforce?: boolean;
  /** The status a REST request past the budget gets (GitHub answers 403 or 429). */
  status?: 403 | 429;
  /** The clock (ms), for tests that move time on rather than wait. */
  now?: () => number;
}

export interface RateState {
  limit: number;
  used: number;
  remaining: number;
  /** Epoch seconds, as `x-ratelimit-reset` gives it. */
  reset: number;
}

interface Window {
  used: number;
  resetMs: number;
}

export class PrimaryLimits {
  readonly limit: number;
  readonly windowMs: number;
  enforce: boolean;
  readonly status: 403 | 429;
  /** Requests refused so far. */
  refused = 0;
  private readonly windows = new Map<string, Window>();
  readonly now: () => number;

  constructor(options: PrimaryLimitOptions = {}) {
    this.limit = options.limit ?? 5000;
    this.windowMs = options.windowMs ?? 3_600_000;
    this.enforce = options.enforce ?? false;
    this.status = options.status ?? 403;
    this.now = options.now ?? Date.now;
  }

  private window(key: string, resource: RateResource): Window {
    const id = `${resource}\0${key}`;
    const now = this.now();
    let w = this.windows.get(id);
    if (!w || now >= w.resetMs) {
      // Whole seconds, as the header says: a client that waits until the reset finds it refilled.
      w = { used: 0, resetMs: Math.ceil((now + this.windowMs) / 1000) * 1000 };
      this.windows.set(id, w);
    }
    return w;
  }

  /**
   * Spends `cost` of `key`'s budget for `resource`; says whether it was allowed (refused only
   * when enforced and the budget would be overdrawn) and the state after.
   */
  spend(key: string, resource: RateResource, cost: number): { ok: boolean; state: RateState } {
    const w = this.window(key, resource);
    if (this.enforce && w.used + cost > this.limit) {
      this.refused++;
      return { ok: false, state: this.stateOf(w, true) };
    }
    w.used += cost;
    return { ok: true, state: this.stateOf(w, false) };
  }

  private stateOf(w: Window, exhausted: boolean): RateState {
    return {
      limit: this.limit,
      used: w.used,
      remaining: exhausted ? 0 : Math.max(0, this.limit - w.used),
      reset: Math.floor(w.resetMs / 1000),
    };
  }

  headers(state: RateState, resource: RateResource): Record<string, string> {
    return {
      'x-ratelimit-limit': String(state.limit),
      'x-ratelimit-remaining': String(state.remaining),
      'x-ratelimit-used': String(state.used),
      'x-ratelimit-reset': String(state.reset),
      'x-ratelimit-resource': resource,
    };
  }

  /** Seconds until the reset, for `retry-after`. */
  retryAfter(state: RateState): number {
    return Math.max(1, state.reset - Math.floor(this.now() / 1000));
  }
}

// ---------------------------------------------------------------------------------------------
// GraphQL cost

const parsed = new Map<string, DocumentNode>();

/** The cost of a GraphQL request's body; 1 when it is not a query that parses. */
export function graphqlCost(body: unknown): number {
  const b = body as { query?: unknown; variables?: unknown; operationName?: unknown } | null;
  if (!b || typeof b.query !== 'string') return 1;
  try {
    const vars = (b.variables && typeof b.variables === 'object' ? b.variables : {}) as Record<
      string,
      unknown
    >;
    const name = typeof b.operationName === 'string' ? b.operationName : null;
    let document = parsed.get(b.query);
    if (!document) {
      document = parse(b.query);
      if (parsed.size > 500) parsed.clear();
      parsed.set(b.query, document);
    }
    return queryCost(document, name, vars);
  } catch {
    return 1;
  }
}

/**
 * The points GitHub charges for a query: the requests needed to fill each connection (a field
 * with `first` or `last`), each counted once per item of the connections around it, divided by
 * 100 and rounded, at least 1. A mutation costs 1 here (GitHub's secondary limits weigh them).
 */
export function queryCost(
  document: DocumentNode,
  operationName: string | null,
  variables: Record<string, unknown>,
): number {
  const ops = document.definitions.filter(
    (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
  );
  const op = operationName ? ops.find((o) => o.name?.value === operationName) : ops[0];
  if (!op || op.operation !== 'query') return 1;
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions) {
    if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
  }
  const requests = walk(op.selectionSet, 1, fragments, variables, 0);
  return Math.max(1, Math.round(requests / 100));
}

function walk(
  set: SelectionSetNode,
  times: number,
  fragments: Map<string, FragmentDefinitionNode>,
  variables: Record<string, unknown>,
  depth: number,
): number {
  if (depth > 50) return 0;
  let total = 0;
  for (const s of set.selections) {
    if (s.kind === Kind.FRAGMENT_SPREAD) {
      const f = fragments.get(s.name.value);
      if (f) total += walk(f.selectionSet, times, fragments, variables, depth + 1);
      continue;
    }
    if (s.kind === Kind.INLINE_FRAGMENT) {
      total += walk(s.selectionSet, times, fragments, variables, depth + 1);
      continue;
    }
    if (!s.selectionSet) continue;
    const size = pageSize(s.arguments ?? [], variables);
    if (size === null) {
      total += walk(s.selectionSet, times, fragments, variables, depth + 1);
    } else {
      total += times;
      total += walk(s.selectionSet, times * size, fragments, variables, depth + 1);
    }
  }
  return total;
}

function pageSize(
  args: readonly { name: { value: string }; value: ValueNode }[],
  variables: Record<string, unknown>,
): number | null {
  for (const a of args) {
    if (a.name.value !== 'first' && a.name.value !== 'last') continue;
    const v =
      a.value.kind === Kind.INT
        ? Number(a.value.value)
        : a.value.kind === Kind.VARIABLE
          ? Number(variables[a.value.name.value])
          : NaN;
    return Number.isFinite(v) ? v : 0;
  }
  return null;
}
