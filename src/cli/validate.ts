import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parsePolicy } from '../policy/load.js';
import { formatPolicyError } from '../model/policy.js';
import { POLICY_PATH } from '../model/names.js';
import { repoRoot } from './git.js';
import { commandArgsOrHelp } from './args.js';
import { EXIT_OK, EXIT_USAGE, type CliIo } from './io.js';

export const VALIDATE_HELP = `Usage: ai-governance validate [FILE]

Validates an AI Governance policy. Prints 'file:line:column: problem; fix' for each problem.
FILE defaults to ${POLICY_PATH} at the top of the current git repository
('ai-governance init' writes one from an example).

Exit status: 0 valid, 2 invalid or unreadable.
`;

export function validate(args: string[], io: CliIo): number {
  const parsed = commandArgsOrHelp(args, io, VALIDATE_HELP, {}, true);
  if (!parsed) return EXIT_OK;
  const { positionals } = parsed;
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
    if (!existsSync(path)) {
      io.stderr(
        `${file}: no such file; 'ai-governance init' writes one from an example ` +
          `(--example minimal or --example strict)\n`,
      );
      return EXIT_USAGE;
    }
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
