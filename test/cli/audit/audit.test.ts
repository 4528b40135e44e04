/**
 * `ai-governance audit` end to end, against the loopback fake GitHub, on an organisation of known
 * ground truth (world.ts): each record's class, rules, counted and discounted approvers, the CSV,
 * the incremental second run, --fail-on, and the bad inputs that must leave the output untouched.
 */
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditRecord } from '../../../src/audit/model.js';
import { auditCommand } from '../../../src/cli/audit/command.js';
import { startFakeGitHub, type FakeGitHub } from '../../../src/fake-github/server.js';
import { appKeys } from '../../support/app-on-fake.js';
import { buildWorld, mergeOneMore, NOW, ORG, PAY, SINCE, UNTIL, WEB, type World } from './world.js';

const TOKEN = 'ghp_audit_test_token';
let world: World;
let fake: FakeGitHub;
let dir: string;

beforeAll(async () => {
  world = buildWorld();
  fake = await startFakeGitHub(world.state, { tokens: { [TOKEN]: 'dana' } });
  dir = mkdtempSync(join(tmpdir(), 'audit-cli-'));
});

afterAll(async () => {
  await fake?.close();
});

const asApp = () => ({ APP_ID: String(world.state.app.id), PRIVATE_KEY: appKeys().privateKey });

async function run(args: string[], env: NodeJS.ProcessEnv = asApp(), now = NOW) {
  let out = '';
  let err = '';
  fake.stats.reset();
  const code = await auditCommand(
    [...args, '--api-url', fake.apiUrl],
    { cwd: dir, stdout: (s) => void (out += s), stderr: (s) => void (err += s), color: false },
    { env, now },
  );
  return {
    code,
    out,
    err,
    requests: fake.stats.reads + fake.stats.tokens,
    byOperation: fake.stats.byRoute(),
  };
}

