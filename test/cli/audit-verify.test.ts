import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildReportData } from '../../src/audit/export.js';
import {
  OutputDirError,
  assertWritableOut,
  writeFileAtomic,
  writeReportFiles,
} from '../../src/cli/audit/files.js';
import { sampleRecords } from '../audit/chain-records.js';
import { runCliIn } from '../support/run-cli.js';

let dir: string;
let out: string;
const keys = (() => {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return {
    priv: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    pub: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
})();

const cli = (...argv: string[]) => runCliIn(dir, ...argv);

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'aig-audit-verify-'));
  out = join(dir, 'audit-report');
  writeFileSync(join(dir, 'pub.pem'), keys.pub);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function writeReport(signed: boolean) {
  assertWritableOut(out);
  const data = buildReportData(sampleRecords(), {
    scope: { org: 'acme' },
    signingKey: signed ? keys.priv : null,
  });
  writeReportFiles(out, data.files, ['chain.sig']);
  return data;
}

describe('ai-governance audit verify', () => {
  it('says OK and exits 0 on an untouched signed report', async () => {
    const data = writeReport(true);
    const r = await cli('audit', 'verify', 'audit-report', '--pub', 'pub.pem');
    expect(r).toEqual({
      code: 0,
      stdout:
        `${join(out, 'prs.jsonl')}: 10 records, head ${data.manifest.head}\n` +
        `signature: verified with key ${data.signature!.key}\n` +
        'OK: the report is as it was written\n',
      stderr: '',
    });
  });

  it('exits 1 and names the line and record changed', async () => {
    writeReport(true);
    const path = join(out, 'prs.jsonl');
    const lines = readFileSync(path, 'utf8').split('\n');
    const target = JSON.parse(lines[6]!) as { repository: string; number: number };
    lines[6] = lines[6]!.replace('"mergedBy":"lead1"', '"mergedBy":"someone"');
    writeFileSync(path, lines.join('\n'));
    const r = await cli('audit', 'verify', 'audit-report', '--pub', 'pub.pem');
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(
      `  changed: line 7 (${target.repository}#${target.number}) was changed`,
    );
    expect(r.stdout).toContain('  signature: the signature does not verify with this key');
    expect(r.stdout).toMatch(/FAILED: 3 problems\n$/);
  });

  it('says when a report is unsigned, and fails when a key is given for it', async () => {
    writeReport(true);
    writeReport(false);
    // The earlier run's signature is gone with the unsigned rewrite.
    expect(readdirSync(out).sort()).toEqual(['chain.json', 'prs.csv', 'prs.jsonl']);
    const plain = await cli('audit', 'verify', 'audit-report');
    expect(plain.code).toBe(0);
    expect(plain.stdout).toContain('signature: none (the report is not signed)\n');
    const keyed = await cli('audit', 'verify', 'audit-report', '--pub', 'pub.pem');
    expect(keyed.code).toBe(1);
    expect(keyed.stdout).toContain('a public key was given, but the report has no chain.sig');
  });

  it('gives a usage error for a missing folder, report or key, or a key that is not Ed25519', async () => {
    expect((await cli('audit', 'verify', 'nowhere')).code).toBe(2);
    expect((await cli('audit', 'verify')).code).toBe(2);
    expect((await cli('audit', 'frobnicate')).stderr).toMatch(/unknown subcommand 'frobnicate'/);
    writeReport(true);
    const noKey = await cli('audit', 'verify', 'audit-report', '--pub', 'missing.pem');
    expect(noKey).toMatchObject({ code: 2, stderr: expect.stringMatching(/no such file/) });
    writeFileSync(join(dir, 'bad.pem'), 'hello');
    const bad = await cli('audit', 'verify', 'audit-report', '--pub', 'bad.pem');
    expect(bad).toMatchObject({ code: 2, stderr: expect.stringMatching(/not a PEM public key/) });
  });
});

describe('report files on disk', () => {
  it('refuses an output folder that cannot be created, before anything is written', () => {
    writeFileSync(join(dir, 'a-file'), 'x');
    expect(() => assertWritableOut(join(dir, 'a-file', 'report'))).toThrow(OutputDirError);
    expect(() => assertWritableOut(join(dir, 'a-file'))).toThrow(/is not a folder/);
  });

  it('refuses a folder it cannot write in, and leaves no probe file behind', () => {
    // Root writes through permission bits, so a read-only mount is the dependable case: /proc.
    expect(() => assertWritableOut('/proc/self')).toThrow(/cannot write in the output folder/);
    assertWritableOut(out);
    expect(readdirSync(out)).toEqual([]);
  });

  it('replaces a file whole and leaves no temporary file, even when the write fails', () => {
    const path = join(out, 'prs.csv');
    assertWritableOut(out);
    writeFileAtomic(path, 'old');
    writeFileAtomic(path, 'new');
    expect(readFileSync(path, 'utf8')).toBe('new');
    expect(readdirSync(out)).toEqual(['prs.csv']);
    // A target that is a folder: the rename fails, the old data and the folder are untouched.
    const blocked = join(out, 'blocked');
    assertWritableOut(blocked);
    writeFileSync(join(blocked, 'keep'), 'k');
    expect(() => writeFileAtomic(blocked, 'data')).toThrow();
    expect(readdirSync(out).sort()).toEqual(['blocked', 'prs.csv']);
  });
});
