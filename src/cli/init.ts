import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parsePolicy } from '../policy/load.js';
import { formatPolicyError } from '../model/policy.js';
import { POLICY_PATH } from '../model/names.js';
import { repoRoot } from './git.js';
import { packageRoot } from './package-info.js';
import { commandArgsOrHelp } from './args.js';
import { EXIT_OK, EXIT_USAGE, type CliIo } from './io.js';

export const EXAMPLES = ['minimal', 'strict'] as const;
type Example = (typeof EXAMPLES)[number];

/** The first line of every example: editors that read it validate and complete the policy. */
export const SCHEMA_COMMENT =
  '# yaml-language-server: $schema=https://raw.githubusercontent.com/ai-governance/ai-governance/main/policies/ai-governance.schema.json';

export const INIT_HELP = `Usage: ai-governance init [--example minimal|strict]

Writes ${POLICY_PATH} at the top of the current git repository from an example policy
(default: minimal), with the schema comment editors use. It never overwrites an existing file.

Options:
  --example NAME  minimal: AI-assisted changes to CI, deploy and migrations need one approval
                  strict:  several critical paths with two approvals each, human PRs included
  -h, --help      Show this help

Exit status: 0 written, 2 on a usage error or when the file already exists.
`;

/** The text of an example policy, shipped in the package's policies/ folder. */
export function exampleText(example: Example): string {
  const text = readFileSync(join(packageRoot(), 'policies', `${example}.yml`), 'utf8');
  return text.startsWith(SCHEMA_COMMENT) ? text : `${SCHEMA_COMMENT}\n${text}`;
}

export function init(args: string[], io: CliIo): number {
  const given = commandArgsOrHelp(args, io, INIT_HELP, { example: { type: 'string' } }, true);
  if (!given) return EXIT_OK;
  const { values, positionals } = given;
  const example = values.example ?? 'minimal';
  if (positionals.length > 0 || !(EXAMPLES as readonly string[]).includes(example)) {
    io.stderr(
      `ai-governance init: ${positionals.length > 0 ? `unexpected '${positionals[0]}'` : `no example '${example}'`}; choose --example ${EXAMPLES.join(' or --example ')}\n`,
    );
    return EXIT_USAGE;
  }
  let root: string;
  try {
    root = repoRoot(io.cwd);
  } catch {
    io.stderr(
      `ai-governance init: not in a git repository; run it at the top of the repository to govern\n`,
    );
    return EXIT_USAGE;
  }
  const path = resolve(root, POLICY_PATH);
  if (existsSync(path)) {
    io.stderr(
      `${POLICY_PATH} already exists; init never overwrites it. Edit it, or remove it and run init again.\n`,
    );
    return EXIT_USAGE;
  }
  const text = exampleText(example as Example);
  // The shipped examples are valid; a broken one must not be written as if it were.
  const parsed = parsePolicy(text, { file: `policies/${example}.yml` });
  if (!parsed.ok) {
    io.stderr(parsed.errors.map((e) => `${formatPolicyError(e)}\n`).join(''));
    return EXIT_USAGE;
  }
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text, { flag: 'wx' });
  io.stdout(
    `Wrote ${POLICY_PATH} from the ${example} example.\n` +
      `Next: replace its teams, users and paths with your own, run 'ai-governance validate', and\n` +
      `commit it on the default branch (the app reads the policy from there, never from a PR).\n`,
  );
  return EXIT_OK;
}
