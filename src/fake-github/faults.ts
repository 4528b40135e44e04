/**
 * Faults the fake GitHub serves instead of its real answer, for tests of how a client copes: an
 * error status with the headers and body GitHub sends with it (`retry-after` and `x-ratelimit-*`
 * with a 403 or 429, a GraphQL `errors` list with a 200), or no answer at all until the test
 * releases the request or the client gives up.
 */

import type { ServerResponse } from 'node:http';
import { DOCS, type Answer } from './router.js';

/** Which requests a fault catches, and how many. */
interface FaultMatch {
  method?: string;
  /** Matches the route template (`POST /repos/{owner}/{repo}/check-runs`) or the path. */
  route?: string | RegExp;
  /** A GraphQL operation name. */
  operation?: string;
  /** How many matching requests it catches; default 1. */
  times?: number;
}

/** Answer with an error instead of the real answer. */
export interface FailureFault extends FaultMatch {
  status: number;
  /** The `message` of GitHub's error body; `Injected failure` when not given. */
  message?: string;
  /** Response headers sent with it, over the fake's own (`retry-after`, `x-ratelimit-*`). */
  headers?: Record<string, string>;
  /**
   * The whole body instead of GitHub's error body `{ message, documentation_url, status }`: for a
   * GraphQL answer GitHub sends with a 200 (`{ errors: [{ type: 'RATE_LIMITED', ... }] }`).
   */
  body?: unknown;
  hang?: never;
}

/**
 * Do not answer: the request waits until {@link Fault.release} lets it go on to its real answer,
 * or until the client gives up (recorded with status 499, nginx's "client closed request").
 */
export interface HangFault extends FaultMatch {
  hang: true;
  status?: never;
}

export type FaultRule = FailureFault | HangFault;

/** A fault that was set: what it caught, and for a hang, the requests it holds. */
export interface Fault {
  /** Requests it has caught so far. */
  readonly hits: number;
  /** Requests it holds now (hangs only). */
  readonly waiting: number;
  /** Lets every held request go on to its real answer and ends the fault. */
  release(): void;
}

/** How a held request ended. */
export type HoldEnd = 'released' | 'abandoned';

interface Entry {
  rule: FaultRule;
  left: number;
  hits: number;
  held: Set<(end: HoldEnd) => void>;
}

/** The faults set on one fake GitHub, first set first matched. */
export class Faults {
  private readonly entries: Entry[] = [];

  add(rule: FaultRule): Fault {
    if (!rule.hang && typeof rule.status !== 'number') {
      throw new Error('a fault needs a status, or hang: true');
    }
    const entry: Entry = { rule, left: rule.times ?? 1, hits: 0, held: new Set() };
    this.entries.push(entry);
    return {
      get hits() {
        return entry.hits;
      },
      get waiting() {
        return entry.held.size;
      },
      release() {
        entry.left = 0;
        for (const go of [...entry.held]) go('released');
      },
    };
  }

  /**
   * The fault a request meets, if any, counted as caught. `target` is the matched route
   * (`METHOD template`), or `METHOD path` when none matched.
   */
  take(
    method: string,
    target: string,
    path: string,
    operation: string | null,
  ): { answer: Answer } | { hold: (res: ServerResponse) => Promise<HoldEnd> } | null {
    for (const e of this.entries) {
      const f = e.rule;
      if (e.left <= 0) continue;
      if (f.method && f.method.toUpperCase() !== method) continue;
      if (f.operation && f.operation !== operation) continue;
      if (f.route) {
        const hit =
          typeof f.route === 'string'
            ? f.route === target || f.route === path
            : f.route.test(target) || f.route.test(path);
        if (!hit) continue;
      }
      e.left--;
      e.hits++;
      return f.hang ? { hold: (res) => hold(e, res) } : { answer: failureAnswer(f) };
    }
    return null;
  }

  /** Ends every hold as abandoned (the server is closing). */
  abandonAll(): void {
    for (const e of this.entries) for (const go of [...e.held]) go('abandoned');
  }
}

/** GitHub's error body with the fault's message, or the body the fault gives. */
function failureAnswer(f: FailureFault): Answer {
  const body =
    f.body !== undefined
      ? f.body
      : {
          message: f.message ?? 'Injected failure',
          documentation_url: DOCS,
          status: String(f.status),
        };
  return { status: f.status, body, headers: { ...f.headers } };
}

/** Waits until the fault is released or the client closes the connection. */
function hold(entry: Entry, res: ServerResponse): Promise<HoldEnd> {
  return new Promise((resolve) => {
    if (res.destroyed || res.socket?.destroyed) {
      resolve('abandoned');
      return;
    }
    const end = (how: HoldEnd) => {
      if (!entry.held.delete(end)) return;
      res.off('close', closed);
      resolve(how);
    };
    const closed = () => end('abandoned');
    entry.held.add(end);
    res.on('close', closed);
  });
}
