import { describe, expect, it } from 'vitest';
import { evaluate } from '../../src/evaluate/evaluate.js';
import type { Actor, ReviewState } from '../../src/model/facts.js';
import {
  bot,
  CLAUDE_MSG,
  commit,
  facts,
  HEAD,
  OLD,
  policy,
  review,
  rule,
  user,
} from './builders.js';

const payments = policy({ critical_paths: [rule()] });

describe('evaluate: outcomes', () => {
  it('passes a PR with no AI evidence and no policy-file change', () => {
    const v = evaluate(payments, facts({ commits: [commit(HEAD, 'Fix refunds\n')] }));
    expect(v.outcome).toBe('pass');
    expect(v.aiAssisted).toBe(false);
    expect(v.requirements).toEqual([]);
  });

  it('holds an AI-assisted PR touching a critical path until approved', () => {
    const v = evaluate(payments, facts());
    expect(v.aiAssisted).toBe(true);
    expect(v.outcome).toBe('approval_required');
    expect(v.requirements).toHaveLength(1);
    expect(v.requirements[0]).toMatchObject({
      rule: 'payments',
      kind: 'critical_path',
      files: ['services/payments/refund.ts'],
      approvals: 2,
      approvedBy: [],
      missing: 2,
      satisfied: false,
    });
  });

  it('passes once enough counted reviewers approve the latest commit', () => {
    const v = evaluate(
      payments,
      facts({ reviews: [review('alice', 'APPROVED'), review('bob', 'APPROVED')] }),
    );
    expect(v.outcome).toBe('pass');
    expect(v.requirements[0]).toMatchObject({ approvedBy: ['alice', 'bob'], missing: 0 });
  });

  it('needs nothing for an AI-assisted PR outside critical paths by default', () => {
    const v = evaluate(payments, facts({ files: [{ path: 'docs/readme.md' }] }));
    expect(v.aiAssisted).toBe(true);
    expect(v.outcome).toBe('pass');
    expect(v.requirements).toEqual([]);
  });

  it('applies ai_default to AI-assisted PRs that touch no critical path', () => {
    const p = policy({
      critical_paths: [rule()],
      ai_default: { approvals: 1, reviewers: { teams: [], users: ['lead'] } },
    });
    const f = facts({ files: [{ path: 'docs/readme.md' }] });
    const held = evaluate(p, f);
    expect(held.outcome).toBe('approval_required');
    expect(held.requirements[0]).toMatchObject({ kind: 'ai_default', files: ['docs/readme.md'] });
    expect(evaluate(p, { ...f, reviews: [review('lead', 'APPROVED')] }).outcome).toBe('pass');
    // ai_default does not add to a PR that already matches a critical rule
    expect(evaluate(p, facts()).requirements.map((r) => r.kind)).toEqual(['critical_path']);
  });

  it('does not judge human PRs by critical paths unless apply_to_human_prs', () => {
    const human = facts({ commits: [commit(HEAD, 'Fix refunds\n')] });
    expect(evaluate(payments, human).outcome).toBe('pass');
    const strict = policy({ critical_paths: [rule()], apply_to_human_prs: true });
    const v = evaluate(strict, human);
    expect(v.aiAssisted).toBe(false);
    expect(v.outcome).toBe('approval_required');
  });

  it('fails closed when the commit list is incomplete', () => {
    const v = evaluate(payments, facts({ commitsComplete: false }));
    expect(v.outcome).toBe('error');
    expect(v.errors[0]).toMatch(/did not list every commit/);
  });

  it('fails closed when the file list is incomplete, even if everything is approved', () => {
    const v = evaluate(
      payments,
      facts({
        filesComplete: false,
        changedFilesCount: 3500,
        reviews: [review('alice', 'APPROVED'), review('bob', 'APPROVED')],
      }),
    );
    expect(v.outcome).toBe('error');
    expect(v.changedFiles).toBe(3500);
    expect(v.errors[0]).toMatch(/listed 1 of 3500 changed files/);
  });

  it('fails closed when a needed team could not be read', () => {
    const v = evaluate(payments, facts({ teams: {}, reviews: [review('alice', 'APPROVED')] }));
    expect(v.outcome).toBe('error');
    expect(v.errors[0]).toMatch(/team payments-seniors/);
    const missing = evaluate(
      payments,
      facts({ teams: { 'payments-seniors': null }, reviews: [review('alice', 'APPROVED')] }),
    );
    expect(missing.outcome).toBe('error');
  });

  it('requires every matched rule to be satisfied', () => {
    const p = policy({
      critical_paths: [
        rule(),
        rule({
          name: 'auth',
          paths: ['services/auth/**'],
          approvals: 1,
          reviewers: { teams: [], users: ['sec'] },
        }),
      ],
    });
    const f = facts({
      files: [{ path: 'services/payments/a.ts' }, { path: 'services/auth/b.ts' }],
      reviews: [review('alice', 'APPROVED'), review('bob', 'APPROVED')],
    });
    const v = evaluate(p, f);
    expect(v.outcome).toBe('approval_required');
    expect(v.requirements.map((r) => [r.rule, r.satisfied])).toEqual([
      ['payments', true],
      ['auth', false],
    ]);
    expect(evaluate(p, { ...f, reviews: [...f.reviews, review('sec', 'APPROVED')] }).outcome).toBe(
      'pass',
    );
  });
});

