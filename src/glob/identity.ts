/**
 * Identity globs (policy `detection.co_authors`), matched against names and emails that whoever
 * writes a commit chooses, so the matcher must never backtrack badly.
 *
 * A glob means what minimatch says with `{ nocase: true, dot: true, noext: true, nocomment: true }`:
 * leading `!`s negate it, braces expand (minimatch's `braceExpand`), `/` separates segments and
 * `**` spans whole segments. Each other segment is read into tokens and matched by the scanner of
 * `segment.ts`, in time proportional to the segment's length times the glob's; no regular
 * expression sees more than one character. minimatch is asked only whether it can compile the
 * glob at all: one it cannot never matches (and policy validation refuses it).
 */
import { braceExpand, GLOBSTAR, Minimatch } from 'minimatch';
import { IDENTITY_OPTIONS } from './options.js';
import { lowerSegment, parseSegment, scan, type ParsedSegment } from './segment.js';

type SegmentTest = (segment: string) => boolean;
type Part = SegmentTest | typeof GLOBSTAR;

/** Whether the text holds a line break (which minimatch's `.` does not match). */
function hasLineBreak(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x0a || c === 0x0d || c === 0x2028 || c === 0x2029) return true;
  }
  return false;
}

/** As minimatch tidies the segments: `**` twice in a row is one, `x/..` is nothing (`/..` stays). */
function tidy(segments: string[]): string[] {
  const out: string[] = [];
  for (const s of segments) {
    const prev = out[out.length - 1];
    if (s === '**' && prev === '**') continue;
    if (s === '..' && prev && prev !== '..' && prev !== '.' && prev !== '**') {
      out.pop();
      continue;
    }
    out.push(s);
  }
  return out.length === 0 ? [''] : out;
}

const codePoints = (s: string): number[] => Array.from(s, (c) => c.codePointAt(0)!);

function segmentTest(seg: ParsedSegment, unicode: boolean): SegmentTest {
  if (seg.never) return () => false;
  const text = seg.pieces.map((p) => (p.kind === 'lit' ? p.ch : '')).join('');
  if (seg.pieces.every((p) => p.kind === 'lit') && text.toLowerCase() === text.toUpperCase()) {
    return (s) => s === text;
  }
  const tokens = lowerSegment(seg, true, unicode);
  return (s) => {
    if (seg.guardDots && (s === '.' || s === '..')) return false;
    if (seg.onlyStars && s === '') return false;
    return scan(tokens, unicode ? codePoints(s) : s);
  };
}

/** Matches parts (with globstars) against the segments of a string: O(parts × segments) tests. */
function partsMatch(parts: Part[], segs: string[]): boolean {
  // reach[j]: the first i parts can match the first j segments.
  let reach = new Array<boolean>(segs.length + 1).fill(false);
  reach[0] = true;
  for (const part of parts) {
    const next = new Array<boolean>(segs.length + 1).fill(false);
    if (part === GLOBSTAR) {
      // Any run of segments, none of them `.` or `..` or holding a line break.
      let open = false;
      for (let j = 0; j <= segs.length; j++) {
        if (reach[j]) open = true;
        if (open) next[j] = true;
        const seg = segs[j];
        if (seg === '.' || seg === '..' || (seg !== undefined && hasLineBreak(seg))) {
          open = false;
        }
      }
    } else {
      for (let j = 0; j < segs.length; j++) {
        if (reach[j] && part(segs[j]!)) next[j + 1] = true;
      }
    }
    reach = next;
    if (!reach.includes(true)) return false;
  }
  return reach[segs.length] === true;
}

/** One identity glob as a test on a whole string; null when minimatch cannot compile it. */
export function compileIdentityGlob(glob: string): ((text: string) => boolean) | null {
  let re: RegExp | false;
  try {
    re = new Minimatch(glob, IDENTITY_OPTIONS).makeRe();
  } catch {
    return null;
  }
  if (re === false) return null;
  let start = 0;
  while (glob[start] === '!') start++;
  const negate = start % 2 === 1;
  const alternatives = [...new Set(braceExpand(glob.slice(start), IDENTITY_OPTIONS))].map((a) =>
    tidy(a.split(/\/+/)).map((s) => (s === '**' ? GLOBSTAR : { seg: parseSegment(s) })),
  );
  // A class that needs Unicode mode puts the whole glob in it, as minimatch's one expression.
  const unicode = alternatives.some((parts) => parts.some((p) => p !== GLOBSTAR && p.seg.unicode));
  let compiled: Part[][];
  try {
    compiled = alternatives.map((parts) =>
      parts.map((p) => (p === GLOBSTAR ? GLOBSTAR : segmentTest(p.seg, unicode))),
    );
  } catch {
    return null; // a class no expression can hold: it could never match
  }
  const any = (text: string) => {
    const segs = text.split('/');
    return compiled.some((parts) => partsMatch(parts, segs));
  };
  // A negated glob matches any non-empty single line that the glob itself does not.
  if (negate) return (text) => text !== '' && !hasLineBreak(text) && !any(text);
  return any;
}

/**
 * Compiles identity globs (policy `detection.co_authors`) once. A glob matches an identity when it
 * matches the whole `Name <email>`, the email alone or the name alone, case-insensitively.
 */
export function compileIdentityGlobs(
  globs: readonly string[],
): (name: string, email: string) => string | null {
  const compiled = globs.map((g) => ({ glob: g, test: compileIdentityGlob(g) }));
  return (name, email) => {
    const whole = email ? `${name} <${email}>` : name;
    for (const { glob, test } of compiled) {
      if (test === null) continue;
      if (test(whole) || (email && test(email)) || (name && test(name))) return glob;
    }
    return null;
  };
}
