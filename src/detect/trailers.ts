/**
 * Commit-message trailer parsing that reproduces `git interpret-trailers --parse` and
 * `git interpret-trailers --parse --no-divider` (git 2.39, no `trailer.*` configuration) line
 * for line. The second is how git reads a commit's own trailers (`git log --format=%(trailers)`);
 * the first is how it reads an e-mailed patch. `commitTrailers` takes what either finds.
 *
 * Pure: no I/O, no configuration. Every step is a single pass over the message, so the
 * cost is linear in its size.
 *
 * How git finds the trailers, step by step (each step is mirrored below):
 *
 * 1. The message ends at the first NUL character (git works on C strings).
 * 2. A patch divider ends the message: the first line that starts with `---` followed by a
 *    space, tab, CR or LF. A bare `---` as the very last line, without a line feed, is not a
 *    divider. With `--no-divider` (and for a commit's own trailers) there is no divider.
 * 3. Git then drops what a commit editor would drop at the end of the message: everything
 *    from a scissors line (`# ------------------------ >8 ------------------------`) on, and
 *    a trailing run of `#` comment lines, empty lines and old-style `Conflicts:` blocks.
 * 4. The first paragraph (up to the first blank line, skipping `#` lines) is the subject and
 *    can never hold trailers. A message with a leading blank line has an empty subject, so
 *    its first text paragraph can be a trailer block.
 * 5. Walking back from the end (whitespace-only lines at the very end are skipped), the last
 *    paragraph is the trailer block if every line in it is a trailer or a continuation, or if
 *    at least one line starts with `Signed-off-by: ` or `(cherry picked from commit ` and at
 *    least a quarter of its lines are trailers. Lines that start with whitespace count with
 *    the trailer above them, or as non-trailer lines when a non-trailer line is above them.
 * 6. Inside the block, a line that starts with whitespace is folded into the trailer above
 *    it; a `Key: value` line (key of ASCII letters, digits and `-`, optional spaces or tabs
 *    before the `:`) is a trailer; other lines, `#` lines and the cherry-pick note are not
 *    reported.
 */

/** One trailer of a commit message. */
export interface Trailer {
  /** The key as written (case preserved, surrounding whitespace dropped). */
  key: string;
  /**
   * The value, with continuation lines folded in (joined with one space), trimmed. As in git,
   * only spaces, tabs, CR and LF are trimmed, and the CR of a folded CRLF line stays
   * (`Key: a\r\n b` gives `a\r b`).
   */
  value: string;
  /**
   * The exact source line(s) of this trailer as they appear in the message (continuation
   * lines joined with "\n"), for evidence. Line feeds are not included; a CR before a line
   * feed is kept, as it is part of the line. Whitespace-only lines that git folds into the
   * last trailer of the block are left out.
   */
  raw: string;
}

/** The comment character git uses when no `core.commentChar` is configured. */
const COMMENT_CHAR = '#';

/** The scissors line of `git commit --cleanup=scissors` / `git commit -v`, with its line feed. */
const SCISSORS_LINE = `${COMMENT_CHAR} ------------------------ >8 ------------------------\n`;

/** Line prefixes git itself writes; one of them lets a mixed paragraph count as trailers. */
const GIT_GENERATED_PREFIXES = ['Signed-off-by: ', '(cherry picked from commit '] as const;

/** The only separator git accepts in a message when no `trailer.separators` is configured. */
const SEPARATOR = ':';

/** git's `isspace`: ASCII space, tab, line feed and carriage return only (not VT, FF, NBSP). */
function isGitSpace(code: number): boolean {
  return code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0d;
}

/** ASCII letters and digits only, like git's `isalnum`. */
function isAsciiAlnum(code: number): boolean {
  return (
    (code >= 0x30 && code <= 0x39) ||
    (code >= 0x41 && code <= 0x5a) ||
    (code >= 0x61 && code <= 0x7a)
  );
}

/** Trim git-space characters from both ends (JS `trim` would also remove NBSP, VT, FF...). */
function gitTrim(s: string): string {
  let start = 0;
  let end = s.length;
  while (start < end && isGitSpace(s.charCodeAt(start))) start++;
  while (end > start && isGitSpace(s.charCodeAt(end - 1))) end--;
  return s.slice(start, end);
}

/** A line is blank when it holds only git-space characters. */
function isBlank(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    if (!isGitSpace(text.charCodeAt(i))) return false;
  }
  return true;
}

/**
 * Position of the separator in `<key><optional spaces/tabs><separator>`, 0 when the line
 * starts with the separator, or -1 when the line is not of that shape. The key is ASCII
 * letters, digits and `-`; a space or tab ends it, and after that only more spaces, tabs or
 * the separator may follow.
 */
