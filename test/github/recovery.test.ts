/**
 * The parts of redelivery that need no app: which deliveries count as failed (GitHub's rule:
 * every attempt for the `guid` has a status other than `OK`), cursor paging of the deliveries
 * list, the settings read from the environment, and one round at a time across two runners that
 * share a real Redis.
 */
import type { components } from '@octokit/openapi-types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientDouble } from '../support/client-double.js';
import {
  failedEvents,
  listDeliveriesSince,
  nextDeliveriesCursor,
  redeliverFailed,
  type DeliveryItem,
} from '../../src/github/deliveries.js';
import { parseDuration, recoveryFromEnv } from '../../src/github/recovery-config.js';
import { DEFAULT_RECOVERY, startRecovery, type RoundReport } from '../../src/github/recovery.js';
import { RedisLock } from '../../src/scale/redis-lock.js';
import { startRedisServer, type RedisServer } from '../scale/redis-server.js';

type Item = components['schemas']['hook-delivery-item'];

let nextId = 100;
/** A delivery in GitHub's `hook-delivery-item` shape. */
function delivery(guid: string, status: string, minute: number, redelivery = false): DeliveryItem {
  const item: Item = {
    id: nextId++,
    guid,
    delivered_at: new Date(Date.UTC(2026, 0, 1, 12, minute)).toISOString().replace('.000', ''),
    redelivery,
    duration: 0.1,
    status,
    status_code: status === 'OK' ? 200 : 0,
    event: 'pull_request_review',
    action: 'dismissed',
    installation_id: 7,
    repository_id: 9,
    throttled_at: null,
  };
  return item as DeliveryItem;
}

const quiet = { info() {}, warn() {}, error() {} };

describe('failedEvents', () => {
  it('takes events none of whose attempts succeeded, with their newest attempt', () => {
    const a1 = delivery('a', 'failed to connect', 1);
    const a2 = delivery('a', 'Invalid HTTP Response: 502', 5, true);
    const b1 = delivery('b', 'Invalid HTTP Response: 500', 2);
    const b2 = delivery('b', 'OK', 3, true);
    const c = delivery('c', 'OK', 4);
    const d = delivery('d', 'timed out', 6);
    const out = failedEvents([d, a2, c, b2, b1, a1]);
    expect(out.map((e) => [e.guid, e.latest.id, e.attempts])).toEqual([
      ['a', a2.id, 2],
      ['d', d.id, 1],
    ]);
  });

  it('counts only `OK` as success: a 2xx status code with another status is a failure', () => {
    const odd = { ...delivery('x', 'Accepted', 1), status_code: 202 };
    expect(failedEvents([odd]).map((e) => e.guid)).toEqual(['x']);
  });
});

describe('listing deliveries', () => {
  it('reads the cursor of the next link', () => {
    expect(
      nextDeliveriesCursor(
        '<https://api.github.com/app/hook/deliveries?per_page=100&cursor=v1_123>; rel="next"',
      ),
    ).toBe('v1_123');
    expect(nextDeliveriesCursor('<https://x/app/hook/deliveries?cursor=v1_9>; rel="prev"')).toBe(
      null,
    );
    expect(nextDeliveriesCursor(undefined)).toBe(null);
  });

  /** A client that serves `pages` in turn, linking each to the next by cursor. */
  function pagedClient(pages: DeliveryItem[][]) {
    const calls: Record<string, unknown>[] = [];
    const posted: number[] = [];
    const gh = clientDouble({
      request: async (route, params) => {
        if (route.startsWith('POST')) {
          posted.push(params.delivery_id as number);
          return { data: {}, status: 202, headers: {} };
        }
        calls.push(params);
        const i = params.cursor ? Number(String(params.cursor).slice(3)) : 0;
        const link =
          i + 1 < pages.length
            ? `<https://api.github.com/app/hook/deliveries?per_page=100&cursor=v1_${i + 1}>; rel="next"`
            : undefined;
        return { data: pages[i], status: 200, headers: link ? { link } : {} };
      },
    });
    return { gh, calls, posted };
  }

  it('follows cursors, stops at the first delivery older than the window', async () => {
    const newest = [delivery('n1', 'OK', 50), delivery('n2', 'failed to connect', 40)];
    const older = [delivery('o1', 'failed to connect', 30), delivery('o2', 'OK', 10)];
    const oldest = [delivery('z', 'failed to connect', 1)];
    const { gh, calls } = pagedClient([newest, older, oldest]);
    const since = Date.UTC(2026, 0, 1, 12, 20);
    const { items, truncated } = await listDeliveriesSince(gh, since, 10);
    expect(items.map((d) => d.guid)).toEqual(['n1', 'n2', 'o1']);
    expect(truncated).toBe(false);
    expect(calls).toEqual([{ per_page: 100 }, { per_page: 100, cursor: 'v1_1' }]);
  });

  it('says when the page limit cut the window short', async () => {
    const pages = [[delivery('p1', 'OK', 50)], [delivery('p2', 'OK', 49)]];
    const { gh } = pagedClient(pages);
    const { items, truncated } = await listDeliveriesSince(gh, 0, 1);
    expect(items.map((d) => d.guid)).toEqual(['p1']);
    expect(truncated).toBe(true);
  });

  it('redelivers each failed event once, and nothing in a dry run', async () => {
    const page = [
      delivery('a', 'failed to connect', 3, true),
      delivery('a', 'failed to connect', 2),
      delivery('b', 'OK', 1),
    ];
    const dry = pagedClient([page]);
    const r1 = await redeliverFailed(dry.gh, {
      sinceMs: 0,
      maxPages: 5,
      maxAttempts: 5,
      dryRun: true,
    });
    expect(r1.redelivered.map((e) => e.guid)).toEqual(['a']);
    expect(dry.posted).toEqual([]);
    const wet = pagedClient([page]);
    const r2 = await redeliverFailed(wet.gh, { sinceMs: 0, maxPages: 5, maxAttempts: 5 });
    expect(wet.posted).toEqual([page[0]!.id]);
    expect(r2.redelivered[0]).toMatchObject({ guid: 'a', attempts: 2 });
  });
});

