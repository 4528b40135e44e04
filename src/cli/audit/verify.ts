/**
 * `ai-governance audit verify DIR [--pub KEY]`: reads the report's files and prints what the
 * chain check found (src/audit/verify.ts does the checking).
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { REPORT_FILES } from '../../audit/export.js';
import { verifyReport } from '../../audit/verify.js';
import { commandArgsOrHelp } from '../args.js';
import { EXIT_FAIL_ON, EXIT_OK, EXIT_USAGE, type CliIo } from '../io.js';

export const AUDIT_VERIFY_HELP = `Usage: ai-governance audit verify DIR [--pub KEY]

Recomputes the hash chain over DIR/${REPORT_FILES.jsonl} and compares it with DIR/${REPORT_FILES.manifest}:
says which record was changed (line and repo#number), removed or moved. With --pub, checks
DIR/${REPORT_FILES.signature} with the Ed25519 public key in the PEM file KEY.

Exit status: 0 the report is intact (and, with --pub, signed by that key), 1 it is not,
2 a usage error or an unreadable file.
`;

function readIfThere(path: string): string | null {
  return existsSync(path) ? readFileSync(path, 'utf8') : null;
}

export function auditVerifyCommand(args: string[], io: CliIo): number {
  const parsed = commandArgsOrHelp(args, io, AUDIT_VERIFY_HELP, { pub: { type: 'string' } }, true);
  if (!parsed) return EXIT_OK;
  const { values, positionals } = parsed;
  if (positionals.length !== 1) {
    io.stderr(`ai-governance audit verify: name one report folder\n\n${AUDIT_VERIFY_HELP}`);
    return EXIT_USAGE;
  }
  const dir = resolve(io.cwd, positionals[0]!);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    io.stderr(`ai-governance audit verify: ${positionals[0]}: no such folder\n`);
    return EXIT_USAGE;
  }
  const jsonlPath = join(dir, REPORT_FILES.jsonl);
  const jsonl = readIfThere(jsonlPath);
  if (jsonl === null) {
    io.stderr(`ai-governance audit verify: ${jsonlPath}: no such file\n`);
    return EXIT_USAGE;
  }
  let publicKey: string | null = null;
  if (values.pub !== undefined) {
    const keyPath = resolve(io.cwd, values.pub);
    publicKey = readIfThere(keyPath);
    if (publicKey === null) {
      io.stderr(`ai-governance audit verify: --pub ${values.pub}: no such file\n`);
      return EXIT_USAGE;
    }
  }
  const signatureText = readIfThere(join(dir, REPORT_FILES.signature));
  let result;
  try {
    result = verifyReport({
      jsonl,
      manifest: readIfThere(join(dir, REPORT_FILES.manifest)),
      signature: signatureText,
      publicKey,
    });
  } catch (err) {
    // A --pub file that is not an Ed25519 public key.
    io.stderr(`ai-governance audit verify: --pub ${values.pub}: ${(err as Error).message}\n`);
    return EXIT_USAGE;
  }
  const out: string[] = [`${jsonlPath}: ${result.records} records, head ${result.head}`];
  for (const p of result.problems) out.push(`  ${p.kind}: ${p.message}`);
  if (result.signature === 'verified') out.push(`signature: verified with key ${result.signedBy}`);
  else if (result.signature === 'not checked') {
    out.push(
      signatureText === null
        ? 'signature: none (the report is not signed)'
        : 'signature: not checked (give --pub KEY to check it)',
    );
  }
  out.push(
    result.ok
      ? 'OK: the report is as it was written'
      : `FAILED: ${result.problems.length} problem${result.problems.length === 1 ? '' : 's'}`,
  );
  io.stdout(`${out.join('\n')}\n`);
  return result.ok ? EXIT_OK : EXIT_FAIL_ON;
}
