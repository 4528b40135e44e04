/** A repository's open pull requests, a page at a time, for reconciliation (see reconcile.ts). */
import { FORWARD, type ForwardPage, type HeadCheckRuns, type RawActor } from './common.js';

export const RECONCILE_PAGE = 50;

/** A review or event of the timeline (told apart by `__typename`), with when and by whom. */
export interface RawReconcileItem {
  __typename: string;
  submittedAt?: string | null;
  createdAt?: string;
  author?: RawActor | null;
  actor?: RawActor | null;
}

export interface RawReconcileRun {
  status: string;
  startedAt: string | null;
  completedAt: string | null;
}

export interface RawReconcilePullRequest {
  number: number;
  headRefOid: string;
  lastEditedAt: string | null;
  /** The head's runs of the app's check (the query filters the suites by app). */
  commits: HeadCheckRuns<object, RawReconcileRun>;
  timelineItems: { nodes: (RawReconcileItem | null)[] | null };
}

/** Answer to {@link RECONCILE_QUERY} (test/github/queries-types.test.ts checks it against GitHub's schema). */
export interface ReconcileAnswer {
  repository: { pullRequests: ForwardPage<RawReconcilePullRequest> } | null;
}

/**
 * A repository's open PRs, most recently updated first, each with this app's `AI Governance` runs
 * on its head commit and the newest events that can change a verdict without a new commit
 * (reviews, dismissals, labels, force pushes, ready for review, base changes).
 */
export const RECONCILE_QUERY = `query ReconcileOpenPullRequests($owner: String!, $name: String!, $cursor: String, $appId: Int!, $checkName: String!) {
  repository(owner: $owner, name: $name) {
    pullRequests(states: [OPEN], first: ${RECONCILE_PAGE}, after: $cursor, orderBy: { field: UPDATED_AT, direction: DESC }) {
      ${FORWARD}
      nodes {
        number
        headRefOid
        lastEditedAt
        commits(last: 1) {
          nodes { commit { oid checkSuites(first: 5, filterBy: { appId: $appId }) { nodes { checkRuns(first: 5, filterBy: { checkName: $checkName }) { nodes { status startedAt completedAt } } } } } }
        }
        timelineItems(last: 10, itemTypes: [PULL_REQUEST_REVIEW, REVIEW_DISMISSED_EVENT, LABELED_EVENT, UNLABELED_EVENT, HEAD_REF_FORCE_PUSHED_EVENT, READY_FOR_REVIEW_EVENT, BASE_REF_CHANGED_EVENT]) {
          nodes {
            __typename
            ... on PullRequestReview { submittedAt author { __typename login } }
            ... on ReviewDismissedEvent { createdAt actor { __typename login } }
            ... on LabeledEvent { createdAt actor { __typename login } }
            ... on UnlabeledEvent { createdAt actor { __typename login } }
            ... on HeadRefForcePushedEvent { createdAt }
            ... on ReadyForReviewEvent { createdAt }
            ... on BaseRefChangedEvent { createdAt }
          }
        }
      }
    }
  }
}`;
