/**
 * The whole `ai-governance audit` command, in this process, against the fake GitHub on loopback
 * with a generated org of 200 repositories and 10,000 pull requests merged in a 90-day window:
 * a first run with a fresh `--db` (reads, classifies, stores, writes the report to a temp folder),
 * then a second run over the same db, which reads only what is new. Requests are the ones the fake
 * served; GraphQL points are what the fake charged (GitHub's formula).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { auditCommand } from '../src/cli/audit/command.js';
import { generateAuditOrg } from '../src/fake-github/generate-org.js';
import { startFakeGitHub, type FakeGitHub } from '../src/fake-github/server.js';
import { FakeGitHubState } from '../src/fake-github/state.js';
import type { GoalResult } from './report.js';

export const AUDIT_REPOS = 200;
export const AUDIT_MERGED = 10_000;
/** The goal: at most this many requests for the 10,000 pull requests. */
export const AUDIT_REQUEST_GOAL = 1_500;

const TOKEN = 'bench';

export interface CommandRun {
  code: number;
  requests: number;
  points: number;
  ms: number;
  records: number;
  /** Requests by GraphQL operation or REST route. */
  byRoute: Record<string, number>;
}

export interface AuditCommandBench {
  repos: number;
  merged: number;
  first: CommandRun;
  second: CommandRun;
}

async function runOnce(fake: FakeGitHub, args: string[], cwd: string): Promise<CommandRun> {
  const pointsBefore = fake.primary.spend(TOKEN, 'graphql', 0).state.used;
  fake.stats.reset();
  let out = '';
  let err = '';
  const t0 = performance.now();
  const code = await auditCommand(
    [...args, '--api-url', fake.apiUrl],
    { cwd, stdout: (s) => void (out += s), stderr: (s) => void (err += s), color: false },
    { env: { GITHUB_TOKEN: TOKEN } },
  );
  const ms = performance.now() - t0;
  if (code !== 0) throw new Error(`audit exited ${code}: ${err.slice(-2000)}`);
  const records = Number(/^(\d+) merged pull requests/m.exec(out)?.[1] ?? NaN);
  return {
    code,
    requests: fake.stats.reads + fake.stats.tokens,
    points: fake.primary.spend(TOKEN, 'graphql', 0).state.used - pointsBefore,
    ms,
    records,
    byRoute: fake.stats.byRoute(),
  };
}

export async function runAuditCommandBench(
  repos = AUDIT_REPOS,
  merged = AUDIT_MERGED,
): Promise<AuditCommandBench> {
  const state = new FakeGitHubState({ start: '2026-04-01T00:00:00Z' });
  const org = generateAuditOrg(state, { repos, merged, seed: 7 });
  // A budget no run reaches: the bench counts points, it does not wait for them.
  const fake = await startFakeGitHub(state, {
    tokens: { [TOKEN]: state.botLogin },
    primaryLimits: { limit: 1_000_000 },
  });
  const dir = mkdtempSync(join(tmpdir(), 'audit-bench-'));
  try {
    const args = ['--org', org.org, '--since', org.since, '--until', org.until, '--db', 'audit.db'];
    const first = await runOnce(fake, [...args, '--out', 'report-1'], dir);
    const second = await runOnce(fake, [...args, '--out', 'report-2'], dir);
    return { repos, merged, first, second };
  } finally {
    await fake.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export function auditCommandGoal(a: AuditCommandBench): GoalResult {
  const pass = a.first.requests <= AUDIT_REQUEST_GOAL && a.first.records === a.merged;
  return {
    goal: `\`audit\` of ${a.merged.toLocaleString('en')} merged PRs in ${a.repos} repositories: at most ${AUDIT_REQUEST_GOAL.toLocaleString('en')} requests`,
    pass,
    detail: `${a.first.requests} requests (${(a.first.requests / Math.max(1, a.first.records)).toFixed(3)} per PR), ${a.first.points} GraphQL points, ${a.first.records} PRs reported`,
    ...(pass
      ? {}
      : {
          cause:
            a.first.records !== a.merged
              ? `the report has ${a.first.records} PRs where ${a.merged} were merged in the window`
              : 'more requests than the goal',
        }),
  };
}

function byCount(counts: Record<string, number>): string {
  return Object.entries(counts)
    .sort((x, y) => y[1] - x[1] || x[0].localeCompare(y[0]))
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
}

export function auditCommandLines(a: AuditCommandBench): string[] {
  const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  return [
    `First run (fresh --db): ${a.first.requests} requests, ${a.first.points} GraphQL points, ${(a.first.requests / Math.max(1, a.first.records)).toFixed(3)} requests per PR, ${a.first.records.toLocaleString('en')} PRs reported, ${s(a.first.ms)} wall time.`,
    `Second run (same --db, nothing new): ${a.second.requests} requests, ${a.second.points} GraphQL points, ${a.second.records.toLocaleString('en')} PRs reported, ${s(a.second.ms)} wall time.`,
    `First run's requests: ${byCount(a.first.byRoute)}.`,
  ];
}
