import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { markdownToHtml, parseMarkdown } from '../../src/demo/markdown.js';
import { displayWidth, markdownToText, terminalSafe } from '../../src/demo/terminal-text.js';
import { codeSpan, escapeInline, neutraliseMarkers, plainText } from '../../src/render/escape.js';
import { escapeHtml } from '../../src/render/html.js';

/** The text a reader sees in an HTML fragment: tags dropped, entities decoded. */
function visibleText(html: string): string {
  return html
    .replace(/<[^>]*>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
}

const ZERO_WIDTH = /[\u200B\u2060]/g;

describe('blocks', () => {
  it('reads headings, paragraphs, rules and fenced code', () => {
    expect(
      markdownToHtml('## AI Governance audit\n\nSome *text*.\n\n---\n\n```ts\na < b\n```'),
    ).toBe(
      '<h2>AI Governance audit</h2>\n<p>Some <em>text</em>.</p>\n<hr>\n<pre><code>a &lt; b\n</code></pre>',
    );
    expect(markdownToHtml('### History ###')).toBe('<h3>History</h3>');
    expect(markdownToHtml('#5 is not a heading')).toBe('<p>#5 is not a heading</p>');
    expect(markdownToHtml('\\# not a heading')).toBe('<p># not a heading</p>');
  });

  it('reads tables with alignment, escaped pipes and code spans in cells', () => {
    const md = [
      '| Rule | Files | Missing |',
      '| :--- | :---: | ---: |',
      '| ✅ payments | ` a\\|b.ts ` | 0 |',
      '| x &#124; y | **2** |',
    ].join('\n');
    expect(markdownToHtml(md)).toBe(
      [
        '<table>',
        '<thead>',
        '<tr>',
        '<th style="text-align:left">Rule</th>',
        '<th style="text-align:center">Files</th>',
        '<th style="text-align:right">Missing</th>',
        '</tr>',
        '</thead>',
        '<tbody>',
        '<tr>',
        '<td style="text-align:left">✅ payments</td>',
        '<td style="text-align:center"><code>a|b.ts</code></td>',
        '<td style="text-align:right">0</td>',
        '</tr>',
        '<tr>',
        '<td style="text-align:left">x | y</td>',
        '<td style="text-align:center"><strong>2</strong></td>',
        '<td style="text-align:right"></td>',
        '</tr>',
        '</tbody>',
        '</table>',
      ].join('\n'),
    );
  });

  it('does not take a line with pipes for a table without a delimiter row', () => {
    expect(parseMarkdown('a | b\nc | d').map((b) => b.type)).toEqual(['paragraph']);
    expect(parseMarkdown('| a | b |\n| --- |').map((b) => b.type)).toEqual(['paragraph']);
  });

  it('lets a table follow a paragraph line directly', () => {
    expect(parseMarkdown('Intro\n| a |\n| --- |\n| 1 |').map((b) => b.type)).toEqual([
      'paragraph',
      'table',
    ]);
  });

  it('splits rows on pipes that are not escaped', () => {
    const [table] = parseMarkdown('| a | b\\|c | `d` |\n| - | - | - |');
    expect(table).toEqual({
      type: 'table',
      align: [null, null, null],
      head: [
        [{ type: 'text', text: 'a' }],
        [{ type: 'text', text: 'b|c' }],
        [{ type: 'code', text: 'd' }],
      ],
      rows: [],
    });
  });

  it('reads bullet and numbered lists, nested and with continuation lines', () => {
    const md = '- one\n- two\n  - two.a\n  more of two.a\n- three\n\n3. c\n4. d';
    expect(markdownToHtml(md)).toBe(
      '<ul>\n<li>one</li>\n<li>two\n<ul>\n<li>two.a\nmore of two.a</li>\n</ul>\n</li>\n<li>three</li>\n</ul>\n' +
        '<ol start="3">\n<li>c</li>\n<li>d</li>\n</ol>',
    );
  });

  it('keeps paragraphs inside a loose list item', () => {
    expect(markdownToHtml('- a\n\n  b')).toBe('<ul>\n<li>\n<p>a</p>\n<p>b</p>\n</li>\n</ul>');
  });

  it('reads block quotes', () => {
    expect(markdownToHtml('> quoted **bold**\n> more')).toBe(
      '<blockquote>\n<p>quoted <strong>bold</strong>\nmore</p>\n</blockquote>',
    );
  });

  it('hides HTML comments, one line or many, and keeps text after one', () => {
    const md =
      '<!-- ai-governance:audit-comment -->\n<!-- ai-governance:history v1\n[{"a":1}]\n-->\n\n## Audit';
    expect(markdownToHtml(md)).toBe('<h2>Audit</h2>');
    expect(markdownToHtml('<!-- x --> after')).toBe('<p>after</p>');
    expect(markdownToHtml('<!-- never closed\nstill hidden')).toBe('');
    expect(markdownToHtml('before <!-- hidden --> after')).toBe('<p>before  after</p>');
  });

  it('survives deep nesting without running away', () => {
    const deep = `${'> '.repeat(200)}x\n${'- '.repeat(200)}y\n${'*'.repeat(500)}z${'*'.repeat(500)}`;
    expect(() => markdownToHtml(deep)).not.toThrow();
    expect(visibleText(markdownToHtml(deep))).toContain('x');
  });
});

describe('inline', () => {
  it('reads strong, emphasis, strikethrough and code', () => {
    expect(markdownToHtml('**⏳ Held** and *… and 3 more.* ~~old~~ `a*b*`')).toBe(
      '<p><strong>⏳ Held</strong> and <em>… and 3 more.</em> <del>old</del> <code>a*b*</code></p>',
    );
    expect(markdownToHtml('***both***')).toBe('<p><em><strong>both</strong></em></p>');
    expect(markdownToHtml('snake_case_name and 2 * 3 * 4')).toBe(
      '<p>snake_case_name and 2 * 3 * 4</p>',
    );
    expect(markdownToHtml('**unclosed')).toBe('<p>**unclosed</p>');
  });

  it('strips one space on each side of a code span, and longer fences hold backticks', () => {
    expect(markdownToHtml('`` a`b `` and ` x `')).toBe(
      '<p><code>a`b</code> and <code>x</code></p>',
    );
    expect(markdownToHtml('`unclosed')).toBe('<p>`unclosed</p>');
  });

  it('decodes entities and backslash escapes, and leaves unknown entities as text', () => {
    expect(visibleText(markdownToHtml('&lt;b&gt; &amp; &#124; &#x41; @&#8203;x &bogus; \\*'))).toBe(
      '<b> & | A @\u2060x &bogus; *',
    );
    expect(markdownToHtml('&#0; &#xD800;')).toBe('<p>\uFFFD \uFFFD</p>');
  });

  it('keeps link targets only for http, https and mailto', () => {
    expect(markdownToHtml('[the policy reference](https://example.com/a?b=1&c="2")')).toBe(
      '<p><a href="https://example.com/a?b=1&amp;c=%222%22" rel="noopener noreferrer">the policy reference</a></p>',
    );
    expect(markdownToHtml('[x](javascript:alert(1))')).toBe('<p>[x](javascript:alert(1))</p>');
    expect(markdownToHtml('[x](data:text/html,hi)')).toBe('<p>[x](data:text/html,hi)</p>');
    expect(markdownToHtml('![img](https://evil.test/x.png)')).not.toContain('<img');
    expect(markdownToHtml('[not a link]')).toBe('<p>[not a link]</p>');
  });

  it('turns trailing double spaces and backslashes into line breaks', () => {
    expect(markdownToHtml('a  \nb\\\nc\nd')).toBe('<p>a<br>\nb<br>\nc\nd</p>');
  });

  it('never lets HTML through', () => {
    const html = markdownToHtml(
      '<script>alert(1)</script>\n\n<img src=x onerror=alert(1)>\n\n| <b>x</b> |\n| --- |\n| <i>y</i> |',
    );
    expect(html).not.toMatch(/<(script|img|b|i)\b/);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });
});

describe('safety and fidelity, for any input', () => {
  const ALLOWED = new Set([
    'p', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'ul', 'ol', 'li', 'table', 'thead', 'tbody', 'tr',
    'th', 'td', 'code', 'pre', 'strong', 'em', 'del', 'a', 'br', 'hr', 'blockquote',
  ]); // prettier-ignore
  const ATTRIBUTES =
    /^(?: style="text-align:(?:left|center|right)"| start="\d+"| href="(?:https?:\/\/|mailto:)[^"<>]*" rel="noopener noreferrer")?$/i;
  const markdownish = fc.stringMatching(
    /^(?:[-*_`|#>:!\[\]()<>&;\\ \n\t=~.0-9a-z@]|<!--|-->|&amp;|&#124;|javascript:|https:\/\/|```|\| --- \|)*$/,
  );

  it('emits only known tags with known attributes', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), markdownish), (md) => {
        const html = markdownToHtml(md);
        for (const m of html.matchAll(/<\/?([a-zA-Z0-9]+)([^>]*)>/g)) {
          expect(ALLOWED.has(m[1]!)).toBe(true);
          if (m[0].startsWith('</')) expect(m[2]).toBe('');
          else expect(m[2]).toMatch(ATTRIBUTES);
        }
        // Every `<` that is not one of those tags was escaped.
        expect(html.replace(/<\/?[a-z0-9]+[^>]*>/g, '')).not.toContain('<');
      }),
      { numRuns: 500 },
    );
  });

  it('shows text escaped by the app exactly as it was written', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), (s) => {
        const expected = neutraliseMarkers(plainText(s)).replace(ZERO_WIDTH, '');
        const shown = visibleText(markdownToHtml(`Before ${escapeInline(s)} after`));
        expect(shown.replace(ZERO_WIDTH, '')).toBe(
          expected === '' ? 'Before  after' : `Before ${expected} after`,
        );
      }),
      { numRuns: 1000 },
    );
  });

  it('shows values in code spans exactly, in paragraphs and in table cells', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 60 }), (s) => {
        const value = neutraliseMarkers(plainText(s));
        fc.pre(value !== '');
        const para = markdownToHtml(`Path ${codeSpan(s, { table: false })}`);
        expect(para).toBe(`<p>Path <code>${escapeHtml(value)}</code></p>`);
        const table = markdownToHtml(
          `| a | b |\n| --- | --- |\n| ${codeSpan(s)} | ${escapeInline(s)} |`,
        );
        const cells = [...table.matchAll(/<td>(.*?)<\/td>/g)].map((m) => m[1]!);
        expect(cells).toHaveLength(2);
        expect(cells[0]).toBe(`<code>${escapeHtml(value)}</code>`);
        expect(visibleText(cells[1]!).replace(ZERO_WIDTH, '')).toBe(value.replace(ZERO_WIDTH, ''));
      }),
      { numRuns: 1000 },
    );
  });

  it('prints nothing that could drive the terminal', () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        const text = markdownToText(`${s}\n\n| ${s} |\n| --- |\n| ${s} |`);
        expect(text).not.toMatch(/[\u0000-\u0009\u000B-\u001F\u007F-\u009F]/);
      }),
      { numRuns: 500 },
    );
  });
});

