/**
 * A pull request's lists (commits, files, labels, label events, reviews) as their pages arrive:
 * the first page of each with the first query, further ones in page rounds.
 */
import type { Actor, ChangedFile, LabelRemoval } from '../../model/facts.js';
import type { PageInfoBackward, PageInfoForward } from '../queries/common.js';
import type { PullRequestConnection, RawPullRequest, RawReview } from '../queries/pull-request.js';
import { commitState, isPresent, toActor, type CommitState } from './raw.js';

/** One page of each of some of the lists, as a query answers them. */
export type ListPages = Partial<Pick<RawPullRequest, PullRequestConnection>>;

export class PullRequestLists {
  /** Commits by sha, and their shas in the order GitHub lists them. */
  readonly commits = new Map<string, CommitState>();
  readonly commitOrder: string[] = [];
  readonly files: ChangedFile[] = [];
  /** A listed file was renamed or copied: GraphQL gives no previous path, REST does. */
  renamedOrCopied = false;
  readonly labelNames: string[] = [];
  /** Most recent application per label (lower-case name); pages arrive newest first. */
  readonly appliedBy = new Map<string, { actor: Actor | null; eventId: string | null }>();
  readonly labelRemovals: LabelRemoval[] = [];
  readonly reviews: RawReview[] = [];
  /** Where each list's pages stand: label events are read backwards, from the newest. */
  readonly pages: Record<Exclude<PullRequestConnection, 'labelEvents'>, PageInfoForward> & {
    labelEvents: PageInfoBackward;
  } = {
    commits: { hasNextPage: false, endCursor: null },
    files: { hasNextPage: false, endCursor: null },
    labels: { hasNextPage: false, endCursor: null },
    labelEvents: { hasPreviousPage: false, startCursor: null },
    reviews: { hasNextPage: false, endCursor: null },
  };

  /** Takes the pages of the lists the answer holds. */
  add(from: ListPages): void {
    if (from.commits) this.addCommits(from.commits);
    if (from.files) this.addFiles(from.files);
    if (from.labels) this.addLabels(from.labels);
    if (from.labelEvents) this.addLabelEvents(from.labelEvents);
    if (from.reviews) this.addReviews(from.reviews);
  }

  /**
   * The lists that still have pages to read, in the order the page query names them. Files past
   * the first page come from REST instead (see files.ts); older label events only while a label's
   * latest application is not found yet.
   */
  unread(): PullRequestConnection[] {
    const { commits, labels, labelEvents, reviews } = this.pages;
    const unattributed =
      labels.hasNextPage || this.labelNames.some((n) => !this.appliedBy.has(n.toLowerCase()));
    return [
      ...(commits.hasNextPage ? (['commits'] as const) : []),
      ...(labels.hasNextPage ? (['labels'] as const) : []),
      ...(labelEvents.hasPreviousPage && unattributed ? (['labelEvents'] as const) : []),
      ...(reviews.hasNextPage ? (['reviews'] as const) : []),
    ];
  }

  /** The cursor that reads a list's next page (for label events, the page before). */
  cursor(list: PullRequestConnection): string | null {
    return list === 'labelEvents' ? this.pages.labelEvents.startCursor : this.pages[list].endCursor;
  }

  private addCommits(conn: NonNullable<ListPages['commits']>): void {
    for (const n of conn.nodes ?? []) {
      if (!n?.commit || this.commits.has(n.commit.oid)) continue;
      this.commits.set(n.commit.oid, commitState(n.commit));
      this.commitOrder.push(n.commit.oid);
    }
    this.pages.commits = conn.pageInfo;
  }

  private addFiles(conn: NonNullable<ListPages['files']>): void {
    for (const f of conn.nodes ?? []) {
      if (!f) continue;
      this.files.push({ path: f.path });
      if (f.changeType === 'RENAMED' || f.changeType === 'COPIED') this.renamedOrCopied = true;
    }
    this.pages.files = conn.pageInfo;
  }

  private addLabels(conn: NonNullable<ListPages['labels']>): void {
    for (const l of conn.nodes ?? []) if (l) this.labelNames.push(l.name);
    this.pages.labels = conn.pageInfo;
  }

  private addLabelEvents(conn: NonNullable<ListPages['labelEvents']>): void {
    const list = (conn.nodes ?? []).filter(isPresent);
    for (let i = list.length - 1; i >= 0; i--) {
      const e = list[i]!;
      if (e.__typename === 'UnlabeledEvent') {
        if (e.label?.name && e.createdAt) {
          this.labelRemovals.push({ name: e.label.name, by: toActor(e.actor), at: e.createdAt });
        }
        continue;
      }
      const name = e.label?.name?.toLowerCase();
      if (name === undefined || this.appliedBy.has(name)) continue;
      this.appliedBy.set(name, { actor: toActor(e.actor), eventId: e.id ?? null });
    }
    this.pages.labelEvents = conn.pageInfo;
  }

  private addReviews(conn: NonNullable<ListPages['reviews']>): void {
    for (const r of conn.nodes ?? []) if (r) this.reviews.push(r);
    this.pages.reviews = conn.pageInfo;
  }
}
