import { describe, expect, it } from 'vitest';
import { parsePolicy } from '../../src/policy/load.js';
import type { Policy } from '../../src/model/policy.js';
import { policy as documentedDefaults } from '../evaluate/builders.js';

const FILE = '.github/ai-governance.yml';

function policyOf(text: string): { policy: Policy; warnings: string[] } {
  const r = parsePolicy(text, { file: FILE });
  if (!r.ok) throw new Error(r.errors.map((e) => `${e.line}:${e.column} ${e.message}`).join('\n'));
  return { policy: r.policy, warnings: r.warnings.map((w) => w.message) };
}

describe('defaults', () => {
  it('fills every default for `version: 1`', () => {
    const { policy } = policyOf('version: 1\n');
    expect(policy).toEqual(documentedDefaults());
  });

  it('keeps an explicitly empty ignore_authors list empty', () => {
    const { policy } = policyOf('version: 1\ndetection:\n  ignore_authors: []\n');
    expect(policy.detection.ignore_authors).toEqual([]);
  });

  it('fills the keys of a partly written section', () => {
    const { policy } = policyOf(
      'version: 1\napproval:\n  allow_contributors: true\nactions:\n  comment: false\n',
    );
    expect(policy.approval).toEqual({
      latest_push_only: true,
      changes_requested_blocks: true,
      allow_contributors: true,
    });
    expect(policy.actions).toEqual({
      label: 'ai-assisted',
      request_reviews: true,
      comment: false,
      while_evaluating: false,
    });
  });

  it('fills a rule: approvals 1, exclude empty, missing reviewer list empty', () => {
    const { policy } = policyOf(
      'version: 1\ncritical_paths:\n  - name: db\n    paths: ["db/**"]\n    reviewers: { users: [dba] }\n',
    );
    expect(policy.critical_paths).toEqual([
      {
        name: 'db',
        paths: ['db/**'],
        exclude: [],
        approvals: 1,
        reviewers: { teams: [], users: ['dba'] },
        floor: false,
      },
    ]);
  });

  it('takes `actions.label: null` as "add no label" and `override: null` as "no override"', () => {
    const { policy } = policyOf('version: 1\nactions:\n  label: null\noverride: ~\n');
    expect(policy.actions.label).toBeNull();
    expect(policy.override).toBeNull();
  });

  it('defaults the policy file reviewers to every rule reviewer plus the override, without repeats', () => {
    const { policy, warnings } = policyOf(`version: 1
critical_paths:
  - name: a
    paths: [a/**]
    reviewers: { teams: [payments, platform], users: [Alice] }
  - name: b
    paths: [b/**]
    approvals: 3
    reviewers: { teams: [platform, dba], users: [alice, bob] }
override:
  label: ai-governance-override
  teams: [incident-commanders, payments]
  users: [carol]
`);
    expect(policy.policy_file).toEqual({
      approvals: 1,
      reviewers: {
        teams: ['payments', 'platform', 'dba', 'incident-commanders'],
        users: ['Alice', 'bob', 'carol'],
      },
    });
    expect(warnings).toEqual([]);
  });

  it('keeps explicit policy file reviewers as written', () => {
    const { policy } = policyOf(`version: 1
critical_paths:
  - name: a
    paths: [a/**]
    reviewers: { teams: [payments] }
policy_file:
  approvals: 2
  reviewers: { users: [owner] }
`);
    expect(policy.policy_file).toEqual({
      approvals: 2,
      reviewers: { teams: [], users: ['owner'] },
    });
  });

  it('warns when anyone could approve a policy change', () => {
    const { warnings } = policyOf('version: 1\n');
    expect(warnings).toEqual([
      expect.stringContaining(
        'any eligible reviewer can approve changes to .github/ai-governance.yml',
      ),
    ]);
  });

  it('warns when nothing could mark a pull request as AI-assisted', () => {
    const r = parsePolicy(
      'version: 1\ndetection:\n  builtin: false\npolicy_file:\n  reviewers: { users: [a] }\n',
      { file: FILE },
    );
    expect(r.ok && r.warnings.map((w) => [w.line, w.column, w.message])).toEqual([
      [2, 1, expect.stringContaining('nothing can mark a pull request as AI-assisted')],
    ]);
  });
});

