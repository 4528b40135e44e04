/** A pull request with no AI evidence that touches a critical path: the check says why it passes. */
import { describe, expect, it } from 'vitest';
import { evaluate } from '../../src/evaluate/evaluate.js';
import { renderCheck } from '../../src/render/check.js';
import { commit, facts, policy, rule } from '../evaluate/builders.js';
import { ctx } from './verdicts.js';

const HEAD = 'f'.repeat(40);
const human = facts({
  headSha: HEAD,
  commits: [commit(HEAD, 'Fix refunds by hand\n')],
  files: [{ path: 'services/payments/refund.ts' }],
});

describe('a human pull request on a critical path', () => {
  it('says the rules apply to AI-assisted pull requests, and how to change that', () => {
    const v = evaluate(policy({ critical_paths: [rule()] }), human);
    expect(v.aiAssisted).toBe(false);
    expect(v.outcome).toBe('pass');
    const { summary } = renderCheck(v, ctx({ headSha: HEAD }));
    expect(summary).toMatch(
      /No AI assistance was found, and this policy applies its critical-path rules to AI-assisted pull requests only/,
    );
    expect(summary).toMatch(/set `apply_to_human_prs: true` in the policy/);
    expect(summary).not.toMatch(/No critical path applies/);
  });

  it('under apply_to_human_prs, is held by the rule it touches', () => {
    const v = evaluate(policy({ critical_paths: [rule()], apply_to_human_prs: true }), human);
    expect(v.outcome).toBe('approval_required');
    expect(v.requirements.map((r) => r.rule)).toEqual(['payments']);
  });

  it('under apply_to_human_prs, touching no critical path says so', () => {
    const v = evaluate(policy({ critical_paths: [rule()], apply_to_human_prs: true }), {
      ...human,
      files: [{ path: 'docs/readme.md' }],
    });
    const { summary } = renderCheck(v, ctx({ headSha: HEAD }));
    expect(summary).toMatch(/No critical path applies to this pull request\./);
    expect(summary).not.toMatch(/apply_to_human_prs/);
  });
});
