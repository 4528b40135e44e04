/** How people, teams and reviewer lists are written, in markdown or as plain text. */
import type { Reviewers } from '../model/policy.js';
import { codeSpan, escapeInline, formatCount, plainText, plural } from './escape.js';

/** How names and values are written: markdown (escaped) or plain text. */
export interface Style {
  text(s: string, max?: number): string;
  /** A login, written `@login` without notifying anyone. */
  user(login: string): string;
  /** A team slug, written `@org/slug` (or `team slug` without an org), without notifying. */
  team(slug: string): string;
  /** An exact value. */
  code(s: string): string;
}

export function markdownStyle(org?: string): Style {
  return {
    text: (s, max) => escapeInline(s, max),
    user: (login) => escapeInline(`@${plainText(login, 100)}`, 110),
    team: (slug) => escapeInline(teamName(slug, org), 220),
    code: (s) => codeSpan(s, { table: false }),
  };
}

export function plainStyle(org?: string): Style {
  return {
    text: (s, max) => plainText(s, max),
    user: (login) => `@${plainText(login, 100)}`,
    team: (slug) => plainText(teamName(slug, org), 220),
    code: (s) => plainText(s),
  };
}

function teamName(slug: string, org?: string): string {
  const s = plainText(slug, 100);
  const o = org ? plainText(org, 100) : '';
  return o ? `@${o}/${s}` : `team ${s}`;
}

/** Logins, de-duplicated case-insensitively, in first-seen order. */
export function uniqueLogins(logins: Iterable<string>): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const login of logins) {
    if (typeof login !== 'string') continue;
    const key = login.toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(login);
  }
  return out;
}

/** "a, b and 3 more", at most `max` names shown. */
export function joinNames(names: string[], max: number, none = '—'): string {
  if (names.length === 0) return none;
  const shown = names.slice(0, Math.max(1, max));
  const rest = names.length - shown.length;
  return rest > 0 ? `${shown.join(', ')} and ${formatCount(rest)} more` : shown.join(', ');
}

/** "@acme/payments-seniors or @alice", or "any reviewer" when both lists are empty. */
export function describeReviewers(
  reviewers: Reviewers | undefined,
  style: Style,
  max = 10,
): string {
  const teams = Array.isArray(reviewers?.teams) ? reviewers.teams : [];
  const users = Array.isArray(reviewers?.users) ? reviewers.users : [];
  const total = teams.length + users.length;
  if (total === 0) return 'any reviewer';
  const shown = [
    ...teams.slice(0, max).map((t) => style.team(t)),
    ...users.slice(0, Math.max(0, max - teams.length)).map((u) => style.user(u)),
  ];
  const rest = total - shown.length;
  return rest > 0
    ? `${shown.join(', ')} or ${plural(rest, 'other')}`
    : shown.length > 1
      ? `${shown.slice(0, -1).join(', ')} or ${shown[shown.length - 1]}`
      : (shown[0] as string);
}
