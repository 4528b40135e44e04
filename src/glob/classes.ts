/**
 * Bracket classes (`[abc]`, `[a-z]`, `[!a]`, `[[:alpha:]]`), read as minimatch reads them: where
 * a class ends, which characters it holds, and the expression of exactly one character that tests
 * it. The matcher only ever runs that expression on a single character.
 */

export interface ClassPiece {
  kind: 'class';
  /** A regular expression source matching one character of the class. */
  source: string;
  /** Pairs of [low, high] UTF-16 codes, when the class is that simple (no POSIX class). */
  ranges: number[] | null;
  negate: boolean;
  /** Needs Unicode mode (a POSIX class written with Unicode properties). */
  unicode: boolean;
  /** Both a set and an excluded set (`[:graph:]`): its expression starts with a group. */
  combined: boolean;
}

/** POSIX classes: the characters inside a set, whether they need Unicode mode, and whether the
 * class is the complement of those characters. */
const POSIX: readonly [string, string, boolean, boolean][] = [
  ['[:alnum:]', '\\p{L}\\p{Nl}\\p{Nd}', true, false],
  ['[:alpha:]', '\\p{L}\\p{Nl}', true, false],
  ['[:ascii:]', '\\x00-\\x7f', false, false],
  ['[:blank:]', '\\p{Zs}\\t', true, false],
  ['[:cntrl:]', '\\p{Cc}', true, false],
  ['[:digit:]', '\\p{Nd}', true, false],
  ['[:graph:]', '\\p{Z}\\p{C}', true, true],
  ['[:lower:]', '\\p{Ll}', true, false],
  ['[:print:]', '\\p{C}', true, false],
  ['[:punct:]', '\\p{P}', true, false],
  ['[:space:]', '\\p{Z}\\t\\r\\n\\v\\f', true, false],
  ['[:upper:]', '\\p{Lu}', true, false],
  ['[:word:]', '\\p{L}\\p{Nl}\\p{Nd}\\p{Pc}', true, false],
  ['[:xdigit:]', 'A-Fa-f0-9', false, false],
];

const inClass = (c: string): string => c.replace(/[[\]\\-]/g, '\\$&');

type Item = { low: string; high: string } | { posix: string };

export type ClassResult = {
  length: number;
  piece: ClassPiece | { kind: 'lit'; ch: string } | 'never';
} | null;

/**
 * Reads the class that opens at `glob[pos]` (a `[`). Null when it is never closed (the `[` is
 * then an ordinary character); `never` when it can match nothing (the rest of the segment is part
 * of it); a one-character class such as `[.]` is that character.
 */
export function parseClass(glob: string, pos: number): ClassResult {
  const items: Item[] = [];
  const excluded: string[] = [];
  let i = pos + 1;
  let negate = false;
  let sawStart = false;
  let escaping = false;
  let rangeStart = '';
  let unicode = false;
  let end = -1;
  outer: while (i < glob.length) {
    const c = glob[i]!;
    if ((c === '!' || c === '^') && i === pos + 1) {
      negate = true;
      i++;
      continue;
    }
    if (c === ']' && sawStart && !escaping) {
      end = i + 1;
      break;
    }
    sawStart = true;
    if (c === '\\' && !escaping) {
      escaping = true;
      i++;
      continue;
    }
    if (c === '[' && !escaping) {
      for (const [name, chars, needsUnicode, complement] of POSIX) {
        if (!glob.startsWith(name, i)) continue;
        if (rangeStart) return { length: glob.length - pos, piece: 'never' };
        i += name.length;
        if (complement) excluded.push(chars);
        else items.push({ posix: chars });
        unicode ||= needsUnicode;
        continue outer;
      }
    }
    escaping = false;
    if (rangeStart) {
      if (c > rangeStart) items.push({ low: rangeStart, high: c });
      else if (c === rangeStart) items.push({ low: c, high: c });
      rangeStart = '';
      i++;
    } else if (glob.startsWith('-]', i + 1)) {
      items.push({ low: c, high: c }, { low: '-', high: '-' });
      i += 2;
    } else if (glob[i + 1] === '-') {
      rangeStart = c;
      i += 2;
    } else {
      items.push({ low: c, high: c });
      i++;
    }
  }
  if (end < 0) return null;
  if (items.length === 0 && excluded.length === 0) {
    return { length: glob.length - pos, piece: 'never' };
  }
  const only = items[0];
  if (
    items.length === 1 &&
    excluded.length === 0 &&
    !negate &&
    only !== undefined &&
    'low' in only &&
    only.low === only.high &&
    !/[\n\r\u2028\u2029]/.test(only.low)
  ) {
    return { length: end - pos, piece: { kind: 'lit', ch: only.low } };
  }
  const text = items
    .map((it) =>
      'posix' in it
        ? it.posix
        : it.low === it.high
          ? inClass(it.low)
          : `${inClass(it.low)}-${inClass(it.high)}`,
    )
    .join('');
  const set = `[${negate ? '^' : ''}${text}]`;
  const others = `[${negate ? '' : '^'}${excluded.join('')}]`;
  const combined = items.length > 0 && excluded.length > 0;
  const source = combined ? `(?:${set}|${others})` : items.length > 0 ? set : others;
  const simple = items.every((it) => 'low' in it) && excluded.length === 0;
  const ranges = simple
    ? items.flatMap((it) => ('low' in it ? [it.low.charCodeAt(0), it.high.charCodeAt(0)] : []))
    : null;
  return {
    length: end - pos,
    piece: { kind: 'class', source, ranges, negate, unicode, combined },
  };
}
