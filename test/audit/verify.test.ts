import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { buildReportData } from '../../src/audit/export.js';
import { verifyReport, type VerifyInput } from '../../src/audit/verify.js';
import { sampleRecords } from './chain-records.js';

const keys = (() => {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return {
    priv: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    pub: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
})();

function report(signed = true) {
  const data = buildReportData(sampleRecords(), {
    scope: { org: 'acme', since: '2026-09-01T00:00:00Z' },
    signingKey: signed ? keys.priv : null,
  });
  const lines = data.files['prs.jsonl']!.trimEnd().split('\n');
  const input = (jsonl: string[], over: Partial<VerifyInput> = {}): VerifyInput => ({
    jsonl: `${jsonl.join('\n')}\n`,
    manifest: data.files['chain.json']!,
    signature: data.files['chain.sig'] ?? null,
    publicKey: keys.pub,
    ...over,
  });
  return { data, lines, input };
}

const idAt = (lines: string[], i: number) => {
  const r = JSON.parse(lines[i]!) as { repository: string; number: number };
  return `${r.repository}#${r.number}`;
};

describe('audit verify', () => {
  it('passes an untouched, signed report and names the key', () => {
    const { data, lines, input } = report();
    const result = verifyReport(input(lines));
    expect(result.problems).toEqual([]);
    expect(result.ok).toBe(true);
    expect(result.records).toBe(10);
    expect(result.head).toBe(data.manifest.head);
    expect(result.signature).toBe('verified');
    expect(result.signedBy).toBe(data.signature!.key);
  });

  it('passes an unsigned report when no key is asked for, and says it checked no signature', () => {
    const { lines, input } = report(false);
    const result = verifyReport(input(lines, { publicKey: null }));
    expect(result.ok).toBe(true);
    expect(result.signature).toBe('not checked');
  });

  it('names the record that was edited, by line and repo#number', () => {
    const { lines, input } = report();
    const edited = [...lines];
    edited[3] = edited[3]!.replace('"class":"compliant"', '"class":"not_critical"');
    expect(edited[3]).not.toBe(lines[3]);
    const result = verifyReport(input(edited));
    expect(result.ok).toBe(false);
    const changed = result.problems.filter((p) => p.kind === 'changed');
    expect(changed).toEqual([expect.objectContaining({ line: 4, record: idAt(lines, 3) })]);
    expect(changed[0]!.message).toMatch(new RegExp(`^line 4 \\(${idAt(lines, 3)}\\) was changed`));
    // The head no longer matches the signed one.
    expect(result.signature).toBe('failed');
  });

  it('names where a record was removed and what the next record expected', () => {
    const { lines, input } = report();
    const removed = lines.filter((_, i) => i !== 5);
    const result = verifyReport(input(removed));
    expect(result.ok).toBe(false);
    const gap = result.problems.filter((p) => p.kind === 'removed');
    expect(gap).toHaveLength(2);
    expect(gap[0]).toMatchObject({ line: 6, record: idAt(lines, 6) });
    expect(gap[0]!.message).toContain(
      `a record is missing between line 5 (${idAt(lines, 4)}) and line 6 (${idAt(lines, 6)})`,
    );
    const removedHash = (JSON.parse(lines[5]!) as { sha256: string }).sha256;
    expect(gap[0]!.message).toContain(removedHash.slice(0, 12));
    expect(gap[1]!.message).toBe('the report holds 9 records, chain.json says 10: 1 removed');
    expect(result.problems.some((p) => p.kind === 'changed')).toBe(false);
  });

  it('catches the last record removed, by the count and head in chain.json', () => {
    const { lines, input } = report();
    const result = verifyReport(input(lines.slice(0, -1), { publicKey: null }));
    expect(result.ok).toBe(false);
    expect(result.problems).toEqual([
      expect.objectContaining({
        kind: 'removed',
        message: expect.stringMatching(
          /^the report holds 9 records, chain.json says 10: 1 removed \(the chain's last record, hashed [0-9a-f]{12}…, is not in the report; it came after acme\/\w+#\d+ or later\)$/,
        ),
      }),
    ]);
  });

  it('catches the first record removed', () => {
    const { lines, input } = report();
    const result = verifyReport(input(lines.slice(1), { publicKey: null }));
    expect(result.problems[0]).toMatchObject({
      kind: 'removed',
      line: 1,
      message: expect.stringContaining("the chain's first record is missing"),
    });
  });

  it('names records moved out of their place', () => {
    const { lines, input } = report();
    const swapped = [...lines];
    [swapped[2], swapped[3]] = [swapped[3]!, swapped[2]!];
    const result = verifyReport(input(swapped));
    expect(result.ok).toBe(false);
    expect(result.problems.map((p) => p.kind)).toEqual([
      'reordered',
      'reordered',
      'reordered',
      'manifest',
      'signature',
    ]);
    const moved = result.problems.filter((p) => p.kind === 'reordered');
    expect(moved.map((p) => p.line)).toEqual([3, 4, 5]);
    expect(result.problems.filter((p) => p.kind === 'signature')).toHaveLength(1);
    expect(moved[0]!.message).toBe(
      `line 3 (${idAt(lines, 3)}) follows ${idAt(lines, 2)} (line 4) in the chain, but stands after line 2 (${idAt(lines, 1)})`,
    );
    // The head recomputed in the order the lines stand is not the one signed.
    expect(result.signature).toBe('failed');
  });

  it('catches a record edited and re-hashed with the rest of the chain and chain.json, when signed', () => {
    const { data, lines, input } = report();
    // Whoever edits a record can recompute every hash after it and the manifest: only the
    // signature, made with a key they do not hold, tells.
    const records = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    records[2]!.class = 'not_critical';
    const forged = buildReportData(records as never, { scope: data.manifest.scope });
    const result = verifyReport(
      input(forged.files['prs.jsonl']!.trimEnd().split('\n'), {
        manifest: forged.files['chain.json']!,
      }),
    );
    expect(result.problems).toEqual([
      expect.objectContaining({
        kind: 'signature',
        message: expect.stringMatching(/does not verify with this key/),
      }),
    ]);
    expect(result.ok).toBe(false);
  });

  it('refuses a forged signature and a wrong key', () => {
    const { data, lines, input } = report();
    const sig = data.signature!;
    const bytes = Buffer.from(sig.signature, 'base64');
    bytes[10] = bytes[10]! ^ 1;
    const forged = JSON.stringify({ ...sig, signature: bytes.toString('base64') });
    const r1 = verifyReport(input(lines, { signature: forged }));
    expect(r1.ok).toBe(false);
    expect(r1.signature).toBe('failed');
    expect(r1.problems[0]!.message).toMatch(/changed after signing/);

    const other = generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' });
    const r2 = verifyReport(input(lines, { publicKey: other.toString() }));
    expect(r2.ok).toBe(false);
    expect(r2.problems[0]!.message).toMatch(/names another key/);

    const r3 = verifyReport(input(lines, { signature: null }));
    expect(r3.problems[0]!.message).toBe('a public key was given, but the report has no chain.sig');
    expect(verifyReport(input(lines, { signature: 'garbage' })).ok).toBe(false);
  });

  it('fails closed on a missing or foreign chain.json, a line that is not JSON, a duplicate', () => {
    const { lines, input } = report();
    const noManifest = verifyReport(input(lines, { manifest: null, publicKey: null }));
    expect(noManifest.ok).toBe(false);
    expect(noManifest.problems[0]!.message).toMatch(/chain.json is missing/);
    expect(verifyReport(input(lines, { manifest: '{"format":"x"}' })).problems[0]!.kind).toBe(
      'manifest',
    );
    const broken = [...lines];
    broken[1] = broken[1]!.slice(0, 40);
    const r = verifyReport(input(broken, { publicKey: null }));
    expect(r.problems[0]).toMatchObject({ kind: 'unreadable', line: 2 });
    const dup = verifyReport(input([...lines, lines[0]!], { publicKey: null }));
    expect(dup.problems.some((p) => p.kind === 'duplicate' && p.line === 11)).toBe(true);
    expect(dup.ok).toBe(false);
  });

  it('passes an empty report whose manifest says so', () => {
    const data = buildReportData([], {});
    const r = verifyReport({
      jsonl: data.files['prs.jsonl']!,
      manifest: data.files['chain.json']!,
      signature: null,
      publicKey: null,
    });
    expect(r).toMatchObject({ ok: true, records: 0, problems: [] });
  });
});
