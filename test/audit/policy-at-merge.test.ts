import { describe, expect, it } from 'vitest';
import { classifyMergedPullRequest } from '../../src/audit/classify.js';
import { policyAt } from '../../src/audit/policy-at.js';
import {
  MERGED_AT,
  MERGE_SHA,
  POLICY_V1,
  POLICY_V2,
  approvals,
  context,
  history,
  merged,
  version,
} from './builders.js';

describe('classifyMergedPullRequest: the policy in force at the merge', () => {
  it('judges by the older policy that was in force then, not today’s', () => {
    const ctx = context({
      repoPolicy: history('acme/api', [
        version('p1', '2026-10-01T00:00:00Z', POLICY_V1),
        version('p2', '2026-12-01T00:00:00Z', POLICY_V2),
      ]),
    });
    const r = classifyMergedPullRequest(merged({ reviews: approvals('dana') }), ctx);
    expect(r.class).toBe('compliant');
    expect(r.policy.versions).toEqual(['acme/api@p1']);
    expect(r.requirements[0]).toMatchObject({
      approvals: 1,
      reviewers: ['@dana', '@erin'],
      satisfied: true,
    });
    // Under today's policy the same PR would have been a violation.
    const today = classifyMergedPullRequest(
      merged({ reviews: approvals('dana'), mergedAt: '2026-12-02T00:00:00Z' }),
      ctx,
    );
    expect(today.class).toBe('merged_without_required_approval');
    expect(today.policy.digest).not.toBe(r.policy.digest);
  });

  it('judges a repository without a policy then as the app judges one today', () => {
    const ctx = context({
      repoPolicy: history('acme/api', [version('p2', '2026-12-01T00:00:00Z', POLICY_V2)]),
    });
    const r = classifyMergedPullRequest(merged(), ctx);
    expect(r.policy).toMatchObject({ source: 'none', versions: [] });
    expect(r.class).toBe('not_critical');
    // The policy file is critical even then.
    const p = classifyMergedPullRequest(
      merged({ files: [{ path: '.github/ai-governance.yml' }] }),
      ctx,
    );
    expect(p.class).toBe('merged_without_required_approval');
    expect(p.reason).toBe('needs 1 from any reviewer, had 0 (policy file)');
  });

  it('a deleted policy is no policy', () => {
    const ctx = context({
      repoPolicy: history('acme/api', [
        version('p1', '2026-10-01T00:00:00Z', POLICY_V2),
        version('p-del', '2026-11-10T00:00:00Z', null),
      ]),
    });
    expect(classifyMergedPullRequest(merged(), ctx).policy.source).toBe('none');
  });

  it('unknown when the policy history does not reach back to the merge', () => {
    const ctx = context({
      repoPolicy: history('acme/api', [version('p2', '2026-11-25T00:00:00Z', POLICY_V2)], false),
    });
    const r = classifyMergedPullRequest(merged({ reviews: approvals('alice', 'bob') }), ctx);
    expect(r.class).toBe('unknown');
    expect(r.reason).toBe(
      `GitHub did not list the whole history of acme/api:.github/ai-governance.yml, and what it listed does not reach back to ${MERGED_AT}`,
    );
  });

  it('unknown when GitHub would not give the text of the version in force', () => {
    const ctx = context({
      repoPolicy: history('acme/api', [
        {
          commit: 'big',
          committedAt: '2026-11-01T00:00:00Z',
          text: null,
          unreadable: 'GitHub gave only part of .github/ai-governance.yml at big',
        },
      ]),
    });
    const r = classifyMergedPullRequest(merged({ reviews: approvals('alice', 'bob') }), ctx);
    expect(r.class).toBe('unknown');
    expect(r.reason).toBe(
      'the version of acme/api:.github/ai-governance.yml in force at merge could not be read: GitHub gave only part of .github/ai-governance.yml at big',
    );
  });

  it('a pull request is never judged by its own change to the policy', () => {
    // The PR loosens payments to one approval from anyone; its merge commit writes that version.
    const loosened = POLICY_V2.replace('approvals: 2', 'approvals: 1');
    const ctx = context({
      repoPolicy: history('acme/api', [
        version('p2', '2026-11-01T00:00:00Z', POLICY_V2),
        version(MERGE_SHA, MERGED_AT, loosened),
      ]),
    });
    const files = [{ path: 'services/payments/refund.ts' }, { path: '.github/ai-governance.yml' }];
    const r = classifyMergedPullRequest(merged({ files, reviews: approvals('alice') }), ctx);
    expect(r.policy.versions).toEqual(['acme/api@p2']);
    expect(r.class).toBe('merged_without_required_approval');
    expect(r.reason).toBe('needs 2 from @acme/payments-seniors, had 1 (payments)');
    // A rebase merge writes other commits at the same moment: those are the PR's own too.
    const rebased = context({
      repoPolicy: history('acme/api', [
        version('p2', '2026-11-01T00:00:00Z', POLICY_V2),
        version('rebased', MERGED_AT, loosened),
      ]),
    });
    const r2 = classifyMergedPullRequest(merged({ files, reviews: approvals('alice') }), rebased);
    expect(r2.policy.versions).toEqual(['acme/api@p2']);
    expect(r2.class).toBe('merged_without_required_approval');
  });

  it('unknown, with the file and line, when the policy in force was invalid', () => {
    const ctx = context({
      repoPolicy: history('acme/api', [
        version(
          'bad',
          '2026-11-01T00:00:00Z',
          'version: 1\ncritical_paths:\n  - name: payments\n    approvals: two\n',
        ),
      ]),
    });
    const r = classifyMergedPullRequest(merged(), ctx);
    expect(r.class).toBe('unknown');
    expect(r.reason).toMatch(
      /^the policy in force at merge was invalid: acme\/api:\.github\/ai-governance\.yml:\d+:\d+: /,
    );
  });

  it('uses the org default when the repository had no file, and the org floor over its own', () => {
    const floor = `version: 1
critical_paths:
  - name: migrations
    floor: true
    paths: ['**/migrations/**']
    approvals: 1
    reviewers:
      teams: [dba]
`;
    const org = history('acme/.github', [version('o1', '2026-09-01T00:00:00Z', floor)]);
    const files = [{ path: 'db/migrations/001.sql' }];
    const byDefault = classifyMergedPullRequest(
      merged({ files }),
      context({ repoPolicy: history('acme/api', []), orgPolicy: org, teams: { dba: ['dora'] } }),
    );
    expect(byDefault.policy.source).toBe('org default');
    expect(byDefault.policy.versions).toEqual(['acme/.github@o1']);
    expect(byDefault.class).toBe('merged_without_required_approval');
    expect(byDefault.reason).toBe('needs 1 from @acme/dba, had 0 (migrations)');

    const repoPolicy = history('acme/api', [version('p1', '2026-10-01T00:00:00Z', POLICY_V1)]);
    const layered = classifyMergedPullRequest(
      merged({ files, reviews: approvals('dora') }),
      context({ repoPolicy, orgPolicy: org, teams: { dba: ['dora'] } }),
    );
    expect(layered.policy.source).toBe('repository');
    expect(layered.policy.versions).toEqual(['acme/api@p1', 'acme/.github@o1']);
    expect(layered.requirements.map((q) => q.rule)).toEqual(['migrations']);
    expect(layered.class).toBe('compliant');

    // A repository policy that loosens the floor (an override the org does not allow) is invalid.
    const loosened = classifyMergedPullRequest(
      merged({ files, reviews: approvals('dora') }),
      context({ orgPolicy: org, teams: { dba: ['dora'] } }),
    );
    expect(loosened.class).toBe('unknown');
    expect(loosened.reason).toMatch(
      /^the policy in force at merge was invalid: acme\/api:\.github\/ai-governance\.yml:\d+:\d+: weakens the org floor: it adds an override/,
    );
  });

  it('--policy FILE judges instead of the history', () => {
    const r = classifyMergedPullRequest(
      merged({ reviews: approvals('dana') }),
      context({ policyFile: { path: 'what-if.yml', text: POLICY_V1 } }),
    );
    expect(r.policy).toMatchObject({ source: 'file', versions: [] });
    expect(r.class).toBe('compliant');
  });
});

