import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { braceExpand, minimatch } from 'minimatch';
import {
  compilePathMatcher,
  countMatches,
  estimateBraceAlternatives,
  globIssue,
  globProblem,
  identityGlobProblem,
  matchSteps,
} from '../../src/policy/globs.js';
import { makeGlobWorkload, runGlobWorkload } from '../../src/policy/glob-workload.js';

const mm = (path: string, pattern: string): boolean => minimatch(path, pattern, { dot: true });

describe('globProblem', () => {
  it.each([
    'services/payments/**',
    '**/*.md',
    '.github/workflows/*.yml',
    'docs/**/[a-z]*.md',
    'src/{api,web}/**',
    'file{1..9}.txt',
    'dir with spaces/**',
    'données/**',
    'a]b',
    'Makefile',
    '*',
    '**',
    '[[]x',
    'x{a,{b,c}}',
  ])('accepts %s', (p) => {
    expect(globProblem(p)).toBeNull();
  });

  it.each([
    ['', 'is empty'],
    ['   ', 'is empty'],
    ['/src/**', 'is an absolute path'],
    ['./src/**', 'starts with `./`'],
    ['src/', 'ends with `/`'],
    ['src//a', 'empty directory name'],
    ['src/../a', '`.` or `..`'],
    ['src/./a', '`.` or `..`'],
    ['src\\a', 'backslash'],
    ['!src/**', 'starts with `!`'],
    ['#x', 'comment'],
    ['src/+(a|b)', 'extended glob'],
    ['src/@(a)', 'extended glob'],
    ['src/**.ts', '`**` inside a name'],
    ['a[bc', 'never closed'],
    ['a[]b', 'empty character class'],
    ['a[!]b', 'empty character class'],
    ['a[[:alpha:]]', '`[` inside a character class'],
    ['a[z-a]', 'invalid character class'],
    ['a{b', 'without a matching `}`'],
    ['a}b', 'without a matching `{`'],
    ['a{b}', 'neither a list'],
    ['a{}', 'neither a list'],
    ['{1..100000}', 'more than 256 alternatives'],
    ['{a,b}{c,d}{e,f}{g,h}{i,j}{k,l}{m,n}{o,p}{q,r}', 'more than 256 alternatives'],
    ['{./a,b}', 'has an alternative `./a`'],
    ['x'.repeat(1001), '1001 characters long'],
    ['a\nb', 'control character'],
    ['a\tb', 'control character'],
  ])('rejects %j (%s)', (p, fragment) => {
    expect(globProblem(p)).toContain(fragment);
    expect(globIssue(p)?.fix.length).toBeGreaterThan(5);
  });

  it('checks co-author globs for size and braces only', () => {
    expect(identityGlobProblem('*@cursor.com')).toBeNull();
    expect(identityGlobProblem('Claude <*@anthropic.com>')).toBeNull();
    expect(identityGlobProblem('')).toBe('is empty');
    expect(identityGlobProblem('{1..100000}@x')).toContain('more than 256');
  });
});

describe('estimateBraceAlternatives', () => {
  it.each([
    ['a', 1],
    ['{a,b}', 2],
    ['{a,b}{c,d}', 4],
    ['{{a,b},{c,d,e}}', 5],
    ['{1..10}', 10],
    ['{1..10..3}', 4],
    ['{a..e}', 5],
    ['{10..1}', 10],
  ])('%s → %d', (p, n) => {
    expect(estimateBraceAlternatives(p, 1e9)).toBe(n);
    expect(braceExpand(p)).toHaveLength(n);
  });

  it('stops at once on huge ranges and long products', () => {
    expect(estimateBraceAlternatives('{1..100000}')).toBe(Infinity);
    expect(estimateBraceAlternatives('{1..99999999999999999999999}')).toBe(Infinity);
    expect(estimateBraceAlternatives('{a,b}'.repeat(200))).toBe(Infinity);
  });

  it('never counts fewer alternatives than brace expansion makes, for accepted globs', () => {
    fc.assert(
      fc.property(
        fc
          .array(fc.constantFrom('{', '}', ',', 'a', '.', '1', '..', '$', '-'), { maxLength: 14 })
          .map((a) => a.join('')),
        (p) => {
          if (identityGlobProblem(p) !== null) return;
          expect(estimateBraceAlternatives(p, 1e9)).toBeGreaterThanOrEqual(braceExpand(p).length);
        },
      ),
      { numRuns: 20_000 },
    );
  });
});

