/**
 * Glob checks and the path matcher used for critical-path rules.
 *
 * Patterns mean what `minimatch(path, pattern, { dot: true })` says. The matcher is compiled once
 * per policy and never backtracks, whatever the path, and its safety depends on no other
 * library's regular expressions: brace expansion is minimatch's (a string rewrite, bounded by
 * {@link estimateBraceAlternatives}); each alternative is split into segments here; literal
 * segments are compared as strings, `**` sections are placed greedily from the left (as minimatch
 * does), and a wildcard segment is matched by a small scanner of this module in time proportional
 * to the segment times the glob ({@link matchSteps} counts its steps, so tests can prove the
 * bound). Paths that no Git tree can hold (empty, `.` or `..` segments) are handed to minimatch.
 */
import { braceExpand, Minimatch, type MinimatchOptions } from 'minimatch';
import { MAX_BRACE_ALTERNATIVES, MAX_GLOB_LENGTH } from './limits.js';

const MM_OPTIONS: MinimatchOptions = { dot: true };

/** Called with a repository-relative path such as `src/app.ts`; true when the rule applies. */
export interface PathMatcher {
  (path: string): boolean;
}

// ---------------------------------------------------------------------------------------------
// Brace expansion estimate

/**
 * How many alternatives brace expansion turns a pattern into, computed without expanding it.
 * The result is an upper bound of what minimatch produces; it stops counting (and returns
 * `Infinity`) as soon as the count passes `cap`.
 */
export function estimateBraceAlternatives(pattern: string, cap = MAX_BRACE_ALTERNATIVES): number {
  const closeOf = matchBraces(pattern);
  return countSequence(pattern, 0, pattern.length, closeOf, cap);
}

/** For each `{` with a balanced partner, the index of its `}`. */
function matchBraces(s: string): Map<number, number> {
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

function countSequence(
  s: string,
  from: number,
  to: number,
  closeOf: Map<number, number>,
  cap: number,
): number {
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
    const count = countGroup(s, i + 1, close, closeOf, cap);
    product *= count;
    if (product > cap) return Infinity;
    i = close;
  }
  return product;
}

function countGroup(
  s: string,
  from: number,
  to: number,
  closeOf: Map<number, number>,
  cap: number,
): number {
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
    return countSequence(s, from, to, closeOf, cap);
  }
  let sum = 0;
  for (const [a, b] of parts) {
    sum += countSequence(s, a, b, closeOf, cap);
    if (sum > cap) return Infinity;
  }
  return sum;
}

function rangeSize(inner: string): number | null {
  const n = NUMERIC_RANGE.exec(inner);
  const a = n ?? ALPHA_RANGE.exec(inner);
  if (!a) return null;
  const step = a[3] === undefined ? 1 : Math.abs(Number(a[3])) || 1;
  const first = n ? Number(a[1]) : a[1]!.codePointAt(0)!;
  const last = n ? Number(a[2]) : a[2]!.codePointAt(0)!;
  if (!Number.isFinite(first) || !Number.isFinite(last)) return Infinity;
  return Math.floor(Math.abs(last - first) / step) + 1;
}

// ---------------------------------------------------------------------------------------------
// Problems