describe('normalisation', () => {
  it('turns every team form into the lower-case slug', () => {
    const { policy } = policyOf(
      'version: 1\nai_default:\n  reviewers:\n    teams: [Payments-Seniors, "acme/Platform", "@acme/DBA", team_x.y]\n',
    );
    expect(policy.ai_default.reviewers.teams).toEqual([
      'payments-seniors',
      'platform',
      'dba',
      'team_x.y',
    ]);
  });

  it('strips a leading @ from logins and keeps their case', () => {
    const { policy } = policyOf(
      'version: 1\noverride:\n  label: break-glass\n  users: ["@Alice", bob-2]\ndetection:\n  authors: ["@my-agent[bot]"]\n',
    );
    expect(policy.override).toEqual({ label: 'break-glass', teams: [], users: ['Alice', 'bob-2'] });
    expect(policy.detection.authors).toEqual(['my-agent[bot]']);
  });

  it('accepts the example policy from the documentation, with [bot] names quoted', () => {
    const { policy } =
      policyOf(`# yaml-language-server: $schema=https://raw.githubusercontent.com/ai-governance/ai-governance/main/policies/ai-governance.schema.json
version: 1
detection:
  builtin: true
  trailers: [Assisted-by, Generated-by]
  co_authors: ["*@cursor.com"]
  labels: [ai-assisted]
  authors: ["internal-agent[bot]"]
  ignore_authors: ["dependabot[bot]", "renovate[bot]"]
  body_markers: ["Generated with"]
critical_paths:
  - name: payments
    paths: ["services/payments/**"]
    exclude: ["**/*.md"]
    approvals: 2
    reviewers: { teams: [payments-seniors], users: [alice] }
ai_default: { approvals: 0 }
apply_to_human_prs: false
approval: { latest_push_only: true, changes_requested_blocks: true, allow_contributors: false }
override: { label: ai-governance-override, teams: [incident-commanders], users: [] }
policy_file: { approvals: 1, reviewers: { teams: [platform-leads] } }
actions: { label: ai-assisted, request_reviews: true, comment: true }
_extends: .github
`);
    expect(policy.critical_paths[0]).toEqual({
      name: 'payments',
      paths: ['services/payments/**'],
      exclude: ['**/*.md'],
      approvals: 2,
      reviewers: { teams: ['payments-seniors'], users: ['alice'] },
      floor: false,
    });
    expect(policy.detection.ignore_authors).toEqual(['dependabot[bot]', 'renovate[bot]']);
    expect(policy.override).toEqual({
      label: 'ai-governance-override',
      teams: ['incident-commanders'],
      users: [],
    });
    expect(policy.policy_file.reviewers).toEqual({ teams: ['platform-leads'], users: [] });
    expect('_extends' in policy).toBe(false);
  });

  it('accepts anchors and aliases for repeated reviewer lists', () => {
    const { policy } = policyOf(`version: 1
critical_paths:
  - name: a
    paths: [a/**]
    reviewers: &seniors { teams: [seniors] }
  - name: b
    paths: [b/**]
    reviewers: *seniors
`);
    expect(policy.critical_paths.map((r) => r.reviewers)).toEqual([
      { teams: ['seniors'], users: [] },
      { teams: ['seniors'], users: [] },
    ]);
  });

  it('returns fresh default arrays for every parse', () => {
    const a = policyOf('version: 1\n').policy;
    a.detection.ignore_authors.push('x');
    expect(policyOf('version: 1\n').policy.detection.ignore_authors).not.toContain('x');
  });
});
