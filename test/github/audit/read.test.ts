import { afterEach, describe, expect, it } from 'vitest';
import type { MergedPullRequestFacts } from '../../../src/audit/model.js';
import type { FakeGitHub } from '../../../src/fake-github/server.js';
import { readMergedPullRequests } from '../../../src/github/audit/merged-prs.js';
import {
  readPolicyHistories,
  readPolicyHistory,
} from '../../../src/github/audit/policy-history.js';
import { AuditRequestTotals } from '../../../src/github/audit/requests.js';
import {
  buildWorld,
  ORG_POLICY,
  POLICY,
  POLICY_V1,
  POLICY_V2,
  REPO,
  serve,
  type World,
} from './world.js';

let fake: FakeGitHub | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

async function readAll(world: World, totals = new AuditRequestTotals()) {
  const served = await serve(world.state);
  fake = served.fake;
  const batches: MergedPullRequestFacts[][] = [];
  for await (const batch of readMergedPullRequests(served.gh, {
    owner: 'acme',
    repo: 'pay',
    since: world.since,
    until: world.until,
    onRequest: totals.add,
  })) {
    batches.push(batch);
  }
  return { batches, prs: batches.flat(), totals, gh: served.gh };
}

const byNumber = (prs: MergedPullRequestFacts[], n: number) => {
  const pr = prs.find((p) => p.number === n);
  if (!pr) throw new Error(`#${n} was not read`);
  return pr;
};