/* eslint-disable no-control-regex */
const CONTROL = /[\u0000-\u001f\u007f]/;
const EXTGLOB = /[?*+@!]\(/;

/**
 * Braces must be balanced, and every `{...}` must be a list of at least two alternatives
 * (`{a,b}`) or a range (`{1..9}`, `{a..f}`). Brace expansion rewrites other shapes in surprising
 * ways; refusing them keeps the estimate exact and the meaning obvious.
 */
function braceProblem(p: string): string | null {
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

/** What is wrong with a glob (completing a sentence that starts with the pattern) and the fix. */
export interface GlobIssue {
  problem: string;
  fix: string;
}

const issue = (problem: string, fix: string): GlobIssue => ({ problem, fix });

const BRACE_FIX = 'balance the braces and use a list such as `{a,b}` or a range such as `{1..9}`';

/** Problems shared by every glob: path globs and co-author globs. */
function commonIssue(pattern: string): GlobIssue | null {
  if (pattern.trim() === '') return issue('is empty', 'remove the empty entry or write a pattern');
  if (pattern.length > MAX_GLOB_LENGTH) {
    return issue(
      `is ${pattern.length} characters long; the limit is ${MAX_GLOB_LENGTH}`,
      'shorten the pattern, or split it into several patterns',
    );
  }
  if (CONTROL.test(pattern)) {
    return issue(
      'contains a control character (tab, line break or similar)',
      'remove tabs and line breaks from the pattern',
    );
  }
  if (pattern.includes('\\')) {
    return issue(
      'contains a backslash; escapes are not supported',
      'separate directories with `/`, and use a class such as `[*]` for a literal wildcard character',
    );
  }
  const braces = braceProblem(pattern);
  if (braces) return issue(braces, BRACE_FIX);
  if (estimateBraceAlternatives(pattern) > MAX_BRACE_ALTERNATIVES) {
    return issue(
      `expands through braces to more than ${MAX_BRACE_ALTERNATIVES} alternatives`,
      'use fewer or smaller brace groups; a wildcard such as `*` or `**` usually says the same',
    );
  }
  return null;
}

/** How co-author globs are read (see src/detect/globs.ts). */
const IDENTITY_OPTIONS: MinimatchOptions = {
  nocase: true,
  dot: true,
  noext: true,
  nocomment: true,
};

/** What is wrong with a co-author glob (matched against `Name <email>`), or null when fine. */
export function identityGlobIssue(pattern: string): GlobIssue | null {
  const common = commonIssue(pattern);
  if (common) return common;
  // Some shapes (a POSIX class such as `[[:alpha:]]` next to certain characters) give minimatch
  // no expression at all: such a glob could never match, so it is refused rather than ignored.
  let re: RegExp | false;
  try {
    re = new Minimatch(pattern, IDENTITY_OPTIONS).makeRe();
  } catch {
    re = false;
  }
  if (re === false) {
    return issue(
      'cannot be turned into a matcher',
      'write it with `*`, `?`, `{a,b}` and simple classes such as `[a-z]`',
    );
  }
  return null;
}

/** What is wrong with a path glob, with a fix, or null when it is fine. */
export function globIssue(pattern: string): GlobIssue | null {
  const common = commonIssue(pattern);
  if (common) return common;
  if (pattern.startsWith('!')) {
    return issue(
      'starts with `!`; negated patterns are not supported',
      'list the pattern without `!` under `exclude` instead',
    );
  }
  if (pattern.startsWith('#')) {
    return issue(
      'starts with `#`, which minimatch reads as a comment that matches nothing',
      'write `[#]` for a literal leading `#`',
    );
  }
  if (EXTGLOB.test(pattern)) {
    return issue(
      'uses an extended glob such as `+(a|b)`, which is not supported',
      'use a brace list such as `{a,b}` instead',
    );
  }
  const classProblem = characterClassProblem(pattern);
  if (classProblem) {
    return issue(classProblem, 'use a simple class such as `[abc]`, `[a-z]` or `[!0-9]`');
  }
  // Check every alternative that brace expansion yields (bounded by the check above).
  const alternatives = braceExpand(pattern, MM_OPTIONS);
  for (const alt of alternatives) {
    const p = pathShapeIssue(alt);
    if (p) {
      return alternatives.length > 1
        ? issue(`has an alternative \`${alt}\` that ${p.problem}`, p.fix)
        : p;
    }
  }
  return null;
}

/** What is wrong with a path glob, or null when it is fine (see {@link globIssue}). */
export function globProblem(pattern: string): string | null {
  return globIssue(pattern)?.problem ?? null;
}

/** What is wrong with a co-author glob, or null when it is fine. */
export function identityGlobProblem(pattern: string): string | null {
  return identityGlobIssue(pattern)?.problem ?? null;
}

function pathShapeIssue(p: string): GlobIssue | null {
  if (p === '') return issue('is empty', 'remove the empty alternative');
  if (p.startsWith('/')) {
    return issue(
      'is an absolute path; paths are relative to the repository root',
      'remove the leading `/`',
    );
  }
  if (p.startsWith('./')) {
    return issue(
      'starts with `./`; paths are already relative to the repository root',
      'remove the leading `./`',
    );
  }
  if (p.endsWith('/')) {
    return issue(
      'ends with `/`, which no file path does',
      'add `**` to cover everything below the directory, as in `docs/**`',
    );
  }
  if (p.includes('//'))
    return issue('contains an empty directory name (`//`)', 'remove the extra `/`');
  const segments = p.split('/');
  if (segments.some((s) => s === '.' || s === '..')) {
    return issue(
      'contains a `.` or `..` directory, which no repository path has',
      'write the path from the repository root without `.` or `..`',
    );
  }
  if (segments.some((s) => s.includes('**') && !/^\*+$/.test(s))) {
    return issue(
      'uses `**` inside a name, where it means the same as `*`',
      'make `**` a segment of its own to cross directories, as in `src/**/*.ts`',
    );
  }
  return null;
}

/**
 * Only simple character classes are accepted: `[abc]`, `[a-z]`, `[!abc]` or `[^abc]`, without
 * `[`, `]`, `\` or `/` inside. That keeps their meaning the same in minimatch and in the matcher.
 */
function characterClassProblem(p: string): string | null {
  for (let i = 0; i < p.length; i++) {
    if (p[i] !== '[') continue;
    const close = p.indexOf(']', i + 1);
    if (close === -1) return 'has a `[` that is never closed (write `[[]` for a literal `[`)';
    let body = p.slice(i + 1, close);
    if (body.startsWith('!') || body.startsWith('^')) body = body.slice(1);
    if (body === '') return `has an empty character class \`${p.slice(i, close + 1)}\``;
    if (body.includes('/')) return 'has a `/` inside a character class, which never matches';
    if (body.includes('[') && body !== '[') return 'has a `[` inside a character class';
    try {
      new RegExp(`[${body.replace(/[[\]]/g, '\\$&')}]`);
    } catch {
      return `has an invalid character class \`${p.slice(i, close + 1)}\``;
    }
    i = close;
  }
  return null;
}

// ---------------------------------------------------------------------------------------------
// Matcher

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

/** One token of a segment glob: a literal character, `?`, a character class, or `*`. */
type Token =
  | { kind: 'char'; code: number }
  | { kind: 'any' }
  | { kind: 'class'; ranges: number[]; negate: boolean }
  | { kind: 'star' };

/** Splits one segment glob into tokens (classes already checked by globProblem). */
function tokenize(glob: string): Token[] {
  const out: Token[] = [];
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*') {
      if (out[out.length - 1]?.kind !== 'star') out.push({ kind: 'star' });
    } else if (c === '?') {
      out.push({ kind: 'any' });
    } else if (c === '[') {
      const close = glob.indexOf(']', i + 1);
      let body = glob.slice(i + 1, close);
      const negate = body.startsWith('!') || body.startsWith('^');
      if (negate) body = body.slice(1);
      // Pairs of [low, high] UTF-16 code units, as a regular expression class reads them.
      const ranges: number[] = [];
      for (let k = 0; k < body.length; k++) {
        const low = body.charCodeAt(k);
        if (body[k + 1] === '-' && k + 2 < body.length) {
          ranges.push(low, body.charCodeAt(k + 2));
          k += 2;
        } else {
          ranges.push(low, low);
        }
      }
      out.push({ kind: 'class', ranges, negate });
      i = close;
    } else {
      out.push({ kind: 'char', code: glob.charCodeAt(i) });
    }
  }
  return out;
}

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
    default:
      return false;
  }
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
 */
export const matchSteps = { count: 0 };

/** Wildcard match of one segment: O(segment × tokens) at worst, never exponential. */
function scan(tokens: Token[], s: string): boolean {
  let ti = 0;
  let si = 0;
  let starTi = -1;
  let starSi = 0;
  while (si < s.length) {
    matchSteps.count++;
    const t = tokens[ti];
    if (t !== undefined && t.kind === 'star') {
      starTi = ti++;
      starSi = si;
      continue;
    }
    if (t !== undefined && tokenMatches(t, s.charCodeAt(si))) {
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

/**
 * A test for one wildcard path segment. `pre*suf` (the common case) becomes two string
 * comparisons; other wildcard segments are scanned after cheap checks on length and on the literal
 * text at both ends.
 */
function segmentTest(glob: string): SegmentTest {
  const tokens = tokenize(glob);
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
    set.fallback.push(new Minimatch(pattern, MM_OPTIONS));
    for (const alternative of braceExpand(pattern, MM_OPTIONS)) {
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
