import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Outcome } from '../../src/model/verdict.js';
import { COMMENT_BODY_LIMIT } from '../../src/model/github.js';
import { byteLength } from '../../src/render/check.js';
import {
  appendHistory,
  HISTORY_MAX,
  parseHistory,
  renderComment,
} from '../../src/render/comment.js';
import type { HistoryEntry } from '../../src/render/comment.js';
import { COMMENT_MARKER } from '../../src/model/names.js';
import {
  ctx,
  evidence,
  expectInert,
  expectLines,
  NASTY,
  oneShort,
  requirement,
  SHA,
  tableRowWidths,
  verdict,
  verdictOfUserText,
} from './verdicts.js';

const entry = (over: Partial<HistoryEntry> = {}): HistoryEntry => ({
  at: '2024-05-01T09:30:00.000Z',
  headSha: SHA,
  outcome: 'approval_required',
  approvedBy: [],
  ...over,
});

const occurrences = (haystack: string, needle: string): number => haystack.split(needle).length - 1;

const waiting = oneShort();

describe('renderComment', () => {
  it('starts with the marker and holds the verdict, evidence, requirements, reasons and history', () => {
    const history = [
      entry({ at: '2024-05-01T09:00:00Z', outcome: 'approval_required' }),
      entry({
        at: '2024-05-02T10:15:00Z',
        outcome: 'overridden',
        approvedBy: ['alice'],
        override: { label: 'ai-governance-override', appliedBy: 'lead' },
      }),
    ];
    const body = renderComment(waiting, ctx(), history);
    expect(body.startsWith(`${COMMENT_MARKER}\n`)).toBe(true);
    expectLines(body, [
      '## AI Governance audit',
      '**⏳ Needs 1 more approval from @&#8203;acme\\/payments\\-seniors**',
      '### AI evidence',
      '| trailer | Claude Code | ` 0123456 ` | ` Assisted-by: Claude Code ` | built\\-in catalogue\\: Claude Code |',
      '### Requirements',
      '### Reviews that did not count',
      '- @&#8203;bob (payments) opened the pull request: @&#8203;bob opened this PR and cannot approve it',
      '| Time | Head commit | Outcome | Approved by | Override |',
    ]);
    // Newest first.
    const rows = body.split('\n').filter((l) => l.startsWith('| 2024-'));
    expect(rows).toEqual([
      '| 2024-05-02 10:15 UTC | ` 0123456 ` | ⚠️ overridden | @&#8203;alice | ` ai-governance-override ` by @&#8203;lead |',
      '| 2024-05-01 09:00 UTC | ` 0123456 ` | ⏳ approval required | — | — |',
    ]);
    expect(parseHistory(body)).toEqual(history);
  });

  it('pings nobody and keeps its tables whole, whatever the user text', () => {
    for (const nasty of NASTY) {
      const history = [entry({ override: { label: nasty.slice(0, 256) || 'x', appliedBy: null } })];
      const body = renderComment(verdictOfUserText(nasty), ctx({ org: nasty }), history);
      expectInert(body.slice(body.indexOf('## AI Governance audit')));
      for (const widths of tableRowWidths(body)) expect(new Set(widths).size).toBe(1);
    }
  });

  it('a commit message holding the marker or a history block cannot forge either', () => {
    const forged = `${COMMENT_MARKER}\n<!-- ai-governance:history v1\n[{"at":"2020-01-01T00:00:00Z","headSha":"","outcome":"pass","approvedBy":["mallory"]}]\n-->`;
    const v = verdict({
      outcome: 'approval_required',
      evidence: [evidence({ detail: forged, reason: forged, tool: forged })],
      requirements: [requirement({ rule: forged, files: [forged] })],
      override: { label: forged, appliedBy: null, allowed: false, detail: forged },
    });
    const history = [entry()];
    const body = renderComment(v, ctx({ policyFile: forged, headSha: forged }), history);
    expect(body.indexOf(COMMENT_MARKER)).toBe(0);
    expect(occurrences(body, COMMENT_MARKER)).toBe(1);
    expect(occurrences(body, '<!--')).toBe(2);
    expect(occurrences(body, '-->')).toBe(2);
    expect(parseHistory(body)).toEqual(history);
  });

  it('holds for any user text', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary', maxLength: 200 }),
        fc.string({ maxLength: 40 }),
        (s, label) => {
          const v = verdict({
            outcome: 'approval_required',
            evidence: [evidence({ detail: s, tool: s, reason: s })],
            requirements: [requirement({ rule: s, files: [s] })],
            override: { label: s, appliedBy: s, allowed: false, detail: s },
          });
          const history = label ? [entry({ override: { label, appliedBy: 'lead' } })] : [];
          const body = renderComment(v, ctx({ org: s }), history);
          expect(body.indexOf(COMMENT_MARKER)).toBe(0);
          expect(occurrences(body, '<!--')).toBe(2);
          expect(occurrences(body, '-->')).toBe(2);
          expect(parseHistory(body)).toEqual(history);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('drops history entries that are not well formed', () => {
    const body = renderComment(waiting, ctx(), [
      entry(),
      { ...entry(), headSha: 'not a sha' },
      { ...entry(), outcome: 'great' as Outcome },
    ]);
    expect(parseHistory(body)).toEqual([entry()]);
  });

  it('stays within 65,536 bytes with 100,000 files, 10,000 evidence items and a full history', () => {
    const files = Array.from({ length: 100_000 }, (_, i) => `services/payments/file-${i}.ts`);
    const items = Array.from({ length: 10_000 }, (_, i) =>
      evidence({ detail: `Assisted-by: Tool ${i} ${'|@`'.repeat(100)}` }),
    );
    const history = Array.from({ length: HISTORY_MAX }, (_, i) =>
      entry({
        at: `2024-05-01T09:${String(i % 60).padStart(2, '0')}:00Z`,
        approvedBy: Array.from({ length: 100 }, (_, j) => `reviewer-${i}-${j}`),
        override: { label: 'l'.repeat(256), appliedBy: 'lead' },
      }),
    );
    const v = verdict({
      outcome: 'approval_required',
      changedFiles: 100_000,
      evidence: items,
      requirements: [requirement({ files })],
    });
    const body = renderComment(v, ctx(), history);
    expect(byteLength(body)).toBeLessThanOrEqual(COMMENT_BODY_LIMIT);
    expect(body.startsWith(COMMENT_MARKER)).toBe(true);
    expect(body).toContain('… and 99,995 more');
    expect(body).toMatch(/\*… and [\d,]+ more evidence items\.\*/);
    const kept = parseHistory(body);
    expect(kept.length).toBeGreaterThan(0);
    // The newest entries are the ones kept.
    expect(kept).toEqual(history.slice(-kept.length));
    if (kept.length < history.length) expect(body).toContain('older history entries were dropped');
  });
});

describe('parseHistory', () => {
  const good = renderComment(waiting, ctx(), [
    entry(),
    entry({ outcome: 'pass', approvedBy: ['alice', 'bob'] }),
  ]);

  it('reads back what renderComment wrote', () => {
    expect(parseHistory(good)).toEqual([
      entry(),
      entry({ outcome: 'pass', approvedBy: ['alice', 'bob'] }),
    ]);
  });

  it.each([
    ['not a string', 42 as unknown as string],
    ['an empty body', ''],
    ['a comment without the marker', good.slice(COMMENT_MARKER.length)],
    ['no history block', `${COMMENT_MARKER}\nhello`],
    ['an unclosed block', `${COMMENT_MARKER}\n<!-- ai-governance:history v1\n[]`],
    ['broken JSON', `${COMMENT_MARKER}\n<!-- ai-governance:history v1\n[{"at":\n-->`],
    [
      'JSON that is not a list',
      `${COMMENT_MARKER}\n<!-- ai-governance:history v1\n{"at":"x"}\n-->`,
    ],
    ['null', `${COMMENT_MARKER}\n<!-- ai-governance:history v1\nnull\n-->`],
  ])('gives [] for %s', (_name, body) => {
    expect(parseHistory(body)).toEqual([]);
  });

  it('keeps only the well-formed entries of a tampered block', () => {
    const items = [
      entry(),
      { ...entry(), approvedBy: 'alice' },
      { ...entry(), approvedBy: ['<script>'] },
      { ...entry(), headSha: 42 },
      { ...entry(), at: '' },
      { ...entry(), override: { label: '', appliedBy: null } },
      { ...entry(), override: { label: 'x', appliedBy: 7 } },
      { ...entry(), override: ['x'] },
      null,
      'entry',
      [entry()],
      { ...entry(), outcome: 'pass', extra: 'ignored' },
    ];
    const body = `${COMMENT_MARKER}\n<!-- ai-governance:history v1\n${JSON.stringify(items)}\n-->`;
    expect(parseHistory(body)).toEqual([entry(), entry({ outcome: 'pass' })]);
  });

  it('never throws, whatever the body', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (junk) => {
        const body = `${COMMENT_MARKER}\n<!-- ai-governance:history v1\n${junk}\n-->`;
        expect(Array.isArray(parseHistory(body))).toBe(true);
        expect(Array.isArray(parseHistory(junk))).toBe(true);
      }),
    );
  });

  it('reads at most 1,000 entries', () => {
    const items = Array.from({ length: 5000 }, () => entry());
    const body = `${COMMENT_MARKER}\n<!-- ai-governance:history v1\n${JSON.stringify(items)}\n-->`;
    expect(parseHistory(body)).toHaveLength(1000);
  });
});

describe('appendHistory', () => {
  it('appends and bounds to the latest 50 by default', () => {
    let history: HistoryEntry[] = [];
    for (let i = 0; i < 120; i++) {
      history = appendHistory(history, entry({ headSha: i.toString(16).padStart(7, '0') }));
    }
    expect(history).toHaveLength(HISTORY_MAX);
    expect(history[0]?.headSha).toBe((70).toString(16).padStart(7, '0'));
    expect(history.at(-1)?.headSha).toBe((119).toString(16).padStart(7, '0'));
  });

  it('honours a custom bound and repairs a nonsensical one', () => {
    const three = [entry({ headSha: 'a' }), entry({ headSha: 'b' }), entry({ headSha: 'c' })];
    expect(appendHistory(three, entry({ headSha: 'd' }), 2).map((e) => e.headSha)).toEqual([
      'c',
      'd',
    ]);
    expect(appendHistory(three, entry({ headSha: 'd' }), 0)).toHaveLength(4);
    expect(appendHistory(three, entry({ headSha: 'd' }), Number.NaN)).toHaveLength(4);
  });

  it('does not append an entry equal to the last one', () => {
    const last = entry({
      approvedBy: ['alice', 'Bob'],
      override: { label: 'ai-governance-override', appliedBy: 'lead' },
    });
    const history = [entry({ outcome: 'error' }), last];
    const same = entry({
      at: '2025-01-01T00:00:00Z',
      headSha: SHA.toUpperCase(),
      approvedBy: ['bob', 'ALICE'],
      override: { label: 'ai-governance-override', appliedBy: 'LEAD' },
    });
    expect(appendHistory(history, same)).toEqual(history);
  });

  it.each([
    ['outcome', { outcome: 'pass' as const }],
    ['head commit', { headSha: 'fffffff' }],
    ['approvers', { approvedBy: ['alice'] }],
    ['override', { override: undefined }],
    ['override label', { override: { label: 'other', appliedBy: 'lead' } }],
    ['override actor', { override: { label: 'ai-governance-override', appliedBy: null } }],
  ])('appends when the %s differs', (_name, change) => {
    const last = entry({
      approvedBy: ['alice', 'bob'],
      override: { label: 'ai-governance-override', appliedBy: 'lead' },
    });
    const next = { ...last, ...change };
    expect(appendHistory([last], next)).toEqual([last, next]);
  });

  it('never changes its arguments', () => {
    const history = Object.freeze([entry()]) as unknown as HistoryEntry[];
    const out = appendHistory(history, entry({ outcome: 'pass' }));
    expect(history).toHaveLength(1);
    expect(out).toHaveLength(2);
  });
});
