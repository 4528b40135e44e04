/**
 * The shape of a catalogue entry, and the pattern builders the entries are written with.
 *
 * Rules every pattern follows, and the tests enforce:
 * - Identities are matched on the tool's own e-mail address or GitHub bot account, never on a
 *   display name alone, so a person called "Claude" or "Devin" is not mistaken for a tool.
 * - Patterns are linear: literal text, character classes that cannot overlap with what follows,
 *   and bounded repeats only. No pattern can span a line break, so a body marker always points at
 *   one line. No pattern carries the `g` or `y` flag (they make `RegExp#test` stateful).
 * - A footer (`Generated with …`, `Made with …`) counts only where it starts a line, after what
 *   tools put before it (see `footer`), never quoted in the middle of a sentence.
 * - Logins are lower-case, as GitHub's REST API spells them (bot apps end in `[bot]`).
 */

export interface AiTool {
  id: string;
  name: string;
  /** Other names a trailer value may give the tool by (`Assisted-by: Copilot`); case-insensitive. */
  aliases?: string[];
  /**
   * Regexes tested against an identity rendered as `Name <email>` (co-author trailers, commit
   * authors and committers). Anchored; case-insensitive.
   */
  identities: RegExp[];
  /** Lower-case GitHub logins that author PRs or commits as this tool. */
  authorLogins: string[];
  /** Lower-case logins of this tool's review bots (reviews never count as approvals). */
  reviewLogins: string[];
  /** Regexes tested against PR bodies and commit messages; each matches within one line. */
  bodyMarkers: RegExp[];
  /** Branch name prefixes the tool uses (weak evidence on their own). */
  branchPrefixes: string[];
  confidence: 'documented' | 'observed';
  source: string;
}

/** Escapes a literal for use inside a regular expression. */
function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/**
 * An identity with any display name and exactly this e-mail address (a regex source for the
 * address, already escaped where needed).
 */
export function anyNameWithEmail(emailSource: string): RegExp {
  return new RegExp(`^[^<>]*<${emailSource}>$`, 'i');
}

/** A GitHub noreply address for a login, with or without the numeric id GitHub prefixes. */
function githubNoreply(login: string): string {
  return `(?:\\d{1,12}\\+)?${escapeRegExp(login)}@users\\.noreply\\.github\\.com`;
}

/**
 * What may come before a footer on its line, as tools and markdown write it: indentation or a
 * blockquote (`>`), emphasis (`_`, `*`) and an emoji such as 🤖 or 💘 with its spaces.
 */
const FOOTER_LEAD =
  '^[ \\t>]{0,16}[*_]{0,2}(?:[\\p{Extended_Pictographic}\\uFE0F\\u200D]{1,8}[ \\t]{1,4})?[*_]{0,2}';

/** A footer marker: `source` (a regex source) at the start of a line, after `FOOTER_LEAD`. */
export function footer(source: string): RegExp {
  return new RegExp(FOOTER_LEAD + source, 'imu');
}

/** An identity whose address is the GitHub noreply address of this login. */
export function githubAccount(login: string): RegExp {
  return anyNameWithEmail(githubNoreply(login));
}
