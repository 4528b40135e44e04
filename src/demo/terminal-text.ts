/**
 * The markdown the app writes as plain terminal text, from the blocks markdown.ts reads: no markup
 * characters left, control characters removed, tables drawn as boxes (or as lists when too wide).
 */
import { parseMarkdown, type Align, type Block, type Inline } from './markdown.js';

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
