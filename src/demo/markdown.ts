/**
 * The markdown the app writes, shown two ways: as HTML for the demo page and as plain terminal
 * text. Reading is markdown-it's (a maintained CommonMark implementation with GitHub's tables,
 * strikethrough and autolinks), so the page shows what GitHub's own reader makes of the app's
 * output, not what a reader of the project's own would.
 *
 * No raw HTML ever passes through. markdown-it recognises HTML as GitHub does (so that comments
 * are hidden, as GitHub hides them), and every renderer rule that would copy HTML out is replaced:
 * a comment is dropped, any other tag is shown as escaped text. Images are off, and a link keeps
 * its target only when it is http, https or mailto.
 */

import MarkdownIt from 'markdown-it';
import type Token from 'markdown-it/lib/token.mjs';
import { escapeHtml } from '../render/html.js';

export type Inline =
  | { type: 'text'; text: string }
  | { type: 'code'; text: string }
  | { type: 'strong'; children: Inline[] }
  | { type: 'em'; children: Inline[] }
  | { type: 'del'; children: Inline[] }
  | { type: 'link'; href: string | null; children: Inline[] }
  | { type: 'break' };

export type Align = 'left' | 'center' | 'right' | null;

export type Block =
  | { type: 'heading'; level: number; children: Inline[] }
  | { type: 'paragraph'; children: Inline[] }
  | { type: 'list'; ordered: boolean; start: number; items: Block[][] }
  | { type: 'table'; align: Align[]; head: Inline[][]; rows: Inline[][][] }
  | { type: 'code'; lang: string; text: string }
  | { type: 'quote'; children: Block[] }
  | { type: 'rule' };

// ---------------------------------------------------------------------------------------------
// Reading

const md = new MarkdownIt('default', { html: true, linkify: true, typographer: false });
// Nesting deeper than this is cut off rather than overflowing the stack (an option the type
// declarations leave out).
Object.assign(md.options, { maxNesting: 500 });
md.disable(['image']);
md.linkify.set({ fuzzyLink: false });
md.validateLink = (url) => /^(?:https?:\/\/|mailto:)/i.test(url.trim());

const COMMENT = /<!--[\s\S]*?(?:-->|$)/g;
const isComment = (html: string) => html.replace(COMMENT, '').trim() === '';

const rules = md.renderer.rules;
// The app puts a zero-width space after `@` so that GitHub links no mention. A word joiner looks
// the same and keeps `@org/team` from breaking across lines.
rules.text = (tokens, i) => escapeHtml(tokens[i]!.content.replace(/@\u200B/g, '@\u2060'));
rules.html_inline = (tokens, i) => {
  const html = tokens[i]!.content;
  return isComment(html) ? '' : escapeHtml(html);
};
rules.html_block = (tokens, i) => {
  const rest = tokens[i]!.content.replace(COMMENT, '').trim();
  return rest === '' ? '' : `<p>${escapeHtml(rest)}</p>\n`;
};
rules.code_inline = (tokens, i) => `<code>${escapeHtml(tokens[i]!.content)}</code>`;
rules.s_open = () => '<del>';
rules.s_close = () => '</del>';
rules.code_block = (tokens, i) => `<pre><code>${escapeHtml(tokens[i]!.content)}</code></pre>\n`;
rules.fence = rules.code_block;
rules.link_open = (tokens, i, options, _env, self) => {
  tokens[i]!.attrSet('rel', 'noopener noreferrer');
  return self.renderToken(tokens, i, options);
};

/** The markdown as HTML, every piece of text escaped. */
export function markdownToHtml(markdown: string): string {
  return md.render(String(markdown ?? '')).trimEnd();
}

/** Reads markdown into blocks (for the terminal). Never throws. */
export function parseMarkdown(markdown: string): Block[] {
  const tokens = md.parse(String(markdown ?? ''), {});
  return readBlocks(tokens, { at: 0 }, null);
}

interface Cursor {
  at: number;
}

