import { describe, expect, it } from 'vitest';
import {
  isoWeek,
  quantile,
  summarise,
  summaryText,
  violationLine,
} from '../../src/audit/summary.js';
import { humanRecord, record, requirement, violation } from './records.js';

const HOUR = 3_600_000;

/** A record whose required approvals came `hours` after it was ready for review. */
function approvedAfter(hours: number, number: number) {
  return record({
    number,
    readyForReviewAt: '2026-10-05T00:00:00Z',
    lastRequiredApprovalAt: new Date(
      Date.parse('2026-10-05T00:00:00Z') + hours * HOUR,
    ).toISOString(),
  });
}

describe('quantile', () => {
  it('takes the middle value of an odd count and interpolates p90', () => {
    expect(quantile([3, 1, 2], 0.5)).toBe(2);
    // rank (3 - 1) * 0.9 = 1.8: between 2 and 3
    expect(quantile([3, 1, 2], 0.9)).toBeCloseTo(2.8, 10);
  });

  it('takes the mean of the two middle values of an even count', () => {
    expect(quantile([4, 1, 3, 2], 0.5)).toBe(2.5);
    // rank (4 - 1) * 0.9 = 2.7: between 3 and 4
    expect(quantile([4, 1, 3, 2], 0.9)).toBeCloseTo(3.7, 10);
  });

  it('gives the one value of a single sample and null for none', () => {
    expect(quantile([7], 0.5)).toBe(7);
    expect(quantile([7], 0.9)).toBe(7);
    expect(quantile([], 0.5)).toBeNull();
  });

  it('does not reorder the caller’s array', () => {
    const values = [5, 1, 4];
    quantile(values, 0.5);
    expect(values).toEqual([5, 1, 4]);
  });
});

describe('approval time', () => {
  it('is the median and p90 from ready for review to the last required approval (odd count)', () => {
    const s = summarise([approvedAfter(1, 1), approvedAfter(10, 2), approvedAfter(4, 3)]);
    // p90 at rank 1.8: 4 h + 0.8 × (10 h − 4 h) = 8.8 h
    expect(s.approvalTime).toEqual({ count: 3, medianMs: 4 * HOUR, p90Ms: 31_680_000 });
  });

  it('averages the two middle durations of an even count', () => {
    const s = summarise([1, 2, 6, 20].map((h, i) => approvedAfter(h, i + 1)));
    expect(s.approvalTime.count).toBe(4);
    expect(s.approvalTime.medianMs).toBe(4 * HOUR);
    // rank 2.7: 6 h + 0.7 × 14 h
    expect(s.approvalTime.p90Ms).toBeCloseTo(15.8 * HOUR, 3);
  });

  it('leaves out records without both times, and counts an approval before ready as no wait', () => {
    const s = summarise([
      approvedAfter(2, 1),
      violation({ number: 2 }), // never approved
      humanRecord({ number: 3 }),
      record({
        number: 4,
        readyForReviewAt: 'not a time',
        lastRequiredApprovalAt: '2026-10-05T00:00:00Z',
      }),
      approvedAfter(-3, 5), // approved, back to draft, ready again
    ]);
    expect(s.approvalTime).toEqual({ count: 2, medianMs: 1 * HOUR, p90Ms: 1.8 * HOUR });
  });
});

