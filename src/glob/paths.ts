/**
 * The path matchers of critical-path rules: include and exclude globs compiled once per policy,
 * every rule's globs filed together so that one lookup per path says which rules match it.
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
import { GLOBSTAR, matchSteps, partsOf, sectionAt, type Part } from './parts.js';

export { matchSteps };

/** Called with a repository-relative path such as `src/app.ts`; true when the rule applies. */
export interface PathMatcher {
  (path: string): boolean;
}

/** The globs of one rule: a path matches the rule when some `paths` glob and no `exclude` does. */
export interface RuleGlobs {
  paths: readonly string[];
  exclude: readonly string[];
}

/** Called with a repository-relative path; the indices of the rules that apply, ascending. */
export interface RulesMatcher {
  (path: string): number[];
}

interface Alternative {
  /** The rule whose glob this alternative comes from. */
  rule: number;
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

/** The include (or the exclude) globs of every rule, filed together. */
interface CompiledSet {
  /** Patterns without wildcards, as whole paths, with the rules they come from. */
  exact: Map<string, number[]>;
  root: TrieNode;
  // Alternatives that start with a wildcard but contain a literal segment (such as `migrations`
  // in `**/migrations/**`), filed under that segment: only paths that contain it try them.
  bySegment: Map<string, Alternative[]>;
  /** Counts lookups, for {@link Alternative.stamp}. */
  lookups: number;
  /** minimatch itself, rule by rule, for paths that no Git tree can hold. */
  fallback: Minimatch[][];
}

function compileSet(patternsByRule: readonly (readonly string[])[]): CompiledSet {
  const set: CompiledSet = {
    exact: new Map(),
    root: { alternatives: [], children: new Map() },
    bySegment: new Map(),
    lookups: 0,
    fallback: [],
  };
  patternsByRule.forEach((patterns, rule) => {
    const fallback: Minimatch[] = [];
    set.fallback.push(fallback);
    for (const pattern of patterns) {
      const problem = globProblem(pattern);
      if (problem) throw new Error(`invalid path glob \`${pattern}\`: ${problem}`);
      fallback.push(new Minimatch(pattern, PATH_OPTIONS));
      for (const alternative of braceExpand(pattern, PATH_OPTIONS)) {
        fileAlternative(set, rule, partsOf(alternative));
      }
    }
  });
  return set;
}

/** Files one alternative: as an exact path, under its leading literals, or under a literal. */
function fileAlternative(set: CompiledSet, rule: number, parts: Part[]): void {
  if (parts.every((p) => typeof p === 'string')) {
    const path = parts.join('/');
    const rules = set.exact.get(path);
    if (!rules) set.exact.set(path, [rule]);
    else if (!rules.includes(rule)) rules.push(rule);
    return;
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
    rule,
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

/** What one lookup changes: marks of rules, from one value to another. */
interface Lookup {
  segs: string[];
  marks: Uint8Array;
  from: number;
  to: number;
}

/** Tries alternatives whose rule is still marked `from`; returns how many rules it marked. */
function tryAlternatives(list: Alternative[], l: Lookup, stamp: number): number {
  let marked = 0;
  for (const alt of list) {
    if (stamp !== 0) {
      if (alt.stamp === stamp) continue;
      alt.stamp = stamp;
    }
    if (l.marks[alt.rule] === l.from && alternativeMatches(alt, l.segs)) {
      l.marks[alt.rule] = l.to;
      marked++;
    }
  }
  return marked;
}

/**
 * One lookup of a path in a set: each rule whose mark is `from` and one of whose globs in the set
 * matches the path is marked `to`. Rules marked otherwise are not tried; the lookup stops once
 * `pending` rules have been marked. Returns how many were.
 */
function markRules(set: CompiledSet, path: string, l: Lookup, pending: number): number {
  let marked = 0;
  const exact = set.exact.get(path);
  if (exact) {
    for (const rule of exact) {
      if (l.marks[rule] === l.from) {
        l.marks[rule] = l.to;
        marked++;
      }
    }
    if (marked === pending) return marked;
  }
  const { segs } = l;
  let node: TrieNode | undefined = set.root;
  for (let i = 0; node; i++) {
    if (node.alternatives.length > 0) {
      marked += tryAlternatives(node.alternatives, l, 0);
      if (marked === pending) return marked;
    }
    if (i >= segs.length) break;
    node = node.children.get(segs[i]!);
  }
  if (set.bySegment.size > 0) {
    const stamp = ++set.lookups;
    for (const seg of segs) {
      const list = set.bySegment.get(seg);
      if (!list) continue;
      marked += tryAlternatives(list, l, stamp);
      if (marked === pending) return marked;
    }
  }
  return marked;
}

// What a path's marks mean after a lookup.
const NONE = 0;
const INCLUDED = 1;
const EXCLUDED = 2;

/**
 * Compiles every rule's globs once. The returned function splits a path once, looks it up once in
 * the include globs of all rules and then once in the exclude globs of the rules it matched, and
 * leaves each rule's answer in `marks` (`INCLUDED` when the rule applies); it returns how many do.
 */
function compileMarks(rules: readonly RuleGlobs[]): {
  marks: Uint8Array;
  lookUp: (path: string) => number;
} {
  const inc = compileSet(rules.map((r) => r.paths));
  const exc = compileSet(rules.map((r) => r.exclude));
  const marks = new Uint8Array(rules.length);
  const lookUp = (path: string): number => {
    marks.fill(NONE);
    const segs = path.split('/');
    if (!isTreePath(segs)) {
      // Not a path a Git tree can hold: let minimatch answer exactly.
      let included = 0;
      inc.fallback.forEach((mms, rule) => {
        const matches = (mm: Minimatch) => mm.match(path);
        if (mms.some(matches) && !exc.fallback[rule]!.some(matches)) {
          marks[rule] = INCLUDED;
          included++;
        }
      });
      return included;
    }
    const l: Lookup = { segs, marks, from: NONE, to: INCLUDED };
    const included = markRules(inc, path, l, rules.length);
    if (included === 0) return 0;
    l.from = INCLUDED;
    l.to = EXCLUDED;
    return included - markRules(exc, path, l, included);
  };
  return { marks, lookUp };
}

/**
 * One matcher for several rules: a path is looked up once for all of them. Throws when a pattern
 * fails {@link globProblem}: validated policies never contain one.
 */
export function compileRulesMatcher(rules: readonly RuleGlobs[]): RulesMatcher {
  const { marks, lookUp } = compileMarks(rules);
  return (path: string) => {
    const out: number[] = [];
    if (lookUp(path) === 0) return out;
    for (let rule = 0; rule < marks.length; rule++) if (marks[rule] === INCLUDED) out.push(rule);
    return out;
  };
}

/**
 * Compiles include and exclude globs once. A path matches when some include glob matches it and
 * no exclude glob does. Throws when a pattern fails {@link globProblem}: validated policies never
 * contain one.
 */
export function compilePathMatcher(
  include: readonly string[],
  exclude: readonly string[],
): PathMatcher {
  const { lookUp } = compileMarks([{ paths: include, exclude }]);
  return (path: string) => lookUp(path) > 0;
}

/** How many of `paths` the matcher accepts: the unit of work the matcher benchmark times. */
export function countMatches(matcher: PathMatcher, paths: readonly string[]): number {
  let n = 0;
  for (const p of paths) if (matcher(p)) n++;
  return n;
}