describe('settings from the environment', () => {
  it('parses durations and refuses anything else with the accepted forms', () => {
    expect(parseDuration('5m', 'X')).toBe(300_000);
    expect(parseDuration('1h30m', 'X')).toBe(5_400_000);
    expect(parseDuration('3d', 'X')).toBe(259_200_000);
    expect(parseDuration('90', 'X')).toBe(90_000);
    expect(() => parseDuration('5 minutes', 'REDELIVERY_INTERVAL')).toThrow(
      /REDELIVERY_INTERVAL: "5 minutes" is not a duration; write it like 90s, 5m/,
    );
    expect(() => parseDuration('', 'X')).toThrow(RangeError);
  });

  it('defaults to a round every 5 minutes, and can be turned off', () => {
    expect(recoveryFromEnv({})).toEqual(DEFAULT_RECOVERY);
    expect(recoveryFromEnv({ REDELIVERY_INTERVAL: 'off' })).toBeNull();
    expect(
      recoveryFromEnv({
        REDELIVERY_INTERVAL: '2m',
        REDELIVERY_WINDOW: '30m',
        REDELIVERY_LOOKBACK: '7d',
        REDELIVERY_MAX_ATTEMPTS: '3',
        RECONCILE_ON_START: 'false',
      }),
    ).toMatchObject({
      intervalMs: 120_000,
      windowMs: 1_800_000,
      startupLookbackMs: 7 * 86_400_000,
      maxAttempts: 3,
      reconcileOnStart: false,
    });
    expect(() => recoveryFromEnv({ REDELIVERY_MAX_ATTEMPTS: '0' })).toThrow(/at least 1/);
    expect(() => recoveryFromEnv({ RECONCILE_ON_START: 'maybe' })).toThrow(/true or false/);
  });

  it('refuses a window no longer than the interval', () => {
    expect(() =>
      startRecovery(
        {
          appClient: () => Promise.reject(new Error('unused')),
          lock: { run: (_k, fn) => fn() },
          log: quiet,
        },
        { ...DEFAULT_RECOVERY, intervalMs: 600_000, windowMs: 300_000 },
      ),
    ).toThrow(/must be longer than the interval/);
  });
});

describe('two runners sharing one Redis', () => {
  let server: RedisServer;
  const locks: RedisLock[] = [];

  beforeAll(async () => {
    server = await startRedisServer();
  });

  afterAll(async () => {
    await Promise.all(locks.map((l) => l.close()));
    await server.stop();
  });

  it('run one round at a time', async () => {
    let inside = 0;
    let most = 0;
    let rounds = 0;
    const gh = clientDouble({
      request: async () => {
        inside++;
        most = Math.max(most, inside);
        await new Promise((r) => setTimeout(r, 100));
        inside--;
        rounds++;
        return { data: [], status: 200, headers: {} };
      },
    });
    const runner = () => {
      const lock = new RedisLock({ redis: server.url, prefix: 'recovery-test:' });
      locks.push(lock);
      return startRecovery(
        { appClient: async () => gh, lock, log: quiet },
        { ...DEFAULT_RECOVERY, intervalMs: 0, startDelayMs: 3_600_000 },
      );
    };
    const a = runner();
    const b = runner();
    const reports: RoundReport[] = await Promise.all([
      a.runNow(),
      b.runNow(),
      a.runNow(),
      b.runNow(),
    ]);
    a.stop();
    b.stop();
    expect(reports.map((r) => r.error)).toEqual([null, null, null, null]);
    expect(rounds).toBe(4);
    expect(most).toBe(1);
  });
});
