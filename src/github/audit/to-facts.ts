/**
 * GitHub's answer about one merged pull request, turned into the audit's plain facts. Lists that
 * GitHub cut, or that could not be read whole, say so in their `...Complete` flags: never passed
 * off as whole.
 */

import { parseIdentity } from '../../detect/identity.js';
import { commitTrailers, trailerKeyEquals } from '../../detect/trailers.js';
import type { Actor, ChangedFile, CommitFact, GitIdentity, LabelFact } from '../../model/facts.js';
import type { LabelEventFact, MergedHeadCheck, MergedPullRequestFacts } from '../../audit/model.js';
import { isPresent, toActor, toIdentity, toReview } from '../facts.js';
import { parseRecord } from '../../render/record.js';
import type {
  AuditCommit,
  AuditPullRequest,
  AuditReview,
  AuditTimelineItem,
} from '../queries/audit.js';

/** GitHub lists at most this many commits of a pull request. */
export const PR_COMMITS_LISTED = 250;

/** A merged pull request as read so far: the lists grow as follow-up pages come in. */
export interface PullRequestRead {
  raw: AuditPullRequest;
  commits: AuditCommit[];
  files: { path: string; changeType: string }[];
  reviews: AuditReview[];
  timeline: AuditTimelineItem[];
  /** Files with previous paths from REST, when a rename made them needed; null when not read. */
  restFiles: ChangedFile[] | null;
  /** Why a list is not whole (beyond what the counts show), e.g. a co-author that could not be read. */
  problems: { commits?: string; files?: string };
}

const GHOST: Actor = { login: 'ghost', type: 'Unknown' };

/** The co-author addresses a commit's trailers name, in order, each once (lower-case). */
export function coAuthorEmails(message: string): string[] {
  const out: string[] = [];
  for (const t of commitTrailers(message)) {
    if (!trailerKeyEquals(t.key, 'co-authored-by')) continue;
    const email = parseIdentity(t.value).email.toLowerCase();
    if (email && !out.includes(email)) out.push(email);
  }
  return out;
}

/**
 * A commit's authors as GitHub lists them: the author, then each co-author of the trailers, with
 * the account GitHub links to the address (`accounts`, lower-case address → login or null).
 * Returns null for a co-author whose account could not be read.
 */
function commitFact(
  c: AuditCommit,
  accounts: ReadonlyMap<string, string | null>,
): CommitFact | null {
  const author = toIdentity(c.author);
  const authors: GitIdentity[] = [author];
  const seen = new Set([author.email.toLowerCase()]);
  for (const t of commitTrailers(c.message)) {
    if (!trailerKeyEquals(t.key, 'co-authored-by')) continue;
    const id = parseIdentity(t.value);
    const email = id.email.toLowerCase();
    if (!email || seen.has(email)) continue;
    seen.add(email);
    if (!accounts.has(email)) return null;
    const login = accounts.get(email) ?? null;
    authors.push(toIdentity({ name: id.name, email: id.email, user: login ? { login } : null }));
  }
  return { sha: c.oid, message: c.message, authors, committer: toIdentity(c.committer) };
}

function labelEvents(items: AuditTimelineItem[]): LabelEventFact[] {
  const out: LabelEventFact[] = [];
  for (const i of items) {
    if (i.__typename !== 'LabeledEvent' && i.__typename !== 'UnlabeledEvent') continue;
    if (!i.label?.name || !i.createdAt) continue;
    out.push({
      id: i.id ?? null,
      name: i.label.name,
      action: i.__typename === 'LabeledEvent' ? 'added' : 'removed',
      actor: toActor(i.actor),
      at: i.createdAt,
    });
  }
  return out;
}

/** The labels on the PR after its events, each with who applied it last. */
function labelsAfter(events: LabelEventFact[]): LabelFact[] {
  const on = new Map<string, LabelFact>();
  for (const e of events) {
    const key = e.name.toLowerCase();
    if (e.action === 'added')
      on.set(key, { name: e.name, appliedBy: e.actor, eventId: e.id ?? null });
    else on.delete(key);
  }
  return [...on.values()];
}

