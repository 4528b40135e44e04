/**
 * A small, safe reader for the GitHub-flavoured markdown the app writes, and two ways to show it:
 * as HTML for the demo page and as plain terminal text.
 *
 * It covers the subset the app's check runs and audit comments use, and a little more: ATX
 * headings, paragraphs, bullet and numbered lists (nested), tables with alignment, fenced code,
 * block quotes, thematic breaks, hidden HTML comments, and inline code spans, emphasis, strong,
 * strikethrough, links, backslash escapes, entities and hard breaks.
 *
 * Safety comes from the structure: the reader turns the markdown into plain data whose text is
 * already decoded, and the HTML writer escapes every piece of text and every attribute it emits.
 * No raw HTML ever passes through: a tag in the input is shown as text, an HTML comment is
 * hidden, and a link keeps its target only when it is http, https or mailto.
 */

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

/** Nesting deeper than this (lists, quotes, emphasis) is read as plain text. */
const MAX_DEPTH = 16;

// ---------------------------------------------------------------------------------------------
// Blocks

const ATX = /^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$/;
const RULE = /^ {0,3}(?:(?:\*[ \t]*){3,}|(?:-[ \t]*){3,}|(?:_[ \t]*){3,})$/;
const FENCE = /^( {0,3})(`{3,}|~{3,})[ \t]*([^`\s]*)[^`]*$/;
const BULLET = /^( {0,3})([-*+])(?:([ \t]+)(.*)|)$/;
const ORDERED = /^( {0,3})(\d{1,9})([.)])(?:([ \t]+)(.*)|)$/;
const QUOTE = /^ {0,3}> ?(.*)$/;
const COMMENT_START = /^ {0,3}<!--/;
const DELIMITER_CELL = /^:?-+:?$/;

const isBlank = (line: string) => /^[ \t]*$/.test(line);

/** Reads markdown into blocks. Never throws; anything it does not recognise is text. */
export function parseMarkdown(markdown: string): Block[] {
  const text = String(markdown ?? '')
    .replace(/\r\n?/g, '\n')
    .replace(/\0/g, '\uFFFD');
  return parseBlocks(text.split('\n'), 0);
}

function parseBlocks(lines: string[], depth: number): Block[] {
  const blocks: Block[] = [];
  let i = 0;
  let para: string[] = [];
  const flush = () => {
    if (para.length > 0) blocks.push({ type: 'paragraph', children: parseInline(para, depth) });
    para = [];
  };

  while (i < lines.length) {
    const line = lines[i]!;
    if (isBlank(line)) {
      flush();
      i++;
      continue;
    }
    const deeper = depth < MAX_DEPTH;

    if (COMMENT_START.test(line)) {
      // An HTML comment block: hidden, up to the line that closes it (or the end).
      flush();
      const from = line.indexOf('<!--') + 4;
      let j = i;
      let closeAt = line.indexOf('-->', from);
      while (closeAt < 0 && j + 1 < lines.length) {
        j++;
        closeAt = lines[j]!.indexOf('-->');
      }
      const rest = closeAt >= 0 ? lines[j]!.slice(closeAt + 3) : '';
      if (!isBlank(rest)) blocks.push({ type: 'paragraph', children: parseInline([rest], depth) });
      i = j + 1;
      continue;
    }

    const atx = ATX.exec(line);
    if (atx) {
      flush();
      blocks.push({
        type: 'heading',
        level: atx[1]!.length,
        children: parseInline([atx[2] ?? ''], depth),
      });
      i++;
      continue;
    }

    if (RULE.test(line)) {
      // `---` under a paragraph would be a setext heading; the app never writes one, so it is a
      // rule either way.
      flush();
      blocks.push({ type: 'rule' });
      i++;
      continue;
    }

    const fence = FENCE.exec(line);
    if (fence) {
      flush();
      const indent = fence[1]!.length;
      const marker = fence[2]!;
      const body: string[] = [];
      let j = i + 1;
      const closing = new RegExp(
        `^ {0,3}${marker[0] === '`' ? '`' : '~'}{${marker.length},}[ \\t]*$`,
      );
      while (j < lines.length && !closing.test(lines[j]!)) {
        body.push(stripIndent(lines[j]!, indent));
        j++;
      }
      blocks.push({ type: 'code', lang: decodeText(fence[3] ?? ''), text: body.join('\n') });
      i = j + 1;
      continue;
    }

    if (QUOTE.test(line) && deeper) {
      flush();
      const inner: string[] = [];
      while (i < lines.length && !isBlank(lines[i]!)) {
        const q = QUOTE.exec(lines[i]!);
        if (!q && inner.length === 0) break;
        inner.push(q ? q[1]! : lines[i]!);
        i++;
      }
      blocks.push({ type: 'quote', children: parseBlocks(inner, depth + 1) });
      continue;
    }

    // A table may follow a paragraph directly: its header row is then the line read here.
    const table = readTable(lines, i, depth);
    if (table) {
      flush();
      blocks.push(table.block);
      i = table.next;
      continue;
    }

    const item = listMarker(line);
    if (item && deeper && (para.length === 0 || (item.content !== '' && item.start === 1))) {
      flush();
      const list = readList(lines, i, item, depth);
      blocks.push(list.block);
      i = list.next;
      continue;
    }

    para.push(line);
    i++;
  }
  flush();
  return blocks;
}

function stripIndent(line: string, n: number): string {
  let k = 0;
  while (k < n && line[k] === ' ') k++;
  return line.slice(k);
}

interface Marker {
  ordered: boolean;
  /** The bullet character, or the numbered list's `.` or `)`. */
  symbol: string;
  start: number;
  /** Columns before the item's content. */
  width: number;
  content: string;
}

function listMarker(line: string): Marker | null {
  const b = BULLET.exec(line);
  if (b) {
    const pad = b[3] ?? ' ';
    const width = b[1]!.length + 1 + (pad.length > 4 ? 1 : pad.length);
    return { ordered: false, symbol: b[2]!, start: 1, width, content: b[4] ?? '' };
  }
  const o = ORDERED.exec(line);
  if (o) {
    const pad = o[4] ?? ' ';
    const width = o[1]!.length + o[2]!.length + 1 + (pad.length > 4 ? 1 : pad.length);
    return {
      ordered: true,
      symbol: o[3]!,
      start: Number(o[2]),
      width,
      content: o[5] ?? '',
    };
  }
  return null;
}

function readList(
  lines: string[],
  from: number,
  first: Marker,
  depth: number,
): { block: Block; next: number } {
  const items: Block[][] = [];
  let i = from;
  let marker: Marker | null = first;
  while (marker && marker.ordered === first.ordered && marker.symbol === first.symbol) {
    const body = [marker.content];
    i++;
    let blankRun = 0;
    while (i < lines.length) {
      const line = lines[i]!;
      if (isBlank(line)) {
        blankRun++;
        body.push('');
        i++;
        continue;
      }
      const indent = line.length - line.trimStart().length;
      if (indent >= marker.width) {
        body.push(stripIndent(line, marker.width));
        blankRun = 0;
        i++;
        continue;
      }
      // A lazy continuation of the item's paragraph.
      if (blankRun === 0 && !listMarker(line) && !startsBlock(line)) {
        body.push(line.trimStart());
        i++;
        continue;
      }
      break;
    }
    // Trailing blank lines belong between the items, not to this one.
    while (body.length > 1 && body[body.length - 1] === '') {
      body.pop();
      i--;
    }
    items.push(parseBlocks(body, depth + 1));
    while (i < lines.length && isBlank(lines[i]!)) i++;
    marker = i < lines.length ? listMarker(lines[i]!) : null;
  }
  // Give back the blank lines skipped after the last item.
  while (i > from && isBlank(lines[i - 1] ?? 'x')) i--;
  return {
    block: { type: 'list', ordered: first.ordered, start: first.start, items },
    next: i,
  };
}

function startsBlock(line: string): boolean {
  return (
    ATX.test(line) ||
    RULE.test(line) ||
    FENCE.test(line) ||
    QUOTE.test(line) ||
    COMMENT_START.test(line)
  );
}

/** The cells of a table row, split on pipes that are not escaped and not inside a code span. */
export function splitRow(line: string): string[] | null {
  let s = line.trim();
  if (!s.includes('|')) return null;
  if (s.startsWith('|')) s = s.slice(1);
  if (s.endsWith('|') && !s.endsWith('\\|')) s = s.slice(0, -1);
  const cells: string[] = [];
  let cell = '';
  for (let k = 0; k < s.length; k++) {
    const c = s[k]!;
    if (c === '\\' && s[k + 1] === '|') {
      // GitHub removes the backslash of `\|` inside a cell, code spans included.
      cell += '\\|';
      k++;
    } else if (c === '|') {
      cells.push(cell.trim());
      cell = '';
    } else {
      cell += c;
    }
  }
  cells.push(cell.trim());
  return cells;
}

function readTable(
  lines: string[],
  from: number,
  depth: number,
): { block: Block; next: number } | null {
  const header = splitRow(lines[from]!);
  const delimiter = from + 1 < lines.length ? splitRow(lines[from + 1]!) : null;
  if (!header || !delimiter || header.length !== delimiter.length) return null;
  if (!delimiter.every((c) => DELIMITER_CELL.test(c))) return null;
  const align: Align[] = delimiter.map((c) =>
    c.startsWith(':') && c.endsWith(':')
      ? 'center'
      : c.endsWith(':')
        ? 'right'
        : c.startsWith(':')
          ? 'left'
          : null,
  );
  const cell = (text: string) => parseInline([text.replace(/\\\|/g, '|')], depth);
  const rows: Inline[][][] = [];
  let i = from + 2;
  while (i < lines.length && !isBlank(lines[i]!) && !startsBlock(lines[i]!)) {
    const cells = splitRow(lines[i]!) ?? [lines[i]!.trim()];
    const row: Inline[][] = [];
    for (let k = 0; k < header.length; k++) row.push(cell(cells[k] ?? ''));
    rows.push(row);
    i++;
  }
  return { block: { type: 'table', align, head: header.map(cell), rows }, next: i };
}

// ---------------------------------------------------------------------------------------------
// Inline

const ENTITIES: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: '\u00A0',
  copy: '©',
  reg: '®',
  trade: '™',
  hellip: '…',
  mdash: '—',
  ndash: '–',
  lsquo: '‘',
  rsquo: '’',
  ldquo: '“',
  rdquo: '”',
  middot: '·',
  times: '×',
  bull: '•',
  rarr: '→',
  larr: '←',
  check: '✓',
  zwsp: '\u200B',
};
const ENTITY = /^&(?:#(\d{1,7})|#[xX]([0-9a-fA-F]{1,6})|([A-Za-z][A-Za-z0-9]{1,31}));/;
const PUNCTUATION = /^[!-/:-@[-`{-~]$/;

