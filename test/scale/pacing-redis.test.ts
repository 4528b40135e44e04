/**
 * The read limiters shared through Redis by two instances (two ReadPacers, each with its own
 * connection, as two app processes would have): one installation's bound holds across both, and
 * another installation is not held by it. A real `redis-server` on loopback.
 */
import Bottleneck from 'bottleneck';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_READ_PACING, ReadPacer } from '../../src/github/pacing.js';
import { startRedisServer, type RedisServer } from './redis-server.js';

describe('ReadPacer shared through Redis', () => {
  let server: RedisServer;
  const connections: Bottleneck.IORedisConnection[] = [];

  beforeAll(async () => {
    server = await startRedisServer();
  });

  afterAll(async () => {
    await Promise.all(connections.map((c) => c.disconnect(false)));
    await server?.stop();
  });

  /** An instance's pacer: its own Redis connection, one read in flight per installation. */
  function instance(): ReadPacer {
    const connection = new Bottleneck.IORedisConnection({ client: new Redis(server.url) });
    connections.push(connection);
    return new ReadPacer({ ...DEFAULT_READ_PACING, concurrency: 1, connection });
  }

  it('holds one installation’s bound across instances, and not another installation', async () => {
    const [a, b] = [instance(), instance()];
    const spans: { key: string; start: number; end: number }[] = [];
    const read = (key: string) => async () => {
      const start = Date.now();
      await new Promise((r) => setTimeout(r, 150));
      spans.push({ key, start, end: Date.now() });
    };
    await Promise.all([
      a.schedule('101', 'graphql', read('101')),
      b.schedule('101', 'graphql', read('101')),
      a.schedule('101', 'rest', read('101')),
      b.schedule('202', 'graphql', read('202')),
    ]);
    const one = spans.filter((s) => s.key === '101').sort((x, y) => x.start - y.start);
    expect(one).toHaveLength(3);
    // Never two reads of installation 101 at once, whichever instance made them.
    for (let i = 1; i < one.length; i++)
      expect(one[i]!.start).toBeGreaterThanOrEqual(one[i - 1]!.end);
    // Installation 202's read did not wait for all of 101's.
    const other = spans.find((s) => s.key === '202')!;
    expect(other.start).toBeLessThan(one.at(-1)!.start);
  });
});