function records(out: string): AuditRecord[] {
  return readFileSync(join(dir, out, 'prs.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as AuditRecord);
}

/** A folder's files and their text, to show a failed run changed nothing. */
function snapshot(folder: string): Record<string, string> {
  const p = join(dir, folder);
  if (!existsSync(p)) return {};
  return Object.fromEntries(readdirSync(p).map((f) => [f, readFileSync(join(p, f), 'latin1')]));
}

const window = ['--org', ORG, '--since', SINCE, '--until', UNTIL];

describe('ai-governance audit on an org of known ground truth', () => {
  let recs: AuditRecord[];
  let first: Awaited<ReturnType<typeof run>>;
  const rec = (repo: string, n: number) => {
    const r = recs.find((x) => x.repository === repo && x.number === n);
    expect(r, `${repo}#${n} is in the report`).toBeDefined();
    return r!;
  };
  const logins = (xs: { login: string }[]) => xs.map((x) => x.login).sort();

  beforeAll(async () => {
    first = await run([...window, '--out', 'report']);
    recs = records('report');
  });

  it('writes the page, the CSV and the JSONL, and prints counts per class and each violation', () => {
    expect(first.err).not.toMatch(/error/i);
    expect(first.code).toBe(0);
    for (const f of ['index.html', 'prs.csv', 'prs.jsonl', 'audit.db'])
      expect(existsSync(join(dir, 'report', f)), f).toBe(true);
    expect(first.out).toMatch(/merged without required approval\s+2\b/);
    expect(first.out).toContain(
      `${WEB}#${world.pr.webAfter} Checkout totals (merged by @merger on 2026-11-20): needs 1 from @${ORG}/web-seniors, had 0`,
    );
    expect(first.out).toContain(
      `${PAY}#${world.pr.bypassed} Skip fraud check for refunds (merged by @merger on 2026-11-01): needs 2 from @${ORG}/payments-seniors, had 0`,
    );
    expect(fake.stats.writes).toBe(0);
  });

  it('asks which account a co-author address is linked to once a run, not once per repository', () => {
    // Claude co-authors pull requests in both acme/payments and acme/web.
    const coAuthored = recs.filter((r) =>
      r.evidence.some((e) => e.detail.includes('noreply@anthropic.com')),
    );
    expect(new Set(coAuthored.map((r) => r.repository))).toEqual(new Set([PAY, WEB]));
    expect(first.byOperation['graphql AuditCommitAuthors']).toBe(1);
  });

  it('leaves out merges before the window, and has every merge inside it once', () => {
    expect(recs.map((r) => `${r.repository}#${r.number}`).sort()).toEqual(
      [
        ...[
          world.pr.olderPolicy,
          world.pr.compliant,
          world.pr.bypassed,
          world.pr.overridden,
          world.pr.renamed,
          world.pr.huge,
          world.pr.human,
          world.pr.docs,
        ].map((n) => `${PAY}#${n}`),
        `${WEB}#${world.pr.webBefore}`,
        `${WEB}#${world.pr.webAfter}`,
      ].sort(),
    );
  });

  it('judges a PR by the policy in force when it merged, not today’s', () => {
    const r = rec(PAY, world.pr.olderPolicy);
    expect(r.class).toBe('compliant');
    expect(r.policy.source).toBe('repository');
    expect(r.policy.versions.join(' ')).toContain(world.policyCommits.v1);
    expect(r.requirements.map((q) => [q.rule, q.approvals])).toEqual([['payments', 1]]);
    expect(logins(r.requirements[0]!.counted)).toEqual(['sam']);
    const today = rec(PAY, world.pr.compliant);
    expect(today.class).toBe('compliant');
    expect(today.policy.versions.join(' ')).toContain(world.policyCommits.v2);
    expect(today.requirements.map((q) => [q.rule, q.approvals])).toEqual([['payments', 2]]);
    expect(logins(today.requirements[0]!.counted)).toEqual(['sam', 'sue']);
    expect(today.policy.digest).not.toBe(r.policy.digest);
  });

  it('records a merge around a failing check, with each approval that did not count and why', () => {
    const r = rec(PAY, world.pr.bypassed);
    expect(r.class).toBe('merged_without_required_approval');
    expect(r.bypassedCheck).toBe(true);
    expect(r.check?.conclusion).toBe('failure');
    expect(r.mergedBy).toBe('merger');
    expect(r.requirements[0]).toMatchObject({ rule: 'payments', approvals: 2, satisfied: false });
    expect(r.requirements[0]!.counted).toEqual([]);
    const why = Object.fromEntries(r.discounted.map((d) => [d.login, d.reason]));
    expect(why).toMatchObject({
      sue: 'stale',
      outsider: 'no-write-access',
      'acme-ai-reviewer[bot]': 'bot',
    });
  });

  it('records the override: the label, who applied it and when', () => {
    const r = rec(PAY, world.pr.overridden);
    expect(r.class).toBe('overridden');
    expect(r.override).toMatchObject({ label: 'ai-governance-override', by: 'ines' });
    expect(r.override?.at).toMatch(/^2026-11-05T/);
  });

  it('finds a critical file renamed out of the critical path by its old path', () => {
    const r = rec(PAY, world.pr.renamed);
    expect(r.class).toBe('compliant');
    expect(r.requirements.map((q) => q.rule)).toEqual(['payments']);
    // Matched by its old path: the new one is outside every critical path.
    expect(r.requirements[0]!.files).toEqual(['lib/vault.ts']);
    expect(logins(r.requirements[0]!.counted)).toEqual(['sam', 'sue']);
  });

  it('says unknown, and why, for a PR with more files than GitHub lists', () => {
    const r = rec(PAY, world.pr.huge);
    expect(r.class).toBe('unknown');
    expect(r.reason).toMatch(/3,?500|3,?000|files/);
  });

  it('tells human and non-critical changes apart', () => {
    expect(rec(PAY, world.pr.human).class).toBe('not_ai_assisted');
    expect(rec(PAY, world.pr.human).aiAssisted).toBe(false);
    const docs = rec(PAY, world.pr.docs);
    expect(docs.class).toBe('not_critical');
    expect(docs.aiAssisted).toBe(true);
    expect(docs.evidence.length).toBeGreaterThan(0);
    expect(docs.tools.join(' ')).toMatch(/Claude/);
  });

  it('judges a repository without a policy by the defaults, then by the org default once there', () => {
    const before = rec(WEB, world.pr.webBefore);
    expect(before.policy.source).toBe('none');
    expect(before.class).toBe('not_critical');
    const after = rec(WEB, world.pr.webAfter);
    expect(after.policy.source).toBe('org default');
    expect(after.policy.versions.join(' ')).toContain(world.policyCommits.org);
    expect(after.class).toBe('merged_without_required_approval');
    expect(after.requirements.map((q) => q.rule)).toEqual(['checkout']);
  });

  it('writes a CSV row per record, in the chain’s order', () => {
    const csv = readFileSync(join(dir, 'report', 'prs.csv'), 'utf8')
      .trim()
      .split('\r\n');
    expect(csv[0]!.split(',').slice(0, 3)).toEqual(['repository', 'number', 'url']);
    expect(csv).toHaveLength(recs.length + 1);
    const bypassed = csv.find((l) => l.startsWith(`${PAY},${world.pr.bypassed},`))!;
    expect(bypassed).toContain('merged_without_required_approval');
    expect(csv.slice(1).map((l) => l.split(',').slice(0, 2).join('#'))).toEqual(
      recs.map((r) => `${r.repository}#${r.number}`),
    );
  });

  it('reads only what merged since the last run, and reports it with the earlier records', async () => {
    // Runs on 2026-11-22 (the fake's merges are in November), then again, then after one more merge.
    const open = ['--org', ORG, '--since', SINCE, '--out', 'incremental'];
    const day1 = await run(open, asApp(), new Date('2026-11-22T00:00:00Z'));
    expect(day1.code).toBe(0);
    const before = records('incremental');
    expect(before).toEqual(recs);
    const same = await run(open, asApp(), new Date('2026-11-22T00:00:00Z'));
    expect(same.code).toBe(0);
    expect(records('incremental')).toEqual(before);
    const n = mergeOneMore(world, '2026-11-25T10:00:00Z');
    const day2 = await run(open, asApp(), new Date('2026-11-26T00:00:00Z'));
    expect(day2.code).toBe(0);
    const now = records('incremental');
    expect(now).toHaveLength(before.length + 1);
    expect(now.find((r) => r.number === n && r.repository === PAY)?.class).toBe(
      'merged_without_required_approval',
    );
    // The same moment again: nothing to read. A day later: one query per repository for what
    // merged since, which finds the one new merge and reads no earlier one again.
    const merged = (r: typeof day1) => r.byOperation['graphql AuditMergedPullRequests'] ?? 0;
    expect(merged(day1)).toBe(3);
    expect(merged(same)).toBe(0);
    expect(merged(day2)).toBe(3);
    // The policy histories: the org's `.github` and the repositories with something to judge, ten
    // a query (one here), never one query per repository.
    const histories = (r: typeof day1) => r.byOperation['graphql AuditPolicyHistories'] ?? 0;
    const single = (r: typeof day1) => r.byOperation['graphql AuditPolicyHistory'] ?? 0;
    expect([histories(day1), single(day1)]).toEqual([1, 0]);
    expect([histories(same), single(same)]).toEqual([0, 0]);
    expect([histories(day2), single(day2)]).toEqual([1, 0]);
    expect(day1.err).toContain(`${PAY}: 8 merged pull requests read`);
    expect(day2.err).toContain(`${PAY}: 1 merged pull request read`);
    expect(day2.err).toContain(`${WEB}: 0 merged pull requests read`);
    expect(same.requests).toBeLessThan(day2.requests);
    expect(day2.requests).toBeLessThan(day1.requests);
  });

  it('exits 1 with --fail-on violations when there is one, 0 when the window has none', async () => {
    const failing = await run([...window, '--out', 'report-fail', '--fail-on', 'violations']);
    expect(failing.code).toBe(1);
    expect(existsSync(join(dir, 'report-fail', 'index.html'))).toBe(true);
    const clean = await run([
      '--org',
      ORG,
      '--since',
      '2026-09-01',
      '--until',
      '2026-09-30',
      '--out',
      'report-clean',
      '--fail-on',
      'violations',
    ]);
    expect(clean.code).toBe(0);
    expect(clean.out).toContain('No violations.');
  });

  it('reads with a token too, and audits only the repositories named', async () => {
    const r = await run([...window, '--repo', WEB, '--out', 'report-token'], {
      GITHUB_TOKEN: TOKEN,
    });
    expect(r.err).not.toMatch(/ai-governance audit:/);
    expect(r.err).toContain('[1/1] acme/web: 2 merged pull requests read');
    expect(r.code).toBe(0);
    expect(new Set(records('report-token').map((x) => x.repository))).toEqual(new Set([WEB]));
  });
});

describe('ai-governance audit refuses bad input and writes nothing', () => {
  const earlier = { 'index.html': '<p>last week</p>', 'prs.csv': 'a\r\n', 'prs.jsonl': '' };
  beforeAll(() => {
    mkdirSync(join(dir, 'kept'), { recursive: true });
    for (const [f, t] of Object.entries(earlier)) writeFileSync(join(dir, 'kept', f), t);
  });

  async function refused(args: string[], env?: NodeJS.ProcessEnv) {
    const before = snapshot('kept');
    const r = await run(['--out', 'kept', ...args], env);
    expect(snapshot('kept')).toEqual(before);
    expect(r.out).toBe('');
    return r;
  }

  it('an unknown organisation', async () => {
    const r = await refused(['--org', 'nobody', '--since', SINCE], { GITHUB_TOKEN: TOKEN });
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/nobody does not exist or the token cannot see it/);
  });

  it('the app not installed on the organisation', async () => {
    const r = await refused(['--org', 'nobody', '--since', SINCE]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/the app is not installed on nobody/);
  });

  it('a token GitHub refuses', async () => {
    const r = await refused([...window], { GITHUB_TOKEN: 'ghp_revoked' });
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/GitHub refused the token \(401 Bad credentials\)/);
  });

  it('a token without access to the pull requests', async () => {
    fake.fail({
      operation: 'AuditMergedPullRequests',
      status: 403,
      message: 'Resource not accessible by integration',
    });
    const r = await refused([...window], { GITHUB_TOKEN: TOKEN });
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/the token may not read the pull requests of acme \(403/);
  });

  it('--since in the future, --until before --since, a bad date', async () => {
    await expect(refused(['--org', ORG, '--since', '2027-01-01'])).rejects.toThrow(
      /--since 2027-01-01 is in the future/,
    );
    await expect(
      refused(['--org', ORG, '--since', '2026-10-01', '--until', '2026-09-01']),
    ).rejects.toThrow(/--until 2026-09-01 is before --since 2026-10-01/);
    await expect(refused(['--org', ORG, '--since', 'last week'])).rejects.toThrow(
      /is not a number of days \(90d\)/,
    );
  });

  it('an --out that cannot be written', async () => {
    writeFileSync(join(dir, 'a-file'), 'not a folder');
    const before = snapshot('kept');
    await expect(run([...window, '--out', 'a-file/report'])).rejects.toThrow(/--out: /);
    expect(readFileSync(join(dir, 'a-file'), 'utf8')).toBe('not a folder');
    expect(snapshot('kept')).toEqual(before);
  });

  it('a corrupt --db: refused, never overwritten', async () => {
    const garbage = Buffer.from('this is not an SQLite database'.repeat(100));
    writeFileSync(join(dir, 'corrupt.db'), garbage);
    await expect(refused([...window, '--db', 'corrupt.db'])).rejects.toThrow(/corrupt\.db/);
    expect(readFileSync(join(dir, 'corrupt.db')).equals(garbage)).toBe(true);
  });
});