function codePoint(n: number): string {
  return n === 0 || n > 0x10ffff || (n >= 0xd800 && n <= 0xdfff)
    ? '\uFFFD'
    : String.fromCodePoint(n);
}

/** An entity at the start of `s`: its text and length, or null. */
function entityAt(s: string): { text: string; length: number } | null {
  const m = ENTITY.exec(s);
  if (!m) return null;
  if (m[1] !== undefined) return { text: codePoint(Number(m[1])), length: m[0].length };
  if (m[2] !== undefined) return { text: codePoint(parseInt(m[2], 16)), length: m[0].length };
  const named = ENTITIES[m[3]!];
  return named === undefined ? null : { text: named, length: m[0].length };
}

/** Backslash escapes and entities resolved, for text outside code spans (a fence's language). */
function decodeText(s: string): string {
  let out = '';
  for (let k = 0; k < s.length; k++) {
    const c = s[k]!;
    if (c === '\\' && k + 1 < s.length && PUNCTUATION.test(s[k + 1]!)) {
      out += s[++k];
    } else if (c === '&') {
      const e = entityAt(s.slice(k));
      if (e) {
        out += e.text;
        k += e.length - 1;
      } else out += c;
    } else out += c;
  }
  return out;
}

function parseInline(lines: string[], depth: number): Inline[] {
  // Hard breaks: two trailing spaces or a trailing backslash. Other line ends are soft: a space.
  const parts: string[] = [];
  lines.forEach((line, k) => {
    const last = k === lines.length - 1;
    let l = k === 0 ? line.replace(/^[ \t]+/, '') : line.trimStart();
    if (last) l = l.replace(/[ \t]+$/, '');
    else if (/ {2,}$/.test(l) || /(?<!\\)(?:\\\\)*\\$/.test(l)) {
      l = l.replace(/ {2,}$/, '').replace(/\\$/, '') + '\u0000BR\u0000';
    } else l = l.replace(/[ \t]+$/, '');
    parts.push(l);
  });
  return inline(parts.join('\n'), depth);
}

