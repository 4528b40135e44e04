/**
 * evaluatePullRequest against the loopback fake GitHub with slow answers: a long evaluation shows
 * an in-progress run that the verdict then completes, and one that takes too long fails closed.
 */
import { Octokit } from '@octokit/rest';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { startFakeGitHub, type FakeGitHub } from '../../src/fake-github/server.js';
import { FakeGitHubState } from '../../src/fake-github/state.js';
import { CHECK_NAME } from '../../src/model/names.js';
import { evaluatePullRequest, withDeadline } from '../../src/github/evaluate-pr.js';
import { TeamCache } from '../../src/github/team-cache.js';
import { addPaymentsOrg, openAiPullRequest, REPO } from '../support/fixtures.js';

let fake: FakeGitHub | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

async function setUp(latencyMs: number) {
  const state = new FakeGitHubState();
  addPaymentsOrg(state);
  const number = openAiPullRequest(state);
  fake = await startFakeGitHub(state, { latencyMs, tokens: { 'test-token': state.botLogin } });
  const gh = new Octokit({
    auth: 'test-token',
    baseUrl: `${fake.apiUrl}`,
    request: { retries: 0 },
  });
  const headSha = state.requirePull(REPO, number).headSha;
  const deps = {
    gh,
    log: pino({ level: 'silent' }),
    app: { id: state.app.id, slug: state.app.slug },
    teams: new TeamCache({ ttlMs: 0, maxEntries: 10 }),
  };
  return { state, number, headSha, deps };
}

describe('evaluatePullRequest timing', () => {
  it('shows an in-progress run during a long evaluation, then completes that same run', async () => {
    const { state, number, headSha, deps } = await setUp(40);
    const report = await evaluatePullRequest(
      { ...deps, inProgressAfterMs: 10 },
      { owner: 'acme', repo: 'payments-api', number, headSha, trigger: 'test' },
    );
    expect(report.outcome).toBe('approval_required');
    const creates = fake!.stats.requests.filter(
      (r) => r.method === 'POST' && r.path.endsWith('/check-runs'),
    );
    expect(creates).toHaveLength(1);
    const runs = state.checkRunsFor(REPO, headSha, CHECK_NAME);
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ status: 'completed', conclusion: 'action_required' });
    const patched = fake!.stats.requests.filter(
      (r) => r.method === 'PATCH' && r.path.endsWith(`/check-runs/${runs[0]!.id}`),
    );
    expect(patched.length).toBeGreaterThanOrEqual(1);
  });

  it('a quick evaluation writes the check once, already complete', async () => {
    const { state, number, headSha, deps } = await setUp(0);
    await evaluatePullRequest(
      { ...deps, inProgressAfterMs: 5_000 },
      { owner: 'acme', repo: 'payments-api', number, headSha, trigger: 'test' },
    );
    const checkWrites = fake!.stats.requests.filter(
      (r) => r.path.includes('/check-runs') && r.method !== 'GET',
    );
    expect(checkWrites.map((r) => r.method)).toEqual(['POST']);
    expect(state.checkRunsFor(REPO, headSha, CHECK_NAME)[0]).toMatchObject({
      status: 'completed',
      conclusion: 'action_required',
    });
  });

  it('fails closed when GitHub is too slow to answer within the deadline', async () => {
    const { state, number, headSha, deps } = await setUp(150);
    const report = await evaluatePullRequest(
      { ...deps, deadlineMs: 100, inProgressAfterMs: -1 },
      { owner: 'acme', repo: 'payments-api', number, headSha, trigger: 'test' },
    );
    expect(report.outcome).toBe('error');
    const run = state.checkRunsFor(REPO, headSha, CHECK_NAME)[0]!;
    expect(run.conclusion).toBe('failure');
    expect(run.output.summary).toContain('did not finish within');
  });

  it('withDeadline passes a quick result through and rejects a slow one', async () => {
    await expect(withDeadline(Promise.resolve(1), 50, 'late')).resolves.toBe(1);
    await expect(
      withDeadline(new Promise((r) => setTimeout(() => r(1), 100)), 10, 'late'),
    ).rejects.toThrow('late');
  });
});