describe('reading merged pull requests for the audit', () => {
  it('reads the PRs merged in [since, until), and only those', async () => {
    const world = buildWorld();
    const { prs } = await readAll(world);
    const { rich, atSince, large, huge, before, touchedAfterMerge, atUntil, open, closed } =
      world.prs;
    expect(prs.map((p) => p.number).sort((a, b) => a - b)).toEqual(
      [atSince, rich, large, huge].sort((a, b) => a - b),
    );
    for (const n of [before, touchedAfterMerge, atUntil, open, closed]) {
      expect(prs.some((p) => p.number === n)).toBe(false);
    }
    expect(byNumber(prs, atSince).mergedAt).toBe(world.since);
  });

  it('gives a merged PR its merge, commits, co-authors, files, reviews, events and check', async () => {
    const world = buildWorld();
    const { prs } = await readAll(world);
    const pr = byNumber(prs, world.prs.rich);
    const fake = world.state.pull(REPO, world.prs.rich)!;
    expect(pr).toMatchObject({
      repository: REPO,
      url: `https://github.com/acme/pay/pull/${world.prs.rich}`,
      title: 'Payments: AI-assisted change',
      body: 'Made with Claude Code',
      author: { login: 'dana', type: 'User' },
      mergedBy: { login: 'merger', type: 'User' },
      mergedAt: fake.mergedAt,
      mergeCommitSha: fake.mergeCommitSha,
      headSha: fake.headSha,
      baseRef: 'main',
      commitsComplete: true,
      filesComplete: true,
      reviewsComplete: true,
      labelEventsComplete: true,
      changedFilesCount: 2,
    });
    expect(pr.readyForReviewAt > pr.createdAt).toBe(true);
    expect(pr.readyForReviewAt).toBe(fake.readyEvents![0]!.createdAt);
    // The first commit names Claude (no account) and Pat (linked by address) as co-authors.
    expect(pr.commits[0]!.authors.map((a) => [a.email, a.login])).toEqual([
      [world.state.user('dana')!.email, 'dana'],
      ['noreply@anthropic.com', null],
      ['pat@acme.example', 'pat'],
    ]);
    expect(pr.commits[1]!.authors.map((a) => a.login)).toEqual(['lee']);
    expect(pr.files).toEqual([
      { path: 'src/payments/refund.ts' },
      { path: 'src/app/ledger.ts', previousPath: 'src/payments/ledger.ts' },
    ]);
    expect(pr.reviews.map((r) => [r.user?.login, r.state, r.authorCanPush, r.commitId])).toEqual([
      ['outsider', 'APPROVED', false, fake.headSha],
      ['sam', 'APPROVED', true, fake.headSha],
    ]);
    expect(pr.labelEvents.map((e) => [e.name, e.action, e.actor?.login])).toEqual([
      ['ai-assisted', 'added', 'dana'],
      ['ai-governance-override', 'added', 'sam'],
      ['ai-governance-override', 'removed', 'sam'],
      ['ai-governance-override', 'added', 'sue'],
    ]);
    // Each application of a label by its event's node id (the app's head record names it so).
    const labelled = pr.labelEvents.filter((e) => e.action === 'added').map((e) => e.id);
    expect(new Set(labelled).size).toBe(3);
    expect(pr.labels).toEqual([
      { name: 'ai-assisted', appliedBy: { login: 'dana', type: 'User' }, eventId: labelled[0] },
      {
        name: 'ai-governance-override',
        appliedBy: { login: 'sue', type: 'User' },
        eventId: labelled[2],
      },
    ]);
    expect(pr.headChecks).toEqual([
      {
        name: 'AI Governance',
        appSlug: 'ai-governance',
        status: 'completed',
        conclusion: 'success',
        title: 'Approved by @sam',
        completedAt: expect.any(String),
        // Its text holds no record of the head (the app's own runs end with one).
        record: null,
      },
    ]);
    expect(byNumber(prs, world.prs.large).headChecks).toEqual([]);
  });

  it('pages a PR with more than 100 commits, files, reviews and events, and says it is whole', async () => {
    const world = buildWorld();
    const { prs } = await readAll(world);
    const pr = byNumber(prs, world.prs.large);
    expect(pr.commits).toHaveLength(130);
    expect(new Set(pr.commits.map((c) => c.sha)).size).toBe(130);
    expect(pr.files).toHaveLength(120);
    expect(pr.reviews).toHaveLength(105);
    expect(pr.labelEvents).toHaveLength(120);
    expect(pr).toMatchObject({
      commitsComplete: true,
      filesComplete: true,
      reviewsComplete: true,
      labelEventsComplete: true,
    });
  });

  it('flags the lists GitHub cuts: more than 250 commits, more than 3,000 files', async () => {
    const world = buildWorld();
    const { prs } = await readAll(world);
    const pr = byNumber(prs, world.prs.huge);
    expect(pr.commits).toHaveLength(250);
    expect(pr.commitsComplete).toBe(false);
    expect(pr.files).toHaveLength(3000);
    expect(pr.changedFilesCount).toBe(3100);
    expect(pr.filesComplete).toBe(false);
  });

  it('counts its requests: one batch, follow-ups for cut lists, REST for a rename, one co-author query', async () => {
    const world = buildWorld();
    const { totals } = await readAll(world);
    expect(totals.byOperation).toEqual({
      AuditMergedPullRequests: 1,
      // large: commits 2, files 2, reviews 2, events 2 pages; huge: commits 3, files 30.
      // Rounds: 1 (large + huge), then huge alone for its commits' third page and files 3..30.
      AuditPullRequestPages: 29,
      'GET /repos/{owner}/{repo}/pulls/{pull_number}/files': 1,
      AuditCommitAuthors: 1,
    });
    expect(totals.requests).toBe(fake!.stats.reads);
    expect(totals.points).toBeGreaterThan(0);
  });
});

