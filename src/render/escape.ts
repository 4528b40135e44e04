/**
 * Making untrusted text safe to put into GitHub markdown.
 *
 * Commit lines, PR titles, branch names, labels, logins, file paths and rule names can all be
 * written by whoever opens a pull request. Before any of them reaches a check run or the audit
 * comment it goes through `escapeInline` (prose and table cells) or `codeSpan` (exact values), so
 * that it cannot add markup, links, images, HTML, hidden comments or table cells, cannot ping
 * people or teams, and cannot cross-reference issues.
 *
 * Pings and references are broken with a zero-width space written as the entity `&#8203;`
 * right after `@` (and after `#` before a digit). GitHub resolves mentions and issue references
 * on the rendered text, where `@` is then followed by U+200B instead of a login character, so
 * nothing links and nobody is notified, while the reader still sees `@alice`. (`\@` or `&#64;`
 * would not work: both render to a bare `@` that GitHub still links.)
 */

/** Default bound, in characters, on one piece of user text. */
export const DEFAULT_MAX_LENGTH = 200;

const ELLIPSIS = '\u2026';
const ZWSP = '\u200B';
const ZWSP_ENTITY = '&#8203;';

// C0 and C1 controls (line breaks and tabs are handled before), DEL, bidirectional overrides and
// isolates (which can make text read differently from what it is), and the byte-order mark.
const CONTROL =
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u0084\u0086-\u009F\u200E\u200F\u202A-\u202E\u2066-\u2069\uFEFF]/g;
const LINE_BREAKS = /[\r\n\u0085\u2028\u2029\t\v\f]+/g;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const ASCII_PUNCTUATION = /[!-/:-@[-`{-~]/;

/** Bound a length argument to a whole number of at least 1. */
function bound(max: number | undefined): number {
  if (max === undefined || !Number.isFinite(max)) return DEFAULT_MAX_LENGTH;
  return Math.max(1, Math.floor(max));
}

/**
 * One line of plain text: control characters removed, line breaks and tabs turned into one space,
 * trimmed, and cut to `max` characters (code points) with an ellipsis. No markdown escaping: use
 * it for check titles and terminal output, where markdown is not rendered.
 */
export function plainText(text: string, max: number = DEFAULT_MAX_LENGTH): string {
  const limit = bound(max);
  let raw = String(text ?? '');
  // Cleaning only ever shortens text, so a generous prefix is enough; this keeps the work
  // proportional to the bound, not to the input.
  const cut = raw.length > limit * 4 + 64;
  if (cut) raw = raw.slice(0, limit * 4 + 64);
  const s = raw
    .replace(LONE_SURROGATE, '\uFFFD')
    .replace(LINE_BREAKS, ' ')
    .replace(CONTROL, '')
    .replace(/ {2,}/g, ' ')
    .trim();
  const short = truncate(s, limit);
  if (!cut || short.endsWith(ELLIPSIS)) return short;
  return (
    Array.from(short)
      .slice(0, limit - 1)
      .join('')
      .trimEnd() + ELLIPSIS
  );
}

/** Cut to `max` code points, ending with an ellipsis when anything was dropped. */
export function truncate(text: string, max: number): string {
  const limit = bound(max);
  if (text.length <= limit) return text;
  let points = 0;
  let cutAt = 0;
  for (let i = 0; i < text.length;) {
    points++;
    if (points === limit) cutAt = i;
    if (points > limit) return text.slice(0, cutAt).trimEnd() + ELLIPSIS;
    i += (text.codePointAt(i) as number) > 0xffff ? 2 : 1;
  }
  return text;
}

/**
 * Make user text inert inside a markdown paragraph, list item or table cell. The reader sees the
 * text as written (on one line, at most `max` characters); nothing in it is markup.
 */
export function escapeInline(text: string, max: number = DEFAULT_MAX_LENGTH): string {
  const points = Array.from(neutraliseMarkers(plainText(text, max)));
  let out = '';
  for (let i = 0; i < points.length; i++) {
    const c = points[i] as string;
    const next = points[i + 1] ?? '';
    switch (c) {
      case '&':
        out += '&amp;';
        break;
      case '<':
        out += '&lt;';
        break;
      case '>':
        out += '&gt;';
        break;
      case '|':
        // An entity, not `\|`: it can never be read as a cell boundary, whatever precedes it.
        out += '&#124;';
        break;
      case '@':
        out += '@' + ZWSP_ENTITY;
        break;
      case '#':
        out += /[0-9]/.test(next) ? '\\#' + ZWSP_ENTITY : '\\#';
        break;
      case '-': {
        const before = (points[i - 2] ?? '') + (points[i - 1] ?? '');
        out += before.toLowerCase() === 'gh' && /[0-9]/.test(next) ? '\\-' + ZWSP_ENTITY : '\\-';
        break;
      }
      case ':':
        // scheme:// would be linked by the autolink extension.
        out += next === '/' && points[i + 2] === '/' ? ZWSP_ENTITY + '\\:' : '\\:';
        break;
      case '.': {
        const before = points.slice(Math.max(0, i - 3), i).join('');
        out += before.toLowerCase() === 'www' ? ZWSP_ENTITY + '\\.' : '\\.';
        break;
      }
      default:
        out += ASCII_PUNCTUATION.test(c) ? '\\' + c : c;
    }
  }
  return out;
}

export interface CodeSpanOptions {
  /** Bound on the value shown, in characters. Default 200. */
  max?: number;
  /**
   * The span sits in a table cell (the default). Pipes are then written `\|`, which GitHub's table
   * parser reads as a literal pipe, never as a cell boundary, and removes before the code span is
   * read. Outside a table pass `false`, or the backslash would show.
   */
  table?: boolean;
}

/**
 * Show a value exactly, as inline code. The fence is one backtick longer than the longest run of
 * backticks inside, and the value is padded with a space on each side (removed again by the
 * renderer), so nothing inside can close the span early. Line breaks become spaces, control
 * characters are removed, and hidden-comment delimiters get a zero-width space.
 */
export function codeSpan(text: string, options: CodeSpanOptions = {}): string {
  let value = neutraliseMarkers(plainText(text, options.max));
  if (value === '') return '*(empty)*';
  if (options.table !== false) value = value.replace(/\|/g, '\\|');
  let longest = 0;
  for (const run of value.match(/`+/g) ?? []) longest = Math.max(longest, run.length);
  const fence = '`'.repeat(longest + 1);
  return `${fence} ${value} ${fence}`;
}

/**
 * Break every HTML comment opener and closer in user text with a zero-width space, so it can never
 * forge the audit-comment marker or the history block, or hide the rest of the comment.
 */
export function neutraliseMarkers(text: string): string {
  return String(text ?? '')
    .replace(/<!--/g, `<!${ZWSP}--`)
    .replace(/-->/g, `--${ZWSP}>`);
}

/** 12345 → "12,345", the same on every machine. */
export function formatCount(n: number): string {
  return String(Math.trunc(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** "1 file" / "3 files". */
export function plural(n: number, singular: string, pluralForm = `${singular}s`): string {
  return `${formatCount(n)} ${n === 1 ? singular : pluralForm}`;
}