/** Blocks up to the closing token of type `until` (or the end), which is consumed. */
function readBlocks(tokens: Token[], c: Cursor, until: string | null): Block[] {
  const out: Block[] = [];
  while (c.at < tokens.length) {
    const t = tokens[c.at++]!;
    if (t.type === until) break;
    switch (t.type) {
      case 'heading_open':
        out.push({ type: 'heading', level: Number(t.tag.slice(1)), children: inlineOf(tokens, c) });
        c.at++; // heading_close
        break;
      case 'paragraph_open':
        out.push({ type: 'paragraph', children: inlineOf(tokens, c) });
        c.at++; // paragraph_close
        break;
      case 'html_block': {
        const rest = t.content.replace(COMMENT, '').trim();
        if (rest !== '') out.push({ type: 'paragraph', children: [{ type: 'text', text: rest }] });
        break;
      }
      case 'fence':
      case 'code_block':
        out.push({ type: 'code', lang: t.info.trim(), text: t.content.replace(/\n$/, '') });
        break;
      case 'hr':
        out.push({ type: 'rule' });
        break;
      case 'blockquote_open':
        out.push({ type: 'quote', children: readBlocks(tokens, c, 'blockquote_close') });
        break;
      case 'bullet_list_open':
      case 'ordered_list_open': {
        const close = t.type.replace('_open', '_close');
        const items: Block[][] = [];
        while (c.at < tokens.length && tokens[c.at]!.type === 'list_item_open') {
          c.at++;
          items.push(readBlocks(tokens, c, 'list_item_close'));
        }
        if (tokens[c.at]?.type === close) c.at++;
        const ordered = t.type === 'ordered_list_open';
        out.push({ type: 'list', ordered, start: Number(t.attrGet('start') ?? 1), items });
        break;
      }
      case 'table_open':
        out.push(readTable(tokens, c));
        break;
    }
  }
  return out;
}

function readTable(tokens: Token[], c: Cursor): Block {
  const table: Extract<Block, { type: 'table' }> = { type: 'table', align: [], head: [], rows: [] };
  let inHead = false;
  let row: Inline[][] = [];
  while (c.at < tokens.length) {
    const t = tokens[c.at++]!;
    if (t.type === 'table_close') break;
    if (t.type === 'thead_open' || t.type === 'thead_close') inHead = t.type === 'thead_open';
    else if (t.type === 'tr_open') row = [];
    else if (t.type === 'tr_close') {
      if (inHead) table.head = row;
      else table.rows.push(row);
    } else if (t.type === 'th_open' || t.type === 'td_open') {
      if (inHead) {
        const style = /text-align:\s*(left|center|right)/.exec(t.attrGet('style') ?? '');
        table.align.push((style?.[1] as Align | undefined) ?? null);
      }
      row.push(inlineOf(tokens, c));
    }
  }
  return table;
}

/** The inline token at the cursor (if any) as inline nodes. */
function inlineOf(tokens: Token[], c: Cursor): Inline[] {
  const t = tokens[c.at];
  if (t?.type !== 'inline') return [];
  c.at++;
  return readInline(t.children ?? [], { at: 0 }, null);
}

const WRAPPERS: Record<string, 'strong' | 'em' | 'del'> = {
  strong_open: 'strong',
  em_open: 'em',
  s_open: 'del',
};

