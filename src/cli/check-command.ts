import type { Outcome } from '../model/verdict.js';
import { POLICY_PATH } from '../model/names.js';
import { renderText } from '../render/text.js';
import {
  checkJson,
  checkLocal,
  CheckUsageError,
  invalidPolicyJson,
  PolicyInvalidError,
} from './check.js';
import { commandArgsOrHelp } from './args.js';
import { EXIT_FAIL_ON, EXIT_OK, type CliIo } from './io.js';

const FAIL_ON: readonly Outcome[] = ['approval_required', 'error'];

export const CHECK_HELP = `Usage: ai-governance check [--base REV] [--head REV] [--policy FILE] [--label NAME]...
                          [--label-by LOGIN] [--team SLUG=LOGIN,...]... [--fail-on OUTCOME] [--json]

Reads the commits and changed files of a local branch from git, finds AI assistance and
prints who must approve the change and why. Nothing is sent anywhere.

Options:
  --base REV        Compare against REV (default: the merge base with the default branch)
  --head REV        The branch or commit to judge (default: HEAD)
  --policy FILE     Use this policy file (default: ${POLICY_PATH} as committed on the
                    default branch, as the app does; none there means detection only)
  --label NAME      Treat the PR as carrying this label (repeatable)
  --label-by LOGIN  Who applied those labels (default: unknown, which never allows an override)
  --team SLUG=LOGINS  State a team's members, comma-separated (repeatable); offline, the CLI
                    cannot read teams, so an override team is unknown unless stated
  --fail-on OUTCOME Exit 1 when the verdict is OUTCOME: approval_required or error (repeatable,
                    or comma-separated), for pre-push hooks and CI steps
  --json            Print the verdict as one JSON object (also when the policy is invalid)
  -h, --help        Show this help

Exit status: 0 when a verdict was reached (whatever it is, unless --fail-on names it), 1 when
--fail-on names the verdict, 2 on a usage error or an invalid policy.
`;

/** `--team payments-seniors=alice,bob` → { 'payments-seniors': ['alice', 'bob'] }. */
function parseTeams(specs: string[]): Record<string, string[]> {
  const teams: Record<string, string[]> = {};
  for (const spec of specs) {
    const eq = spec.indexOf('=');
    const slug = spec.slice(0, eq).trim();
    if (eq < 1 || !slug) {
      throw new CheckUsageError([
        `--team ${spec}: write it as SLUG=LOGIN,LOGIN (e.g. --team incident-commanders=carol)`,
      ]);
    }
    const members = spec
      .slice(eq + 1)
      .split(',')
      .map((m) => m.trim().replace(/^@/, ''))
      .filter(Boolean);
    const key = slug.replace(/^@?[^/]*\//, '').toLowerCase(); // 'acme/ops' and 'ops' name one team
    teams[key] = [...(teams[key] ?? []), ...members];
  }
  return teams;
}

function parseFailOn(specs: string[]): Set<Outcome> {
  const outcomes = new Set<Outcome>();
  for (const o of specs.flatMap((s) => s.split(',')).map((s) => s.trim())) {
    if (!(FAIL_ON as readonly string[]).includes(o)) {
      throw new CheckUsageError([`--fail-on ${o}: choose ${FAIL_ON.join(' or ')}`]);
    }
    outcomes.add(o as Outcome);
  }
  return outcomes;
}

export function checkCommand(args: string[], io: CliIo): number {
  const parsed = commandArgsOrHelp(args, io, CHECK_HELP, {
    base: { type: 'string' },
    head: { type: 'string' },
    policy: { type: 'string' },
    label: { type: 'string', multiple: true },
    'label-by': { type: 'string' },
    team: { type: 'string', multiple: true },
    'fail-on': { type: 'string', multiple: true },
    json: { type: 'boolean' },
  });
  if (!parsed) return EXIT_OK;
  const { values } = parsed;
  const failOn = parseFailOn(values['fail-on'] ?? []);
  const labelBy = values['label-by']?.replace(/^@/, '');
  if (labelBy !== undefined && (values.label ?? []).length === 0) {
    throw new CheckUsageError([
      '--label-by says who applied the labels; name them with --label NAME',
    ]);
  }
  let result;
  try {
    result = checkLocal({
      cwd: io.cwd,
      ...(values.base ? { base: values.base } : {}),
      ...(values.head ? { head: values.head } : {}),
      ...(values.policy ? { policyFile: values.policy } : {}),
      labels: values.label ?? [],
      labelBy: labelBy ?? null,
      teams: parseTeams(values.team ?? []),
    });
  } catch (e) {
    // A script reading stdout still gets one JSON object; the lines go to stderr as without --json.
    if (values.json && e instanceof PolicyInvalidError) {
      io.stdout(`${JSON.stringify(invalidPolicyJson(e), null, 2)}\n`);
    }
    throw e;
  }
  const code = failOn.has(result.verdict.outcome) ? EXIT_FAIL_ON : EXIT_OK;
  if (values.json) {
    io.stdout(`${JSON.stringify(checkJson(result), null, 2)}\n`);
    return code;
  }
  const o = result.origin;
  const from = o.kind === 'none' ? `no policy at ${o.looked}: detection only` : `policy: ${o.file}`;
  io.stdout(
    `Judging ${result.head.slice(0, 12)} against ${result.base.slice(0, 12)} ` +
      `(${result.facts.commits.length} commit(s), ${result.facts.files.length} file(s)); ${from}\n\n`,
  );
  io.stdout(`${renderText(result.verdict, { color: io.color })}\n`);
  if (code !== EXIT_OK)
    io.stderr(`ai-governance check: the verdict is ${result.verdict.outcome} (--fail-on)\n`);
  return code;
}
