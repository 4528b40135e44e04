/**
 * The markdown the app writes, read into blocks and shown as HTML for the demo page (terminal
 * text is drawn from the blocks by terminal-text.ts). Reading is markdown-it's (a maintained CommonMark implementation with GitHub's tables,
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
