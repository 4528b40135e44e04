import { describe, expect, it } from 'vitest';
import { evaluate } from '../../src/evaluate/evaluate.js';
import { facts, HEAD, policy, review, rule, user } from './builders.js';

/** A review by someone GitHub says cannot push (or did not say: null). */
const outsider = (
  login: string,
  state: 'APPROVED' | 'CHANGES_REQUESTED',
  canPush: boolean | null = false,
) => review(login, state, HEAD, '2026-11-20T11:00:00Z', user(login), canPush);

describe('evaluate: only reviewers with write access count', () => {
  it('ai_default without reviewers: an approval from an account that cannot push does not count', () => {
    const p = policy({ ai_default: { approvals: 1, reviewers: { teams: [], users: [] } } });
    const v = evaluate(
      p,
      facts({ files: [{ path: 'docs/a.md' }], reviews: [outsider('alt', 'APPROVED')] }),
    );
    expect(v.outcome).toBe('approval_required');
    expect(v.requirements[0]).toMatchObject({ kind: 'ai_default', approvedBy: [], missing: 1 });
    expect(v.requirements[0]!.discounted).toEqual([
      {
        login: 'alt',
        reason: 'no-write-access',
        detail:
          '@alt cannot push to this repository; only reviews from people with write access count',
      },
    ]);
    const ok = evaluate(
      p,
      facts({ files: [{ path: 'docs/a.md' }], reviews: [review('carol', 'APPROVED')] }),
    );
    expect(ok.outcome).toBe('pass');
  });

  it('a policy_file requirement without reviewers: the same', () => {
    const p = policy({ policy_file: { approvals: 1, reviewers: { teams: [], users: [] } } });
    const f = facts({
      commits: [{ ...facts().commits[0]!, message: 'Tune the policy\n' }],
      files: [{ path: '.github/ai-governance.yml' }],
    });
    const v = evaluate(p, { ...f, reviews: [outsider('alt', 'APPROVED')] });
    expect(v.requirements[0]).toMatchObject({ kind: 'policy_file', approvedBy: [], missing: 1 });
    expect(v.outcome).toBe('approval_required');
    expect(evaluate(p, { ...f, reviews: [review('carol', 'APPROVED')] }).outcome).toBe('pass');
  });

  it('a named user who has lost write access does not count either', () => {
    const p = policy({
      critical_paths: [rule({ approvals: 1, reviewers: { teams: [], users: ['erin'] } })],
    });
    const v = evaluate(p, facts({ reviews: [outsider('erin', 'APPROVED')] }));
    expect(v.outcome).toBe('approval_required');
    expect(v.requirements[0]!.discounted.map((d) => d.reason)).toEqual(['no-write-access']);
  });

  it('when GitHub did not say, an approval does not count and requested changes still block', () => {
    const p = policy({ critical_paths: [rule({ approvals: 1 })] });
    const unknown = evaluate(p, facts({ reviews: [outsider('alice', 'APPROVED', null)] }));
    expect(unknown.outcome).toBe('approval_required');
    expect(unknown.requirements[0]!.discounted[0]!.detail).toMatch(
      /did not say whether @alice can push/,
    );

    const blocked = evaluate(
      p,
      facts({
        reviews: [review('bob', 'APPROVED'), outsider('alice', 'CHANGES_REQUESTED', null)],
      }),
    );
    expect(blocked.outcome).toBe('approval_required');
    expect(blocked.requirements[0]!.changesRequestedBy).toEqual(['alice']);
  });

  it('requested changes from someone who cannot push do not block, as on GitHub', () => {
    const p = policy({ critical_paths: [rule({ approvals: 1 })] });
    const v = evaluate(
      p,
      facts({ reviews: [review('bob', 'APPROVED'), outsider('alice', 'CHANGES_REQUESTED')] }),
    );
    expect(v.outcome).toBe('pass');
    expect(v.requirements[0]!.discounted.map((d) => [d.login, d.reason])).toEqual([
      ['alice', 'no-write-access'],
    ]);
  });
});
