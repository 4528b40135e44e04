/**
 * When the per-PR lock cannot be taken, the evaluation does not run and the commit gets a failing
 * check saying why: never a silent pass, never a stale passing check left in place.
 */
import type { Probot } from 'probot';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aiGovernance } from '../../src/app.js';
import { CHECK_NAME } from '../../src/model/names.js';
import type { KeyedLock } from '../../src/github/lock.js';
import { startFakeGitHub, type FakeGitHub } from '../../src/fake-github/server.js';
import type { FakeGitHubState } from '../../src/fake-github/state.js';
import { pullRequestEvent } from '../../src/fake-github/webhooks.js';
import { LockTimeoutError, RedisLock } from '../../src/scale/redis-lock.js';
import { freePort } from '../../src/fake-github/ports.js';
import { newFakeState, probotOnFake } from '../support/app-on-fake.js';
import {
  addPaymentsOrg,
  openAiPullRequest,
  openHumanPullRequest,
  paymentsPolicy,
  REPO,
} from '../support/fixtures.js';

class TimingOutLock implements KeyedLock {
  async run<T>(key: string): Promise<T> {
    throw new LockTimeoutError(key, 120_000);
  }
}

describe('a lock that cannot be taken', () => {
  let fake: FakeGitHub;
  let state: FakeGitHubState;
  const locks: RedisLock[] = [];

  beforeAll(async () => {
    state = newFakeState();
    addPaymentsOrg(state, paymentsPolicy(1, 'actions:\n  comment: true\n'));
    fake = await startFakeGitHub(state);
  });

  afterAll(async () => {
    await Promise.all(locks.map((l) => l.close()));
    await fake?.close();
  });

  function probot(lock: KeyedLock): Probot {
    const p = probotOnFake(state, fake);
    void p.load(aiGovernance({ lock }));
    return p;
  }

  const openPr = () => openAiPullRequest(state);

  it('turns a lock wait that timed out into a failing check on the head commit', async () => {
    const number = openPr();
    const pr = state.requirePull(REPO, number);
    await probot(new TimingOutLock()).receive(
      pullRequestEvent(state, REPO, number, 'opened') as never,
    );
    const runs = state.checkRunsFor(REPO, pr.headSha, CHECK_NAME);
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ status: 'completed', conclusion: 'failure' });
    expect(runs[0]!.output.summary).toMatch(/another instance kept evaluating/);
    // Nothing else was written: the evaluation itself did not run.
    expect(pr.comments).toEqual([]);
  });

  it('replaces a passing check with a failing one when Redis is down', async () => {
    const number = openHumanPullRequest(state);
    const pr = state.requirePull(REPO, number);
    await probot(
      new (class implements KeyedLock {
        run<T>(_k: string, fn: () => Promise<T>) {
          return fn();
        }
      })(),
    ).receive(pullRequestEvent(state, REPO, number, 'opened') as never);
    expect(state.checkRunsFor(REPO, pr.headSha, CHECK_NAME)[0]?.conclusion).toBe('success');

    const dead = new RedisLock({ redis: `redis://127.0.0.1:${await freePort()}` });
    locks.push(dead);
    await probot(dead).receive(pullRequestEvent(state, REPO, number, 'edited') as never);
    const runs = state.checkRunsFor(REPO, pr.headSha, CHECK_NAME);
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ status: 'completed', conclusion: 'failure' });
    expect(runs[0]!.output.summary).toMatch(/lock store \\\(Redis\\\) did not answer/);
  });

  it('passes on an error that is not about the lock', async () => {
    const number = openPr();
    const boom = new Error('not a lock problem');
    const p = probot(
      new (class implements KeyedLock {
        async run<T>(): Promise<T> {
          throw boom;
        }
      })(),
    );
    await expect(
      p.receive(pullRequestEvent(state, REPO, number, 'opened') as never),
    ).rejects.toThrow(/not a lock problem/);
  });
});
