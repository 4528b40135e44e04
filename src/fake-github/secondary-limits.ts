/**
 * GitHub's documented secondary rate limits, for the fake to enforce when asked: per installation,
 * at most 100 requests at once, 2,000 GraphQL points and 900 REST points in any minute (a query or
 * a GET is 1 point, a mutation or a REST write 5) and 80 content-creating requests (every write) in
 * any minute. A request over a limit is refused as GitHub refuses it: 403, "You have exceeded a
 * secondary rate limit", `retry-after: 60`.
 */

export const SECONDARY_LIMITS = {
  concurrent: 100,
  graphqlPoints: 2000,
  restPoints: 900,
  contentPerMinute: 80,
} as const;

interface Spent {
  at: number;
  graphql: number;
  rest: number;
  content: number;
}

export class SecondaryLimits {
  private readonly inFlight = new Map<string, number>();
  private readonly spent = new Map<string, Spent[]>();
  /** Requests refused so far, with the limit each went over. */
  readonly refused: string[] = [];
  /** Off: nothing is counted or refused (to set up a scenario's state quickly). */
  enabled = true;

  /**
   * Counts one request of `key` (an installation) and says which limit it goes over, or null. A
   * request that is let in must be {@link done} when answered.
   */
  admit(key: string, request: { graphql: boolean; write: boolean }): string | null {
    if (!this.enabled) return null;
    const now = Date.now();
    const list = (this.spent.get(key) ?? []).filter((s) => s.at > now - 60_000);
    this.spent.set(key, list);
    const sum = (k: keyof Omit<Spent, 'at'>) => list.reduce((n, s) => n + s[k], 0);
    const points = request.write ? 5 : 1;
    const cost: Spent = {
      at: now,
      graphql: request.graphql ? points : 0,
      rest: request.graphql ? 0 : points,
      content: request.write ? 1 : 0,
    };
    let over: string | null = null;
    if ((this.inFlight.get(key) ?? 0) + 1 > SECONDARY_LIMITS.concurrent)
      over = 'concurrent requests';
    else if (sum('graphql') + cost.graphql > SECONDARY_LIMITS.graphqlPoints)
      over = 'GraphQL points';
    else if (sum('rest') + cost.rest > SECONDARY_LIMITS.restPoints) over = 'REST points';
    else if (sum('content') + cost.content > SECONDARY_LIMITS.contentPerMinute)
      over = 'content-creating requests';
    if (over) {
      this.refused.push(over);
      return over;
    }
    list.push(cost);
    this.inFlight.set(key, (this.inFlight.get(key) ?? 0) + 1);
    return null;
  }

  done(key: string): void {
    this.inFlight.set(key, Math.max(0, (this.inFlight.get(key) ?? 0) - 1));
  }
}