describe('evaluate: path matching', () => {
  it('honours excludes', () => {
    const p = policy({ critical_paths: [rule({ exclude: ['**/*.md'] })] });
    expect(evaluate(p, facts({ files: [{ path: 'services/payments/README.md' }] })).outcome).toBe(
      'pass',
    );
  });

  it('matches the old path of a renamed file', () => {
    const v = evaluate(
      payments,
      facts({ files: [{ path: 'attic/refund.ts', previousPath: 'services/payments/refund.ts' }] }),
    );
    expect(v.requirements[0]?.files).toEqual(['attic/refund.ts']);
  });

  it('matches dot files and paths with spaces and unicode', () => {
    const p = policy({ critical_paths: [rule({ paths: ['services/**'] })] });
    for (const path of ['services/.env', 'services/pay ments/ü.ts']) {
      expect(evaluate(p, facts({ files: [{ path }] })).requirements[0]?.files).toEqual([path]);
    }
  });
});

describe('evaluate: the policy file is always critical', () => {
  const f = facts({
    commits: [commit(HEAD, 'Relax policy\n')],
    files: [{ path: '.github/ai-governance.yml' }],
  });

  it('holds a human PR that edits the policy, with no rule naming it', () => {
    const v = evaluate(policy(), f);
    expect(v.aiAssisted).toBe(false);
    expect(v.outcome).toBe('approval_required');
    expect(v.requirements[0]).toMatchObject({ kind: 'policy_file', approvals: 1 });
  });

  it('lets the policy-file reviewers approve it', () => {
    const p = policy({ policy_file: { approvals: 1, reviewers: { teams: [], users: ['lead'] } } });
    expect(evaluate(p, { ...f, reviews: [review('alice', 'APPROVED')] }).outcome).toBe(
      'approval_required',
    );
    expect(evaluate(p, { ...f, reviews: [review('lead', 'APPROVED')] }).outcome).toBe('pass');
  });

  it('treats every policy file of the repository (extends targets too) as critical', () => {
    const g = facts({ commits: [commit(HEAD, 'x\n')], files: [{ path: 'gov/base.yml' }] });
    expect(evaluate(policy(), g).requirements).toEqual([]);
    const v = evaluate(policy(), g, { policyPaths: ['gov/base.yml'] });
    expect(v.requirements.map((r) => r.kind)).toEqual(['policy_file']);
  });

  it('catches a rename away from the policy path', () => {
    const v = evaluate(
      policy(),
      facts({ files: [{ path: 'x.yml', previousPath: '.github/ai-governance.yml' }] }),
    );
    expect(v.requirements.some((r) => r.kind === 'policy_file')).toBe(true);
  });
});