function pushText(out: Inline[], text: string): void {
  if (text === '') return;
  const last = out[out.length - 1];
  if (last?.type === 'text') last.text += text;
  else out.push({ type: 'text', text });
}

/** Whether a run of `*` or `_` at `k` (length `n`) may open or close emphasis. */
function flanking(s: string, k: number, n: number): { open: boolean; close: boolean } {
  const before = k > 0 ? s[k - 1]! : ' ';
  const after = k + n < s.length ? s[k + n]! : ' ';
  const space = (c: string) => /\s/u.test(c);
  const punct = (c: string) => /[\p{P}\p{S}]/u.test(c);
  const left = !space(after) && (!punct(after) || space(before) || punct(before));
  const right = !space(before) && (!punct(before) || space(after) || punct(after));
  if (s[k] === '_') {
    return { open: left && (!right || punct(before)), close: right && (!left || punct(after)) };
  }
  return { open: left, close: right };
}

function inline(s: string, depth: number): Inline[] {
  const out: Inline[] = [];
  let k = 0;
  while (k < s.length) {
    const c = s[k]!;

    if (c === '\u0000' && s.startsWith('\u0000BR\u0000', k)) {
      out.push({ type: 'break' });
      k += 4;
      continue;
    }

    if (c === '\\' && k + 1 < s.length && PUNCTUATION.test(s[k + 1]!)) {
      pushText(out, s[k + 1]!);
      k += 2;
      continue;
    }

    if (c === '&') {
      const e = entityAt(s.slice(k));
      if (e) {
        pushText(out, e.text);
        k += e.length;
        continue;
      }
    }

    if (c === '`') {
      let n = 0;
      while (s[k + n] === '`') n++;
      const fence = '`'.repeat(n);
      let search = k + n;
      let end = -1;
      while (search < s.length) {
        const at = s.indexOf(fence, search);
        if (at < 0) break;
        let m = 0;
        while (s[at + m] === '`') m++;
        if (m === n) {
          end = at;
          break;
        }
        search = at + m;
      }
      if (end < 0) {
        pushText(out, fence);
        k += n;
        continue;
      }
      let code = s.slice(k + n, end).replace(/\n/g, ' ');
      if (code.length >= 2 && code.startsWith(' ') && code.endsWith(' ') && code.trim() !== '') {
        code = code.slice(1, -1);
      }
      out.push({ type: 'code', text: code.replace(/\u0000BR\u0000/g, ' ') });
      k = end + n;
      continue;
    }

    if (c === '<' && s.startsWith('<!--', k)) {
      const end = s.indexOf('-->', k + 4);
      if (end >= 0) {
        k = end + 3;
        continue;
      }
    }

    if ((c === '*' || c === '_' || c === '~') && depth < MAX_DEPTH) {
      let n = 0;
      while (s[k + n] === c) n++;
      const found = c === '~' ? strike(s, k, n) : emphasis(s, k, n);
      if (found) {
        const children = inline(s.slice(k + found.width, found.end), depth + 1);
        out.push({ type: found.kind, children } as Inline);
        k = found.end + found.width;
        continue;
      }
      pushText(out, c.repeat(n));
      k += n;
      continue;
    }

    if (c === '[' && depth < MAX_DEPTH) {
      const link = readLink(s, k);
      if (link) {
        out.push({ type: 'link', href: link.href, children: inline(link.label, depth + 1) });
        k = link.end;
        continue;
      }
    }

    pushText(out, c);
    k++;
  }
  return out;
}