function readInline(tokens: Token[], c: Cursor, until: string | null): Inline[] {
  const out: Inline[] = [];
  const text = (s: string) => {
    const last = out[out.length - 1];
    if (last?.type === 'text') last.text += s;
    else if (s !== '') out.push({ type: 'text', text: s });
  };
  while (c.at < tokens.length) {
    const t = tokens[c.at++]!;
    if (t.type === until) break;
    const wrapper = WRAPPERS[t.type];
    if (wrapper) {
      out.push({
        type: wrapper,
        children: readInline(tokens, c, t.type.replace('_open', '_close')),
      });
      continue;
    }
    switch (t.type) {
      case 'text':
        text(t.content);
        break;
      case 'softbreak':
        text('\n');
        break;
      case 'hardbreak':
        out.push({ type: 'break' });
        break;
      case 'code_inline':
        out.push({ type: 'code', text: t.content });
        break;
      case 'html_inline':
        if (!isComment(t.content)) text(t.content);
        break;
      case 'link_open':
        out.push({
          type: 'link',
          href: t.attrGet('href'),
          children: readInline(tokens, c, 'link_close'),
        });
        break;
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Terminal text

export interface TextOptions {
  /** Bold, dim and underline with ANSI codes. */
  color?: boolean;
  /** Tables wider than this are shown as one list item per row. Default 100. */
  width?: number;
}

// Control characters (line breaks aside) could move the cursor or rewrite the terminal.
const CONTROL = /[\u0000-\u0009\u000B-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/g;
const ZERO_WIDTH = /[\u200B-\u200D\u2060\uFEFF\uFE0E\uFE0F\u0300-\u036F]/;

/** Columns a string takes in a terminal: wide for East Asian and emoji, none for zero-width. */
export function displayWidth(s: string): number {
  let w = 0;
  const points = Array.from(s);
  points.forEach((ch, k) => {
    const cp = ch.codePointAt(0)!;
    if (ZERO_WIDTH.test(ch)) return;
    if (points[k + 1] === '\uFE0F') w += 2;
    else w += isWide(cp) ? 2 : 1;
  });
  return w;
}

const WIDE_EMOJI = new Set([
  0x231a, 0x231b, 0x23e9, 0x23ea, 0x23eb, 0x23ec, 0x23f0, 0x23f3, 0x25fd, 0x25fe, 0x2614, 0x2615,
  0x267f, 0x2693, 0x26a1, 0x26aa, 0x26ab, 0x26bd, 0x26be, 0x26c4, 0x26c5, 0x26ce, 0x26d4, 0x26ea,
  0x26f2, 0x26f3, 0x26f5, 0x26fa, 0x26fd, 0x2705, 0x270a, 0x270b, 0x2728, 0x274c, 0x274e, 0x2753,
  0x2754, 0x2755, 0x2757, 0x2795, 0x2796, 0x2797, 0x27b0, 0x27bf, 0x2b1b, 0x2b1c, 0x2b50, 0x2b55,
]);

function isWide(cp: number): boolean {
  return (
    WIDE_EMOJI.has(cp) ||
    (cp >= 0x1100 && cp <= 0x115f) ||
    (cp >= 0x2e80 && cp <= 0xa4cf) ||
    (cp >= 0xac00 && cp <= 0xd7a3) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0xfe30 && cp <= 0xfe4f) ||
    (cp >= 0xff00 && cp <= 0xff60) ||
    (cp >= 0xffe0 && cp <= 0xffe6) ||
    (cp >= 0x1f300 && cp <= 0x1f64f) ||
    (cp >= 0x1f900 && cp <= 0x1f9ff) ||
    (cp >= 0x20000 && cp <= 0x3fffd)
  );
}

/**
 * Text with control characters removed, safe to print. Zero-width spaces go too: in the app's
 * markdown they only keep GitHub from turning `@name` into a mention.
 */
export function terminalSafe(s: string): string {
  return s.replace(CONTROL, '').replace(/\u200B/g, '');
}

function inlineText(nodes: Inline[], paint: Paint): string {
  return nodes
    .map((n) => {
      switch (n.type) {
        case 'text':
          return terminalSafe(n.text).replace(/\n/g, ' ');
        case 'code':
          return paint('code', terminalSafe(n.text));
        case 'strong':
          return paint('bold', inlineText(n.children, paint));
        case 'em':
        case 'del':
          return inlineText(n.children, paint);
        case 'link': {
          const label = inlineText(n.children, paint);
          return n.href ? `${label} (${terminalSafe(n.href)})` : label;
        }
        case 'break':
          return '\n';
      }
    })
    .join('');
}

type Paint = (style: 'bold' | 'dim' | 'code', s: string) => string;

const ANSI = /\u001b\[[0-9;]*m/g;
const visible = (s: string) => displayWidth(s.replace(ANSI, ''));
const pad = (s: string, w: number, align: Align) => {
  const gap = Math.max(0, w - visible(s));
  if (align === 'right') return ' '.repeat(gap) + s;
  if (align === 'center') return ' '.repeat(gap >> 1) + s + ' '.repeat(gap - (gap >> 1));
  return s + ' '.repeat(gap);
};

function tableText(b: Extract<Block, { type: 'table' }>, paint: Paint, width: number): string[] {
  const head = b.head.map((c) => inlineText(c, paint).replace(/\n/g, ' '));
  const rows = b.rows.map((r) => r.map((c) => inlineText(c, paint).replace(/\n/g, ' ')));
  const widths = head.map((h, k) => Math.max(visible(h), ...rows.map((r) => visible(r[k] ?? ''))));
  const total = widths.reduce((a, w) => a + w + 3, 1);
  if (total > width) {
    // Too wide for the terminal: one item per row, each cell named by its column.
    return rows.map((r) => {
      const cells = r.map((c, k) => `${paint('dim', `${head[k]}:`)} ${c}`);
      return `• ${cells.join('\n  ')}`;
    });
  }
  const line = (l: string, m: string, r: string) =>
    paint('dim', l + widths.map((w) => '─'.repeat(w + 2)).join(m) + r);
  const row = (cells: string[], bold: boolean) =>
    paint('dim', '│') +
    cells
      .map((c, k) => ` ${pad(bold ? paint('bold', c) : c, widths[k]!, b.align[k] ?? null)} `)
      .join(paint('dim', '│')) +
    paint('dim', '│');
  return [
    line('┌', '┬', '┐'),
    row(head, true),
    line('├', '┼', '┤'),
    ...rows.map((r) => row(r, false)),
    line('└', '┴', '┘'),
  ];
}

function blocksText(blocks: Block[], paint: Paint, width: number): string[] {
  const out: string[] = [];
  for (const b of blocks) {
    if (out.length > 0) out.push('');
    switch (b.type) {
      case 'heading': {
        const text = inlineText(b.children, paint);
        out.push(paint('bold', text));
        if (b.level <= 2) out.push(paint('dim', '═'.repeat(Math.min(width, visible(text)))));
        else out.push(paint('dim', '─'.repeat(Math.min(width, visible(text)))));
        break;
      }
      case 'paragraph':
        out.push(...inlineText(b.children, paint).split('\n'));
        break;
      case 'rule':
        out.push(paint('dim', '─'.repeat(Math.min(width, 40))));
        break;
      case 'code':
        out.push(
          ...terminalSafe(b.text.replace(/\t/g, '  '))
            .split('\n')
            .map((l) => `    ${l}`),
        );
        break;
      case 'quote':
        out.push(
          ...blocksText(b.children, paint, width - 2).map((l) => `${paint('dim', '│')} ${l}`),
        );
        break;
      case 'list': {
        // Items are listed without blank lines between them.
        const lines: string[] = [];
        b.items.forEach((item, k) => {
          const bullet = b.ordered ? `${b.start + k}.` : '•';
          const body = blocksText(item, paint, width - bullet.length - 1).filter(
            (l, n, all) => l !== '' || (n > 0 && all[n - 1] !== ''),
          );
          body.forEach((l, n) =>
            lines.push(n === 0 ? `${bullet} ${l}` : `${' '.repeat(bullet.length + 1)}${l}`),
          );
        });
        out.push(...lines);
        break;
      }
      case 'table':
        out.push(...tableText(b, paint, width));
        break;
    }
  }
  return out;
}

/** The markdown as terminal text: no markup characters left, tables drawn as boxes. */
export function markdownToText(markdown: string, options: TextOptions = {}): string {
  return blocksToText(parseMarkdown(markdown), options);
}

/** Blocks read by parseMarkdown as terminal text. */
export function blocksToText(blocks: Block[], options: TextOptions = {}): string {
  const codes = { bold: '1', dim: '2', code: '36' } as const;
  const paint: Paint = (style, s) =>
    options.color && s !== '' ? `\u001b[${codes[style]}m${s}\u001b[0m` : s;
  return blocksText(blocks, paint, options.width ?? 100).join('\n');
}
