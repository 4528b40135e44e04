import { describe, expect, it } from 'vitest';
import { compileIdentityGlob, identityMatchSteps } from '../../src/detect/globs.js';

/**
 * The co-author glob matcher's time bound, proven by counting its steps rather than timing it, on
 * globs that make a backtracking expression take time exponential in their wildcards. If a
 * minimatch upgrade wrote its expressions so that the piecewise scanner no longer recognised them,
 * these segments would fall back to minimatch's whole expression: that is counted too, and fails.
 */
const ADVERSARIAL: [string, (n: number) => string][] = [
  ['*a*a*a*b', (n) => 'a'.repeat(n)],
  ['{*a,*b}*{c,d}*{e,f}*z', (n) => `${'ab'.repeat(n / 2)}@`],
  ['*@*.*.*.*.*q', (n) => `@${'.'.repeat(n)}`],
  ['*a?a?a?c*', (n) => 'ab'.repeat(n / 2)],
];

function run(glob: string, text: string): { steps: number; wholeSegment: number } {
  const match = compileIdentityGlob(glob)!;
  const before = { ...identityMatchSteps };
  match(text);
  return {
    steps: identityMatchSteps.steps - before.steps,
    wholeSegment: identityMatchSteps.wholeSegment - before.wholeSegment,
  };
}

describe('co-author globs: the time bound, counted in steps', () => {
  it.each(ADVERSARIAL)('%s: scanned piece by piece, in steps linear in the name', (glob, make) => {
    const counts = [1000, 2000, 4000].map((n) => {
      const text = make(n);
      const r = run(glob, text);
      expect(r.wholeSegment).toBe(0);
      expect(r.steps).toBeLessThanOrEqual(text.length * glob.length);
      return r.steps;
    });
    expect(counts[0]!).toBeGreaterThan(0); // the pieces were really placed
    expect(counts[1]!).toBeLessThanOrEqual(2 * counts[0]! + glob.length * 4);
    expect(counts[2]!).toBeLessThanOrEqual(2 * counts[1]! + glob.length * 4);
  });

  it('counts a whole-segment expression where one is used (one wildcard run, which is safe)', () => {
    expect(run('*@example.com', 'x@example.com')).toEqual({ steps: 0, wholeSegment: 1 });
  });
});
