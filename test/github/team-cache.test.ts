/**
 * TeamCache: members kept for a short time and bounded in number; concurrent evaluations share
 * one read; failed reads are not kept; slugs are compared without case.
 */
import { describe, expect, it } from 'vitest';
import type { GitHubClient } from '../../src/github/client.js';
import { TeamCache } from '../../src/github/team-cache.js';
import { askedSlugs, teamMembersAnswer } from '../support/teams-answer.js';

interface Read {
  org: string;
  slugs: string[];
}

/**
 * A client that answers the team-members query from `teams` (a missing slug is a missing team),
 * records each query's slugs and, with `gate`, holds every answer until the gate opens.
 */
function teamsClient(teams: Record<string, string[]>, opts: { gate?: Promise<void> } = {}) {
  const reads: Read[] = [];
  let failNext: Error | null = null;
  const gh: GitHubClient = {
    async graphql<T>(_query: string, vars?: Record<string, unknown>): Promise<T> {
      const slugs = askedSlugs(vars);
      reads.push({ org: String(vars?.org), slugs });
      if (opts.gate) await opts.gate;
      if (failNext) {
        const err = failNext;
        failNext = null;
        throw err;
      }
      return teamMembersAnswer(teams, slugs) as T;
    },
    async request() {
      throw new Error('no REST request expected');
    },
  };
  return {
    gh,
    reads,
    failOnce(err: Error) {
      failNext = err;
    },
  };
}

function clock(start = 0) {
  let t = start;
  return { now: () => t, advance: (ms: number) => void (t += ms) };
}