describe('evaluate: approvals that do not count', () => {
  function discounted(reviews: ReturnType<typeof review>[], over = {}) {
    const v = evaluate(payments, facts({ reviews, ...over }));
    return { v, req: v.requirements[0]! };
  }

  it('the PR author', () => {
    const { req } = discounted([review('dev', 'APPROVED')], {
      teams: { 'payments-seniors': ['dev', 'alice'] },
    });
    expect(req.approvedBy).toEqual([]);
    expect(req.discounted).toEqual([
      expect.objectContaining({ login: 'dev', reason: 'pr-author' }),
    ]);
  });

  it('a commit author or co-author, unless allow_contributors', () => {
    const f = facts({
      commits: [
        commit(HEAD, 'Fix\n\nCo-authored-by: Alice <1234+alice@users.noreply.github.com>\n', 'bob'),
      ],
      files: [{ path: 'services/payments/a.ts' }],
      labels: [{ name: 'ai-assisted', appliedBy: user('dev') }],
      reviews: [review('alice', 'APPROVED'), review('bob', 'APPROVED')],
    });
    const p = policy({
      ...payments,
      detection: { ...payments.detection, labels: ['ai-assisted'] },
    });
    const v = evaluate(p, f);
    expect(v.requirements[0]?.discounted.map((d) => [d.login, d.reason])).toEqual([
      ['alice', 'contributor'],
      ['bob', 'contributor'],
    ]);
    const allowed = evaluate({ ...p, approval: { ...p.approval, allow_contributors: true } }, f);
    expect(allowed.outcome).toBe('pass');
  });

  it('a bot, even one in the team and even with type User but a [bot] login', () => {
    const { req } = discounted(
      [
        review('ci[bot]', 'APPROVED', HEAD, undefined, bot('ci[bot]')),
        review('copilot-pull-request-reviewer', 'APPROVED'),
      ],
      { teams: { 'payments-seniors': ['ci[bot]', 'copilot-pull-request-reviewer'] } },
    );
    expect(req.approvedBy).toEqual([]);
    expect(req.discounted.map((d) => d.reason)).toEqual(['bot', 'bot']);
  });

  it('a reviewer outside the required team or list', () => {
    const { req } = discounted([review('mallory', 'APPROVED')]);
    expect(req.discounted).toEqual([
      expect.objectContaining({ login: 'mallory', reason: 'not-a-reviewer' }),
    ]);
  });

  it('an approval of an older commit when latest_push_only', () => {
    const { req } = discounted([review('alice', 'APPROVED', OLD), review('bob', 'APPROVED')]);
    expect(req.approvedBy).toEqual(['bob']);
    expect(req.discounted[0]).toMatchObject({ login: 'alice', reason: 'stale' });
    const lax = evaluate(
      { ...payments, approval: { ...payments.approval, latest_push_only: false } },
      facts({ reviews: [review('alice', 'APPROVED', OLD), review('bob', 'APPROVED')] }),
    );
    expect(lax.outcome).toBe('pass');
  });

  it('an approval followed by requested changes from the same person blocks', () => {
    const { v, req } = discounted([
      review('alice', 'APPROVED', HEAD, '2026-11-20T10:00:00Z'),
      review('bob', 'APPROVED', HEAD, '2026-11-20T10:01:00Z'),
      review('carol', 'APPROVED', HEAD, '2026-11-20T10:02:00Z'),
      review('alice', 'CHANGES_REQUESTED', HEAD, '2026-11-20T11:00:00Z'),
    ]);
    expect(req.approvedBy).toEqual(['bob', 'carol']);
    expect(req.changesRequestedBy).toEqual(['alice']);
    expect(req.discounted[0]).toMatchObject({ login: 'alice', reason: 'superseded' });
    expect(v.outcome).toBe('approval_required');
  });

  it('requested changes do not block when changes_requested_blocks is off', () => {
    const v = evaluate(
      { ...payments, approval: { ...payments.approval, changes_requested_blocks: false } },
      facts({
        reviews: [
          review('alice', 'APPROVED'),
          review('bob', 'APPROVED'),
          review('carol', 'CHANGES_REQUESTED'),
        ],
      }),
    );
    expect(v.outcome).toBe('pass');
  });

  it('a comment after an approval keeps it; a dismissal clears it', () => {
    const alicesApprovalThen = (later: ReviewState) =>
      discounted([
        review('alice', 'APPROVED', HEAD, '2026-11-20T10:00:00Z'),
        review('alice', later, HEAD, '2026-11-20T10:05:00Z'),
        review('bob', 'APPROVED'),
      ]);
    expect(alicesApprovalThen('COMMENTED').v.outcome).toBe('pass');
    expect(alicesApprovalThen('DISMISSED').req.approvedBy).toEqual(['bob']);
  });

  it('a reviewer who has since left the team (membership read now)', () => {
    const v = evaluate(
      payments,
      facts({
        teams: { 'payments-seniors': ['bob'] },
        reviews: [review('alice', 'APPROVED'), review('bob', 'APPROVED')],
      }),
    );
    expect(v.outcome).toBe('approval_required');
    expect(v.requirements[0]?.discounted[0]).toMatchObject({ reason: 'not-a-reviewer' });
  });

  it('a review by a deleted account', () => {
    const ghost = { ...review('x', 'APPROVED'), user: null };
    const { req } = discounted([ghost, review('alice', 'APPROVED')]);
    expect(req.approvedBy).toEqual(['alice']);
    expect(req.discounted[0]).toMatchObject({ reason: 'unknown-user' });
  });
});

