import { describe, expect, it } from 'vitest';
import { InProcessLock } from '../../src/github/lock.js';

describe('InProcessLock', () => {
  it('runs work for one key one at a time, in arrival order', async () => {
    const lock = new InProcessLock();
    const log: string[] = [];
    const step = (name: string, ms: number) =>
      lock.run('acme/api#1', async () => {
        log.push(`${name} start`);
        await new Promise((r) => setTimeout(r, ms));
        log.push(`${name} end`);
        return name;
      });
    const results = await Promise.all([step('a', 20), step('b', 1), step('c', 5)]);
    expect(results).toEqual(['a', 'b', 'c']);
    expect(log).toEqual(['a start', 'a end', 'b start', 'b end', 'c start', 'c end']);
    expect(lock.size).toBe(0);
  });

  it('lets different keys run at the same time', async () => {
    const lock = new InProcessLock();
    const log: string[] = [];
    await Promise.all(
      ['x', 'y'].map((k) =>
        lock.run(k, async () => {
          log.push(`${k} start`);
          await new Promise((r) => setTimeout(r, 10));
          log.push(`${k} end`);
        }),
      ),
    );
    expect(log.slice(0, 2).sort()).toEqual(['x start', 'y start']);
  });

  it('keeps going after a failed run and passes the error to its caller', async () => {
    const lock = new InProcessLock();
    const failed = lock.run('k', async () => {
      throw new Error('boom');
    });
    const next = lock.run('k', async () => 'ok');
    await expect(failed).rejects.toThrow('boom');
    await expect(next).resolves.toBe('ok');
  });
});
