/**
 * One path segment of a glob (the text between two `/`), read into tokens as minimatch reads it,
 * and matched by a scanner of this module: no regular expression ever sees more than one
 * character, so the time a match takes depends on no library's expressions.
 *
 * A segment is read in two steps: {@link parseSegment} finds its pieces (literal characters, `?`,
 * `*` and bracket classes), then {@link lowerSegment} turns them into {@link Token}s once the
 * whole glob is known (whether any class needs Unicode mode, which makes `?` and classes take a
 * whole code point, as minimatch's expressions then do).
 */
import { parseClass, type ClassPiece } from './classes.js';

export type Piece = { kind: 'lit'; ch: string } | { kind: 'any' } | { kind: 'star' } | ClassPiece;

export interface ParsedSegment {
  pieces: Piece[];
  /** A class that can never match (an empty one, or a range after a POSIX class). */
  never: boolean;
  /** Only `*`s: matches one character at least, as minimatch's `[^/]+?`. */
  onlyStars: boolean;
  /** Some class needs Unicode mode (a POSIX class such as `[:alpha:]`). */
  unicode: boolean;
  /** Must not match the segments `.` and `..` (it may start with a wildcard that could). */
  guardDots: boolean;
}

/** One token of a segment, matched against one character (a UTF-16 unit, or a code point). */
export type Token =
  | { kind: 'char'; code: number }
  | { kind: 'any' }
  | { kind: 'class'; ranges: number[]; negate: boolean }
  | { kind: 'one'; re: RegExp }
  | { kind: 'star' };

/** Whether minimatch's expression for the piece starts with `[` (a wildcard or a real class). */
const opensWithBracket = (p: Piece | undefined): boolean =>
  p !== undefined && (p.kind === 'any' || p.kind === 'star' || (p.kind === 'class' && !p.combined));

const isDot = (p: Piece | undefined): boolean => p?.kind === 'lit' && p.ch === '.';

/** Reads one segment (not `**`) the way minimatch does, escapes and classes included. */
export function parseSegment(glob: string): ParsedSegment {
  const pieces: Piece[] = [];
  let never = false;
  let unicode = false;
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*') {
      if (pieces[pieces.length - 1]?.kind !== 'star') pieces.push({ kind: 'star' });
    } else if (c === '?') {
      pieces.push({ kind: 'any' });
    } else if (c === '\\') {
      pieces.push({ kind: 'lit', ch: i === glob.length - 1 ? '\\' : glob[++i]! });
    } else if (c === '[') {
      const cls = parseClass(glob, i);
      if (cls === null) {
        pieces.push({ kind: 'lit', ch: '[' });
        continue;
      }
      if (cls.piece === 'never') {
        never = true;
        break;
      }
      unicode ||= cls.piece.kind === 'class' && cls.piece.unicode;
      pieces.push(cls.piece);
      i += cls.length - 1;
    } else {
      pieces.push({ kind: 'lit', ch: c });
    }
  }
  // minimatch protects a segment that may start with a wildcard from matching `.` or `..`.
  const guardDots =
    glob !== '.' &&
    glob !== '..' &&
    (opensWithBracket(pieces[0]) ||
      (isDot(pieces[0]) && opensWithBracket(pieces[1])) ||
      (isDot(pieces[0]) && isDot(pieces[1]) && opensWithBracket(pieces[2])));
  return { pieces, never, onlyStars: /^\*+$/.test(glob), unicode, guardDots };
}

const SYNTAX = /[\\^$.*+?()[\]{}|/]/;

/** A test of one character by an expression that matches exactly one character. */
function oneCharacter(source: string, flags: string): Token {
  return { kind: 'one', re: new RegExp(`^(?:${source})$`, flags) };
}

/** In Unicode mode a surrogate pair written in the glob is one character. */
function joinSurrogates(pieces: Piece[]): Piece[] {
  const out: Piece[] = [];
  for (const p of pieces) {
    const prev = out[out.length - 1];
    if (
      p.kind === 'lit' &&
      prev?.kind === 'lit' &&
      prev.ch.length === 1 &&
      /[\uD800-\uDBFF]/.test(prev.ch) &&
      /[\uDC00-\uDFFF]/.test(p.ch)
    ) {
      out[out.length - 1] = { kind: 'lit', ch: prev.ch + p.ch };
    } else {
      out.push(p);
    }
  }
  return out;
}

/**
 * Tokens for a parsed segment. `nocase` compares without regard to case, as a regular expression
 * with the `i` flag does; `unicode` reads the text by code points (the `u` flag).
 */
export function lowerSegment(seg: ParsedSegment, nocase: boolean, unicode: boolean): Token[] {
  const flags = `${nocase ? 'i' : ''}${unicode ? 'u' : ''}`;
  return (unicode ? joinSurrogates(seg.pieces) : seg.pieces).map((p): Token => {
    switch (p.kind) {
      case 'star':
      case 'any':
        return p;
      case 'class':
        return p.ranges !== null && !nocase && !unicode
          ? { kind: 'class', ranges: p.ranges, negate: p.negate }
          : oneCharacter(p.source, flags);
      case 'lit': {
        const code = p.ch.codePointAt(0)!;
        if (!nocase || p.ch.toLowerCase() === p.ch.toUpperCase()) {
          if (code < 0x80 || !nocase) return { kind: 'char', code };
        } else if (code < 0x80 && !unicode) {
          // Without Unicode mode an ASCII letter folds to its other case only.
          const lower = p.ch.toLowerCase().charCodeAt(0);
          const upper = p.ch.toUpperCase().charCodeAt(0);
          return { kind: 'class', ranges: [lower, lower, upper, upper], negate: false };
        }
        return oneCharacter(SYNTAX.test(p.ch) ? `\\${p.ch}` : p.ch, flags);
      }
    }
  });
}

/**
 * Steps the matchers have taken: one per character compared by the segment scanner, one per
 * segment placement tried between globstars. Tests read it to prove the time bound.
 */
export const matchSteps = { count: 0 };

function tokenMatches(t: Token, code: number): boolean {
  switch (t.kind) {
    case 'char':
      return t.code === code;
    case 'any':
      return true;
    case 'class': {
      let inside = false;
      for (let k = 0; k < t.ranges.length; k += 2) {
        if (code >= t.ranges[k]! && code <= t.ranges[k + 1]!) {
          inside = true;
          break;
        }
      }
      return inside !== t.negate;
    }
    case 'one':
      return t.re.test(String.fromCodePoint(code));
    default:
      return false;
  }
}

/**
 * Wildcard match of one segment, given as a string (UTF-16 units) or as code points: each `*` is
 * placed leftmost and moved on only when what follows fails, which finds a match whenever there is
 * one. At most segment × tokens steps, never exponential.
 */
export function scan(tokens: readonly Token[], s: string | readonly number[]): boolean {
  let ti = 0;
  let si = 0;
  let starTi = -1;
  let starSi = 0;
  const n = s.length;
  while (si < n) {
    matchSteps.count++;
    const t = tokens[ti];
    if (t !== undefined && t.kind === 'star') {
      starTi = ti++;
      starSi = si;
      continue;
    }
    if (
      t !== undefined &&
      tokenMatches(t, typeof s === 'string' ? s.charCodeAt(si) : (s as readonly number[])[si]!)
    ) {
      ti++;
      si++;
      continue;
    }
    if (starTi < 0) return false;
    ti = starTi + 1;
    si = ++starSi;
  }
  while (tokens[ti]?.kind === 'star') ti++;
  return ti === tokens.length;
}
