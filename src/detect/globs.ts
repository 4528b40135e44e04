import { GLOBSTAR, Minimatch } from 'minimatch';

/**
 * Identity globs (policy `detection.co_authors`), matched against names and emails that whoever
 * writes a commit chooses, so the matcher must never backtrack badly.
 *
 * A glob means what minimatch says with `{ nocase: true, dot: true, noext: true, nocomment: true }`:
 * minimatch parses it once (negation, braces, path segments, and one regular expression per
 * segment). A segment expression with at most one wildcard run (`*`) is used as it is: it cannot
 * backtrack for long. One with more, such as `*a*a*a*b`, would take time exponential in the
 * number of runs against a long name; it is cut at its wildcard runs into pieces without
 * wildcards, and the pieces are placed leftmost in order, which finds a match whenever there is
 * one, in time proportional to the name's length times the pattern's.
 */

type SegmentTest = (segment: string) => boolean;

/**
 * What the matchers did: `steps` counts the placements of pieces tried (each a sticky expression
 * without wildcards, so bounded by the piece's length), `wholeSegment` the segments tested with
 * minimatch's whole expression, which is only safe with at most one wildcard run. Tests read them
 * to prove the time bound, and to notice if a minimatch upgrade writes its expressions so that the
 * piecewise scanner no longer recognises them.
 */
export const identityMatchSteps = { steps: 0, wholeSegment: 0 };
type Part = SegmentTest | typeof GLOBSTAR;

const OPTIONS = { nocase: true, dot: true, noext: true, nocomment: true } as const;

/** What minimatch writes for `*` inside a segment, and for a segment that is only `*`. */
const STAR_ANY = '[^/]*?';
const STAR_SOME = '[^/]+?';

/** The positions of the wildcard runs in a segment expression's source, in order. */
function wildcardRuns(source: string): { at: number; min: 0 | 1 }[] {
  const runs: { at: number; min: 0 | 1 }[] = [];
  for (let i = 0; i < source.length;) {
    if (source[i] === '\\') {
      i += 2;
      continue;
    }
    if (source.startsWith(STAR_ANY, i) || source.startsWith(STAR_SOME, i)) {
      runs.push({ at: i, min: source[i + 4] === '+' ? 1 : 0 });
      i += STAR_ANY.length;
      continue;
    }
    i++;
  }
  return runs;
}

/**
 * A test for one segment expression `^P0 * P1 * … * Pk$` with k ≥ 2 wildcard runs (each `*`
 * matching any text without `/`, or at least one character for `+`). P0 must match at the start
 * and Pk at the end; each middle piece is placed at its leftmost position after the previous one,
 * which leaves the most room for the rest and so finds a match whenever one exists.
 */
function piecewise(re: RegExp): SegmentTest | null {
  const source = re.source;
  if (!source.startsWith('^') || !source.endsWith('$')) return null;
  const body = source.slice(1, -1);
  const runs = wildcardRuns(body);
  if (runs.length < 2) return null;
  const flags = `${re.flags.replace(/[gy]/g, '')}y`;
  const pieces: string[] = [];
  let from = 0;
  for (const run of runs) {
    pieces.push(body.slice(from, run.at));
    from = run.at + STAR_ANY.length;
  }
  pieces.push(body.slice(from));
  let compiled: RegExp[];
  try {
    compiled = pieces.map((p, i) =>
      i === pieces.length - 1 ? new RegExp(`(?:${p})$`, flags) : new RegExp(`(?:${p})`, flags),
    );
  } catch {
    return null;
  }
  const first = compiled[0]!;
  const last = compiled[compiled.length - 1]!;
  // Every unit of a piece's source matches at most two UTF-16 code units.
  const lastReach = 2 * pieces[pieces.length - 1]!.length;
  return (s) => {
    first.lastIndex = 0;
    if (!first.test(s)) return false;
    let at = first.lastIndex;
    for (let i = 1; i < compiled.length - 1; i++) {
      const piece = compiled[i]!;
      let found = -1;
      for (let pos = at + runs[i - 1]!.min; pos <= s.length; pos++) {
        identityMatchSteps.steps++;
        piece.lastIndex = pos;
        if (piece.test(s)) {
          found = piece.lastIndex;
          break;
        }
      }
      if (found < 0) return false;
      at = found;
    }
    const lowest = at + runs[runs.length - 1]!.min;
    for (let pos = s.length; pos >= lowest && s.length - pos <= lastReach; pos--) {
      identityMatchSteps.steps++;
      last.lastIndex = pos;
      if (last.test(s)) return true;
    }
    return false;
  };
}

function segmentTest(part: string | RegExp): SegmentTest {
  if (typeof part === 'string') return (s) => s === part;
  const scan = piecewise(part);
  if (scan) return scan;
  return (s) => {
    identityMatchSteps.wholeSegment++;
    return part.test(s);
  };
}

const LINE_TERMINATOR = /[\n\r\u2028\u2029]/;

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
        if (seg === '.' || seg === '..' || (seg !== undefined && LINE_TERMINATOR.test(seg))) {
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
  let mm: Minimatch;
  try {
    mm = new Minimatch(glob, OPTIONS);
  } catch {
    return null;
  }
  // What minimatch cannot turn into one expression never matches (policy validation rejects it).
  if (mm.makeRe() === false) return null;
  const alternatives: Part[][] = mm.set.map((alt) =>
    alt.map((p) => (p === GLOBSTAR ? GLOBSTAR : segmentTest(p as string | RegExp))),
  );
  const any = (text: string) => {
    const segs = text.split('/');
    return alternatives.some((parts) => partsMatch(parts, segs));
  };
  // A negated glob matches any non-empty single line that the glob itself does not.
  if (mm.negate) return (text) => text !== '' && !LINE_TERMINATOR.test(text) && !any(text);
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