describe('compilePathMatcher', () => {
  const match = (include: string[], exclude: string[] = []) => compilePathMatcher(include, exclude);

  it('matches dot files and dot directories (dot: true)', () => {
    const m = match(['**']);
    expect(m('.github/workflows/ci.yml')).toBe(true);
    expect(m('.env')).toBe(true);
    expect(match(['config/*'])('config/.secrets')).toBe(true);
    expect(match(['**/*.yml'])('.github/ci.yml')).toBe(true);
  });

  it('matches repository-relative paths only; no leading ./ or /', () => {
    const m = match(['src/**']);
    expect(m('src/a.ts')).toBe(true);
    expect(m('./src/a.ts')).toBe(false);
    expect(m('/src/a.ts')).toBe(false);
    expect(m('lib/src/a.ts')).toBe(false);
  });

  it('handles spaces and non-ASCII names literally and case-sensitively', () => {
    expect(match(['dir with spaces/**'])('dir with spaces/a b.txt')).toBe(true);
    expect(match(['données/*.csv'])('données/été.csv')).toBe(true);
    expect(match(['données/*.csv'])('Données/été.csv')).toBe(false);
    expect(match(['docs/?.md'])('docs/é.md')).toBe(true);
    // `?` is one UTF-16 unit, as in minimatch: an emoji outside the BMP needs two.
    expect(match(['docs/?.md'])('docs/😀.md')).toBe(false);
    expect(match(['docs/??.md'])('docs/😀.md')).toBe(true);
  });

  it('applies excludes after includes', () => {
    const m = match(['services/payments/**'], ['**/*.md', '**/__snapshots__/**']);
    expect(m('services/payments/api.ts')).toBe(true);
    expect(m('services/payments/README.md')).toBe(false);
    expect(m('services/payments/x/__snapshots__/a.snap')).toBe(false);
    expect(m('services/auth/api.ts')).toBe(false);
  });

  it('never matches with no include globs', () => {
    expect(match([])('a')).toBe(false);
  });

  it('follows minimatch on ** at either end', () => {
    expect(match(['a/**'])('a/b')).toBe(mm('a/b', 'a/**'));
    expect(match(['a/**'])('a')).toBe(mm('a', 'a/**'));
    expect(match(['**/b'])('b')).toBe(true);
    expect(match(['a/**/b'])('a/b')).toBe(true);
    expect(match(['a/**/b'])('a/x/y/b')).toBe(true);
    expect(match(['**/b/**'])('b')).toBe(mm('b', '**/b/**'));
  });

  it('throws on a pattern that globProblem rejects', () => {
    expect(() => match(['/abs'])).toThrow(/absolute/);
    expect(() => match(['ok/**'], ['{1..100000}'])).toThrow(/256/);
  });

  it('gives the answer minimatch gives, for random patterns and paths', () => {
    const segment = fc
      .array(fc.constantFrom('a', 'b', '.', '-', 'é', ' '), { minLength: 1, maxLength: 4 })
      .map((a) => a.join(''))
      .filter((s) => s !== '.' && s !== '..');
    const treePath = fc.array(segment, { minLength: 1, maxLength: 6 }).map((a) => a.join('/'));
    const oddPath = fc.constantFrom('', 'a/', '/a', 'a//b', './a', 'a/../b', '.', '..', 'a/./b');
    const globSegment = fc.oneof(
      fc.constant('**'),
      fc
        .array(
          fc.constantFrom(
            'a',
            'b',
            '.',
            'é',
            ' ',
            '*',
            '?',
            '[!ab]',
            '[a-c]',
            '[.-b]',
            '[^a]',
            '[[]',
            ']',
            '{a,b*}',
            '{,a}',
            '{a..c}',
          ),
          { minLength: 1, maxLength: 4 },
        )
        .map((a) => a.join('')),
    );
    const pattern = fc
      .array(globSegment, { minLength: 1, maxLength: 5 })
      .map((a) => a.join('/'))
      .filter((p) => globProblem(p) === null);
    fc.assert(
      fc.property(pattern, fc.array(fc.oneof(treePath, oddPath), { maxLength: 20 }), (p, paths) => {
        const m = compilePathMatcher([p], []);
        for (const path of paths) expect([p, path, m(path)]).toEqual([p, path, mm(path, p)]);
      }),
      { numRuns: 3000 },
    );
  });

  it('stays fast on paths built to make a backtracking matcher stall', () => {
    const m = compilePathMatcher(
      ['**/a/**/a/**/a/**/a/**/b', '*a*a*a*a*a*b', '**/*a*a*a*/**/*a*a*b*/**/c', 'x/**/[ab]*a*a*c'],
      [],
    );
    const deep = Array.from({ length: 2000 }, () => 'a').join('/');
    const wide = 'a'.repeat(4000);
    // The call must return at all; a naive regular expression takes minutes here.
    expect(m(deep)).toBe(false);
    expect(m(wide)).toBe(false);
    expect(m(`${deep}/${wide}`)).toBe(false);
    expect(m(`x/${deep}/${wide}`)).toBe(false);
  });

  it('answers the benchmark workload (200 globs, 3,500 paths) exactly as minimatch', () => {
    const w = makeGlobWorkload(200, 3500);
    expect(w.include).toHaveLength(200);
    expect(w.paths).toHaveLength(3500);
    const m = compilePathMatcher(w.include, w.exclude);
    const expected = w.paths.filter(
      (p) => w.include.some((g) => mm(p, g)) && !w.exclude.some((g) => mm(p, g)),
    );
    expect(w.paths.filter((p) => m(p))).toEqual(expected);
    expect(countMatches(m, w.paths)).toBe(expected.length);
    expect(runGlobWorkload(w)).toBe(expected.length);
    // Deterministic: the benchmark always sees the same input.
    expect(makeGlobWorkload(200, 3500)).toEqual(w);
  });
});

