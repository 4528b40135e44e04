import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { parsePolicy } from '../policy/load.js';
import { formatPolicyError, POLICY_PATH } from '../policy/types.js';
import { renderText } from '../render/text.js';
import { checkJson, checkLocal, CheckUsageError } from './check.js';
import { repoRoot } from './git.js';

export interface CliIo {
  cwd: string;
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  color: boolean;
}

/** Exit codes: 0 a verdict or a valid policy, 2 a usage error or an invalid policy, 1 a crash. */
export const EXIT_OK = 0;
export const EXIT_USAGE = 2;

const MAIN_HELP = `Usage: ai-governance <command> [options]

Commands:
  validate [FILE]   Check a policy file (default: ${POLICY_PATH} in this repository)
  check             Judge the current branch offline, as the GitHub App would judge its PR
  demo              See the app at work on sample pull requests, against a fake GitHub (offline)

Run 'ai-governance <command> --help' for a command's options.
`;

const VALIDATE_HELP = `Usage: ai-governance validate [FILE]

Validates an AI Governance policy. Prints 'file:line:column: problem; fix' for each problem.
FILE defaults to ${POLICY_PATH} at the top of the current git repository.

Exit status: 0 valid, 2 invalid or unreadable.
`;

const CHECK_HELP = `Usage: ai-governance check [--base REV] [--head REV] [--policy FILE] [--label NAME]... [--json]

Reads the commits and changed files of a local branch from git, finds AI assistance and
prints who must approve the change and why. Nothing is sent anywhere.

Options:
  --base REV      Compare against REV (default: the merge base with the default branch)
  --head REV      The branch or commit to judge (default: HEAD)
  --policy FILE   Use this policy file (default: ${POLICY_PATH} as committed on the
                  default branch, as the app does; none there means detection only)
  --label NAME    Treat the PR as carrying this label (repeatable)
  --json          Print the verdict as one JSON object
  -h, --help      Show this help

Exit status: 0 when a verdict was reached (whatever it is), 2 on a usage error or an invalid policy.
`;

export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === '-h' || command === '--help' || command === 'help') {
    (command ? io.stdout : io.stderr)(MAIN_HELP);
    return command ? EXIT_OK : EXIT_USAGE;
  }
  try {
    switch (command) {
      case 'validate':
        return validate(rest, io);
      case 'check':
        return check(rest, io);
      case 'demo': {
        // Loaded on demand: it brings Probot and the fake GitHub, which the other commands do not need.
        const { demoCommand } = await import('../demo/cli.js');
        return await demoCommand(rest, io);
      }
      default:
        io.stderr(`ai-governance: unknown command '${command}'\n\n${MAIN_HELP}`);
        return EXIT_USAGE;
    }
  } catch (e) {
    if (e instanceof CheckUsageError) {
      io.stderr(e.lines.map((l) => `${l}\n`).join(''));
      return EXIT_USAGE;
    }
    if (e instanceof TypeError && 'code' in e && String(e.code).startsWith('ERR_PARSE_ARGS')) {
      io.stderr(`ai-governance ${command}: ${e.message}\n`);
      return EXIT_USAGE;
    }
    throw e;
  }
}

function validate(args: string[], io: CliIo): number {
  const { values, positionals } = parseArgs({
    args,
    options: { help: { type: 'boolean', short: 'h' } },
    allowPositionals: true,
  });
  if (values.help) {
    io.stdout(VALIDATE_HELP);
    return EXIT_OK;
  }
  if (positionals.length > 1) {
    io.stderr(`ai-governance validate: give at most one file\n\n${VALIDATE_HELP}`);
    return EXIT_USAGE;
  }
  let file = positionals[0];
  let path: string;
  if (file) {
    path = resolve(io.cwd, file);
  } else {
    let root: string;
    try {
      root = repoRoot(io.cwd);
    } catch {
      io.stderr(`ai-governance validate: not in a git repository; name the policy file\n`);
      return EXIT_USAGE;
    }
    path = resolve(root, POLICY_PATH);
    file = POLICY_PATH;
  }
  if (!existsSync(path)) {
    io.stderr(`${file}: no such file\n`);
    return EXIT_USAGE;
  }
  const result = parsePolicy(readFileSync(path, 'utf8'), { file });
  if (!result.ok) {
    io.stderr(result.errors.map((e) => `${formatPolicyError(e)}\n`).join(''));
    io.stderr(`${file}: ${result.errors.length} problem(s); the policy is not valid\n`);
    return EXIT_USAGE;
  }
  io.stderr(result.warnings.map((e) => `warning: ${formatPolicyError(e)}\n`).join(''));
  const p = result.policy;
  io.stdout(
    `${file}: valid (version ${p.version}, ${p.critical_paths.length} critical path rule(s)` +
      `${p.override ? `, override label '${p.override.label}'` : ''})\n`,
  );
  return EXIT_OK;
}

function check(args: string[], io: CliIo): number {
  const { values } = parseArgs({
    args,
    options: {
      base: { type: 'string' },
      head: { type: 'string' },
      policy: { type: 'string' },
      label: { type: 'string', multiple: true },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    allowPositionals: false,
  });
  if (values.help) {
    io.stdout(CHECK_HELP);
    return EXIT_OK;
  }
  const result = checkLocal({
    cwd: io.cwd,
    ...(values.base ? { base: values.base } : {}),
    ...(values.head ? { head: values.head } : {}),
    ...(values.policy ? { policyFile: values.policy } : {}),
    labels: values.label ?? [],
  });
  if (values.json) {
    io.stdout(`${JSON.stringify(checkJson(result), null, 2)}\n`);
    return EXIT_OK;
  }
  const o = result.origin;
  const from = o.kind === 'none' ? `no policy at ${o.looked}: detection only` : `policy: ${o.file}`;
  io.stdout(
    `Judging ${result.head.slice(0, 12)} against ${result.base.slice(0, 12)} ` +
      `(${result.facts.commits.length} commit(s), ${result.facts.files.length} file(s)); ${from}\n\n`,
  );
  io.stdout(`${renderText(result.verdict, { color: io.color })}\n`);
  return EXIT_OK;
}