/**
 * Emphasis opened by the run of `n` delimiters at `k`: strong (`**`) when a closing run of two or
 * more follows, else emphasis (`*`). `end` is where the content stops and the closer starts.
 */
function emphasis(
  s: string,
  k: number,
  n: number,
): { kind: 'strong' | 'em'; width: number; end: number } | null {
  if (!flanking(s, k, n).open) return null;
  for (const width of n >= 2 ? [2, 1] : [1]) {
    const end = closer(s, k + width, s[k]!, width);
    if (end !== null && end > k + width) return { kind: width === 2 ? 'strong' : 'em', width, end };
  }
  return null;
}

/** The start of the first closing run of at least `width` delimiters `c` from `from`, or null. */
function closer(s: string, from: number, c: string, width: number): number | null {
  let j = from;
  while (j < s.length) {
    if (s[j] === '\\') {
      j += 2;
      continue;
    }
    if (s[j] === '`') {
      // Delimiters inside code spans are text.
      let m = 0;
      while (s[j + m] === '`') m++;
      const close = s.indexOf('`'.repeat(m), j + m);
      j = close < 0 ? j + m : close + m;
      continue;
    }
    if (s[j] === c) {
      let m = 0;
      while (s[j + m] === c) m++;
      // Close against the end of the run, so `***a***` reads as emphasis inside strong.
      if (m >= width && j > from && flanking(s, j, m).close) return j + m - width;
      j += m;
      continue;
    }
    j++;
  }
  return null;
}

