import { describe, expect, it } from 'vitest';
import type { HeadRecord } from '../../src/model/record.js';
import { renderCheck } from '../../src/render/check.js';
import { parseRecord, RECORD_MAX_BYTES, recordBlock } from '../../src/render/record.js';

const HEAD = 'a'.repeat(40);
const record: HeadRecord = {
  pr: 7,
  head: HEAD,
  overrideAtFirstSight: 'LE_kwDO123',
  evidence: [
    {
      source: 'trailer',
      kind: 'co-author',
      commit: 'b'.repeat(40),
      detail: 'Co-authored-by: Claude <noreply@anthropic.com> --> <!-- & é',
      tool: 'Claude Code',
      reason: 'built-in catalogue: Claude Code',
    },
  ],
};

describe("the app's record in its check run text", () => {
  it('round-trips, as one ASCII line that cannot end the HTML comment early', () => {
    const block = recordBlock(record);
    expect(block.split('\n')[1]).toMatch(/^[\x20-\x7e]+$/);
    expect(block.split('\n')[1]).not.toMatch(/<|>|-->/);
    expect(parseRecord(`Details\n\n${block}`)).toEqual(record);
  });

  it('is read only from the end of the text', () => {
    const block = recordBlock(record);
    expect(parseRecord(`${block}\nmore text after it\n`)).toBeNull();
    expect(parseRecord('no record here')).toBeNull();
    expect(parseRecord(null)).toBeNull();
  });

  it('refuses a record that is not well formed, and drops malformed evidence', () => {
    const bad = (r: unknown) => `<!-- ai-governance:record v1\n${JSON.stringify(r)}\n-->\n`;
    expect(parseRecord(bad({ ...record, pr: 0 }))).toBeNull();
    expect(parseRecord(bad({ ...record, head: 'HEAD' }))).toBeNull();
    expect(parseRecord(bad({ ...record, evidence: 'x' }))).toBeNull();
    expect(parseRecord('<!-- ai-governance:record v1\n{not json\n-->')).toBeNull();
    const partly = parseRecord(
      bad({ ...record, evidence: [...record.evidence, { source: 'x', commit: 'zz' }] }),
    );
    expect(partly?.evidence).toEqual(record.evidence);
  });

  it('renderCheck ends the text with it, within GitHub’s size limit', () => {
    const verdict = {
      outcome: 'approval_required' as const,
      aiAssisted: true,
      evidence: [],
      changedFiles: 1,
      requirements: [],
      override: null,
      errors: [],
    };
    const out = renderCheck(verdict, {
      headSha: HEAD,
      policyFile: '.github/ai-governance.yml',
      record,
    });
    expect(out.text!.endsWith(recordBlock(record))).toBe(true);
    expect(parseRecord(out.text)).toEqual(record);
  });
});

describe('the record’s size', () => {
  it('stays within its budget however large the evidence, keeping what fits', () => {
    const big: HeadRecord = {
      ...record,
      evidence: Array.from({ length: 50 }, (_, i) => ({
        ...record.evidence[0]!,
        commit: i.toString(16).padStart(40, '0'),
        detail: '<'.repeat(300),
      })),
    };
    const block = recordBlock(big);
    expect(Buffer.byteLength(block)).toBeLessThanOrEqual(RECORD_MAX_BYTES);
    const back = parseRecord(block)!;
    expect(back.evidence.length).toBeGreaterThan(0);
    expect(back.evidence).toEqual(big.evidence.slice(0, back.evidence.length));
  });
});
