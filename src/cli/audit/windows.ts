/**
 * Windows of merge time (ISO 8601 instants, both ends included): what a repository's reading has
 * covered, and what a run still has to read. Pure.
 */
export interface Window {
  since: string;
  until: string;
}

const t = (iso: string): number => {
  const v = Date.parse(iso);
  if (Number.isNaN(v)) throw new Error(`not an ISO 8601 time: ${iso}`);
  return v;
};

/**
 * The union of two windows when they overlap or touch; otherwise the later one (what lies
 * between them was not read, so only one stretch can be said to be covered).
 */
export function mergeWindows(a: Window, b: Window): Window {
  if (t(a.since) <= t(b.until) && t(b.since) <= t(a.until)) {
    return {
      since: t(a.since) <= t(b.since) ? a.since : b.since,
      until: t(a.until) >= t(b.until) ? a.until : b.until,
    };
  }
  return t(a.until) >= t(b.until) ? a : b;
}

/**
 * The parts of `want` that `covered` leaves out: before it and after it. A part starts (or
 * ends) at the covered edge itself, so a pull request merged at that very instant is read again
 * rather than missed.
 */
export function missingWindows(covered: Window | null, want: Window): Window[] {
  if (!covered || t(covered.until) < t(want.since) || t(covered.since) > t(want.until)) {
    return [want];
  }
  const out: Window[] = [];
  if (t(want.since) < t(covered.since)) out.push({ since: want.since, until: covered.since });
  if (t(want.until) > t(covered.until)) out.push({ since: covered.until, until: want.until });
  return out;
}
