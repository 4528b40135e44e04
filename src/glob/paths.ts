/**
 * The path matcher of critical-path rules: include and exclude globs compiled once per policy.
 *
 * Patterns mean what `minimatch(path, pattern, { dot: true })` says, for the globs that
 * {@link globProblem} accepts. Brace expansion is minimatch's (a string rewrite, bounded by the
 * checks); each alternative is split into segments here; literal segments are compared as strings,
 * `**` sections are placed greedily from the left (as minimatch does), and a wildcard segment is
 * matched by this module's scanner in time proportional to the segment times the glob
 * ({@link matchSteps} counts its steps, so tests can prove the bound). Paths that no Git tree can
 * hold (empty, `.` or `..` segments) are handed to minimatch.
 */
import { braceExpand, Minimatch } from 'minimatch';
import { globProblem } from './issues.js';
import { PATH_OPTIONS } from './options.js';
import { lowerSegment, matchSteps, parseSegment, scan, type Token } from './segment.js';

export { matchSteps };

/** Called with a repository-relative path such as `src/app.ts`; true when the rule applies. */
export interface PathMatcher {
  (path: string): boolean;
}

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
const GLOBSTAR = Symbol('**');
type Part = string | SegmentTest | typeof GLOBSTAR;

interface Alternative {
  /** Path segments in order; strings match exactly. */
  parts: Part[];
  /** Leading literal parts, already compared by the trie walk that found this alternative. */
  prefix: number;
  /** Index of the first and last `**`, -1 when none. */
  firstGs: number;
  lastGs: number;
  /** The number of the last lookup that tried this alternative, so that none tries it twice. */
  stamp: number;
}

/** Alternatives filed under their leading literal segments. */
interface TrieNode {
  alternatives: Alternative[];
  children: Map<string, TrieNode>;
}

interface CompiledSet {
  /** Patterns without wildcards, as whole paths. */
  exact: Set<string>;
  root: TrieNode;
  // Alternatives that start with a wildcard but contain a literal segment (such as `migrations`
  // in `**/migrations/**`), filed under that segment: only paths that contain it try them.
  bySegment: Map<string, Alternative[]>;
  /** Counts lookups, for {@link Alternative.stamp}. */
  lookups: number;
  /** minimatch itself, for paths that no Git tree can hold. */
  fallback: Minimatch[];
}

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
 * Steps the matchers have taken: one per character compared by the segment scanner, one per
 * segment placement tried between globstars. Tests read it to prove the time bound.
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
 * The segments of one brace-expanded alternative (of a pattern that passed {@link globProblem}):
 * `**` is a globstar (several in a row are one, as in minimatch), a segment with `*`, `?` or a
 * class is a wildcard test, any other is compared as it is.
 */