describe('weeks', () => {
  it('names ISO weeks across year boundaries', () => {
    expect(isoWeek('2026-12-31T23:59:59Z')).toBe('2026-W53'); // 2026 has 53 ISO weeks
    expect(isoWeek('2027-01-03T12:00:00Z')).toBe('2026-W53'); // a Sunday, still 2026's week
    expect(isoWeek('2027-01-04T00:00:00Z')).toBe('2027-W01');
    expect(isoWeek('2024-12-30T00:00:00Z')).toBe('2025-W01'); // a Monday in December
    expect(isoWeek('2021-01-03T00:00:00Z')).toBe('2020-W53');
    expect(isoWeek('2025-12-28T23:59:59Z')).toBe('2025-W52');
    expect(isoWeek('garbage')).toBeNull();
  });

  it('gives the AI-assisted share of merged PRs per week, across a year boundary', () => {
    const s = summarise([
      record({ number: 1, mergedAt: '2026-12-22T10:00:00Z' }), // W52
      humanRecord({ number: 2, mergedAt: '2026-12-31T10:00:00Z' }), // W53
      record({ number: 3, mergedAt: '2027-01-02T10:00:00Z' }), // W53
      humanRecord({ number: 4, mergedAt: '2027-01-03T23:59:59Z' }), // W53 (Sunday)
      humanRecord({ number: 5, mergedAt: '2027-01-04T00:00:00Z' }), // 2027-W01
    ]);
    expect(s.weeks).toEqual([
      { week: '2026-W52', start: '2026-12-21', merged: 1, aiAssisted: 1, share: 1 },
      { week: '2026-W53', start: '2026-12-28', merged: 3, aiAssisted: 1, share: 1 / 3 },
      { week: '2027-W01', start: '2027-01-04', merged: 1, aiAssisted: 0, share: 0 },
    ]);
  });

  it('keeps the weeks of the window that had no merge, with no share', () => {
    const s = summarise([record({ mergedAt: '2026-10-14T10:00:00Z' })], {
      since: '2026-10-01T00:00:00Z',
      until: '2026-10-20T00:00:00Z',
    });
    expect(s.weeks.map((w) => [w.week, w.merged, w.share])).toEqual([
      ['2026-W40', 0, null],
      ['2026-W41', 0, null],
      ['2026-W42', 1, 1],
      ['2026-W43', 0, null],
    ]);
  });
});

describe('summarise', () => {
  it('holds zeros and empty lists for an empty report', () => {
    const s = summarise([]);
    expect(s.total).toBe(0);
    expect(Object.values(s.byClass)).toEqual([0, 0, 0, 0, 0, 0]);
    expect(Object.keys(s.byClass)).toEqual([
      'compliant',
      'merged_without_required_approval',
      'overridden',
      'not_ai_assisted',
      'not_critical',
      'unknown',
    ]);
    expect(s.weeks).toEqual([]);
    expect(s.criticalByRepository).toEqual([]);
    expect(s.criticalByRule).toEqual([]);
    expect(s.tools).toEqual([]);
    expect(s.approvalTime).toEqual({ count: 0, medianMs: null, p90Ms: null });
    expect(s.violations).toEqual([]);
    expect(s.overrides).toEqual([]);
    expect(s.bypassedCount).toBe(0);
  });

  it('counts AI-assisted critical changes per repository and per rule, each rule once per PR', () => {
    const s = summarise([
      record({ number: 1 }),
      record({
        number: 2,
        requirements: [
          requirement({ rule: 'payments', satisfied: true }),
          requirement({ rule: 'payments', files: ['src/payments/fx.ts'], satisfied: true }),
          requirement({ rule: 'policy file', reviewers: ['@acme/platform'], satisfied: true }),
        ],
      }),
      violation({
        number: 3,
        repository: 'acme/auth',
        requirements: [requirement({ rule: 'auth' })],
      }),
      // Neither of these is an AI-assisted critical change.
      humanRecord({ number: 4, repository: 'acme/web' }),
      record({ number: 5, repository: 'acme/web', class: 'not_critical', requirements: [] }),
    ]);
    expect(s.total).toBe(5);
    expect(s.aiAssisted).toBe(4);
    expect(s.aiCritical).toBe(3);
    expect(s.criticalByRepository).toEqual([
      { name: 'acme/payments', count: 2 },
      { name: 'acme/auth', count: 1 },
    ]);
    expect(s.criticalByRule).toEqual([
      { name: 'payments', count: 2 },
      { name: 'auth', count: 1 },
      { name: 'policy file', count: 1 },
    ]);
    expect(s.byClass).toMatchObject({
      compliant: 2,
      merged_without_required_approval: 1,
      not_ai_assisted: 1,
      not_critical: 1,
    });
  });

  it('counts each tool once per PR that shows it', () => {
    const s = summarise([
      record({ number: 1, tools: ['Claude Code', 'Cursor', 'Claude Code'] }),
      record({ number: 2, tools: ['Cursor'] }),
      record({ number: 3, tools: ['Aider'] }),
      humanRecord({ number: 4 }),
    ]);
    expect(s.tools).toEqual([
      { name: 'Cursor', count: 2 },
      { name: 'Aider', count: 1 },
      { name: 'Claude Code', count: 1 },
    ]);
  });

  it('lists violations and overrides oldest first, and the critical merges that bypassed the check', () => {
    const late = violation({ number: 9, mergedAt: '2026-11-02T00:00:00Z' });
    const early = violation({ number: 8, mergedAt: '2026-10-02T00:00:00Z' });
    const overridden = record({
      number: 7,
      class: 'overridden',
      override: {
        label: 'ai-governance-override',
        by: 'cto',
        at: '2026-10-03T00:00:00Z',
        allowed: true,
        detail: 'applied by @cto',
      },
      bypassedCheck: false,
    });
    const humanBypass = humanRecord({ number: 6, bypassedCheck: true });
    const s = summarise([late, humanBypass, overridden, early]);
    expect(s.violations.map((r) => r.number)).toEqual([8, 9]);
    expect(s.overrides.map((r) => r.number)).toEqual([7]);
    expect(s.bypassedCount).toBe(3);
    expect(s.bypassed.map((r) => r.number)).toEqual([8, 9]);
  });
});