describe("reading a policy file's history", () => {
  it('gives every version oldest first, the deletion as no text', async () => {
    const world = buildWorld();
    const served = await serve(world.state);
    fake = served.fake;
    const totals = new AuditRequestTotals();
    const history = await readPolicyHistory(served.gh, 'acme', 'pay', POLICY, {
      onRequest: totals.add,
    });
    const { v1, v2, deleted, v3 } = world.policyCommits;
    expect(history.repository).toBe(REPO);
    expect(history.complete).toBe(true);
    expect(history.versions.map((v) => [v.commit, v.text])).toEqual([
      [v1, POLICY_V1],
      [v2, POLICY_V2],
      [deleted, null],
      [v3, POLICY_V2.replace('approvals: 1', 'approvals: 2')],
    ]);
    expect(history.versions.every((v) => v.unreadable === undefined)).toBe(true);
    const times = history.versions.map((v) => v.committedAt);
    expect([...times].sort()).toEqual(times);
    expect(totals.requests).toBe(1);
  });

  it("reads the org's .github file, and a missing repository as no versions", async () => {
    const world = buildWorld();
    const served = await serve(world.state);
    fake = served.fake;
    const org = await readPolicyHistory(served.gh, 'acme', '.github', POLICY);
    expect(org.versions.map((v) => v.text)).toEqual([ORG_POLICY]);
    const none = await readPolicyHistory(served.gh, 'nobody', '.github', POLICY);
    expect(none).toEqual({
      repository: 'nobody/.github',
      path: POLICY,
      versions: [],
      complete: true,
    });
  });
});

describe("reading many repositories' policy histories", () => {
  it('reads ten repositories a query, a missing one as no versions, a long history to its end', async () => {
    const world = buildWorld();
    const s = world.state;
    s.addRepo({ owner: 'acme', name: 'busy', files: { [POLICY]: 'version: 1\n' } });
    for (let i = 0; i < 60; i++) s.setDefaultBranchFile('acme/busy', POLICY, `version: 1 # ${i}\n`);
    const quiet = Array.from({ length: 9 }, (_, i) => `quiet-${i}`);
    for (const name of quiet) s.addRepo({ owner: 'acme', name, files: { 'README.md': name } });
    const served = await serve(s);
    fake = served.fake;
    const totals = new AuditRequestTotals();
    const names = ['pay', '.github', 'busy', 'nope', ...quiet];
    const histories = await readPolicyHistories(served.gh, 'acme', names, POLICY, {
      onRequest: totals.add,
    });
    // 13 repositories: two queries of 10 and 3, and a second page for the busy one.
    expect(totals.byOperation).toEqual({ AuditPolicyHistories: 2, AuditPolicyHistory: 1 });
    expect([...histories.keys()]).toEqual(names);
    const single = await readPolicyHistory(served.gh, 'acme', 'pay', POLICY);
    expect(histories.get('pay')).toEqual(single);
    expect(histories.get('.github')!.versions.map((v) => v.text)).toEqual([ORG_POLICY]);
    const busy = histories.get('busy')!;
    expect(busy.complete).toBe(true);
    expect(busy.versions).toHaveLength(61);
    expect(busy.versions.at(-1)!.text).toBe('version: 1 # 59\n');
    expect(histories.get('nope')).toEqual({
      repository: 'acme/nope',
      path: POLICY,
      versions: [],
      complete: true,
    });
    for (const name of quiet) expect(histories.get(name)!.versions).toEqual([]);
  });
});

describe('a policy version GitHub will not give whole', () => {
  it('is marked unreadable, not taken as a deletion', async () => {
    const world = buildWorld();
    const big = `version: 1\n# ${'x'.repeat(600 * 1024)}\n`;
    const sha = world.state.setDefaultBranchFile(REPO, POLICY, big);
    const served = await serve(world.state);
    fake = served.fake;
    const history = await readPolicyHistory(served.gh, 'acme', 'pay', POLICY);
    const last = history.versions.at(-1)!;
    expect(last).toEqual({
      commit: sha,
      committedAt: expect.any(String),
      text: null,
      unreadable: `GitHub gave only part of ${POLICY} at ${sha.slice(0, 7)}`,
    });
    expect(history.versions.find((v) => v.commit === world.policyCommits.deleted)).toEqual({
      commit: world.policyCommits.deleted,
      committedAt: expect.any(String),
      text: null,
    });
  });
});
