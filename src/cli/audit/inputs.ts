/**
 * What the audit reads from the disk before it reads GitHub, and the checks that must pass before
 * then: the `--policy` file (valid, or a usage error), the `--sign-key` (an Ed25519 private key),
 * the output folder (writable) and the store's folder. A mistake here costs no request.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { privateSigningKey } from '../../audit/chain.js';
import { parsePolicy } from '../../policy/load.js';
import { CheckUsageError } from '../check.js';
import { assertWritableOut, OutputDirError } from './files.js';
import type { AuditOptions } from './options.js';

export interface AuditInputs {
  policy: { path: string; text: string } | null;
  /** The signing key's PEM text. */
  signKey: string | null;
}

const usage = (...lines: string[]) =>
  new CheckUsageError(lines.map((l, i) => (i === 0 ? `ai-governance audit: ${l}` : l)));

function readText(flag: string, path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? String(err);
    throw usage(`${flag} ${path}: cannot read it (${code})`);
  }
}

export function readInputs(o: AuditOptions): AuditInputs {
  let policy: AuditInputs['policy'] = null;
  if (o.policyFile !== null) {
    const text = readText('--policy', o.policyFile);
    const parsed = parsePolicy(text, { file: o.policyFile });
    if (!parsed.ok) {
      throw usage(
        `--policy ${o.policyFile} is not a valid policy:`,
        ...parsed.errors.map((e) => `  ${e.file}:${e.line}:${e.column}: ${e.message}`),
      );
    }
    policy = { path: o.policyFile, text };
  }
  let signKey: string | null = null;
  if (o.signKey !== null) {
    signKey = readText('--sign-key', o.signKey);
    try {
      privateSigningKey(signKey, `--sign-key ${o.signKey}`);
    } catch (err) {
      throw usage((err as Error).message);
    }
  }
  return { policy, signKey };
}

/** The output folder can be written, and so can the store's folder (when it is elsewhere). */
export function checkOutput(o: AuditOptions): void {
  try {
    assertWritableOut(o.outDir);
  } catch (err) {
    if (err instanceof OutputDirError) throw usage(`--out: ${err.message}`);
    throw err;
  }
  if (existsSync(o.dbFile)) {
    if (!statSync(o.dbFile).isFile()) throw usage(`--db ${o.dbFile} is not a file`);
    return;
  }
  const folder = dirname(o.dbFile);
  if (folder === o.outDir) return;
  try {
    assertWritableOut(folder);
  } catch (err) {
    if (err instanceof OutputDirError) throw usage(`--db: ${err.message}`);
    throw err;
  }
}
