/**
 * The audit's read cost: a generated org of 200 repositories and 10,000 pull requests merged in
 * a 90-day window, read whole through the audit's reader (merged pull requests in batches, the
 * policy file's history of ten repositories a query, the org's `.github` among them) against the fake
 * GitHub on loopback. Counts requests and GraphQL points (the fake charges GitHub's formula);
 * the goal is at most 1,500 requests for the 10,000 pull requests.
 */

import { Octokit } from '@octokit/rest';
import { generateAuditOrg } from '../src/fake-github/generate-org.js';
import { startFakeGitHub } from '../src/fake-github/server.js';
import { FakeGitHubState } from '../src/fake-github/state.js';
import { readMergedPullRequests } from '../src/github/audit/merged-prs.js';
import { readPolicyHistories } from '../src/github/audit/policy-history.js';
import { AuditRequestTotals } from '../src/github/audit/requests.js';
import { POLICY_PATH } from '../src/model/names.js';
import type { GoalResult } from './report.js';

export const AUDIT_REPOS = 200;
export const AUDIT_MERGED = 10_000;
export const AUDIT_REQUEST_GOAL = 1_500;

export interface AuditBench {
  repos: number;
  merged: number;
  read: number;
  large: number;
  incomplete: number;
  totals: AuditRequestTotals;
  generateMs: number;
  readMs: number;
  /** Requests the fake served (to check the reader's own count). */
  served: number;
}

const quiet = { debug() {}, info() {}, warn() {}, error() {} };

export async function runAuditBench(
  repos = AUDIT_REPOS,
  merged = AUDIT_MERGED,
): Promise<AuditBench> {
  const t0 = performance.now();
  const state = new FakeGitHubState({ start: '2026-04-01T00:00:00Z' });
  const org = generateAuditOrg(state, { repos, merged, seed: 7 });
  const generateMs = performance.now() - t0;
  const fake = await startFakeGitHub(state, { tokens: { bench: state.botLogin } });
  try {
    const gh = new Octokit({
      auth: 'bench',
      baseUrl: fake.apiUrl,
      request: { retries: 0 },
      log: quiet,
    });
    const totals = new AuditRequestTotals();
    const accounts = new Map<string, string | null>();
    const t1 = performance.now();
    let read = 0;
    let incomplete = 0;
    const names = org.repos.map((full) => full.split('/')[1]!);
    const histories = await readPolicyHistories(gh, org.org, ['.github', ...names], POLICY_PATH, {
      onRequest: totals.add,
    });
    if (histories.size !== names.length + 1) throw new Error('a policy history was not read');
    for (const full of org.repos) {
      const [owner, repo] = full.split('/') as [string, string];
      for await (const batch of readMergedPullRequests(gh, {
        owner,
        repo,
        since: org.since,
        until: org.until,
        onRequest: totals.add,
        accounts,
      })) {
        read += batch.length;
        incomplete += batch.filter(
          (p) =>
            !p.commitsComplete || !p.filesComplete || !p.reviewsComplete || !p.labelEventsComplete,
        ).length;
      }
    }
    return {
      repos,
      merged,
      read,
      large: org.large,
      incomplete,
      totals,
      generateMs,
      readMs: performance.now() - t1,
      served: fake.stats.reads,
    };
  } finally {
    await fake.close();
  }
}

export function auditGoal(a: AuditBench): GoalResult {
  const perPr = a.totals.requests / Math.max(1, a.read);
  const pass = a.totals.requests <= AUDIT_REQUEST_GOAL && a.read === a.merged;
  return {
    goal: `Audit of ${a.merged.toLocaleString('en')} merged PRs in ${a.repos} repositories: at most ${AUDIT_REQUEST_GOAL.toLocaleString('en')} requests`,
    pass,
    detail: `${a.totals.requests} requests (${perPr.toFixed(3)} per PR), ${a.totals.points} GraphQL points, ${a.read} PRs read`,
    ...(pass
      ? {}
      : {
          cause:
            a.read !== a.merged
              ? `the reader gave ${a.read} PRs where ${a.merged} were merged in the window`
              : `requests by kind: ${JSON.stringify(a.totals.byOperation)}`,
        }),
  };
}

/** The scenario's section of the report. */
export function auditLines(a: AuditBench): string[] {
  const ops = Object.entries(a.totals.byOperation)
    .sort((x, y) => y[1] - x[1])
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
  return [
    `Generated org: ${a.repos} repositories, ${a.merged.toLocaleString('en')} PRs merged in 90 days (${a.large} large), generated in ${(a.generateMs / 1000).toFixed(1)} s.`,
    `Read ${a.read.toLocaleString('en')} PRs (${a.incomplete} with a list GitHub cut) in ${(a.readMs / 1000).toFixed(1)} s: ${a.totals.requests} requests (${(a.totals.requests / Math.max(1, a.read)).toFixed(3)} per PR; the fake served ${a.served}), ${a.totals.points} GraphQL points (${(a.totals.points / Math.max(1, a.read)).toFixed(3)} per PR).`,
    `Requests: ${ops}.`,
  ];
}
