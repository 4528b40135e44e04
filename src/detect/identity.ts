/** Parsing and matching of git identities written as `Name <email>`. */

export interface ParsedIdentity {
  name: string;
  email: string;
}

/** Splits `Name <email>` (as in Co-authored-by); a value with no `<…>` is taken as a bare name. */
export function parseIdentity(value: string): ParsedIdentity {
  const open = value.lastIndexOf('<');
  const close = value.lastIndexOf('>');
  if (open === -1 || close < open) return { name: value.trim(), email: '' };
  return { name: value.slice(0, open).trim(), email: value.slice(open + 1, close).trim() };
}

export function formatIdentity(id: ParsedIdentity): string {
  return id.email ? `${id.name} <${id.email}>` : id.name;
}

/**
 * The GitHub login behind a noreply address (`123+login@users.noreply.github.com` or
 * `login@users.noreply.github.com`), or null.
 */
export function loginFromNoreply(email: string): string | null {
  const m = /^(?:\d+\+)?([^@\s]+)@users\.noreply\.github\.com$/i.exec(email.trim());
  return m ? m[1]!.toLowerCase() : null;
}
