/** How a verdict reached under `enforcement: evaluate` is shown: neutral, "would", errors still failing. */
import { describe, expect, it } from 'vitest';
import { checkConclusion, renderCheck, verdictTitle } from '../../src/render/check.js';
import { appendHistory, parseHistory, renderComment } from '../../src/render/comment.js';
import { ctx, requirement, SHA, verdict } from './verdicts.js';

const held = requirement();
const approved = requirement({ approvedBy: ['carol', 'dave'], missing: 0, satisfied: true });
const blocked = requirement({ changesRequestedBy: ['carol'], missing: 0, approvedBy: ['dave'] });

describe('enforcement: evaluate', () => {
  it.each([
    ['approval_required', verdict({ outcome: 'approval_required', requirements: [held] })],
    ['pass', verdict({ requirements: [approved] })],
    [
      'overridden',
      verdict({
        outcome: 'overridden',
        requirements: [held],
        override: { label: 'ovr', appliedBy: 'ic', allowed: true, detail: 'applied by @ic' },
      }),
    ],
  ])('concludes %s as neutral, and as under enforce without the mode', (_o, v) => {
    expect(checkConclusion({ ...v, enforcement: 'evaluate' })).toBe('neutral');
    expect(checkConclusion({ ...v, enforcement: 'enforce' })).not.toBe('neutral');
    expect(checkConclusion(v)).toBe(checkConclusion({ ...v, enforcement: 'enforce' }));
  });

  it('still concludes failure on an error, and on a verdict that cannot be trusted', () => {
    const error = verdict({ outcome: 'error', errors: ['GitHub timed out'] });
    expect(checkConclusion({ ...error, enforcement: 'evaluate' })).toBe('failure');
    const lying = verdict({ outcome: 'pass', requirements: [held], enforcement: 'evaluate' });
    expect(checkConclusion(lying)).toBe('failure');
    expect(verdictTitle({ ...error, enforcement: 'evaluate' })).toBe(
      'Could not evaluate: GitHub timed out',
    );
  });

  it('titles say what enforcement would have done', () => {
    const e = { enforcement: 'evaluate' as const };
    const c = ctx();
    expect(
      verdictTitle(verdict({ outcome: 'approval_required', requirements: [held], ...e }), c),
    ).toBe('Would need 2 approvals from @acme/payments-seniors');
    expect(
      verdictTitle(verdict({ outcome: 'approval_required', requirements: [blocked], ...e }), c),
    ).toBe('Would be blocked: changes requested by @carol');
    expect(verdictTitle(verdict({ requirements: [approved], ...e }), c)).toBe(
      'Would pass: AI-assisted: approved by @carol, @dave',
    );
    expect(verdictTitle(verdict({ aiAssisted: false, evidence: [], ...e }), c)).toBe(
      'Would pass: Not AI-assisted',
    );
    expect(
      verdictTitle(
        verdict({
          outcome: 'overridden',
          requirements: [held],
          override: { label: 'ovr', appliedBy: 'ic', allowed: true, detail: '' },
          ...e,
        }),
        c,
      ),
    ).toBe('Would pass: overridden by @ic with label ovr');
  });

  it('the summary and the audit comment say which mode decided', () => {
    const v = verdict({ outcome: 'approval_required', requirements: [held] });
    const evaluateSummary = renderCheck({ ...v, enforcement: 'evaluate' }, ctx()).summary;
    expect(evaluateSummary).toContain('report-only mode (`enforcement: evaluate`)');
    expect(renderCheck({ ...v, enforcement: 'enforce' }, ctx()).summary).toContain(
      'decided in `enforce` mode',
    );
    const history = appendHistory([], {
      at: '2026-01-02T03:04:05Z',
      headSha: SHA,
      outcome: 'approval_required',
      approvedBy: [],
      enforcement: 'evaluate',
    });
    const body = renderComment({ ...v, enforcement: 'evaluate' }, ctx(), history);
    expect(body).toContain('report-only mode');
    expect(body).toContain('⏳ approval required (report only)');
    expect(parseHistory(body)).toEqual(history);
  });

  it('a switch of mode is a new history entry; a tampered mode drops the entry', () => {
    const base = {
      at: '2026-01-02T03:04:05Z',
      headSha: SHA,
      outcome: 'approval_required' as const,
      approvedBy: [],
    };
    const one = appendHistory([], { ...base, enforcement: 'evaluate' });
    expect(appendHistory(one, { ...base, enforcement: 'evaluate' })).toHaveLength(1);
    expect(appendHistory(one, { ...base, enforcement: 'enforce' })).toHaveLength(2);
    const body = renderComment(verdict(), ctx(), one).replace('"evaluate"', '"lenient"');
    expect(parseHistory(body)).toEqual([]);
  });
});
