/**
 * When the per-PR lock cannot be taken, the evaluation does not run and the commit gets a failing
 * check saying why: never a silent pass, never a stale passing check left in place.
 */
import { generateKeyPairSync } from 'node:crypto';
import { pino } from 'pino';
import { Probot, ProbotOctokit } from 'probot';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aiGovernance } from '../../src/app.js';
import { CHECK_NAME } from '../../src/model/names.js';
import type { KeyedLock } from '../../src/github/lock.js';
import { startFakeGitHub, type FakeGitHub } from '../../src/fake-github/server.js';
import { FakeGitHubState } from '../../src/fake-github/state.js';
import { pullRequestEvent } from '../../src/fake-github/webhooks.js';
import { LockTimeoutError, RedisLock } from '../../src/scale/redis-lock.js';
import { freePort } from './redis-server.js';

const REPO = 'acme/payments-api';
const POLICY = `version: 1
critical_paths:
  - name: payments
    paths: ["services/payments/**"]
    approvals: 1
    reviewers:
      users: [sam-senior]
actions:
  comment: true
`;

class TimingOutLock implements KeyedLock {
  async run<T>(key: string): Promise<T> {
    throw new LockTimeoutError(key, 120_000);
  }
}

describe('a lock that cannot be taken', () => {
  let fake: FakeGitHub;
  let state: FakeGitHubState;
  let privateKey: string;
  const locks: RedisLock[] = [];

  beforeAll(async () => {
    const keys = generateKeyPairSync('rsa', {
      modulusLength: 2048,
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
      publicKeyEncoding: { type: 'spki', format: 'pem' },
    });
    privateKey = keys.privateKey;
    state = new FakeGitHubState({ app: { publicKey: keys.publicKey } });
    state.addOrg('acme');
    state.addUser('sam-senior');
    state.addRepo({
      owner: 'acme',
      name: 'payments-api',
      files: { '.github/ai-governance.yml': POLICY },
    });
    fake = await startFakeGitHub(state);
  });

  afterAll(async () => {
    await Promise.all(locks.map((l) => l.close()));
    await fake?.close();
  });

  function probot(lock: KeyedLock): Probot {
    const p = new Probot({
      appId: state.app.id,
      privateKey,
      baseUrl: fake.apiUrl,
      log: pino({ level: 'silent' }),
      Octokit: ProbotOctokit.defaults((o: Record<string, unknown>) => ({
        ...o,
        retry: { enabled: false },
        throttle: { ...(o.throttle as object), enabled: false },
      })),
    });
    void p.load(aiGovernance({ lock }));
    return p;
  }

  function openPr(): number {
    return state.openPullRequest(REPO, {
      author: 'dana-dev',
      title: 'Refunds',
      commits: [
        { message: 'Refunds', coAuthors: [{ name: 'Claude', email: 'noreply@anthropic.com' }] },
      ],
      files: ['services/payments/refunds.ts'],
    }).number;
  }

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
    const number = state.openPullRequest(REPO, {
      author: 'dana-dev',
      title: 'Docs',
      commits: [{ message: 'Docs' }],
      files: ['README.md'],
    }).number;
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