describe('summaryText', () => {
  it('prints the counts per class and every violation on one line', () => {
    const text = summaryText(
      [
        record({ number: 1 }),
        humanRecord({ number: 2 }),
        violation({
          number: 12,
          title: 'Skip the ledger lock',
          mergedBy: 'sam',
          mergedAt: '2026-10-09T17:30:00Z',
        }),
      ],
      { org: 'acme', since: '2026-09-01T00:00:00Z', until: '2026-12-01T00:00:00Z' },
    );
    const lines = text.split('\n');
    expect(lines[0]).toBe('3 merged pull requests in acme from 2026-09-01 to 2026-12-01');
    expect(lines).toContain('  compliant                              1');
    expect(lines).toContain('  merged without required approval       1');
    expect(lines).toContain('  not AI-assisted                        1');
    expect(lines).toContain('  unknown                                0');
    expect(lines).toContain('  merged around the check                1');
    expect(lines).toContain('Violations (1):');
    expect(lines).toContain(
      '  acme/payments#12 Skip the ledger lock (merged by @sam on 2026-10-09): needs 2 from @acme/payments-seniors, had 0',
    );
  });

  it('says so when nothing was violated, also for an empty report', () => {
    const text = summaryText([]);
    expect(text).toContain('0 merged pull requests\n');
    expect(text).toContain('No violations.');
  });

  it('names every unmet requirement, the approvals that counted, and an unknown merger', () => {
    const line = violationLine(
      violation({
        number: 4,
        mergedBy: null,
        requirements: [
          requirement({ rule: 'payments', satisfied: true }),
          requirement({
            rule: 'auth',
            approvals: 2,
            reviewers: ['@acme/security', '@rhea'],
            counted: [{ login: 'rhea', at: '2026-10-01T00:00:00Z', commit: null }],
          }),
          requirement({ rule: 'AI-assisted default', approvals: 1, reviewers: [] }),
        ],
      }),
    );
    expect(line).toBe(
      'acme/payments#4 Round ledger totals to the cent (merged by an unknown account on 2026-10-07): ' +
        'needs 2 from @acme/security or @rhea, had 1; needs 1 from reviewers with write access, had 0',
    );
  });

  it('strips control characters and line breaks from titles, so a title cannot forge lines', () => {
    const hostile =
      'Fix\u001b[2K\u001b[1A\rtotals\nacme/payments#99 Fake (merged by @cto on 2026-01-01): ok\u202e';
    const text = summaryText([violation({ number: 5, title: hostile })]);
    expect(text).not.toMatch(/[\u0000-\u0008\u000B-\u001F\u007F\u202E]/);
    const violationLines = text.split('\n').filter((l) => l.includes('#'));
    expect(violationLines).toHaveLength(1);
    expect(violationLines[0]).toContain('acme/payments#5 Fix[2K[1A totals acme/payments#99 Fake');
  });
});
