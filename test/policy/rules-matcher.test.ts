import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Minimatch } from 'minimatch';
import { compileRulesMatcher, globProblem, type RuleGlobs } from '../../src/policy/globs.js';
import { makeGlobWorkload } from '../../src/policy/glob-workload.js';

const compiled = new Map<string, Minimatch>();
const mm = (path: string, pattern: string): boolean => {
  let m = compiled.get(pattern);
  if (!m) compiled.set(pattern, (m = new Minimatch(pattern, { dot: true })));
  return m.match(path);
};

/** What minimatch says: the rules with an include glob and no exclude glob matching the path. */
const oracle = (rules: readonly RuleGlobs[], path: string): number[] =>
  rules.flatMap((r, i) =>
    r.paths.some((g) => mm(path, g)) && !r.exclude.some((g) => mm(path, g)) ? [i] : [],
  );

describe('compileRulesMatcher', () => {
  it('says which rules match, each judged on its own includes and excludes', () => {
    const rules: RuleGlobs[] = [
      { paths: ['services/payments/**'], exclude: ['**/*.md'] },
      { paths: ['**/*.md', 'services/payments/api.ts'], exclude: [] },
      { paths: ['services/*/api.ts'], exclude: ['services/auth/**'] },
      { paths: [], exclude: [] },
      { paths: ['services/payments/api.ts'], exclude: ['services/payments/api.ts'] },
    ];
    const m = compileRulesMatcher(rules);
    expect(m('services/payments/api.ts')).toEqual([0, 1, 2]);
    expect(m('services/payments/README.md')).toEqual([1]);
    expect(m('services/auth/api.ts')).toEqual([]);
    expect(m('services/mail/api.ts')).toEqual([2]);
    expect(m('lib/x.ts')).toEqual([]);
    // A path no Git tree can hold goes to minimatch, rule by rule.
    expect(m('services/payments//a.md')).toEqual(oracle(rules, 'services/payments//a.md'));
    expect(m('./README.md')).toEqual(oracle(rules, './README.md'));
  });

  it('answers the benchmark workload as a policy of 20 rules exactly as minimatch', () => {
    const w = makeGlobWorkload(200, 3500);
    const rules: RuleGlobs[] = [];
    for (let r = 0; r * 10 < w.include.length; r++) {
      rules.push({
        paths: w.include.slice(r * 10, r * 10 + 10),
        exclude: w.exclude.slice(r, r + 1),
      });
    }
    expect(rules).toHaveLength(20);
    const m = compileRulesMatcher(rules);
    const got = w.paths.map((p) => m(p));
    expect(got).toEqual(w.paths.map((p) => oracle(rules, p)));
    // The workload exercises rules that match and rules that are excluded.
    expect(got.filter((r) => r.length > 1).length).toBeGreaterThan(100);
  });

  it('gives the answer minimatch gives, for random rules and paths', () => {
    const segment = fc.constantFrom('a', 'b', '.a', 'a.md', 'b-a', 'é');
    const treePath = fc.array(segment, { minLength: 1, maxLength: 5 }).map((a) => a.join('/'));
    const oddPath = fc.constantFrom('', 'a/', '/a', 'a//b', './a', 'a/../b', '.', 'a/./b');
    const glob = fc
      .array(fc.constantFrom('**', 'a', 'b', '*', '*.md', '?', '[ab]*', '{a,b}', '.a', 'é'), {
        minLength: 1,
        maxLength: 4,
      })
      .map((a) => a.join('/'))
      .filter((p) => globProblem(p) === null);
    const rule = fc.record({
      paths: fc.array(glob, { maxLength: 3 }),
      exclude: fc.array(glob, { maxLength: 2 }),
    });
    fc.assert(
      fc.property(
        fc.array(rule, { minLength: 1, maxLength: 5 }),
        fc.array(fc.oneof(treePath, oddPath), { maxLength: 15 }),
        (rules, paths) => {
          const m = compileRulesMatcher(rules);
          for (const p of paths) expect([p, m(p)]).toEqual([p, oracle(rules, p)]);
        },
      ),
      { numRuns: 1500 },
    );
  });

  it('throws on a pattern that globProblem rejects, in any rule', () => {
    expect(() =>
      compileRulesMatcher([
        { paths: ['a/**'], exclude: [] },
        { paths: ['/abs'], exclude: [] },
      ]),
    ).toThrow(/absolute/);
    expect(() =>
      compileRulesMatcher([
        { paths: ['a/**'], exclude: [] },
        { paths: ['b'], exclude: ['{1..100000}'] },
      ]),
    ).toThrow(/256/);
  });
});
