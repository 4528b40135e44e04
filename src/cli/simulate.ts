/**
 * `ai-governance simulate`: what the app would say about live pull requests, today or under a
 * candidate policy, without writing anything. It reads exactly what the app reads, with the app's
 * own reading code (readPullRequest, the policy lookup with the org floor, team members), and
 * renders the check as the app would.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Verdict } from '../model/verdict.js';
import { describeError } from '../github/client.js';
import { judge, type Judged } from '../github/evaluate-pr.js';
import { readPullRequest, type PullRequestSnapshot } from '../github/facts.js';
import { openPullRequests } from '../github/locate.js';
import { TeamCache } from '../github/team-cache.js';
import { POLICY_PATH } from '../model/names.js';
import { checkConclusion, verdictTitle } from '../render/check.js';
import { plainText } from '../render/escape.js';
import { renderText } from '../render/text.js';
import { commandArgs } from './args.js';
import { CheckUsageError } from './check.js';
import { apiUrlFrom, connect, CREDENTIALS_HELP, type Connection } from './connect.js';
import { EXIT_OK, type CliIo } from './io.js';

export const SIMULATE_HELP = `Usage: ai-governance simulate OWNER/REPO#NUMBER [--policy FILE] [--as-if-approved LOGIN]... [--json]
       ai-governance simulate --org OWNER --open [--repo NAME]... [--policy FILE] [--json]

Evaluates live pull requests as the app would: reads the pull request, the policy on the default
branch (with the org's .github policy and its floor) and the members of the teams it names, and
prints the check the app would write. Writes nothing to GitHub.

Options:
  --policy FILE            Judge by this candidate file in place of the repository's own
                           ${POLICY_PATH} (its _extends and the org floor still apply)
  --as-if-approved LOGIN   Count an approval by LOGIN on the head commit (repeatable)
  --org OWNER --open       Every open pull request of OWNER's repositories (with --repo: of those)
  --repo NAME              A repository of --org to look at (repeatable)
  --api-url URL            GitHub's API (default https://api.github.com; GitHub Enterprise Server:
                           https://HOST/api/v3)
  --json                   Print JSON
  -h, --help               Show this help

${CREDENTIALS_HELP}

Exit status: 0 when every pull request was judged (whatever the verdict), 1 when one could not be
read, 2 on a usage error.
`;

interface SimulateOptions {
  target: { owner: string; repo: string; number: number } | null;
  org: string | null;
  repos: string[];
  policyFile: string | null;
  asIfApproved: string[];
  apiUrl: string;
  json: boolean;
}

function parse(args: string[], env: NodeJS.ProcessEnv): SimulateOptions | 'help' {
  const { values, positionals } = commandArgs(
    args,
    {
      policy: { type: 'string' },
      'as-if-approved': { type: 'string', multiple: true },
      org: { type: 'string' },
      open: { type: 'boolean' },
      repo: { type: 'string', multiple: true },
      'api-url': { type: 'string' },
      json: { type: 'boolean' },
    },
    true,
  );
  if (values.help) return 'help';
  const usage = (msg: string) => new CheckUsageError([`ai-governance simulate: ${msg}`]);
  let target: SimulateOptions['target'] = null;
  if (values.org !== undefined) {
    if (!values.open) throw usage('--org needs --open (every open pull request)');
    if (positionals.length > 0) throw usage('give either OWNER/REPO#NUMBER or --org, not both');
    if (values['as-if-approved']) throw usage('--as-if-approved works on one pull request');
  } else {
    if (positionals.length !== 1) throw usage('name one pull request, as OWNER/REPO#NUMBER');
    const m = /^([A-Za-z0-9-]+)\/([A-Za-z0-9._-]+)#([1-9]\d*)$/.exec(positionals[0]!);
    if (!m) throw usage(`"${positionals[0]}" is not OWNER/REPO#NUMBER, such as acme/payments#812`);
    target = { owner: m[1]!, repo: m[2]!, number: Number(m[3]) };
    if (values.repo) throw usage('--repo works with --org');
  }
  return {
    target,
    org: values.org ?? null,
    repos: (values.repo ?? []).map((r) => r.replace(/^.*\//, '')),
    policyFile: values.policy ?? null,
    asIfApproved: (values['as-if-approved'] ?? []).map((l) => l.replace(/^@/, '')),
    apiUrl: apiUrlFrom(values['api-url'], env),
    json: values.json ?? false,
  };
}

// ---------------------------------------------------------------------------------------------
// Judging

export interface Judgement {
  conclusion: string;
  title: string;
  verdict: Verdict;
  policyErrors: Judged['policyErrors'];
}

function asJudgement(j: Judged, owner: string): Judgement {
  return {
    conclusion: checkConclusion(j.verdict),
    title: verdictTitle(j.verdict, {
      org: owner,
      ...(j.policyErrors ? { policyErrors: j.policyErrors } : {}),
      ...(j.noPolicy ? { noPolicy: true } : {}),
    }),
    verdict: j.verdict,
    policyErrors: j.policyErrors,
  };
}

/** The PR as read, with approvals on its head commit added for `--as-if-approved`. */
function withApprovals(snap: PullRequestSnapshot, logins: string[]): PullRequestSnapshot {
  if (logins.length === 0) return snap;
  const at = new Date().toISOString();
  return {
    ...snap,
    facts: {
      ...snap.facts,
      reviews: [
        ...snap.facts.reviews,
        ...logins.map((login, i) => ({
          id: `as-if-approved-${i}`,
          user: { login, type: 'User' as const },
          state: 'APPROVED' as const,
          commitId: snap.facts.headSha,
          submittedAt: at,
          // As if from someone who can push: the simulation asks what their approval would do.
          authorCanPush: true,
        })),
      ],
    },
  };
}

