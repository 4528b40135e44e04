import { describe, expect, it } from 'vitest';
import { classifyMergedPullRequest } from '../../src/audit/classify.js';
import type { MergedHeadCheck } from '../../src/audit/model.js';
import {
  APP_SLUG,
  CLAUDE_MSG,
  HEAD,
  OLD,
  appCheck,
  approvals,
  bot,
  commit,
  context,
  labelled,
  merged,
  review,
  user,
} from './builders.js';

describe('classifyMergedPullRequest: the classes', () => {
  it('compliant: two seniors approved the merged head before the merge', () => {
    const r = classifyMergedPullRequest(
      merged({
        reviews: [
          review('alice', 'APPROVED', HEAD, '2026-11-20T10:00:00Z'),
          review('bob', 'APPROVED', HEAD, '2026-11-20T11:00:00Z'),
        ],
      }),
      context(),
    );
    expect(r.class).toBe('compliant');
    expect(r.aiAssisted).toBe(true);
    expect(r.tools).toEqual(['Claude Code']);
    expect(r.evidence).toContainEqual(
      expect.objectContaining({
        commit: HEAD,
        detail: 'Co-Authored-By: Claude <noreply@anthropic.com>',
      }),
    );
    expect(r.requirements).toHaveLength(1);
    expect(r.requirements[0]).toMatchObject({
      rule: 'payments',
      files: ['services/payments/refund.ts'],
      fileCount: 1,
      approvals: 2,
      reviewers: ['@acme/payments-seniors'],
      satisfied: true,
      counted: [
        { login: 'alice', at: '2026-11-20T10:00:00Z', commit: HEAD },
        { login: 'bob', at: '2026-11-20T11:00:00Z', commit: HEAD },
      ],
    });
    expect(r.discounted).toEqual([]);
    expect(r.lastRequiredApprovalAt).toBe('2026-11-20T11:00:00Z');
    expect(r.bypassedCheck).toBe(false);
    expect(r.check).toEqual({
      conclusion: 'success',
      title: 'Approved',
      completedAt: '2026-11-20T11:30:00Z',
    });
    expect(r.policy.source).toBe('repository');
    expect(r.policy.versions).toEqual(['acme/api@p2']);
    expect(r.policy.digest).toMatch(/^[0-9a-f]{64}$/);
    expect(r.mergedBy).toBe('lead');
  });

  it('merged_without_required_approval: says what was needed and what it had', () => {
    const r = classifyMergedPullRequest(
      merged({
        reviews: approvals('alice'),
        headChecks: [appCheck({ conclusion: 'action_required', title: 'Needs 1 more approval' })],
      }),
      context(),
    );
    expect(r.class).toBe('merged_without_required_approval');
    expect(r.reason).toBe('needs 2 from @acme/payments-seniors, had 1 (payments)');
    expect(r.requirements[0]!.counted.map((c) => c.login)).toEqual(['alice']);
    expect(r.requirements[0]!.satisfied).toBe(false);
    expect(r.lastRequiredApprovalAt).toBeNull();
    expect(r.bypassedCheck).toBe(true);
  });

  it('not_ai_assisted: no evidence, and the policy does not apply to human PRs', () => {
    const r = classifyMergedPullRequest(
      merged({ commits: [commit(HEAD, 'Fix rounding in refunds')] }),
      context(),
    );
    expect(r.class).toBe('not_ai_assisted');
    expect(r.aiAssisted).toBe(false);
    expect(r.evidence).toEqual([]);
    expect(r.requirements).toEqual([]);
    expect(r.reason).toBe(
      'no AI evidence, and the policy does not apply to pull requests without it',
    );
  });

  it('not_critical: AI-assisted, but nothing it changed needs an approval', () => {
    const r = classifyMergedPullRequest(merged({ files: [{ path: 'README.md' }] }), context());
    expect(r.class).toBe('not_critical');
    expect(r.aiAssisted).toBe(true);
    expect(r.requirements).toEqual([]);
  });

  it('overridden: a commander applied the override label on the merged head', () => {
    const r = classifyMergedPullRequest(
      merged({
        reviews: approvals('alice'),
        labelEvents: [
          labelled('ai-governance-override', user('ivy'), '2026-11-20T11:50:00Z', 'added', 'LE_2'),
        ],
        // The app's record of the head: when it first judged it, the label was not there.
        headRecord: { pr: 7, head: HEAD, overrideAtFirstSight: null, evidence: [] },
      }),
      context(),
    );
    expect(r.class).toBe('overridden');
    expect(r.override).toEqual({
      label: 'ai-governance-override',
      by: 'ivy',
      at: '2026-11-20T11:50:00Z',
      allowed: true,
      detail: 'applied by @ivy',
    });
    expect(r.reason).toBe(
      'overridden by @ivy with the label ai-governance-override; needs 2 from @acme/payments-seniors, had 1 (payments)',
    );
  });

  it('unknown: more files than GitHub lists', () => {
    const r = classifyMergedPullRequest(
      merged({ reviews: approvals('alice', 'bob'), filesComplete: false, changedFilesCount: 3400 }),
      context(),
    );
    expect(r.class).toBe('unknown');
    expect(r.reason).toBe('GitHub lists 1 of its 3400 changed files');
    // What was listed is still judged and shown.
    expect(r.requirements[0]!.rule).toBe('payments');
  });

  it('unknown: each cut list is named', () => {
    const r = classifyMergedPullRequest(
      merged({ commitsComplete: false, reviewsComplete: false, labelEventsComplete: false }),
      context(),
    );
    expect(r.class).toBe('unknown');
    expect(r.reason).toBe(
      'GitHub did not list every commit (1 read); GitHub did not list every review (0 read); GitHub did not list every label event (0 read)',
    );
  });
});