describe('evaluate: override', () => {
  const p = policy({
    critical_paths: [rule()],
    override: { label: 'ai-governance-override', teams: ['incident-commanders'], users: [] },
  });
  const teams = { 'payments-seniors': ['alice'], 'incident-commanders': ['ic'] };

  it('passes as overridden when an allowed person applied the label', () => {
    const v = evaluate(
      p,
      facts({ teams, labels: [{ name: 'ai-governance-override', appliedBy: user('ic') }] }),
    );
    expect(v.outcome).toBe('overridden');
    expect(v.override).toMatchObject({ appliedBy: 'ic', allowed: true });
  });

  it('does not override when someone else applied it, or a bot, or nobody knows who', () => {
    for (const appliedBy of [user('dev'), bot('helper[bot]'), null]) {
      const v = evaluate(
        p,
        facts({ teams, labels: [{ name: 'ai-governance-override', appliedBy }] }),
      );
      expect(v.outcome).toBe('approval_required');
      expect(v.override?.allowed).toBe(false);
    }
  });

  it('reports pass, not overridden, when approvals are already enough', () => {
    const v = evaluate(
      policy({ ...p, critical_paths: [rule({ approvals: 1 })] }),
      facts({
        teams,
        reviews: [review('alice', 'APPROVED')],
        labels: [{ name: 'ai-governance-override', appliedBy: user('ic') }],
      }),
    );
    expect(v.outcome).toBe('pass');
  });

  it('never overrides an error', () => {
    const v = evaluate(
      p,
      facts({
        teams,
        filesComplete: false,
        labels: [{ name: 'ai-governance-override', appliedBy: user('ic') }],
      }),
    );
    expect(v.outcome).toBe('error');
  });
});

describe('evaluate: detection feeds the verdict', () => {
  it('the AI label removed while trailers still say AI: still AI-assisted', () => {
    const v = evaluate(payments, facts({ labels: [] }));
    expect(v.aiAssisted).toBe(true);
  });

  const labelled = policy({
    critical_paths: [rule()],
    detection: { ...payments.detection, labels: ['ai-assisted'] },
  });
  /** A PR whose commits say nothing of AI, with the label `name` applied by `appliedBy`. */
  const byLabel = (name: string, appliedBy: Actor, appLogin?: string) =>
    evaluate(
      labelled,
      facts({ commits: [commit(HEAD, 'x\n')], labels: [{ name, appliedBy }] }),
      appLogin ? { appLogin } : undefined,
    );

  it('a PR that is AI-assisted only by a label', () => {
    const v = byLabel('AI-Assisted', user('dev'));
    expect(v.aiAssisted).toBe(true);
    expect(v.evidence[0]).toMatchObject({ source: 'label', detail: 'AI-Assisted' });
  });

  it('a label the app applied itself is not evidence', () => {
    const v = byLabel('ai-assisted', bot('ai-governance[bot]'), 'ai-governance[bot]');
    expect(v.aiAssisted).toBe(false);
  });

  it('the same label applied by another bot (a labeler workflow) is evidence', () => {
    const v = byLabel('ai-assisted', bot('github-actions[bot]'), 'ai-governance[bot]');
    expect(v.aiAssisted).toBe(true);
    expect(v.evidence).toEqual([
      { source: 'label', kind: 'label', detail: 'ai-assisted', reason: 'detection.labels' },
    ]);
  });

  it('Assisted-by: none does not count', () => {
    const v = evaluate(payments, facts({ commits: [commit(HEAD, 'x\n\nAssisted-by: none\n')] }));
    expect(v.aiAssisted).toBe(false);
  });

  it('is deterministic for the same input', () => {
    const f = facts({ commits: [commit(OLD, CLAUDE_MSG), commit(HEAD, CLAUDE_MSG)] });
    expect(evaluate(payments, f)).toEqual(evaluate(payments, structuredClone(f)));
  });
});