interface Simulated {
  pr: string;
  today: Judgement;
  candidate: Judgement | null;
}

async function simulateOne(
  conn: Connection,
  teams: TeamCache,
  owner: string,
  repo: string,
  number: number,
  candidate: string | null,
  asIfApproved: string[],
): Promise<Simulated> {
  const gh = await conn.clientFor(owner);
  const deps = { gh, teams, app: conn.app };
  const target = { owner, repo, number };
  const snap = withApprovals(await readPullRequest(gh, owner, repo, number), asIfApproved);
  const today = asJudgement(await judge(deps, snap, target), owner);
  const next =
    candidate === null
      ? null
      : asJudgement(await judge(deps, snap, target, { policyText: candidate }), owner);
  return { pr: `${owner}/${repo}#${number}`, today, candidate: next };
}

/** What changes between today's verdict and the candidate's, in a few words. */
export function changes(today: Judgement, next: Judgement): string {
  const out: string[] = [];
  if (today.conclusion !== next.conclusion) out.push(`${today.conclusion} → ${next.conclusion}`);
  const rules = (v: Verdict) => new Map(v.requirements.map((r) => [r.rule, r]));
  const before = rules(today.verdict);
  const after = rules(next.verdict);
  for (const [name, r] of after) {
    const was = before.get(name);
    if (!was) out.push(`new requirement ${name} (${r.approvals})`);
    else if (was.approvals !== r.approvals) out.push(`${name}: ${was.approvals} → ${r.approvals}`);
    const lost = (was?.approvedBy ?? []).filter((l) => !r.approvedBy.includes(l));
    if (lost.length > 0)
      out.push(`approvals that stop counting: ${lost.map((l) => `@${l}`).join(', ')}`);
  }
  for (const name of before.keys()) if (!after.has(name)) out.push(`no longer requires ${name}`);
  if (next.verdict.errors.length > 0 && today.verdict.errors.length === 0) {
    out.push(`error: ${next.verdict.errors[0]}`);
  }
  return out.length > 0 ? out.join('; ') : 'no change';
}

function jsonOf(j: Judgement) {
  return {
    conclusion: j.conclusion,
    title: j.title,
    outcome: j.verdict.outcome,
    enforcement: j.verdict.enforcement ?? null,
    aiAssisted: j.verdict.aiAssisted,
    requirements: j.verdict.requirements.map((r) => ({
      rule: r.rule,
      kind: r.kind,
      ...(r.layer ? { layer: r.layer } : {}),
      approvals: r.approvals,
      approvedBy: r.approvedBy,
      missing: r.missing,
    })),
    errors: j.verdict.errors,
    policyErrors: j.policyErrors ?? [],
  };
}

function cell(s: string, width: number): string {
  const t = plainText(s, width);
  return t.padEnd(width);
}

