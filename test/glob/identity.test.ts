import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Minimatch } from 'minimatch';
import { compileIdentityGlob } from '../../src/glob/identity.js';

/**
 * The co-author matcher reads globs itself; minimatch's one expression for the glob is the oracle
 * (on short names, where its backtracking does no harm). Backslashes are left out: the policy
 * refuses them, and minimatch's expressions give some of them meanings no glob has (`a\\|`). The alphabets reach the corners of
 * minimatch's reading: classes that end early or never, POSIX classes (which switch the whole glob
 * to Unicode mode), dots at the start of a segment, negation, braces and case folding.
 */
const OPTIONS = { nocase: true, dot: true, noext: true, nocomment: true };

function oracle(glob: string, text: string): boolean {
  let re: RegExp | false;
  try {
    re = new Minimatch(glob, OPTIONS).makeRe();
  } catch {
    re = false;
  }
  return re === false ? false : re.test(text);
}

/** Pieces that stand in globs and in names alike: letters that fold, punctuation, astral text. */
const SHARED_PIECES = [
  'a',
  'A',
  'k',
  's',
  '.',
  '..',
  '*',
  '-',
  ',',
  '#',
  ' ',
  '@',
  '<',
  '>',
  'é',
  'ß',
  '\u212A',
  '\u017F',
  '\u{1F600}',
  '$',
  '[',
  ']',
];
const GLOB_PIECES = [
  ...SHARED_PIECES,
  '**',
  '?',
  '!',
  '/',
  '(',
  '|',
  '+(',
  '[ab]',
  '[!a]',
  '[^.]',
  '[A-Z]',
  '[a-]',
  '[-a]',
  '[]a]',
  '[!]a]',
  '[z-a]',
  '[.]',
  '[[]',
  '[[:alpha:]]',
  '[[:graph:]a]',
  '[![:digit:]]',
  '[a-[:alpha:]]',
  '[[:ascii:]]',
  '[[:xdigit:]]',
  '[\u{1F600}]',
  '{a,b}',
  '{,x}',
  '{.,*}',
  '{a..c}',
];
const TEXT_PIECES = [...SHARED_PIECES, 'b', 'K', 'S', 'É', '\uD83D', '\r', '\n', '1', '_'];

describe('co-author globs mean what minimatch means', () => {
  it('for names and emails built from the corners of its reading', { timeout: 60_000 }, () => {
    const glob = fc.array(fc.constantFrom(...GLOB_PIECES), { maxLength: 6 }).map((a) => a.join(''));
    const text = fc.array(fc.constantFrom(...TEXT_PIECES), { maxLength: 8 }).map((a) => a.join(''));
    fc.assert(
      fc.property(glob, fc.array(text, { minLength: 1, maxLength: 8 }), (g, texts) => {
        const test = compileIdentityGlob(g);
        for (const t of texts) {
          expect([g, t, test ? test(t) : false]).toEqual([g, t, oracle(g, t)]);
        }
      }),
      { numRuns: 6000 },
    );
  });

  it.each([
    ['*@cursor.com', 'cursoragent@CURSOR.com', true],
    ['devin*', 'Devin AI', true],
    ['[[:alpha:]]?', 'a\u{1F600}', true], // Unicode mode: `?` is one code point
    ['[ab]?', 'a\u{1F600}', false], // otherwise one UTF-16 unit
    ['*', '.', false],
    ['.*', '..', false],
    ['[.]', '.', true],
    ['!*x', 'abc', true],
    ['!*x', '', false],
    ['/..', '', false], // an empty segment is not removed by a `..` after it
    ['a/..', '', true],
  ])('%j against %j: %s', (g, t, expected) => {
    expect(compileIdentityGlob(g)!(t)).toBe(expected);
    expect(oracle(g, t)).toBe(expected);
  });
});
