/**
 * `ai-governance audit`'s options: parsed, checked against each other and against the clock, and
 * turned into absolute paths and instants. Nothing here reads GitHub or the disk.
 */
import { resolve, join } from 'node:path';
import { POLICY_PATH } from '../../model/names.js';
import { commandArgs } from '../args.js';
import { CheckUsageError } from '../check.js';
import { apiUrlFrom, CREDENTIALS_HELP } from '../connect.js';

export const AUDIT_HELP = `Usage: ai-governance audit --org OWNER --since WHEN [--until WHEN] [--repo OWNER/NAME]...
                          [--policy FILE] [--out DIR] [--db FILE] [--fail-on violations]
                          [--sign-key FILE] [--api-url URL]
       ai-governance audit verify DIR [--pub FILE]

Looks back at every pull request merged in OWNER's repositories in a window of time: the AI
evidence, the critical rules its files matched under the policy in force when it merged, the
approvals that counted and those that did not, the override, the app's check on the merged head,
and a class: compliant, merged_without_required_approval, overridden, not_ai_assisted,
not_critical or unknown. Writes DIR/index.html, DIR/prs.csv and DIR/prs.jsonl (a hash chain over
the records) and prints a summary. Reads GitHub only; writes nothing to it.

Options:
  --org OWNER              The organisation (or user) whose repositories are audited
  --since WHEN             Start of the window: a number of days back (90d) or a date
                           (2026-09-01, or an ISO 8601 instant)
  --until WHEN             End of the window (default: now); a date means the end of that day (UTC)
  --repo OWNER/NAME        Audit only this repository of --org (repeatable)
  --policy FILE            Judge every pull request by this file instead of the policy in force
                           when it merged ("what if this policy had been in force")
  --out DIR                Where the report goes (default: audit-report)
  --db FILE                The records kept between runs (default: DIR/audit.db); the next run
                           reads only pull requests merged since
  --fail-on violations     Exit 1 when a pull request merged without its required approvals
  --sign-key FILE          Sign the hash chain's head with this Ed25519 private key (PEM)
  --api-url URL            GitHub's API (default https://api.github.com; GitHub Enterprise Server:
                           https://HOST/api/v3)
  -h, --help               Show this help

verify DIR: recomputes DIR/prs.jsonl's hash chain and says which record was changed, removed or
moved; with --pub FILE (an Ed25519 public key, PEM), checks the signature of the chain's head.

${CREDENTIALS_HELP}
The policy files read are ${POLICY_PATH} in each repository and in OWNER/.github.

Exit status: 0 when the report was written, 1 with --fail-on violations when there is one (or
when GitHub could not be read), 2 on a usage error (nothing written).
`;

export interface AuditOptions {
  org: string;
  /** ISO 8601 instants. */
  since: string;
  until: string;
  /** Repository names of `org` (without the owner); empty for every repository. */
  repos: string[];
  policyFile: string | null;
  outDir: string;
  dbFile: string;
  failOnViolations: boolean;
  signKey: string | null;
  apiUrl: string;
}

const DAY_MS = 86_400_000;

const usage = (msg: string) => new CheckUsageError([`ai-governance audit: ${msg}`]);

/**
 * An instant from `90d`, `2026-09-01` or an ISO 8601 instant; `endOfDay` turns a bare date into
 * the last millisecond of that day (UTC), so that `--until 2026-12-01` includes the 1st.
 */
export function parseWhen(flag: string, value: string, now: Date, endOfDay = false): Date {
  const days = /^(\d{1,5})d$/.exec(value);
  if (days) return new Date(now.getTime() - Number(days[1]) * DAY_MS);
  const date = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (date) {
    const d = new Date(`${value}T00:00:00.000Z`);
    if (!Number.isNaN(d.getTime()) && d.toISOString().startsWith(value))
      return endOfDay ? new Date(d.getTime() + DAY_MS - 1) : d;
  } else if (/^\d{4}-\d{2}-\d{2}T[\d:.]+(Z|[+-]\d{2}:\d{2})$/.test(value)) {
    const d = new Date(value);
    if (!Number.isNaN(d.getTime())) return d;
  }
  throw usage(
    `${flag} ${JSON.stringify(value)} is not a number of days (90d), a date (2026-09-01) or an ISO 8601 instant`,
  );
}

const OWNER = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/;
const NAME = /^[A-Za-z0-9._-]{1,100}$/;

function repoName(org: string, value: string): string {
  const m = /^(?:([^/]+)\/)?([^/]+)$/.exec(value);
  if (!m || !NAME.test(m[2]!) || m[2] === '.' || m[2] === '..')
    throw usage(`--repo ${JSON.stringify(value)} is not OWNER/NAME, such as ${org}/payments`);
  if (m[1] !== undefined && m[1].toLowerCase() !== org.toLowerCase())
    throw usage(`--repo ${value} is not a repository of --org ${org}`);
  return m[2]!;
}

export function parseAuditArgs(
  args: string[],
  env: NodeJS.ProcessEnv,
  cwd: string,
  now: Date,
): AuditOptions | 'help' {
  const { values, positionals } = commandArgs(
    args,
    {
      org: { type: 'string' },
      since: { type: 'string' },
      until: { type: 'string' },
      repo: { type: 'string', multiple: true },
      policy: { type: 'string' },
      out: { type: 'string' },
      db: { type: 'string' },
      'fail-on': { type: 'string' },
      'sign-key': { type: 'string' },
      'api-url': { type: 'string' },
    },
    true,
  );
  if (values.help) return 'help';
  if (positionals.length > 0)
    throw usage(`unknown subcommand '${positionals[0]}' (the one there is: audit verify DIR)`);
  const org = values.org;
  if (org === undefined) throw usage('name the organisation with --org OWNER');
  if (!OWNER.test(org)) throw usage(`--org ${JSON.stringify(org)} is not a GitHub account name`);
  if (values.since === undefined) throw usage('give the start of the window: --since 90d');
  const since = parseWhen('--since', values.since, now);
  const until = values.until === undefined ? now : parseWhen('--until', values.until, now, true);
  if (since.getTime() > now.getTime())
    throw usage(`--since ${values.since} is in the future (${since.toISOString()})`);
  if (until.getTime() < since.getTime())
    throw usage(`--until ${values.until} is before --since ${values.since}`);
  const failOn = values['fail-on'];
  if (failOn !== undefined && failOn !== 'violations')
    throw usage(`--fail-on takes "violations", not ${JSON.stringify(failOn)}`);
  const outDir = resolve(cwd, values.out ?? 'audit-report');
  const repos = [...new Set((values.repo ?? []).map((r) => repoName(org, r)))];
  return {
    org,
    since: since.toISOString(),
    until: (until.getTime() > now.getTime() ? now : until).toISOString(),
    repos,
    policyFile: values.policy === undefined ? null : resolve(cwd, values.policy),
    outDir,
    dbFile: values.db === undefined ? join(outDir, 'audit.db') : resolve(cwd, values.db),
    failOnViolations: failOn === 'violations',
    signKey: values['sign-key'] === undefined ? null : resolve(cwd, values['sign-key']),
    apiUrl: apiUrlFrom(values['api-url'], env),
  };
}
