/**
 * Reviews that did not count, as the check, the comment and the terminal show them: merged across
 * requirements, with the reason in words; and the policy layer a requirement came from.
 */
import type { DiscountReason, Verdict } from '../model/verdict.js';
import { plainText } from './escape.js';
import type { Style } from './style.js';

const LAYERS: readonly string[] = ['org floor', 'org default', 'repository'];

/** " (org floor)": which policy layer a requirement came from, when known. */
export function layerNote(layer: unknown): string {
  return typeof layer === 'string' && LAYERS.includes(layer) ? ` (${layer})` : '';
}

/** Why a review did not count, as the end of a sentence that starts with the reviewer. */
export const DISCOUNT_REASONS: Readonly<Record<DiscountReason, string>> = {
  'pr-author': 'opened the pull request',
  contributor: 'contributed to the changes',
  bot: 'is a bot',
  'no-write-access': 'has no write access to the repository',
  'not-a-reviewer': 'is not one of the required reviewers',
  stale: 'reviewed an older commit',
  superseded: 'a later review replaced it',
  'unknown-user': 'the account could not be identified',
};

export interface DiscountedEntry {
  login: string;
  reason: string;
  detail: string;
  /** The requirements it did not count toward. */
  rules: string[];
}

const discountedCache = new WeakMap<Verdict, DiscountedEntry[]>();

/** Reviews that did not count, merged across requirements (same login, reason and detail). */
export function collectDiscounted(verdict: Verdict): DiscountedEntry[] {
  const cached = discountedCache.get(verdict);
  if (cached) return cached;
  const entries = new Map<string, DiscountedEntry>();
  for (const r of Array.isArray(verdict.requirements) ? verdict.requirements : []) {
    for (const d of Array.isArray(r.discounted) ? r.discounted : []) {
      const login = plainText(String(d.login), 100);
      const reason = plainText(String(d.reason), 40);
      const detail = typeof d.detail === 'string' ? plainText(d.detail, 300) : '';
      const key = `${login.toLowerCase()}\u0000${reason}\u0000${detail}`;
      const entry = entries.get(key);
      if (entry) {
        if (entry.rules.length < 20 && !entry.rules.includes(r.rule)) entry.rules.push(r.rule);
      } else {
        entries.set(key, { login, reason, detail, rules: [r.rule] });
      }
    }
  }
  const out = [...entries.values()];
  discountedCache.set(verdict, out);
  return out;
}

/** "opened the pull request", or the raw reason when it is not a known one. */
export function discountReasonText(reason: string, style: Style): string {
  return Object.hasOwn(DISCOUNT_REASONS, reason)
    ? DISCOUNT_REASONS[reason as DiscountReason]
    : style.text(reason, 40);
}
