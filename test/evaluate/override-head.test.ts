import { describe, expect, it } from 'vitest';
import { evaluate } from '../../src/evaluate/evaluate.js';
import type { PullRequestFacts } from '../../src/model/facts.js';
import type { HeadRecord } from '../../src/model/record.js';
import { facts, HEAD, OLD, policy, rule, user } from './builders.js';

/** Issue 11, item 8: an override covers the head it was applied on, like an approval. */
const p = policy({
  critical_paths: [rule()],
  override: { label: 'ai-governance-override', teams: ['incident-commanders'], users: [] },
});
const teams = { 'payments-seniors': ['alice'], 'incident-commanders': ['ic'] };

/** The app's record of HEAD for PR 7, first judged while `seen` was the label's latest event. */
const record = (seen: string | null, over: Partial<HeadRecord> = {}): HeadRecord => ({
  pr: 7,
  head: HEAD,
  overrideAtFirstSight: seen,
  evidence: [],
  ...over,
});

function judged(headRecord: HeadRecord | null | undefined, eventId: string | null = 'LE_1') {
  const f: PullRequestFacts = facts({
    teams,
    labels: [{ name: 'ai-governance-override', appliedBy: user('ic'), eventId }],
  });
  return evaluate(p, headRecord === undefined ? f : { ...f, headRecord });
}

describe('evaluate: an override covers only the head it was applied on', () => {
  it('applied after the app first judged this head: overridden', () => {
    const v = judged(record(null));
    expect(v.outcome).toBe('overridden');
    expect(v.override).toMatchObject({ allowed: true, appliedBy: 'ic' });
    expect(v.override?.stale).toBeUndefined();
  });

  it('applied before a new push (already there when the app first saw the head): apply it again', () => {
    const v = judged(record('LE_1'));
    expect(v.outcome).toBe('approval_required');
    expect(v.override).toMatchObject({ allowed: false, stale: true, appliedBy: 'ic' });
    expect(v.override?.detail).toBe(
      `@ic applied it before the latest commit ${HEAD.slice(0, 7)} was pushed; an override covers only the commit it was applied on, so remove the label and apply it again to override ${HEAD.slice(0, 7)}`,
    );
  });

  it('removed and applied again on the new head (a new event): overridden again', () => {
    expect(judged(record('LE_1'), 'LE_2').outcome).toBe('overridden');
  });

  it('a head the app has no record of, or a record of another PR or commit: not covered', () => {
    for (const r of [null, record(null, { pr: 8 }), record(null, { head: OLD })]) {
      const v = judged(r);
      expect(v.outcome).toBe('approval_required');
      expect(v.override?.stale).toBe(true);
      expect(v.override?.detail).toMatch(
        /before the latest commit c0ffee0 was pushed \(or before the app had judged it\)/,
      );
    }
  });

  it('GitHub did not say which event applied the label: not covered', () => {
    const v = judged(record(null), null);
    expect(v.outcome).toBe('approval_required');
    expect(v.override?.detail).toMatch(/at a time GitHub did not say/);
  });

  it('without latest_push_only, or where no records are kept (the CLI), the label is enough', () => {
    const loose = policy({
      ...p,
      approval: { ...p.approval, latest_push_only: false },
    });
    const f = facts({
      teams,
      labels: [{ name: 'ai-governance-override', appliedBy: user('ic'), eventId: 'LE_1' }],
    });
    expect(evaluate(loose, { ...f, headRecord: record('LE_1') }).outcome).toBe('overridden');
    expect(judged(undefined).outcome).toBe('overridden');
  });

  it('keeps what it knew at first sight in the next record, and records it on a new head', () => {
    expect(judged(record(null)).record).toEqual(
      expect.objectContaining({ pr: 7, head: HEAD, overrideAtFirstSight: null }),
    );
    expect(judged(null).record).toEqual(
      expect.objectContaining({ pr: 7, head: HEAD, overrideAtFirstSight: 'LE_1' }),
    );
    expect(judged(undefined).record).toBeUndefined();
  });
});