function headChecks(raw: AuditPullRequest): MergedHeadCheck[] {
  const out: MergedHeadCheck[] = [];
  for (const node of raw.headCommit?.nodes ?? []) {
    if (node?.commit.oid !== raw.headRefOid) continue;
    for (const suite of node.commit.checkSuites?.nodes ?? []) {
      for (const run of suite?.checkRuns?.nodes ?? []) {
        if (!run) continue;
        out.push({
          name: run.name,
          appSlug: suite?.app?.slug ?? null,
          status: run.status.toLowerCase() as MergedHeadCheck['status'],
          conclusion: run.conclusion ? run.conclusion.toLowerCase() : null,
          title: run.title,
          completedAt: run.completedAt,
          record: parseRecord(run.text),
        });
      }
    }
  }
  return out;
}

/** The facts of a merged pull request once every page it needs has been read. */
export function toMergedFacts(
  repository: string,
  read: PullRequestRead,
  accounts: ReadonlyMap<string, string | null>,
): MergedPullRequestFacts {
  const raw = read.raw;
  const what = `${repository}#${raw.number}`;
  const commits: CommitFact[] = [];
  let coAuthorsRead = true;
  for (const c of read.commits) {
    const fact = commitFact(c, accounts);
    if (fact) commits.push(fact);
    else coAuthorsRead = false;
  }
  const events = labelEvents(read.timeline);
  const ready = read.timeline.filter((i) => i.__typename === 'ReadyForReviewEvent' && i.createdAt);
  const files: ChangedFile[] = read.restFiles ?? read.files.map((f) => ({ path: f.path }));
  const timelineTotal = read.raw.timeline.totalCount;
  const reviewsTotal = read.raw.reviews?.totalCount ?? 0;
  return {
    repository,
    number: raw.number,
    url: raw.url,
    title: raw.title,
    body: raw.body,
    author: toActor(raw.author) ?? GHOST,
    headRef: raw.headRefName,
    headSha: raw.headRefOid,
    baseRef: raw.baseRefName,
    commits,
    commitsComplete:
      coAuthorsRead &&
      read.problems.commits === undefined &&
      commits.length === raw.commits.totalCount &&
      commits.length <= PR_COMMITS_LISTED,
    files,
    filesComplete:
      read.problems.files === undefined && raw.files !== null && files.length === raw.changedFiles,
    changedFilesCount: raw.changedFiles,
    labels: labelsAfter(events),
    labelRemovals: events
      .filter((e) => e.action === 'removed')
      .map((e) => ({ name: e.name, by: e.actor, at: e.at })),
    reviews: read.reviews.map((r) => toReview(r, `reviews of ${what}`)),
    teams: {},
    createdAt: raw.createdAt,
    readyForReviewAt: ready.at(-1)?.createdAt ?? raw.createdAt,
    mergedAt: raw.mergedAt!,
    mergedBy: toActor(raw.mergedBy),
    mergeCommitSha: raw.mergeCommit?.oid ?? null,
    labelEvents: events,
    labelEventsComplete: read.timeline.length === timelineTotal,
    reviewsComplete: raw.reviews !== null && read.reviews.length === reviewsTotal,
    headChecks: headChecks(raw),
  };
}

/** The emails of co-authors not yet in `accounts`, each with one commit that names it. */
export function unknownCoAuthors(
  reads: readonly PullRequestRead[],
  accounts: ReadonlyMap<string, string | null>,
): Map<string, string> {
  const out = new Map<string, string>();
  for (const r of reads) {
    for (const c of r.commits) {
      for (const email of coAuthorEmails(c.message)) {
        if (!accounts.has(email) && !out.has(email)) out.set(email, c.oid);
      }
    }
  }
  return out;
}

export { isPresent };
