import { describe, expect, it } from 'vitest';
import { parsePolicy, parsePolicyLayers } from '../../src/policy/load.js';
import { formatPolicyError } from '../../src/model/policy.js';

const ORG = { file: 'acme/.github:.github/ai-governance.yml' };
const REPO = { file: 'acme/api:.github/ai-governance.yml' };

describe('enforcement', () => {
  it('defaults to enforce, with the label and review requests off in evaluate', () => {
    const r = parsePolicy('version: 1\n', { file: 'p.yml' });
    if (!r.ok) throw new Error('invalid');
    expect(r.policy.enforcement).toBe('enforce');
    expect(r.policy.actions.while_evaluating).toBe(false);
  });

  it('is set per organisation file and per repository; the repository wins', () => {
    const mode = (org: string, repo: string) => {
      const r = parsePolicyLayers([
        { ...ORG, text: `version: 1\n${org}` },
        { ...REPO, text: `version: 1\n${repo}` },
      ]);
      if (!r.ok) throw new Error(r.errors.map(formatPolicyError).join('\n'));
      return r.policy.enforcement;
    };
    expect(mode('enforcement: evaluate\n', '')).toBe('evaluate');
    expect(mode('enforcement: evaluate\n', 'enforcement: enforce\n')).toBe('enforce');
    expect(mode('', 'enforcement: evaluate\n')).toBe('evaluate');
  });

  it.each([
    ['enforcement: report\n', '`enforcement`: `report` is not `evaluate` or `enforce`'],
    ['enforcement: Enforce\n', '`enforcement`: `Enforce` is not `evaluate` or `enforce`'],
    ['enforcement: true\n', '`enforcement` must be `evaluate` or `enforce`, found `true`'],
    ['enforcement:\n', '`enforcement` has no value'],
  ])('refuses %j at its line and column', (line, message) => {
    const r = parsePolicy(`version: 1\n${line}`, { file: 'p.yml' });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]).toMatchObject({ file: 'p.yml', line: 2 });
    expect(r.errors[0]!.message).toContain(message);
    expect(r.errors[0]!.fix).toMatch(/`evaluate`|enforce/);
  });
});
