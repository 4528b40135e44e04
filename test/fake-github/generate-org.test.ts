import { Octokit } from '@octokit/rest';
import { describe, expect, it } from 'vitest';
import { generateAuditOrg } from '../../src/fake-github/generate-org.js';
import { startFakeGitHub } from '../../src/fake-github/server.js';
import { FakeGitHubState } from '../../src/fake-github/state.js';
import { readMergedPullRequests } from '../../src/github/audit/merged-prs.js';
import { AuditRequestTotals } from '../../src/github/audit/requests.js';

/** The generated org the audit's benchmark reads: deterministic, and read back as generated. */

const quiet = { debug() {}, info() {}, warn() {}, error() {} };

function generate(seed: number) {
  const state = new FakeGitHubState({ start: '2026-04-01T00:00:00Z' });
  const org = generateAuditOrg(state, { repos: 4, merged: 120, seed });
  return { state, org };
}

describe('the generated audit org', () => {
  it('is the same for the same seed, and another for another seed', () => {
    const shas = (s: FakeGitHubState) =>
      [...s.repos.values()].flatMap((r) => [...r.pulls.values()].map((p) => p.mergeCommitSha));
    const a = generate(3);
    const b = generate(3);
    const c = generate(4);
    expect(shas(a.state)).toEqual(shas(b.state));
    expect(shas(a.state)).not.toEqual(shas(c.state));
    expect([...a.org.mergedPerRepo.values()].reduce((x, y) => x + y, 0)).toBe(120);
  });

  it('merges every planned PR inside the window, and some before it', async () => {
    const { state, org } = generate(5);
    const all = [...state.repos.values()].flatMap((r) => [...r.pulls.values()]);
    expect(all.every((p) => p.merged && p.mergedBy && p.mergeCommitSha)).toBe(true);
    const inside = all.filter((p) => p.mergedAt! >= org.since && p.mergedAt! < org.until);
    expect(inside).toHaveLength(120);
    expect(all.length).toBeGreaterThan(120); // merged before the window
    expect(all.some((p) => p.files.some((f) => f.previousPath))).toBe(true);
    expect(all.some((p) => (p.readyEvents ?? []).length > 0)).toBe(true);

    const fake = await startFakeGitHub(state, { tokens: { t: state.botLogin } });
    try {
      const gh = new Octokit({ auth: 't', baseUrl: fake.apiUrl, log: quiet });
      const totals = new AuditRequestTotals();
      let read = 0;
      for (const full of org.repos) {
        const [owner, repo] = full.split('/') as [string, string];
        for await (const batch of readMergedPullRequests(gh, {
          owner,
          repo,
          since: org.since,
          until: org.until,
          onRequest: totals.add,
        })) {
          read += batch.length;
          for (const pr of batch) {
            expect(pr.mergedAt >= org.since && pr.mergedAt < org.until).toBe(true);
          }
        }
      }
      expect(read).toBe(120);
      expect(totals.requests).toBe(fake.stats.reads);
    } finally {
      await fake.close();
    }
  });
});
