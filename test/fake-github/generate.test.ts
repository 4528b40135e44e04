import { Octokit } from '@octokit/rest';
import { describe, expect, it } from 'vitest';
import { evaluate } from '../../src/evaluate/evaluate.js';
import { readPullRequest } from '../../src/github/facts.js';
import { readTeams } from '../../src/github/teams.js';
import { parsePolicy } from '../../src/policy/load.js';
import {
  CRITICAL_TEAM,
  OTHER_TEAM,
  generateOrg,
  generatePolicy,
  generatePullRequest,
  generateScenario,
  prng,
} from '../../src/fake-github/generate.js';
import { startFakeGitHub } from '../../src/fake-github/server.js';
import { FakeGitHubState } from '../../src/fake-github/state.js';

const quiet = { debug() {}, info() {}, warn() {}, error() {} };

function patternCount(text: string): number {
  const r = parsePolicy(text, { file: 'p.yml', knownTeams: new Set([CRITICAL_TEAM, OTHER_TEAM]) });
  if (!r.ok) throw new Error(r.errors.map((e) => e.message).join('; '));
  return r.policy.critical_paths.reduce((n, rule) => n + rule.paths.length, 0);
}

describe('generated benchmark data', () => {
  it('makes valid policies with exactly the asked number of patterns', () => {
    for (const n of [1, 2, 11, 200]) expect(patternCount(generatePolicy(n))).toBe(n);
    expect(() => generatePolicy(0)).toThrow();
  });

  it('gives the same data for the same seed, and other data for another', () => {
    const shape = { seed: 7, commits: 10, files: 30, reviews: 3, patterns: 5 };
    const a = new FakeGitHubState();
    const b = new FakeGitHubState();
    const c = new FakeGitHubState();
    const sa = generateScenario(a, shape);
    generateScenario(b, shape);
    generateScenario(c, { ...shape, seed: 8 });
    const pa = a.requirePull(sa.repo, sa.number);
    const pb = b.requirePull(sa.repo, sa.number);
    const pc = c.requirePull(sa.repo, sa.number);
    expect(pb).toEqual(pa);
    expect(pc.files.map((f) => f.path)).not.toEqual(pa.files.map((f) => f.path));
    expect(prng(1)()).toBe(prng(1)());
  });

  it('builds PRs of the asked size with one critical file and the AI trailer', () => {
    const s = new FakeGitHubState();
    const org = generateOrg(s, { patterns: 3 });
    const n = generatePullRequest(s, org, { commits: 300, files: 3500, reviews: 4, seed: 2 });
    const pr = s.requirePull(org.repo, n);
    expect(pr.commits).toHaveLength(300);
    expect(pr.files).toHaveLength(3500);
    expect(new Set(pr.files.map((f) => f.path)).size).toBe(3500);
    expect(pr.files.filter((f) => f.path.startsWith('services/payments/'))).toHaveLength(1);
    expect(pr.reviews.map((r) => r.state)).toEqual([
      'APPROVED',
      'APPROVED',
      'COMMENTED',
      'COMMENTED',
    ]);
    const first = s.repo(org.repo)!.commits.get(pr.commits[0]!)!;
    expect(first.coAuthors).toEqual([expect.objectContaining({ email: 'noreply@anthropic.com' })]);
  });

  it('is judged by the app as expected: typical PR approved by two seniors passes', async () => {
    const s = new FakeGitHubState();
    const sc = generateScenario(s, { commits: 10, files: 30, reviews: 3, seed: 3 });
    const fake = await startFakeGitHub(s, { tokens: { t: s.botLogin } });
    try {
      const gh = new Octokit({
        auth: 't',
        baseUrl: fake.apiUrl,
        request: { retries: 0 },
        log: quiet,
      });
      const snap = await readPullRequest(gh, sc.owner, 'service', sc.number);
      const parsed = parsePolicy(snap.policyText!, { file: 'p.yml' });
      if (!parsed.ok) throw new Error('invalid');
      const teams = await readTeams(gh, sc.owner, [CRITICAL_TEAM]);
      const verdict = evaluate(parsed.policy, { ...snap.facts, teams });
      expect(verdict.aiAssisted).toBe(true);
      expect(verdict.requirements.map((r) => [r.rule, r.satisfied])).toEqual([['payments', true]]);
      expect(fake.stats.reads).toBe(2);
    } finally {
      await fake.close();
    }
  });
});