function table(rows: Simulated[], withCandidate: boolean): string {
  const head = withCandidate
    ? ['PR', 'Today', 'Under the candidate', 'What changes']
    : ['PR', 'Today', 'Title'];
  const lines = rows.map((r) =>
    withCandidate && r.candidate
      ? [r.pr, r.today.conclusion, r.candidate.conclusion, changes(r.today, r.candidate)]
      : [r.pr, r.today.conclusion, r.today.title],
  );
  const widths = head.map((h, i) =>
    Math.min(60, Math.max(h.length, ...lines.map((l) => l[i]!.length))),
  );
  const fmt = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? plainText(c, 300) : cell(c, widths[i]!)))
      .join('  ');
  return [fmt(head), fmt(widths.map((w) => '-'.repeat(w))), ...lines.map(fmt)].join('\n') + '\n';
}

export async function simulate(
  args: string[],
  io: CliIo,
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  const o = parse(args, env);
  if (o === 'help') {
    io.stdout(SIMULATE_HELP);
    return EXIT_OK;
  }
  let candidate: string | null = null;
  if (o.policyFile !== null) {
    try {
      candidate = readFileSync(resolve(io.cwd, o.policyFile), 'utf8');
    } catch (err) {
      throw new CheckUsageError([
        `ai-governance simulate: cannot read ${o.policyFile}: ${describeError(err)}`,
      ]);
    }
  }
  const conn = await connect({ apiUrl: o.apiUrl, env, command: 'ai-governance simulate' });
  const teams = new TeamCache({ ttlMs: 60_000, maxEntries: 1000 });

  if (o.target) {
    const { owner, repo, number } = o.target;
    const r = await simulateOne(conn, teams, owner, repo, number, candidate, o.asIfApproved);
    const j = r.candidate ?? r.today;
    if (o.json) {
      io.stdout(
        `${JSON.stringify({ pr: r.pr, policy: o.policyFile ?? `${POLICY_PATH} on the default branch`, ...jsonOf(j) }, null, 2)}\n`,
      );
    } else {
      io.stdout(
        `${r.pr} under ${o.policyFile ?? `${POLICY_PATH} on the default branch`}${o.asIfApproved.length ? `, as if approved by ${o.asIfApproved.map((l) => `@${l}`).join(', ')}` : ''}\n` +
          `Check: ${j.conclusion}: ${j.title}\n\n` +
          renderText(j.verdict, {
            color: io.color,
            org: owner,
            ...(j.policyErrors ? { policyErrors: j.policyErrors } : {}),
          }),
      );
    }
    return EXIT_OK;
  }

  const owner = o.org!;
  const gh = await conn.clientFor(owner);
  const repos = o.repos.length > 0 ? o.repos : await conn.repos(gh, owner);
  const rows: Simulated[] = [];
  const failures: string[] = [];
  for (const repo of repos.sort()) {
    let open;
    try {
      open = await openPullRequests(gh, owner, repo);
    } catch (err) {
      failures.push(
        `${owner}/${repo}: could not list its open pull requests: ${describeError(err)}`,
      );
      continue;
    }
    if (open.truncated)
      failures.push(
        `${owner}/${repo}: more than ${open.numbers.length} open pull requests; only the newest were simulated`,
      );
    for (const n of [...open.numbers].sort((a, b) => a - b)) {
      try {
        rows.push(await simulateOne(conn, teams, owner, repo, n, candidate, []));
      } catch (err) {
        failures.push(`${owner}/${repo}#${n}: ${describeError(err)}`);
      }
    }
  }
  if (o.json) {
    io.stdout(
      `${JSON.stringify(
        {
          org: owner,
          policy: o.policyFile,
          pullRequests: rows.map((r) => ({
            pr: r.pr,
            today: jsonOf(r.today),
            ...(r.candidate
              ? { candidate: jsonOf(r.candidate), changes: changes(r.today, r.candidate) }
              : {}),
          })),
          failures,
        },
        null,
        2,
      )}\n`,
    );
  } else {
    io.stdout(
      rows.length > 0 ? table(rows, candidate !== null) : `No open pull requests in ${owner}.\n`,
    );
    for (const f of failures) io.stderr(`ai-governance simulate: ${f}\n`);
  }
  return failures.length > 0 ? 1 : EXIT_OK;
}