describe('classifyMergedPullRequest: reviews and labels as they stood at the merge', () => {
  it.each([
    {
      proves: 'an approval before the last push is stale',
      reviews: [review('alice', 'APPROVED', OLD), review('bob', 'APPROVED')],
      counted: 'bob',
      discounted: {
        login: 'alice',
        at: '2026-11-20T10:00:00Z',
        commit: OLD,
        reason: 'stale',
        detail: `@alice approved ${OLD.slice(0, 7)}, not the latest commit ${HEAD.slice(0, 7)}`,
      },
    },
    {
      proves: 'an approval after the merge is not counted',
      reviews: [
        review('alice', 'APPROVED'),
        review('bob', 'APPROVED', HEAD, '2026-11-20T12:00:01Z'),
      ],
      counted: 'alice',
      discounted: {
        login: 'bob',
        at: '2026-11-20T12:00:01Z',
        commit: HEAD,
        reason: 'after-merge',
        detail: '@bob approved at 2026-11-20T12:00:01Z, after the merge',
      },
    },
  ])('$proves', ({ reviews, counted, discounted }) => {
    const r = classifyMergedPullRequest(merged({ reviews }), context());
    expect(r.class).toBe('merged_without_required_approval');
    expect(r.requirements[0]!.counted.map((c) => c.login)).toEqual([counted]);
    expect(r.discounted).toEqual([discounted]);
  });

  it('the author, a co-author, a bot and someone without write access do not count', () => {
    const coAuthored = `${CLAUDE_MSG}Co-authored-by: Carol <carol@users.noreply.github.com>\n`;
    const r = classifyMergedPullRequest(
      merged({
        author: user('alice'),
        commits: [commit(HEAD, coAuthored, 'alice')],
        reviews: [
          review('alice', 'APPROVED'),
          review('carol', 'APPROVED'),
          review(
            'gemini-code-assist[bot]',
            'APPROVED',
            HEAD,
            '2026-11-20T10:00:00Z',
            bot('gemini-code-assist[bot]'),
          ),
          review('bob', 'APPROVED', HEAD, '2026-11-20T10:00:00Z', user('bob'), false),
        ],
        teams: {},
      }),
      context({
        teams: {
          'payments-seniors': ['alice', 'bob', 'carol', 'gemini-code-assist[bot]'],
          'incident-commanders': [],
        },
      }),
    );
    expect(r.class).toBe('merged_without_required_approval');
    expect(r.reason).toBe('needs 2 from @acme/payments-seniors, had 0 (payments)');
    expect(r.requirements[0]!.counted).toEqual([]);
    expect(Object.fromEntries(r.discounted.map((d) => [d.login, d.reason]))).toEqual({
      alice: 'pr-author',
      carol: 'contributor',
      'gemini-code-assist[bot]': 'bot',
      bob: 'no-write-access',
    });
  });

  it('a label added after the merge is no override', () => {
    const r = classifyMergedPullRequest(
      merged({
        reviews: approvals('alice'),
        labelEvents: [labelled('ai-governance-override', user('ivy'), '2026-11-20T12:05:00Z')],
        headRecord: { pr: 7, head: HEAD, overrideAtFirstSight: null, evidence: [] },
      }),
      context(),
    );
    expect(r.class).toBe('merged_without_required_approval');
    expect(r.override).toBeNull();
  });

  it('an override applied before the last push does not count', () => {
    const r = classifyMergedPullRequest(
      merged({
        reviews: approvals('alice'),
        labelEvents: [
          labelled('ai-governance-override', user('ivy'), '2026-11-19T10:00:00Z', 'added', 'LE_1'),
        ],
        headRecord: { pr: 7, head: HEAD, overrideAtFirstSight: 'LE_1', evidence: [] },
      }),
      context(),
    );
    expect(r.class).toBe('merged_without_required_approval');
    expect(r.override).toMatchObject({ by: 'ivy', allowed: false });
    expect(r.reason).toContain(
      'the override label did not count: @ivy applied it before the latest commit',
    );
  });

  it('requested changes block, and say who', () => {
    const r = classifyMergedPullRequest(
      merged({ reviews: [...approvals('alice', 'bob'), review('carol', 'CHANGES_REQUESTED')] }),
      context(),
    );
    expect(r.class).toBe('merged_without_required_approval');
    expect(r.requirements[0]!.changesRequestedBy).toEqual(['carol']);
    expect(r.reason).toBe(
      'needs 2 from @acme/payments-seniors, had 2, and @carol requested changes (payments)',
    );
  });

  it('a renamed file out of a critical path still matches the rule', () => {
    const r = classifyMergedPullRequest(
      merged({
        files: [{ path: 'legacy/refund.ts', previousPath: 'services/payments/refund.ts' }],
      }),
      context(),
    );
    expect(r.class).toBe('merged_without_required_approval');
    expect(r.requirements[0]).toMatchObject({ rule: 'payments', files: ['legacy/refund.ts'] });
  });
});

describe('classifyMergedPullRequest: the app’s check on the merged head', () => {
  const cases: [string, MergedHeadCheck[], boolean][] = [
    ['passing before the merge', [appCheck()], false],
    ['missing', [], true],
    ['completed after the merge', [appCheck({ completedAt: '2026-11-20T12:30:00Z' })], true],
    [
      'still in progress',
      [appCheck({ status: 'in_progress', conclusion: null, completedAt: null })],
      true,
    ],
    ['failing', [appCheck({ conclusion: 'failure' })], true],
    ['passing, but written by another app', [appCheck({ appSlug: 'impostor' })], true],
  ];
  it.each(cases)('%s', (_, headChecks, bypassed) => {
    const r = classifyMergedPullRequest(
      merged({ reviews: approvals('alice', 'bob'), headChecks }),
      context({ appSlug: APP_SLUG }),
    );
    expect(r.bypassedCheck).toBe(bypassed);
    expect(r.class).toBe('compliant');
  });
});
