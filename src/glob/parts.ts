/**
 * The parts of one brace-expanded path glob: literal segments, wildcard segment tests and `**`
 * globstars, and the test of a run of parts against path segments. The path matcher
 * (`paths.ts`) files these parts and places the globstars.
 */
import { lowerSegment, matchSteps, parseSegment, scan, type Token } from './segment.js';

export { matchSteps };

/** A compiled test for one path segment, as plain data so that one function runs them all. */
type SegmentTest =
  | { kind: 'affix'; prefix: string; suffix: string; min: number }
  | {
      kind: 'scan';
      tokens: Token[];
      fixed: number;
      hasStar: boolean;
      prefix: string;
      suffix: string;
    };

/** A `**` segment: any number of directories. */
export const GLOBSTAR = Symbol('**');
export type Part = string | SegmentTest | typeof GLOBSTAR;

const literalText = (tokens: Token[]): string =>
  tokens.map((t) => String.fromCharCode((t as { code: number }).code)).join('');

/** Prepares the wildcard scan of one segment glob (see {@link scan}). */
function scanTest(tokens: Token[]): SegmentTest {
  const fixed = tokens.filter((t) => t.kind !== 'star').length;
  let p = 0;
  while (p < tokens.length && tokens[p]!.kind === 'char') p++;
  let q = tokens.length;
  while (q > p && tokens[q - 1]!.kind === 'char') q--;
  return {
    kind: 'scan',
    tokens,
    fixed,
    hasStar: fixed !== tokens.length,
    prefix: literalText(tokens.slice(0, p)),
    suffix: literalText(tokens.slice(q)),
  };
}

/**
 * A test for one wildcard path segment. `pre*suf` (the common case) becomes two string
 * comparisons; other wildcard segments are scanned after cheap checks on length and on the literal
 * text at both ends.
 */
function segmentTest(glob: string): SegmentTest {
  const tokens = lowerSegment(parseSegment(glob), false, false);
  const stars = tokens.filter((t) => t.kind === 'star').length;
  const simple = tokens.every((t) => t.kind === 'star' || t.kind === 'char');
  if (simple && stars === 1) {
    const star = tokens.findIndex((t) => t.kind === 'star');
    const prefix = literalText(tokens.slice(0, star));
    const suffix = literalText(tokens.slice(star + 1));
    return { kind: 'affix', prefix, suffix, min: Math.max(prefix.length + suffix.length, 1) };
  }
  return scanTest(tokens);
}

function testSegment(t: SegmentTest, s: string): boolean {
  switch (t.kind) {
    case 'affix':
      return s.length >= t.min && s.startsWith(t.prefix) && s.endsWith(t.suffix);
    case 'scan':
      if (t.hasStar ? s.length < t.fixed : s.length !== t.fixed) return false;
      if (!s.startsWith(t.prefix) || !s.endsWith(t.suffix)) return false;
      return scan(t.tokens, s);
  }
}

/**
 * The segments of one brace-expanded alternative (of a pattern that passed `globProblem`):
 * `**` is a globstar (several in a row are one, as in minimatch), a segment with `*`, `?` or a
 * class is a wildcard test, any other is compared as it is.
 */
export function partsOf(alternative: string): Part[] {
  const parts: Part[] = [];
  for (const segment of alternative.split('/')) {
    if (segment === '**') {
      if (parts[parts.length - 1] !== GLOBSTAR) parts.push(GLOBSTAR);
    } else if (/[*?[]/.test(segment)) {
      parts.push(segmentTest(segment));
    } else {
      parts.push(segment);
    }
  }
  return parts;
}

function partMatches(part: Part, segment: string): boolean {
  return typeof part === 'string' ? part === segment : testSegment(part as SegmentTest, segment);
}

/** Matches `parts[from, to)` (no globstar inside) at `segs[at ...]`. */
export function sectionAt(
  parts: Part[],
  from: number,
  to: number,
  segs: string[],
  at: number,
): boolean {
  for (let k = from; k < to; k++) {
    if (!partMatches(parts[k]!, segs[at + k - from]!)) return false;
  }
  return true;
}