describe('policyAt', () => {
  const h = (complete: boolean) =>
    history(
      'acme/api',
      [
        version('a', '2026-10-01T00:00:00Z', 'version: 1\n'),
        version('b', '2026-11-01T00:00:00Z', null),
        version('c', '2026-11-15T00:00:00+02:00', 'version: 1\n# c\n'),
      ],
      complete,
    );
  it('takes the last version committed at or before the time', () => {
    expect(policyAt(h(true), '2026-10-01T00:00:00Z')).toMatchObject({
      kind: 'text',
      version: { commit: 'a' },
    });
    // c was committed at 2026-11-14T22:00Z (its offset counts, not its text).
    expect(policyAt(h(true), '2026-11-14T23:00:00Z')).toMatchObject({
      kind: 'text',
      version: { commit: 'c' },
    });
  });
  it('says none when the file was deleted, or did not exist yet', () => {
    expect(policyAt(h(true), '2026-11-02T00:00:00Z')).toMatchObject({
      kind: 'none',
      version: { commit: 'b' },
    });
    expect(policyAt(h(true), '2026-09-01T00:00:00Z')).toEqual({ kind: 'none', version: null });
  });
  it('says unknown when an incomplete history does not reach back', () => {
    expect(policyAt(h(false), '2026-09-01T00:00:00Z').kind).toBe('unknown');
    expect(policyAt(h(false), '2026-10-02T00:00:00Z')).toMatchObject({
      kind: 'text',
      version: { commit: 'a' },
    });
  });
  it('leaves out the versions it is told to skip', () => {
    expect(policyAt(h(true), '2026-12-01T00:00:00Z', (v) => v.commit === 'c')).toMatchObject({
      kind: 'none',
      version: { commit: 'b' },
    });
  });
});