describe('TeamCache', () => {
  it('reads a team once within the TTL and again after it', async () => {
    const c = clock();
    const cache = new TeamCache({ ttlMs: 60_000, maxEntries: 10, now: c.now });
    const { gh, reads } = teamsClient({ seniors: ['Sam', 'pat'] });
    expect(await cache.members(gh, 'acme', ['seniors'])).toEqual({ seniors: ['sam', 'pat'] });
    c.advance(59_999);
    expect(await cache.members(gh, 'acme', ['seniors'])).toEqual({ seniors: ['sam', 'pat'] });
    expect(reads).toHaveLength(1);
    c.advance(1);
    await cache.members(gh, 'acme', ['seniors']);
    expect(reads).toHaveLength(2);
  });

  it('reads only the teams it does not hold, in one query', async () => {
    const cache = new TeamCache({ ttlMs: 60_000, maxEntries: 10 });
    const { gh, reads } = teamsClient({ a: ['x'], b: ['y'], c: ['z'] });
    await cache.members(gh, 'acme', ['a']);
    expect(await cache.members(gh, 'acme', ['a', 'b', 'c'])).toEqual({
      a: ['x'],
      b: ['y'],
      c: ['z'],
    });
    expect(reads).toEqual([
      { org: 'acme', slugs: ['a'] },
      { org: 'acme', slugs: ['b', 'c'] },
    ]);
  });

  it('keeps a team that does not exist as null, for the TTL', async () => {
    const cache = new TeamCache({ ttlMs: 60_000, maxEntries: 10 });
    const { gh, reads } = teamsClient({});
    expect(await cache.members(gh, 'acme', ['ghosts'])).toEqual({ ghosts: null });
    expect(await cache.members(gh, 'acme', ['ghosts'])).toEqual({ ghosts: null });
    expect(reads).toHaveLength(1);
  });

  it('keeps at most maxEntries teams, forgetting the least recently used', async () => {
    const cache = new TeamCache({ ttlMs: 60_000, maxEntries: 2 });
    const { gh, reads } = teamsClient({ a: ['x'], b: ['y'], c: ['z'] });
    await cache.members(gh, 'acme', ['a']);
    await cache.members(gh, 'acme', ['b']);
    await cache.members(gh, 'acme', ['a']); // a is now the most recent
    await cache.members(gh, 'acme', ['c']); // b goes
    expect(cache.size).toBe(2);
    reads.length = 0;
    await cache.members(gh, 'acme', ['a', 'c']);
    expect(reads).toEqual([]);
    await cache.members(gh, 'acme', ['b']);
    expect(reads).toEqual([{ org: 'acme', slugs: ['b'] }]);
  });

  it('keeps teams of different orgs apart, and compares orgs and slugs without case', async () => {
    const cache = new TeamCache({ ttlMs: 60_000, maxEntries: 10 });
    const { gh, reads } = teamsClient({ seniors: ['sam'] });
    await cache.members(gh, 'Acme', ['Seniors']);
    expect(await cache.members(gh, 'acme', ['seniors'])).toEqual({ seniors: ['sam'] });
    expect(reads).toHaveLength(1);
    await cache.members(gh, 'other', ['seniors']);
    expect(reads).toHaveLength(2);
    expect(reads[0]!.slugs).toEqual(['seniors']);
  });

  it('lets concurrent evaluations share one read of a team', async () => {
    let open!: () => void;
    const gate = new Promise<void>((r) => (open = r));
    const cache = new TeamCache({ ttlMs: 60_000, maxEntries: 10 });
    const { gh, reads } = teamsClient({ a: ['x'], b: ['y'] }, { gate });
    const first = cache.members(gh, 'acme', ['a']);
    const second = cache.members(gh, 'acme', ['a', 'b']);
    const third = cache.members(gh, 'acme', ['a']);
    expect(cache.reading).toBe(2);
    open();
    expect(await first).toEqual({ a: ['x'] });
    expect(await second).toEqual({ a: ['x'], b: ['y'] });
    expect(await third).toEqual({ a: ['x'] });
    expect(reads).toEqual([
      { org: 'acme', slugs: ['a'] },
      { org: 'acme', slugs: ['b'] },
    ]);
    expect(cache.reading).toBe(0);
  });

  it('does not keep a failed read: every waiting evaluation fails, the next one reads again', async () => {
    let open!: () => void;
    const gate = new Promise<void>((r) => (open = r));
    const cache = new TeamCache({ ttlMs: 60_000, maxEntries: 10 });
    const client = teamsClient({ a: ['x'] }, { gate });
    client.failOnce(Object.assign(new Error('Bad Gateway'), { status: 502 }));
    const first = cache.members(client.gh, 'acme', ['a']);
    const second = cache.members(client.gh, 'acme', ['a']);
    open();
    await expect(first).rejects.toThrow(/could not read the members of teams in acme/);
    await expect(second).rejects.toThrow(/Bad Gateway/);
    expect(cache.size).toBe(0);
    expect(cache.reading).toBe(0);
    expect(await cache.members(client.gh, 'acme', ['a'])).toEqual({ a: ['x'] });
    expect(client.reads).toHaveLength(2);
  });

  it('reads on every call with a TTL of 0, keeping nothing', async () => {
    const cache = new TeamCache({ ttlMs: 0, maxEntries: 10 });
    const { gh, reads } = teamsClient({ a: ['x'] });
    await cache.members(gh, 'acme', ['a']);
    await cache.members(gh, 'acme', ['a']);
    expect(reads).toHaveLength(2);
    expect(cache.size).toBe(0);
  });

  it('hands out member lists that cannot be changed', async () => {
    const cache = new TeamCache({ ttlMs: 60_000, maxEntries: 10 });
    const { gh } = teamsClient({ a: ['x'] });
    await cache.members(gh, 'acme', ['a']);
    const kept = (await cache.members(gh, 'acme', ['a'])).a!;
    expect(Object.isFrozen(kept)).toBe(true);
    expect(() => kept.push('intruder')).toThrow(TypeError);
    expect((await cache.members(gh, 'acme', ['a'])).a).toEqual(['x']);
  });

  it('asks for nothing when no team is named', async () => {
    const cache = new TeamCache({ ttlMs: 60_000, maxEntries: 10 });
    const { gh, reads } = teamsClient({});
    expect(await cache.members(gh, 'acme', [])).toEqual({});
    expect(reads).toEqual([]);
  });
});
