/** The conversation layer of the fake GitHub's state: reviews, review requests and comments. */

import type {
  FakeComment,
  FakePullRequest,
  FakeReview,
  ReviewState,
  ReviewerRef,
} from '../model.js';
import { PullsState } from './pulls.js';

export class ReviewsState extends PullsState {
  /**
   * A review on the current head unless `commitId` says otherwise; it answers the reviewer's
   * request and the requests of the reviewer's teams.
   */
  submitReview(
    fullName: string,
    number: number,
    spec: { user: string; state?: ReviewState; commitId?: string | null; body?: string },
  ): FakeReview {
    const pr = this.requirePull(fullName, number);
    this.account(spec.user);
    const state = spec.state ?? 'APPROVED';
    const review: FakeReview = {
      id: this.nextId(),
      user: spec.user,
      state,
      commitId: spec.commitId === undefined ? pr.headSha : spec.commitId,
      submittedAt: state === 'PENDING' ? null : this.now(),
      body: spec.body ?? '',
    };
    pr.reviews.push(review);
    if (state !== 'PENDING') {
      // The review answers the reviewer's own request and those of the teams they are in
      // (GitHub drops a team's request once a member reviews; the timeline keeps it).
      const owner = this.requireRepo(fullName).owner;
      const user = spec.user.toLowerCase();
      pr.requestedReviewers = pr.requestedReviewers.filter((r) =>
        r.type === 'user'
          ? r.login.toLowerCase() !== user
          : !this.teamMembersAll(owner, r.slug).some((m) => m.toLowerCase() === user),
      );
    }
    return review;
  }

  /** Dismisses a review, by the repository's owner unless `by` says who. */
  dismissReview(fullName: string, number: number, reviewId: number, by?: string): FakeReview {
    const pr = this.requirePull(fullName, number);
    const review = pr.reviews.find((r) => r.id === reviewId);
    if (!review) throw new Error(`no review ${reviewId} on ${fullName}#${number}`);
    review.state = 'DISMISSED';
    const at = this.now();
    review.dismissed = { at, by: by ?? this.requireRepo(fullName).owner };
    pr.updatedAt = at;
    return review;
  }

  /** Asks for reviews; returns the reviewers that were not asked already. */
  requestReviews(
    fullName: string,
    number: number,
    who: { users?: string[]; teams?: string[] },
    by: string,
  ): ReviewerRef[] {
    const pr = this.requirePull(fullName, number);
    const added: ReviewerRef[] = [];
    const refs: ReviewerRef[] = [
      ...(who.users ?? []).map((login): ReviewerRef => ({
        type: 'user',
        login: this.account(login).login,
      })),
      ...(who.teams ?? []).map((slug): ReviewerRef => ({ type: 'team', slug })),
    ];
    for (const ref of refs) {
      if (pr.requestedReviewers.some((r) => sameReviewer(r, ref))) continue;
      pr.requestedReviewers.push(ref);
      pr.reviewRequestEvents.push({
        id: this.nextId(),
        action: 'requested',
        reviewer: ref,
        actor: by,
        createdAt: this.now(),
      });
      added.push(ref);
    }
    return added;
  }

  addComment(
    fullName: string,
    number: number,
    spec: { author: string; body: string },
  ): FakeComment {
    const pr = this.requirePull(fullName, number);
    this.account(spec.author);
    const at = this.now();
    const comment: FakeComment = {
      id: this.nextId(),
      body: spec.body,
      author: spec.author,
      viaApp: spec.author.toLowerCase() === this.botLogin.toLowerCase(),
      createdAt: at,
      updatedAt: at,
    };
    pr.comments.push(comment);
    return comment;
  }

  findComment(
    fullName: string,
    id: number,
  ): { pr: FakePullRequest; comment: FakeComment } | undefined {
    const repo = this.repo(fullName);
    for (const pr of repo?.pulls.values() ?? []) {
      const comment = pr.comments.find((c) => c.id === id);
      if (comment) return { pr, comment };
    }
    return undefined;
  }

  editComment(fullName: string, id: number, body: string): FakeComment {
    const found = this.findComment(fullName, id);
    if (!found) throw new Error(`no comment ${id} in ${fullName}`);
    found.comment.body = body;
    found.comment.updatedAt = this.now();
    return found.comment;
  }
}

export function sameReviewer(a: ReviewerRef, b: ReviewerRef): boolean {
  if (a.type === 'user' && b.type === 'user')
    return a.login.toLowerCase() === b.login.toLowerCase();
  if (a.type === 'team' && b.type === 'team') return a.slug.toLowerCase() === b.slug.toLowerCase();
  return false;
}