function findSeparator(text: string): number {
  let whitespaceFound = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (text[i] === SEPARATOR) return i;
    if (!whitespaceFound && (isAsciiAlnum(ch) || ch === 0x2d)) continue;
    if (i !== 0 && (ch === 0x20 || ch === 0x09)) {
      whitespaceFound = true;
      continue;
    }
    break;
  }
  return -1;
}

interface Line {
  /** Offset of the first character of the line in the message. */
  start: number;
  /** The line without its line feed (a CR before the line feed stays). */
  text: string;
  /** Whether the line ends with a line feed (only the last line of the message may not). */
  hasNewline: boolean;
}

function splitLines(message: string): Line[] {
  const lines: Line[] = [];
  let start = 0;
  while (start < message.length) {
    const nl = message.indexOf('\n', start);
    if (nl === -1) {
      lines.push({ start, text: message.slice(start), hasNewline: false });
      break;
    }
    lines.push({ start, text: message.slice(start, nl), hasNewline: true });
    start = nl + 1;
  }
  return lines;
}

/** Index of the first line of the patch part (the `---` divider), or `lines.length`. */
function findDivider(lines: Line[]): number {
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (!line.text.startsWith('---')) continue;
    // The character after `---` must be git-space; the line feed counts, end of input does not.
    if (line.text.length > 3 ? isGitSpace(line.text.charCodeAt(3)) : line.hasNewline) return i;
  }
  return lines.length;
}

/**
 * Index of the first line of the part a commit editor would discard: the scissors line and
 * everything below it, then a trailing run of comment lines, empty lines and `Conflicts:`
 * blocks. Only lines before `messageEnd` (the divider) are considered.
 */
function findEndOfLogMessage(message: string, lines: Line[], messageEnd: number): number {
  // Scissors: git searches the whole input (not just the part before the divider).
  let cutoff = messageEnd;
  if (message.startsWith(SCISSORS_LINE)) {
    cutoff = 0;
  } else {
    const at = message.indexOf(`\n${SCISSORS_LINE}`);
    if (at !== -1) {
      // Not matching git exactly: when the scissors line lies after the divider, git 2.39
      // never returns (its scan is bounded by the scissors offset but only advances up to the
      // divider). Here a scissors line below the divider simply has no effect.
      cutoff = Math.min(lineIndexAt(lines, at + 1), messageEnd);
    }
  }

  // Trailing run of comment lines, empty lines and old `Conflicts:` blocks. As in git, a run
  // that would begin on the very first line is never recorded (its start offset is 0, which
  // git uses to mean "no run").
  let runStart = 0;
  let inConflicts = false;
  for (let i = 0; i < cutoff; i++) {
    const line = lines[i]!;
    if (line.text.startsWith(COMMENT_CHAR) || (line.text === '' && line.hasNewline)) {
      if (runStart === 0) runStart = i;
    } else if (line.text === 'Conflicts:' && line.hasNewline) {
      inConflicts = true;
      if (runStart === 0) runStart = i;
    } else if (inConflicts && line.text.startsWith('\t')) {
      // A path listed under `Conflicts:`.
    } else if (runStart !== 0) {
      runStart = 0;
      inConflicts = false;
    }
  }
  return runStart !== 0 ? runStart : cutoff;
}

