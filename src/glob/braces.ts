/**
 * Brace groups: how many alternatives brace expansion makes of a pattern, counted without
 * expanding it, and which brace groups are refused. Expansion itself is minimatch's `braceExpand`,
 * a string rewrite whose size these checks bound before it runs.
 */
import { MAX_BRACE_ALTERNATIVES } from './limits.js';

/**
 * How many alternatives brace expansion turns a pattern into, computed without expanding it.
 * The result is an upper bound of what minimatch produces; it stops counting (and returns
 * `Infinity`) as soon as the count passes `cap`.
 */
export function estimateBraceAlternatives(pattern: string, cap = MAX_BRACE_ALTERNATIVES): number {
  const closeOf = matchBraces(pattern);
  return countSequence({ s: pattern, closeOf, cap }, 0, pattern.length);
}

/** For each `{` with a balanced partner, the index of its `}`. */
export function matchBraces(s: string): Map<number, number> {
  const out = new Map<number, number>();
  const stack: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '\\') {
      i++;
    } else if (c === '{') {
      stack.push(i);
    } else if (c === '}' && stack.length > 0) {
      out.set(stack.pop()!, i);
    }
  }
  return out;
}

// The two kinds of range brace expansion knows, as minimatch's brace expansion spells them.
const NUMERIC_RANGE = /^(-?\d+)\.\.(-?\d+)(?:\.\.(-?\d+))?$/;
const ALPHA_RANGE = /^([a-zA-Z])\.\.([a-zA-Z])(?:\.\.(-?\d+))?$/;

/** The pattern being counted, its brace pairs (see {@link matchBraces}) and where counting stops. */
interface Count {
  s: string;
  closeOf: Map<number, number>;
  cap: number;
}

function countSequence(k: Count, from: number, to: number): number {
  const { s, closeOf, cap } = k;
  let product = 1;
  for (let i = from; i < to; i++) {
    const c = s[i];
    if (c === '\\') {
      i++;
      continue;
    }
    if (c !== '{') continue;
    const close = closeOf.get(i);
    if (close === undefined || close >= to) continue; // unbalanced: a literal brace
    const count = countGroup(k, i + 1, close);
    product *= count;
    if (product > cap) return Infinity;
    i = close;
  }
  return product;
}

function countGroup(k: Count, from: number, to: number): number {
  const { s, closeOf, cap } = k;
  // Split at top-level commas.
  const parts: [number, number][] = [];
  let start = from;
  for (let i = from; i < to; i++) {
    const c = s[i];
    if (c === '\\') {
      i++;
    } else if (c === '{') {
      const close = closeOf.get(i);
      if (close !== undefined && close < to) i = close;
    } else if (c === ',') {
      parts.push([start, i]);
      start = i + 1;
    }
  }
  parts.push([start, to]);
  if (parts.length === 1) {
    const inner = s.slice(from, to);
    const range = rangeSize(inner);
    if (range !== null) return range > cap ? Infinity : range;
    // `{x}` stays literal, but groups inside it still expand.
    return countSequence(k, from, to);
  }
  let sum = 0;
  for (const [a, b] of parts) {
    sum += countSequence(k, a, b);
    if (sum > cap) return Infinity;
  }
  return sum;
}

export function rangeSize(inner: string): number | null {
  const n = NUMERIC_RANGE.exec(inner);
  const a = n ?? ALPHA_RANGE.exec(inner);
  if (!a) return null;
  const step = a[3] === undefined ? 1 : Math.abs(Number(a[3])) || 1;
  const first = n ? Number(a[1]) : a[1]!.codePointAt(0)!;
  const last = n ? Number(a[2]) : a[2]!.codePointAt(0)!;
  if (!Number.isFinite(first) || !Number.isFinite(last)) return Infinity;
  return Math.floor(Math.abs(last - first) / step) + 1;
}

/**
 * Braces must be balanced, and every `{...}` must be a list of at least two alternatives
 * (`{a,b}`) or a range (`{1..9}`, `{a..f}`). Brace expansion rewrites other shapes in surprising
 * ways; refusing them keeps the estimate exact and the meaning obvious.
 */
export function braceProblem(p: string): string | null {
  const closeOf = matchBraces(p);
  let open = 0;
  for (let i = 0; i < p.length; i++) {
    if (p[i] === '{') {
      const close = closeOf.get(i);
      if (close === undefined) return 'has a `{` without a matching `}`';
      open++;
      const inner = p.slice(i + 1, close);
      if (!hasTopLevelComma(inner, i + 1, closeOf) && rangeSize(inner) === null) {
        return `has a brace group \`{${inner}}\` that is neither a list such as \`{a,b}\` nor a range such as \`{1..9}\``;
      }
    } else if (p[i] === '}') {
      if (open === 0) return 'has a `}` without a matching `{`';
      open--;
    }
  }
  return null;
}

function hasTopLevelComma(inner: string, offset: number, closeOf: Map<number, number>): boolean {
  for (let i = 0; i < inner.length; i++) {
    const c = inner[i];
    if (c === ',') return true;
    if (c === '{') {
      const close = closeOf.get(i + offset);
      if (close === undefined) return false;
      i = close - offset;
    }
  }
  return false;
}
