import { afterEach, describe, expect, it, vi } from 'vitest';
import { compileIdentityGlob } from '../../src/detect/globs.js';
import { compilePathMatcher } from '../../src/policy/globs.js';
import { matchSteps } from '../../src/glob/segment.js';

/**
 * The glob matchers' time bound, proven by counting their steps rather than timing them, on globs
 * that make a backtracking expression take time exponential in their wildcards. The matchers run
 * no regular expression on more than one character (checked below by watching every expression
 * run while they match), so neither the bound nor this proof depends on how minimatch, or any
 * later version of it, writes its expressions.
 */
const ADVERSARIAL: [string, (n: number) => string][] = [
  ['*a*a*a*b', (n) => 'a'.repeat(n)],
  ['{*a,*b}*{c,d}*{e,f}*z', (n) => `${'ab'.repeat(n / 2)}@`],
  ['*@*.*.*.*.*q', (n) => `@${'.'.repeat(n)}`],
  ['*a?a?a?c*', (n) => 'ab'.repeat(n / 2)],
  ['[[:alpha:]]*a*a*[!x]*b', (n) => 'a'.repeat(n)],
  ['*A*a*ß*K*z', (n) => 'Aa'.repeat(n / 2)],
];

const steps = (match: (text: string) => boolean, text: string): number => {
  const before = matchSteps.count;
  match(text);
  return matchSteps.count - before;
};

/** The longest text any regular expression was run on while `run` ran. */
function longestExpressionInput(run: () => void): number {
  let longest = 0;
  const record = (input: unknown) => {
    longest = Math.max(longest, String(input).length);
  };
  const { test, exec } = RegExp.prototype;
  vi.spyOn(RegExp.prototype, 'test').mockImplementation(function (this: RegExp, s: string) {
    record(s);
    return test.call(this, s);
  });
  vi.spyOn(RegExp.prototype, 'exec').mockImplementation(function (this: RegExp, s: string) {
    record(s);
    return exec.call(this, s);
  });
  try {
    run();
  } finally {
    vi.restoreAllMocks();
  }
  return longest;
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('co-author globs: the time bound, counted in steps', () => {
  it.each(ADVERSARIAL)('%s: scanned in steps linear in the name', (glob, make) => {
    const match = compileIdentityGlob(glob)!;
    const counts = [1000, 2000, 4000].map((n) => {
      const text = make(n);
      const s = steps(match, text);
      expect(s).toBeLessThanOrEqual(text.length * glob.length);
      return s;
    });
    expect(counts[0]!).toBeGreaterThan(500); // the name was really scanned
    expect(counts[1]!).toBeLessThanOrEqual(2 * counts[0]! + glob.length * 4);
    expect(counts[2]!).toBeLessThanOrEqual(2 * counts[1]! + glob.length * 4);
  });

  it.each(ADVERSARIAL)('%s: no expression sees more than one character', (glob, make) => {
    const match = compileIdentityGlob(glob)!;
    const text = make(400);
    expect(longestExpressionInput(() => match(text))).toBeLessThanOrEqual(2);
    expect(longestExpressionInput(() => match(`x <${text}@example.com>`))).toBeLessThanOrEqual(2);
  });

  it('watches expressions for real: one run on a long text is seen', () => {
    expect(longestExpressionInput(() => /a*b/.test('a'.repeat(50)))).toBe(50);
  });
});

describe('path globs: no expression sees more than one character', () => {
  it('on paths built to make a backtracking matcher stall', () => {
    const m = compilePathMatcher(
      ['**/a/**/a/**/a/**/b', '*a*a*a*a*a*b', '**/*a*a*a*/**/*a*a*b*/**/c', 'x/**/[ab]*a*a*c'],
      ['**/[!a]*a?a*z'],
    );
    const deep = Array.from({ length: 200 }, () => 'a').join('/');
    const wide = 'a'.repeat(400);
    for (const path of [deep, wide, `${deep}/${wide}`, `x/${deep}/${wide}`]) {
      expect(longestExpressionInput(() => m(path))).toBeLessThanOrEqual(2);
    }
  });
});
