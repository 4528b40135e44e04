/**
 * A merged pull request as it stood when it merged, in the shape the app judges open pull
 * requests: only what GitHub records with a time at or before the merge counts. Times are
 * GitHub's, never a commit date a pusher can set.
 */
import type { LabelFact, LabelRemoval, PullRequestFacts, ReviewFact } from '../model/facts.js';
import { recordFor } from '../evaluate/record.js';
import { CHECK_NAME } from '../model/names.js';
import type { HeadRecord } from '../model/record.js';
import type { MergedHeadCheck, MergedPullRequestFacts } from './model.js';

export interface AtMerge {
  /** The facts the app would have judged at the moment of the merge. */
  facts: PullRequestFacts;
  /** Reviews submitted after the merge (or at a time GitHub did not give): they count for nothing. */
  late: ReviewFact[];
  /** When the override label (or any label) was last applied, by lower-case name. */
  appliedAt: Map<string, string>;
  /** Lists GitHub cut short, each as a sentence: the record is then `unknown`. */
  cut: string[];
}

const atOrBefore = (at: string | null | undefined, limit: number) =>
  typeof at === 'string' && Date.parse(at) <= limit;

/**
 * The app's record of the merged head, from its own check runs on it (by `appSlug`, completed by
 * the merge): the latest that is about this pull request and this head; null when none is.
 */
export function headRecordAtMerge(pr: MergedPullRequestFacts, appSlug: string): HeadRecord | null {
  const merged = Date.parse(pr.mergedAt);
  const records = pr.headChecks
    .filter(
      (c) =>
        c.name === CHECK_NAME &&
        c.appSlug?.toLowerCase() === appSlug.toLowerCase() &&
        atOrBefore(c.completedAt, merged),
    )
    .sort((a, b) => Date.parse(a.completedAt!) - Date.parse(b.completedAt!))
    .map((c) => recordFor(c.record, pr.number, pr.headSha))
    .filter((r): r is HeadRecord => r !== null);
  return records.at(-1) ?? null;
}

export function factsAtMerge(pr: MergedPullRequestFacts, appSlug = ''): AtMerge {
  const merged = Date.parse(pr.mergedAt);
  const cut: string[] = [];
  const changed = Math.max(pr.changedFilesCount ?? 0, pr.files.length);
  if (!pr.filesComplete || changed > pr.files.length) {
    cut.push(`GitHub lists ${pr.files.length} of its ${changed} changed files`);
  }
  if (!pr.commitsComplete) {
    cut.push(`GitHub did not list every commit (${pr.commits.length} read)`);
  }
  if (!pr.reviewsComplete) cut.push(`GitHub did not list every review (${pr.reviews.length} read)`);
  if (!pr.labelEventsComplete) {
    cut.push(`GitHub did not list every label event (${pr.labelEvents.length} read)`);
  }

  const reviews: ReviewFact[] = [];
  const late: ReviewFact[] = [];
  for (const r of pr.reviews) {
    if (r.state === 'PENDING') continue;
    (atOrBefore(r.submittedAt, merged) ? reviews : late).push(r);
  }

  // Replayed in GitHub's order; what stands at the merge is what the app would have seen.
  const labels = new Map<string, LabelFact>();
  const appliedAt = new Map<string, string>();
  const labelRemovals: LabelRemoval[] = [];
  const events = pr.labelEvents
    .map((e, i) => ({ e, i }))
    .filter(({ e }) => atOrBefore(e.at, merged))
    .sort((a, b) => Date.parse(a.e.at) - Date.parse(b.e.at) || a.i - b.i);
  for (const { e } of events) {
    const key = e.name.toLowerCase();
    if (e.action === 'added') {
      labels.set(key, { name: e.name, appliedBy: e.actor, eventId: e.id ?? null });
      appliedAt.set(key, e.at);
    } else {
      labels.delete(key);
      appliedAt.delete(key);
      labelRemovals.push({ name: e.name, by: e.actor, at: e.at });
    }
  }

  const facts: PullRequestFacts = {
    ...pr,
    labels: [...labels.values()],
    labelRemovals,
    reviews,
    earlierHeads: (pr.earlierHeads ?? []).filter((h) => atOrBefore(h.replacedAt, merged)),
    // No record of the head means nothing says an override came after the last push.
    headRecord: pr.headRecord ?? headRecordAtMerge(pr, appSlug),
  };
  return { facts, late, appliedAt, cut };
}

/** The app's check on the merged head as it stood at the merge, and whether the merge went around it. */
export function checkAtMerge(
  pr: MergedPullRequestFacts,
  appSlug: string,
): { check: MergedHeadCheck | null; bypassed: boolean } {
  const merged = Date.parse(pr.mergedAt);
  const own = pr.headChecks.filter(
    (c) => c.name === CHECK_NAME && c.appSlug?.toLowerCase() === appSlug.toLowerCase(),
  );
  const t = (c: MergedHeadCheck) => (c.completedAt ? Date.parse(c.completedAt) : -Infinity);
  const byCompletion = (a: MergedHeadCheck, b: MergedHeadCheck) =>
    t(b) > t(a) ? 1 : t(b) < t(a) ? -1 : 0;
  const before = own
    .filter((c) => c.status === 'completed' && atOrBefore(c.completedAt, merged))
    .sort(byCompletion);
  const check = before[0] ?? [...own].sort(byCompletion)[0] ?? null;
  const bypassed = !(
    check &&
    check.status === 'completed' &&
    atOrBefore(check.completedAt, merged) &&
    check.conclusion === 'success'
  );
  return { check, bypassed };
}
