import { describe, expect, it } from 'vitest';
import { evaluate } from '../../src/evaluate/evaluate.js';
import type { EarlierHead, LabelRemoval } from '../../src/model/facts.js';
import { bot, CLAUDE_MSG, commit, facts, HEAD, OLD, policy, rule, user } from './builders.js';

/** Issue 11, item 2: evidence found on a head a force push replaced stays evidence. */
const p = policy({
  critical_paths: [rule()],
  override: { label: 'ai-governance-override', teams: ['incident-commanders'], users: [] },
});
const teams = { 'payments-seniors': ['alice'], 'incident-commanders': ['ic'] };
const AI_COMMIT = 'a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1';
const TRAILER = 'Co-Authored-By: Claude <noreply@anthropic.com>';
const human = [commit(HEAD, 'Fix refunds\n')];

const recorded = (over: Partial<EarlierHead> = {}): EarlierHead => ({
  sha: OLD,
  replacedAt: '2026-11-20T10:00:00Z',
  commit: commit(OLD, 'Log it\n'),
  record: {
    pr: 7,
    head: OLD,
    overrideAtFirstSight: null,
    evidence: [
      {
        source: 'trailer',
        kind: 'co-author',
        commit: AI_COMMIT,
        detail: TRAILER,
        tool: 'Claude Code',
        reason: 'built-in catalogue: Claude Code',
      },
    ],
  },
  ...over,
});
const removal = (by: string, at: string, type: 'User' | 'Bot' = 'User'): LabelRemoval => ({
  name: 'ai-assisted',
  by: type === 'Bot' ? bot(by) : user(by),
  at,
});

describe('evaluate: evidence of earlier heads', () => {
  it('from the app’s record of a replaced head: still AI-assisted, marked with that head', () => {
    const v = evaluate(p, facts({ teams, commits: human, earlierHeads: [recorded()] }));
    expect(v.aiAssisted).toBe(true);
    expect(v.outcome).toBe('approval_required');
    expect(v.evidence).toEqual([
      expect.objectContaining({ kind: 'co-author', commit: AI_COMMIT, earlierHead: OLD }),
    ]);
    // Carried on in the record of the current head.
    expect(v.record).toBeUndefined(); // no record without a head record read (undefined: not kept)
    const kept = evaluate(
      p,
      facts({ teams, commits: human, earlierHeads: [recorded()], headRecord: null }),
    );
    expect(kept.record?.evidence).toEqual([expect.objectContaining({ commit: AI_COMMIT })]);
  });

  it('from the replaced head commit itself, when the app has no record of it', () => {
    const head = recorded({ record: null, commit: commit(OLD, CLAUDE_MSG) });
    const v = evaluate(p, facts({ teams, commits: human, earlierHeads: [head] }));
    expect(v.evidence).toEqual([expect.objectContaining({ commit: OLD, earlierHead: OLD })]);
  });

  it('a record written for another PR or commit is not read', () => {
    for (const r of [{ pr: 8 }, { head: HEAD }]) {
      const h = recorded();
      const v = evaluate(
        p,
        facts({ teams, commits: human, earlierHeads: [{ ...h, record: { ...h.record!, ...r } }] }),
      );
      expect(v.aiAssisted).toBe(false);
    }
  });

  it('what is still on the branch is not repeated', () => {
    const v = evaluate(p, facts({ teams, earlierHeads: [recorded()] }));
    expect(v.evidence).toHaveLength(1);
    expect(v.evidence[0]!.earlierHead).toBeUndefined();
  });

  it('cleared only by a person allowed to override removing the AI label after the head was replaced', () => {
    const judge = (removals: LabelRemoval[]) =>
      evaluate(
        p,
        facts({ teams, commits: human, earlierHeads: [recorded()], labelRemovals: removals }),
      );
    const cleared = judge([removal('ic', '2026-11-20T11:00:00Z')]);
    expect(cleared.aiAssisted).toBe(false);
    expect(cleared.outcome).toBe('pass');
    expect(cleared.evidenceCleared).toEqual([
      { by: 'ic', label: 'ai-assisted', at: '2026-11-20T11:00:00Z' },
    ]);
    for (const r of [
      removal('dev', '2026-11-20T11:00:00Z'), // the author
      removal('ic', '2026-11-20T09:00:00Z'), // before the head was replaced
      removal('ic[bot]', '2026-11-20T11:00:00Z', 'Bot'),
    ]) {
      expect(judge([r]).aiAssisted).toBe(true);
    }
  });
});