function partsOf(alternative: string): Part[] {
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

function compileSet(patterns: readonly string[]): CompiledSet {
  const set: CompiledSet = {
    exact: new Set(),
    root: { alternatives: [], children: new Map() },
    bySegment: new Map(),
    lookups: 0,
    fallback: [],
  };
  for (const pattern of patterns) {
    const problem = globProblem(pattern);
    if (problem) throw new Error(`invalid path glob \`${pattern}\`: ${problem}`);
    set.fallback.push(new Minimatch(pattern, PATH_OPTIONS));
    for (const alternative of braceExpand(pattern, PATH_OPTIONS)) {
      const parts = partsOf(alternative);
      if (parts.every((p) => typeof p === 'string')) {
        set.exact.add(parts.join('/'));
        continue;
      }
      let node = set.root;
      let prefix = 0;
      for (const part of parts) {
        if (typeof part !== 'string') break;
        prefix++;
        let child = node.children.get(part);
        if (!child) {
          child = { alternatives: [], children: new Map() };
          node.children.set(part, child);
        }
        node = child;
      }
      const alt: Alternative = {
        parts,
        prefix,
        firstGs: parts.indexOf(GLOBSTAR),
        lastGs: parts.lastIndexOf(GLOBSTAR),
        stamp: 0,
      };
      const literal = parts.findLast((p): p is string => typeof p === 'string');
      if (prefix === 0 && literal !== undefined) {
        const list = set.bySegment.get(literal);
        if (list) list.push(alt);
        else set.bySegment.set(literal, [alt]);
      } else {
        node.alternatives.push(alt);
      }
    }
  }
  return set;
}

function partMatches(part: Part, segment: string): boolean {
  return typeof part === 'string' ? part === segment : testSegment(part as SegmentTest, segment);
}

/** Matches `parts[from, to)` (no globstar inside) at `segs[at ...]`. */
function sectionAt(parts: Part[], from: number, to: number, segs: string[], at: number): boolean {
  for (let k = from; k < to; k++) {
    if (!partMatches(parts[k]!, segs[at + k - from]!)) return false;
  }
  return true;
}

function alternativeMatches(alt: Alternative, segs: string[]): boolean {
  const { parts, prefix, firstGs, lastGs } = alt;
  const n = segs.length;
  if (firstGs === -1) return parts.length === n && sectionAt(parts, prefix, n, segs, prefix);
  const tailLength = parts.length - lastGs - 1;
  if (firstGs + tailLength > n) return false;
  const tailStart = n - tailLength;
  if (!sectionAt(parts, lastGs + 1, parts.length, segs, tailStart)) return false;
  if (!sectionAt(parts, prefix, firstGs, segs, prefix)) return false;
  // Middle sections, each between two globstars, placed leftmost in order.
  let at = firstGs;
  let k = firstGs + 1;
  while (k < lastGs) {
    let end = k;
    while (parts[end] !== GLOBSTAR) end++;
    const len = end - k;
    let found = false;
    for (; at + len <= tailStart; at++) {
      matchSteps.count++;
      if (sectionAt(parts, k, end, segs, at)) {
        found = true;
        break;
      }
    }
    if (!found) return false;
    at += len;
    k = end + 1;
  }
  // Like minimatch, a pattern that ends in `**` needs at least one segment for it.
  return tailLength > 0 || at < n;
}

function isTreePath(segs: string[]): boolean {
  for (const s of segs) if (s === '' || s === '.' || s === '..') return false;
  return true;
}

function setMatches(set: CompiledSet, path: string, segs: string[]): boolean {
  if (set.exact.has(path)) return true;
  let node: TrieNode | undefined = set.root;
  for (let i = 0; node; i++) {
    for (const alt of node.alternatives) if (alternativeMatches(alt, segs)) return true;
    if (i >= segs.length) break;
    node = node.children.get(segs[i]!);
  }
  if (set.bySegment.size > 0) {
    const stamp = ++set.lookups;
    for (const seg of segs) {
      const list = set.bySegment.get(seg);
      if (!list) continue;
      for (const alt of list) {
        if (alt.stamp === stamp) continue;
        alt.stamp = stamp;
        if (alternativeMatches(alt, segs)) return true;
      }
    }
  }
  return false;
}

// Policies usually compile one matcher per rule and ask each about the same path in turn: keep the
// last split. The array is never changed by the matchers.
let lastPath = '';
let lastSegments: string[] = [''];
function segmentsOf(path: string): string[] {
  if (path !== lastPath) {
    lastPath = path;
    lastSegments = path.split('/');
  }
  return lastSegments;
}

/**
 * Compiles include and exclude globs once. A path matches when some include glob matches it and
 * no exclude glob does. Throws when a pattern fails {@link globProblem}: validated policies never
 * contain one.
 */
export function compilePathMatcher(include: string[], exclude: string[]): PathMatcher {
  const inc = compileSet(include);
  const exc = compileSet(exclude);
  const empty = exc.exact.size === 0 && exc.fallback.length === 0;
  return (path: string) => {
    const segs = segmentsOf(path);
    if (!isTreePath(segs)) {
      // Not a path a Git tree can hold: let minimatch answer exactly.
      return (
        inc.fallback.some((mm) => mm.match(path)) && !exc.fallback.some((mm) => mm.match(path))
      );
    }
    return setMatches(inc, path, segs) && (empty || !setMatches(exc, path, segs));
  };
}

/** How many of `paths` the matcher accepts: the unit of work the matcher benchmark times. */
export function countMatches(matcher: PathMatcher, paths: readonly string[]): number {
  let n = 0;
  for (const p of paths) if (matcher(p)) n++;
  return n;
}