describe('the time bound, counted in steps rather than timed', () => {
  // Globs that make a backtracking matcher take time exponential in their wildcards.
  const ADVERSARIAL: [string, (n: number) => string][] = [
    ['*a*a*a*a*a*b*', (n) => 'a'.repeat(n)],
    ['*a?a?a?a?c*', (n) => 'ab'.repeat(n / 2)],
    ['x/**/[ab]*a*a*c*', (n) => `x/${'a/'.repeat(n / 4)}${'a'.repeat(n)}`],
    [
      '**/*a*a*a*/**/*a*a*b*/**/c',
      (n) => `${Array.from({ length: n / 5 }, () => 'aaaa').join('/')}/c`,
    ],
  ];

  // (minimatch itself is not asked about these paths: its expressions would take minutes.)
  const stepsFor = (glob: string, path: string): number => {
    const m = compilePathMatcher([glob], []);
    const before = matchSteps.count;
    m(path);
    return matchSteps.count - before;
  };

  it.each(ADVERSARIAL)(
    '%s: at most path × glob steps, growing linearly with the path',
    (glob, make) => {
      const counts = [1000, 2000, 4000].map((n) => {
        const path = make(n);
        const steps = stepsFor(glob, path);
        expect(steps).toBeLessThanOrEqual(path.length * glob.length);
        return steps;
      });
      // The path is really scanned (no shortcut answered it)...
      expect(counts[0]!).toBeGreaterThan(500);
      // ...and doubling the path at most doubles the work (plus a little for the globstar placements).
      expect(counts[1]!).toBeLessThanOrEqual(2 * counts[0]! + glob.length * 8);
      expect(counts[2]!).toBeLessThanOrEqual(2 * counts[1]! + glob.length * 8);
    },
  );

  it('counts real work, and answers these globs as minimatch does on short paths', () => {
    expect(stepsFor('*a?a*', 'xxaxaxx')).toBeGreaterThan(0);
    for (const [glob, make] of ADVERSARIAL) {
      const path = make(16);
      expect([glob, path, compilePathMatcher([glob], [])(path)]).toEqual([
        glob,
        path,
        mm(path, glob),
      ]);
    }
  });
});
