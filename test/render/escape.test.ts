import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  codeSpan,
  escapeInline,
  formatCount,
  neutraliseMarkers,
  plainText,
  truncate,
} from '../../src/render/escape.js';
import { COMMENT_MARKER } from '../../src/model/names.js';
import { markupOf, renderedText, tokensOf } from './github-markdown.js';
import { NASTY } from './verdicts.js';

/**
 * Inert inline markdown: every ASCII punctuation character is backslash-escaped, except in the
 * entities escapeInline writes and `@`, which must be followed by a zero-width space.
 */
const INERT = /^(?:\\[!-/:-@[-`{-~]|&(?:amp|lt|gt|#124|#8203);|@&#8203;|[^!-/:-@[-`{-~\n\r])*$/u;

/** The text GitHub renders (mentions are found in this text), as a CommonMark reader sees it. */
const rendered = renderedText;

/** What a reader sees: the rendered text without zero-width spaces. */
function shown(markdown: string): string {
  return rendered(markdown).replace(/\u200B/g, '');
}

const CODE = /^(`+) (.+) \1$/su;

describe('escapeInline', () => {
  it.each([
    ['<b>bold</b>', '&lt;b&gt;bold&lt;\\/b&gt;'],
    ['a | b', 'a &#124; b'],
    ['`x`', '\\`x\\`'],
    ['@alice', '@&#8203;alice'],
    ['@acme/payments-seniors', '@&#8203;acme\\/payments\\-seniors'],
    ['#1', '\\#&#8203;1'],
    ['GH-12', 'GH\\-&#8203;12'],
    ['https://x.io', 'https&#8203;\\:\\/\\/x\\.io'],
    ['www.x.io', 'www&#8203;\\.x\\.io'],
    ['[a](javascript:alert(1))', '\\[a\\]\\(javascript\\:alert\\(1\\)\\)'],
    ['a & b', 'a &amp; b'],
    ['&#64;alice', '&amp;\\#&#8203;64\\;alice'],
    ['*x* _y_ ~z~', '\\*x\\* \\_y\\_ \\~z\\~'],
    ['one\ntwo\r\n\r\nthree', 'one two three'],
    ['tab\there', 'tab here'],
    ['bell\u0007\u001b[31m\u0000\u009b', 'bell\\[31m'],
    ['\u202Eevil\u2066', 'evil'],
    ['  padded  ', 'padded'],
    ['', ''],
  ])('%j → %j', (input, expected) => {
    expect(escapeInline(input)).toBe(expected);
  });

  it('never lets an @mention or issue reference through', () => {
    const out = rendered(escapeInline('ping @alice, @acme/team, a@b.io, #12, x#3, GH-4'));
    expect(out).toBe(
      'ping @\u200Balice, @\u200Bacme/team, a@\u200Bb.io, #\u200B12, x#\u200B3, GH-\u200B4',
    );
    expect(out).not.toMatch(/@[A-Za-z0-9]/);
    expect(out).not.toMatch(/#\d/);
    expect(out).not.toMatch(/GH-\d/i);
  });

  it('cannot forge the comment marker', () => {
    const out = escapeInline(COMMENT_MARKER);
    expect(out).not.toContain('<!--');
    expect(out).not.toContain('-->');
    expect(out).not.toContain('<');
  });

  it('bounds length with an ellipsis, counting characters, not UTF-16 units', () => {
    expect(shown(escapeInline('x'.repeat(500)))).toBe(`${'x'.repeat(199)}…`);
    expect(shown(escapeInline('x'.repeat(500), 10))).toBe(`${'x'.repeat(9)}…`);
    const emoji = shown(escapeInline('😀'.repeat(300), 50));
    expect(Array.from(emoji)).toHaveLength(50);
    expect(emoji.endsWith('😀…')).toBe(true);
    expect(escapeInline('x'.repeat(200))).toBe('x'.repeat(200));
  });

  it('is fast and bounded on huge input', () => {
    const huge = `${' '.repeat(1_000_000)}a${'\u0000'.repeat(1_000_000)}`;
    const started = Date.now();
    const out = escapeInline(huge, 50);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(out.length).toBeLessThanOrEqual(50);
    expect(out.endsWith('…')).toBe(true);
  });

  it.each(NASTY)('makes %j inert', (input) => {
    const out = escapeInline(input);
    expect(out).toMatch(INERT);
    expect(markupOf(out)).toEqual([]);
    expect(out).not.toMatch(/[\n\r]/);
  });

  it('is inert and shows the text as written, for any string', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (s) => {
        const out = escapeInline(s, 1000);
        expect(out).toMatch(INERT);
        expect(markupOf(out)).toEqual([]);
        expect(rendered(out)).not.toMatch(/@[A-Za-z0-9]|#\d|:\/\/|www\./i);
        expect(shown(out)).toBe(plainText(s, 1000).replace(/\u200B/g, ''));
      }),
      { numRuns: 500 },
    );
  });
});

describe('codeSpan', () => {
  it('uses a fence longer than any run of backticks inside', () => {
    expect(codeSpan('plain')).toBe('` plain `');
    expect(codeSpan('a `b` c')).toBe('`` a `b` c ``');
    expect(codeSpan('```')).toBe('```` ``` ````');
    expect(codeSpan('`start')).toBe('`` `start ``');
  });

  it('escapes pipes for tables, and only for tables', () => {
    expect(codeSpan('a|b')).toBe('` a\\|b `');
    expect(codeSpan('a|b', { table: false })).toBe('` a|b `');
    expect(codeSpan('a\\|b')).toBe('` a\\\\|b `');
  });

  it('collapses newlines, strips control characters, bounds length', () => {
    expect(codeSpan('a\nb\r\nc\u001b[2J')).toBe('` a b c[2J `');
    expect(codeSpan('x'.repeat(500))).toBe(`\` ${'x'.repeat(199)}… \``);
    expect(codeSpan('x'.repeat(500), { max: 20 })).toBe(`\` ${'x'.repeat(19)}… \``);
  });

  it('never contains a comment delimiter', () => {
    const out = codeSpan(`${COMMENT_MARKER} -->`);
    expect(out).not.toContain('<!--');
    expect(out).not.toContain('-->');
  });

  it('leaves @mentions and references alone: GitHub does not link inside code', () => {
    expect(codeSpan('@alice #1')).toBe('` @alice #1 `');
  });

  it('shows an empty value as such', () => {
    expect(codeSpan('')).toBe('*(empty)*');
    expect(codeSpan(' \n ')).toBe('*(empty)*');
  });

  it('cannot be broken out of, for any string', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), fc.boolean(), (s, table) => {
        const out = codeSpan(s, { max: 1000, table });
        if (plainText(s, 1000) === '') return;
        const m = CODE.exec(out);
        expect(m).not.toBeNull();
        const [, fence, inner] = m as unknown as [string, string, string];
        for (const run of inner.match(/`+/g) ?? []) expect(run.length).not.toBe(fence.length);
        expect(inner).not.toMatch(/[\n\r]/);
        expect(inner).not.toContain('<!--');
        expect(inner).not.toContain('-->');
        // As a CommonMark reader sees it: one code span holding the value, in a table cell too.
        const value = neutraliseMarkers(plainText(s, 1000));
        const context = table ? `| a |\n| --- |\n| ${out} |` : `before ${out} after`;
        const tokens = tokensOf(context).filter((t) => t.type !== 'inline');
        const code = tokens.filter((t) => t.type === 'code_inline').map((t) => t.content);
        expect(code).toEqual([value]);
        expect(tokens.filter((t) => t.type === 'td_open')).toHaveLength(table ? 1 : 0);
        if (table) {
          expect(inner).not.toMatch(/(^|[^\\])\|/);
          expect(inner.replace(/\\\|/g, '|')).toBe(neutraliseMarkers(plainText(s, 1000)));
        } else {
          expect(inner).toBe(neutraliseMarkers(plainText(s, 1000)));
        }
      }),
      { numRuns: 500 },
    );
  });
});

describe('neutraliseMarkers', () => {
  it('breaks every opener and closer', () => {
    for (const s of [COMMENT_MARKER, '<!---->', '<!--<!---->-->', 'a-->b', '<!-->']) {
      const out = neutraliseMarkers(s);
      expect(out).not.toContain('<!--');
      expect(out).not.toContain('-->');
      expect(out.replace(/\u200B/g, '')).toBe(s);
    }
  });

  it('leaves other text untouched', () => {
    expect(neutraliseMarkers('a -> b <! c')).toBe('a -> b <! c');
  });
});

describe('plainText and helpers', () => {
  it('removes terminal escape sequences’ control characters', () => {
    expect(plainText('\u001b]0;title\u0007\u001b[2Jx')).toBe(']0;title[2Jx');
  });

  it('replaces lone surrogates', () => {
    expect(plainText('a\uD800b')).toBe('a\uFFFDb');
  });

  it('truncates to at least one character', () => {
    expect(truncate('abc', 0)).toBe('…');
    expect(truncate('abc', 3)).toBe('abc');
    expect(truncate('abcd', 3)).toBe('ab…');
  });

  it('formats counts the same everywhere', () => {
    expect(formatCount(3412)).toBe('3,412');
    expect(formatCount(100000)).toBe('100,000');
    expect(formatCount(7)).toBe('7');
  });
});
