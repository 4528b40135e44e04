import { parse } from 'graphql';
import { afterEach, describe, expect, it } from 'vitest';
import { queryCost } from '../../../src/fake-github/primary-limits.js';
import type { FakeGitHub } from '../../../src/fake-github/server.js';
import { readMergedPullRequests } from '../../../src/github/audit/merged-prs.js';
import { readPolicyHistory } from '../../../src/github/audit/policy-history.js';
import {
  auditThrottle,
  withRateLimitWaits,
  type RateLimitWait,
} from '../../../src/github/audit/rate-limits.js';
import { AuditRequestTotals } from '../../../src/github/audit/requests.js';
import {
  MERGED_BATCH_QUERY,
  POLICY_HISTORY_QUERY,
  followUpQuery,
} from '../../../src/github/queries/audit.js';
import { buildWorld, POLICY, serve, serveToProbot, testClock } from './world.js';

let fake: FakeGitHub | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

describe("the fake's primary rate limit", () => {
  it("charges GitHub's points: the requests each connection needs, per 100", () => {
    // 1 list of 50 PRs; 4 lists of 100 and 2 of 1 or 5 per PR; 5 check-run lists per PR:
    // 1 + 50 × (4 + 1 + 1 + 5) = 551 requests, 6 points.
    expect(queryCost(parse(MERGED_BATCH_QUERY), null, {})).toBe(6);
    expect(queryCost(parse(POLICY_HISTORY_QUERY), null, {})).toBe(1);
    expect(queryCost(parse(followUpQuery([['commits'], ['files', 'reviews']])), null, {})).toBe(1);
    expect(queryCost(parse('query { viewer { login } }'), null, {})).toBe(1);
    // GitHub's own example: 1 + 100 requests is 1 point; one level deeper, 1 + 100 + 10,000.
    const nested =
      'query Q($n: Int!) { viewer { repositories(first: $n) { nodes { issues(first: 100) { nodes { labels(first: 10) { totalCount } } } } } } }';
    expect(queryCost(parse(nested), null, { n: 100 })).toBe(101);
    expect(queryCost(parse(nested), null, { n: 1 })).toBe(1);
  });

  it('answers rateLimit with the cost charged and the points left', async () => {
    const served = await serve(buildWorld().state);
    fake = served.fake;
    const totals = new AuditRequestTotals();
    await readPolicyHistory(served.gh, 'acme', 'pay', POLICY, { onRequest: totals.add });
    for await (const batch of readMergedPullRequests(served.gh, {
      owner: 'acme',
      repo: 'pay',
      since: '2026-10-01T00:00:00Z',
      onRequest: totals.add,
    }))
      void batch;
    // History 1, batch 6, then 29 follow-ups and one co-author query at 1 each.
    expect(totals.points).toBe(1 + 6 + 29 + 1);
    expect(totals.remaining).toBe(5000 - totals.points);
  });
});

describe('waiting out a rate limit', () => {
  it('waits for the primary reset when GraphQL points run out, says so, and resumes', async () => {
    const world = buildWorld();
    // The hour passes on a clock of the test's: each wait moves it on instead of sleeping.
    const clock = testClock('2026-12-01T10:00:00.500Z');
    const served = await serveToProbot(world.state, {
      primaryLimits: { limit: 7, enforce: true, now: clock.now },
    });
    fake = served.fake;
    const waits: RateLimitWait[] = [];
    const gh = withRateLimitWaits(served.octokit, {
      onWait: (w) => waits.push(w),
      now: clock.now,
      sleep: clock.sleep,
    });
    // 1 + 1 + 1 points of history, then a batch of 6 that the budget of 7 cannot take.
    const histories = [];
    for (let i = 0; i < 3; i++) histories.push(await readPolicyHistory(gh, 'acme', 'pay', POLICY));
    expect(waits).toEqual([]);
    const prs = [];
    for await (const batch of readMergedPullRequests(gh, {
      owner: 'acme',
      repo: 'pay',
      since: world.since,
      until: world.until,
    })) {
      prs.push(...batch);
    }
    expect(waits.length).toBeGreaterThanOrEqual(1);
    expect(waits[0]).toMatchObject({
      limit: 'primary',
      request: 'POST /graphql AuditMergedPullRequests',
      retries: 0,
    });
    // Until a second past the reset: the hour from 10:00:00.5 ends at 11:00:01 (whole seconds).
    expect(waits[0]!.seconds).toBe(3602);
    expect(clock.slept[0]).toBe(3602_000);
    expect(served.fake.primary.refused).toBe(waits.length);
    // Nothing was lost to the waits: the same PRs, whole.
    expect(prs.map((p) => p.number).sort((a, b) => a - b)).toEqual(
      [world.prs.atSince, world.prs.rich, world.prs.large, world.prs.huge].sort((a, b) => a - b),
    );
    expect(prs.find((p) => p.number === world.prs.large)).toMatchObject({
      commitsComplete: true,
      filesComplete: true,
    });
    expect(histories[2]!.versions).toHaveLength(4);
  });

  it("Probot's throttling with auditThrottle waits out REST's limit (429, remaining 0)", async () => {
    const waits: RateLimitWait[] = [];
    const served = await serveToProbot(
      buildWorld().state,
      { primaryLimits: { limit: 1, windowMs: 1000, enforce: true, status: 429 } },
      auditThrottle({ onWait: (w) => waits.push(w) }),
    );
    fake = served.fake;
    const gh = served.octokit;
    const first = await gh.request('GET /repos/{owner}/{repo}', { owner: 'acme', repo: 'pay' });
    const second = await gh.request('GET /repos/{owner}/{repo}', { owner: 'acme', repo: 'pay' });
    expect([first.status, second.status]).toEqual([200, 200]);
    expect(waits).toHaveLength(1);
    expect(waits[0]).toMatchObject({ limit: 'primary', retries: 0 });
  }, 30_000);

  it('gives up after maxRetries waits for the same request, with the error', async () => {
    const clock = testClock('2026-12-01T10:00:00Z');
    const served = await serveToProbot(buildWorld().state, {
      primaryLimits: { limit: 0, enforce: true, now: clock.now },
    });
    fake = served.fake;
    const waits: RateLimitWait[] = [];
    const gh = withRateLimitWaits(served.octokit, {
      onWait: (w) => waits.push(w),
      maxRetries: 1,
      now: clock.now,
      sleep: clock.sleep,
    });
    await expect(readPolicyHistory(gh, 'acme', 'pay', POLICY)).rejects.toThrow(
      /could not read the history of .* rate limit/i,
    );
    expect(waits).toHaveLength(1);
  }, 30_000);
});