function strike(
  s: string,
  k: number,
  n: number,
): { kind: 'del'; width: number; end: number } | null {
  if (n !== 2 && n !== 1) return null;
  const end = s.indexOf('~'.repeat(n), k + n);
  if (end <= k + n || s[end + n] === '~' || /\s/.test(s[k + n]!) || /\s/.test(s[end - 1]!)) {
    return null;
  }
  return { kind: 'del', width: n, end };
}

function readLink(
  s: string,
  k: number,
): { label: string; href: string | null; end: number } | null {
  let depth = 0;
  let j = k;
  for (; j < s.length; j++) {
    if (s[j] === '\\') {
      j++;
      continue;
    }
    if (s[j] === '[') depth++;
    else if (s[j] === ']' && --depth === 0) break;
  }
  if (j >= s.length || s[j + 1] !== '(') return null;
  const close = s.indexOf(')', j + 2);
  if (close < 0) return null;
  const target = s.slice(j + 2, close).trim();
  if (/\s/.test(target)) return null;
  const href = decodeText(target.replace(/^<(.*)>$/, '$1'));
  return {
    label: s.slice(k + 1, j),
    href: /^(?:https?:\/\/|mailto:)/i.test(href) ? href : null,
    end: close + 1,
  };
}

// ---------------------------------------------------------------------------------------------
// HTML

/** Text made safe for HTML element content and double- or single-quoted attributes. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) =>
    c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : c === '"' ? '&quot;' : '&#39;',
  );
}

function inlineHtml(nodes: Inline[]): string {
  return nodes
    .map((n) => {
      switch (n.type) {
        case 'text':
          // The app puts a zero-width space after `@` so that GitHub links no mention. A word
          // joiner looks the same and keeps `@org/team` from breaking across lines.
          return escapeHtml(n.text.replace(/@\u200B/g, '@\u2060'));
        case 'code':
          return `<code>${escapeHtml(n.text)}</code>`;
        case 'strong':
          return `<strong>${inlineHtml(n.children)}</strong>`;
        case 'em':
          return `<em>${inlineHtml(n.children)}</em>`;
        case 'del':
          return `<del>${inlineHtml(n.children)}</del>`;
        case 'link':
          return n.href
            ? `<a href="${escapeHtml(n.href)}" rel="noopener noreferrer">${inlineHtml(n.children)}</a>`
            : inlineHtml(n.children);
        case 'break':
          return '<br>';
      }
    })
    .join('');
}

function blocksHtml(blocks: Block[], tight = false): string {
  return blocks
    .map((b) => {
      switch (b.type) {
        case 'heading':
          return `<h${b.level}>${inlineHtml(b.children)}</h${b.level}>`;
        case 'paragraph':
          return tight ? inlineHtml(b.children) : `<p>${inlineHtml(b.children)}</p>`;
        case 'rule':
          return '<hr>';
        case 'code':
          return `<pre><code>${escapeHtml(b.text)}</code></pre>`;
        case 'quote':
          return `<blockquote>\n${blocksHtml(b.children)}\n</blockquote>`;
        case 'list': {
          const tag = b.ordered ? 'ol' : 'ul';
          const start = b.ordered && b.start !== 1 ? ` start="${b.start}"` : '';
          const items = b.items.map((item) => {
            const tight = item.filter((x) => x.type === 'paragraph').length <= 1;
            return `<li>${blocksHtml(item, tight)}</li>`;
          });
          return `<${tag}${start}>\n${items.join('\n')}\n</${tag}>`;
        }
        case 'table': {
          const attr = (a: Align) => (a ? ` style="text-align: ${a}"` : '');
          const head = b.head.map((c, k) => `<th${attr(b.align[k] ?? null)}>${inlineHtml(c)}</th>`);
          const rows = b.rows.map(
            (r) =>
              `<tr>${r.map((c, k) => `<td${attr(b.align[k] ?? null)}>${inlineHtml(c)}</td>`).join('')}</tr>`,
          );
          return (
            `<table>\n<thead><tr>${head.join('')}</tr></thead>\n` +
            `<tbody>\n${rows.join('\n')}\n</tbody>\n</table>`
          );
        }
      }
    })
    .join('\n');
}

/** The markdown as HTML, every piece of text escaped. */
export function markdownToHtml(markdown: string): string {
  return blocksHtml(parseMarkdown(markdown));
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
