/** A flow list or mapping left open is reported at its bracket, not where the parser gave up. */
import { describe, expect, it } from 'vitest';
import { unclosedFlow } from '../../src/policy/flow-brackets.js';
import { parsePolicy } from '../../src/policy/load.js';

const errorsOf = (text: string) => {
  const r = parsePolicy(text, { file: 'p.yml' });
  if (r.ok) throw new Error('expected the policy to be invalid');
  return r.errors;
};

describe('an unclosed flow list', () => {
  it('names the bracket and its line (4), not line 5 and indentation', () => {
    const errors = errorsOf(`version: 1
critical_paths:
  - name: payments
    paths: [services/payments/**, lib/pay/**
    approvals: 2
    reviewers: { teams: [payments-seniors] }
`);
    expect(errors).toEqual([
      {
        file: 'p.yml',
        line: 4,
        column: 12,
        message: 'YAML syntax error: the flow list opened with `[` on line 4 is never closed',
        fix: 'add the `]` at the end of the list on line 4, or write one `- item` per line instead',
      },
    ]);
  });

  it('names an unclosed mapping too', () => {
    const errors = errorsOf(`version: 1
override: { label: ai-governance-override, users: [carol]
critical_paths: []
`);
    expect(errors[0]).toMatchObject({
      line: 2,
      column: 11,
      message: 'YAML syntax error: the flow mapping opened with `{` on line 2 is never closed',
    });
  });

  it('leaves other syntax errors as the parser reports them', () => {
    const errors = errorsOf('version: 1\ncritical_paths:\n  - name: "x\n');
    expect(errors.some((e) => /never closed/.test(e.message) && /flow/.test(e.message))).toBe(
      false,
    );
  });
});

describe('unclosedFlow', () => {
  it.each([
    ['paths: [a, b]\n', null],
    ['paths: [a, [b, c]]\nx: { a: [1] }\n', null],
    ['- dependabot[bot]\n', null],
    ['name: a[b\n', null],
    ["x: 'it''s [ not'\n", null],
    ['x: "a \\" [ b"\n', null],
    ['x: a # [ comment\n', null],
    ['paths: [a, b\n', 7],
    ['a: 1\n- [x\n', 7],
    ['x: [a, {b: c]\n', 3],
  ])('%j → %s', (text, offset) => {
    expect(unclosedFlow(text)?.offset ?? null).toBe(offset);
  });
});