describe('terminal text', () => {
  it('draws tables as boxes, aligned by display width', () => {
    const md =
      '| Outcome | By |\n| --- | --- |\n| ✅ passed | @&#8203;omar |\n| ⚠️ overridden | — |';
    expect(markdownToText(md)).toBe(
      [
        '┌───────────────┬───────┐',
        '│ Outcome       │ By    │',
        '├───────────────┼───────┤',
        '│ ✅ passed     │ @omar │',
        '│ ⚠️ overridden │ —     │',
        '└───────────────┴───────┘',
      ].join('\n'),
    );
  });

  it('lists the rows of a table too wide for the terminal', () => {
    const md = `| Rule | Detail |\n| --- | --- |\n| payments | ${'x'.repeat(50)} |`;
    expect(markdownToText(md, { width: 40 })).toBe(`• Rule: payments\n  Detail: ${'x'.repeat(50)}`);
  });

  it('writes headings, lists and emphasis without markup, colouring only when asked', () => {
    const md = '### Reviews\n\n- **@&#8203;maya** is the author\n- `a.ts`\n\n1. first';
    expect(markdownToText(md)).toBe(
      'Reviews\n───────\n\n• @maya is the author\n• a.ts\n\n1. first',
    );
    expect(markdownToText('**b** `c`', { color: true })).toBe(
      '\u001b[1mb\u001b[0m \u001b[36mc\u001b[0m',
    );
    expect(markdownToText('[docs](https://example.com/d)')).toBe('docs (https://example.com/d)');
  });

  it('measures display width', () => {
    expect(displayWidth('abc')).toBe(3);
    expect(displayWidth('✅')).toBe(2);
    expect(displayWidth('⚠️')).toBe(2);
    expect(displayWidth('@\u200Bx')).toBe(2);
    expect(displayWidth('日本')).toBe(4);
  });

  it('removes control characters and zero-width spaces', () => {
    expect(terminalSafe('a\u001b[31mb\u0007c\u200Bd\ne')).toBe('a[31mbcd\ne');
  });
});
