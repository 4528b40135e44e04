/**
 * The failing check after a lock error goes through a client that does not use the shared store,
 * and storeFreeClient builds one only for an event with an installation.
 */
import { pino } from 'pino';
import { ProbotOctokit } from 'probot';
import { describe, expect, it } from 'vitest';
import { TeamCache } from '../../src/github/team-cache.js';
import { failOnLockError } from '../../src/scale/lock-failure.js';
import { LockError } from '../../src/scale/redis-lock.js';
import { storeFreeClient } from '../../src/scale/store-free-client.js';
import { clientDouble } from '../support/client-double.js';

function recorder(fail: boolean) {
  const calls: string[] = [];
  const gh = clientDouble({
    request: async (route) => {
      calls.push(route);
      if (fail) throw new Error('the throttling store did not answer');
      if (route.startsWith('GET')) return { data: { check_runs: [] }, status: 200, headers: {} };
      return { data: { id: 1 }, status: 201, headers: {} };
    },
    graphql: async () => {
      throw new Error('unused');
    },
  });
  return { gh, calls };
}

describe('failing checks when the shared store is down', () => {
  it('writes the lock error’s failing check through the store-free client', async () => {
    const paced = recorder(true);
    const free = recorder(false);
    const deps = {
      gh: paced.gh,
      log: pino({ level: 'silent' }),
      app: { id: 1, slug: 'ai-governance' },
      teams: new TeamCache({ ttlMs: 0, maxEntries: 1 }),
      storeFreeGh: () => free.gh,
    };
    const err = new LockError('the lock store (Redis) did not answer', 'acme/api#1');
    const report = await failOnLockError(
      deps,
      { owner: 'acme', repo: 'api', number: 1, headSha: 'a'.repeat(40), trigger: 't' },
      err,
    );
    expect(report.outcome).toBe('error');
    expect(paced.calls).toEqual([]);
    expect(free.calls).toEqual([
      'GET /repos/{owner}/{repo}/commits/{ref}/check-runs',
      'POST /repos/{owner}/{repo}/check-runs',
    ]);
  });

  it('builds an unthrottled client of the app’s class for the event’s installation', () => {
    const octokit = new ProbotOctokit({ auth: { token: 'x' } });
    expect(storeFreeClient({ octokit, payload: {} }, 1000)).toBeNull();
    const gh = storeFreeClient({ octokit, payload: { installation: { id: 7 } } }, 1000);
    expect(gh).toBeInstanceOf(ProbotOctokit);
    expect(gh).not.toBe(octokit);
  });
});
