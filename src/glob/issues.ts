/**
 * What is wrong with a glob, in words that complete a sentence starting with the pattern, and
 * how to fix it. Path globs (`paths`, `exclude`) are held to the shapes whose meaning minimatch
 * and this module's matcher agree on; co-author globs to size, braces and what minimatch can read.
 */
import { braceExpand, Minimatch } from 'minimatch';
import { MAX_BRACE_ALTERNATIVES, MAX_GLOB_LENGTH } from './limits.js';
import { braceProblem, estimateBraceAlternatives } from './braces.js';
import { IDENTITY_OPTIONS, PATH_OPTIONS } from './options.js';

/* eslint-disable no-control-regex */
const CONTROL = /[\u0000-\u001f\u007f]/;
const EXTGLOB = /[?*+@!]\(/;

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

/** Beginnings a path glob may not have: [beginning, problem, fix]. */
type Starts = readonly (readonly [string, string, string])[];

const PATTERN_STARTS: Starts = [
  [
    '!',
    'starts with `!`; negated patterns are not supported',
    'list the pattern without `!` under `exclude` instead',
  ],
  [
    '#',
    'starts with `#`, which minimatch reads as a comment that matches nothing',
    'write `[#]` for a literal leading `#`',
  ],
];

/** The same for each alternative after brace expansion. */
const PATH_STARTS: Starts = [
  ['/', 'is an absolute path; paths are relative to the repository root', 'remove the leading `/`'],
  [
    './',
    'starts with `./`; paths are already relative to the repository root',
    'remove the leading `./`',
  ],
];

function startIssue(p: string, starts: Starts): GlobIssue | null {
  const hit = starts.find(([start]) => p.startsWith(start));
  return hit ? issue(hit[1], hit[2]) : null;
}

/** What is wrong with a path glob, with a fix, or null when it is fine. */
export function globIssue(pattern: string): GlobIssue | null {
  const common = commonIssue(pattern);
  if (common) return common;
  const start = startIssue(pattern, PATTERN_STARTS);
  if (start) return start;
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
  const alternatives = braceExpand(pattern, PATH_OPTIONS);
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
  const start = startIssue(p, PATH_STARTS);
  if (start) return start;
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