/** Index of the line starting at `offset` (which must be a line start). */
function lineIndexAt(lines: Line[], offset: number): number {
  let lo = 0;
  let hi = lines.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (lines[mid]!.start < offset) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Index of the first line of the trailer block within `lines[0, end)`, or -1 when there is none. */
function findTrailerBlockStart(lines: Line[], end: number): number {
  // The first paragraph is the subject; comment lines do not end it.
  let endOfTitle = 0;
  while (endOfTitle < end) {
    const text = lines[endOfTitle]!.text;
    if (!text.startsWith(COMMENT_CHAR) && isBlank(text)) break;
    endOfTitle++;
  }

  let onlySpaces = true;
  let recognizedPrefix = false;
  let trailerLines = 0;
  let nonTrailerLines = 0;
  // Lines starting with whitespace seen since the last trailer line: continuations if a
  // trailer line is above them, non-trailer lines otherwise.
  let possibleContinuations = 0;

  for (let i = end - 1; i >= endOfTitle; i--) {
    const text = lines[i]!.text;
    if (text.startsWith(COMMENT_CHAR)) {
      nonTrailerLines += possibleContinuations;
      possibleContinuations = 0;
      continue;
    }
    if (isBlank(text)) {
      if (onlySpaces) continue;
      nonTrailerLines += possibleContinuations;
      if (recognizedPrefix && trailerLines * 3 >= nonTrailerLines) return i + 1;
      if (trailerLines > 0 && nonTrailerLines === 0) return i + 1;
      return -1;
    }
    onlySpaces = false;

    if (GIT_GENERATED_PREFIXES.some((prefix) => text.startsWith(prefix))) {
      trailerLines++;
      possibleContinuations = 0;
      recognizedPrefix = true;
      continue;
    }
    if (findSeparator(text) >= 1) {
      trailerLines++;
      possibleContinuations = 0;
    } else if (isGitSpace(text.charCodeAt(0))) {
      possibleContinuations++;
    } else {
      nonTrailerLines += 1 + possibleContinuations;
      possibleContinuations = 0;
    }
  }
  return -1;
}

/** Replace each line break of a folded value, with the whitespace after it, by one space. */
function unfold(value: string): string {
  let out = '';
  let i = 0;
  while (i < value.length) {
    const nl = value.indexOf('\n', i);
    if (nl === -1) {
      out += value.slice(i);
      break;
    }
    out += value.slice(i, nl) + ' ';
    i = nl + 1;
    while (i < value.length && isGitSpace(value.charCodeAt(i))) i++;
  }
  return gitTrim(out);
}

export interface ParseOptions {
  /**
   * Read the message as git reads a commit's own trailers, with no `---` patch divider
   * (`git interpret-trailers --parse --no-divider`). Default: false, as `--parse` alone.
   */
  noDivider?: boolean;
}

/**
 * Parse the trailers of a commit message exactly as `git interpret-trailers --parse` does
 * (or `--parse --no-divider`, see `ParseOptions`) with no trailer configuration: for each
 * returned trailer, `${key}: ${value}` is the line git prints, in the same order.
 */
export function parseTrailers(message: string, options: ParseOptions = {}): Trailer[] {
  const nul = message.indexOf('\0');
  const text = nul === -1 ? message : message.slice(0, nul);
  const lines = splitLines(text);
  const divider = options.noDivider ? lines.length : findDivider(lines);
  const end = findEndOfLogMessage(text, lines, divider);
  const blockStart = findTrailerBlockStart(lines, end);
  if (blockStart === -1) return [];

  // Group the block's lines into entries: a line starting with whitespace joins the entry
  // above it when that entry is a `Key:` line.
  const entries: Line[][] = [];
  let last: Line[] | undefined;
  for (let i = blockStart; i < end; i++) {
    const line = lines[i]!;
    // An empty line (just its line feed) also starts with git-space.
    if (last !== undefined && (line.text === '' || isGitSpace(line.text.charCodeAt(0)))) {
      last.push(line);
      continue;
    }
    const entry = [line];
    entries.push(entry);
    last = findSeparator(line.text) >= 1 ? entry : undefined;
  }

  const trailers: Trailer[] = [];
  for (const entry of entries) {
    const first = entry[0]!;
    if (first.text.startsWith(COMMENT_CHAR)) continue;
    const sep = findSeparator(first.text);
    if (sep < 1) continue;
    const joined = entry.map((line) => line.text).join('\n');
    // Whitespace-only lines git folded in (they can only trail the block) are not evidence.
    let rawLines = entry.length;
    while (rawLines > 1 && isBlank(entry[rawLines - 1]!.text)) rawLines--;
    trailers.push({
      key: gitTrim(first.text.slice(0, sep)),
      value: unfold(gitTrim(joined.slice(sep + 1))),
      raw: entry
        .slice(0, rawLines)
        .map((line) => line.text)
        .join('\n'),
    });
  }
  return trailers;
}

/**
 * Every trailer of a commit message that either of git's readings finds: first those git
 * reports for the commit itself (no divider, as `git log --format=%(trailers)`), then those
 * `git interpret-trailers --parse` reports only because a `---` line cut the message short.
 * A markdown rule (`---`) in a commit body can thus hide no trailer from the gate.
 */
export function commitTrailers(message: string): Trailer[] {
  const asCommit = parseTrailers(message, { noDivider: true });
  const asPatch = parseTrailers(message);
  if (asPatch.length === 0) return asCommit;
  const seen = new Set(asCommit.map((t) => t.raw));
  return [...asCommit, ...asPatch.filter((t) => !seen.has(t.raw))];
}

/** Case-insensitive key comparison helper (ASCII case folding, as git compares keys). */
export function trailerKeyEquals(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x >= 0x41 && x <= 0x5a) x += 0x20;
    if (y >= 0x41 && y <= 0x5a) y += 0x20;
    if (x !== y) return false;
  }
  return true;
}
