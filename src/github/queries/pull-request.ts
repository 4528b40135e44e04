/**
 * The pull request as an evaluation reads it: one query for its facts, the default branch head
 * and the policy files; follow-up queries that ask only for the connections that still have
 * pages; and its head alone, to check that REST pages were read while it stood still.
 */
import { CHECK_NAME, ORG_CONFIG_REPO } from '../../model/names.js';
import {
  ACTOR,
  BACKWARD,
  FORWARD,
  PAGE_SIZE,
  type ForwardPage,
  type PageInfoBackward,
  type RawActor,
} from './common.js';
import { COMMIT_FRAGMENT, type RawCommit } from './commits.js';
import { forcePushesSelection, type RawForcePushesConnection } from './force-pushes.js';

export interface RawCommitsConnection extends ForwardPage<{ commit: RawCommit }> {
  totalCount: number;
}

export interface RawFile {
  path: string;
  changeType: string;
}

export type RawFilesConnection = ForwardPage<RawFile>;

export type RawLabelsConnection = ForwardPage<{ name: string }>;

/** A LabeledEvent or an UnlabeledEvent (told apart by `__typename`). */
export interface RawLabeledEvent {
  __typename?: string;
  id?: string;
  createdAt?: string;
  actor?: RawActor | null;
  label?: { name: string } | null;
}

export interface RawLabelEventsConnection {
  pageInfo: PageInfoBackward;
  nodes: (RawLabeledEvent | null)[] | null;
}

export interface RawReview {
  id: string;
  databaseId: number | null;
  author: RawActor | null;
  state: string;
  submittedAt: string | null;
  commit: { oid: string } | null;
  /** Whether the reviewer can push to the repository now. */
  authorCanPushToRepository?: boolean | null;
}

export type RawReviewsConnection = ForwardPage<RawReview>;

export interface RawComment {
  databaseId: number | null;
  body: string;
  viewerDidAuthor: boolean;
}

export type RawCommentsConnection = ForwardPage<RawComment>;

/** A user, team or bot asked to review (now, or at some point in the timeline). */
export interface RawRequestedReviewer {
  __typename: string;
  login?: string;
  slug?: string;
}

export interface RawPullRequest {
  headCommit?: RawHeadCommit;
  state: string;
  isCrossRepository: boolean;
  comments: RawCommentsConnection | null;
  reviewRequests: {
    nodes: ({ requestedReviewer: RawRequestedReviewer | null } | null)[] | null;
  } | null;
  reviewRequestEvents: {
    nodes: ({ requestedReviewer?: RawRequestedReviewer | null } | null)[] | null;
  } | null;

  number: number;
  title: string;
  body: string;
  headRefName: string;
  headRefOid: string;
  baseRefName: string;
  baseRefOid: string;
  baseRef: { target: { oid: string } | null } | null;
  author: RawActor | null;
  changedFiles: number;
  commits: RawCommitsConnection;
  files: RawFilesConnection | null;
  labels: RawLabelsConnection | null;
  labelEvents: RawLabelEventsConnection;
  reviews: RawReviewsConnection | null;
  /** Force pushes of the head branch, newest last, with the heads they replaced. */
  forcePushes?: RawForcePushesConnection;
}

export interface RawPolicyObject {
  __typename: string;
  text?: string | null;
  isTruncated?: boolean;
  isBinary?: boolean | null;
  byteSize?: number;
}

export interface SnapshotAnswer {
  repository: {
    owner: { __typename: string; login: string };
    defaultBranchRef: { name: string; target: { oid: string } | null } | null;
    policyFile: RawPolicyObject | null;
    pullRequest: RawPullRequest | null;
  } | null;
  /** The org's `.github` repository, for its policy file (the floor); null when there is none. */
  orgPolicy?: { policyFile: RawPolicyObject | null } | null;
}

export interface PullRequestPageAnswer {
  repository: {
    pullRequest:
      | (Pick<RawPullRequest, 'headRefOid'> &
          Partial<Pick<RawPullRequest, 'commits' | 'files' | 'labels' | 'labelEvents' | 'reviews'>>)
      | null;
  } | null;
}

const REVIEWER = '{ __typename ... on User { login } ... on Bot { login } ... on Team { slug } }';

const LABEL_EVENT = `id createdAt actor ${ACTOR} label { name }`;

/** The connections of a pull request that are read page by page. */
export type PullRequestConnection = 'commits' | 'files' | 'labels' | 'labelEvents' | 'reviews';

export const CONNECTION_NAMES: Record<PullRequestConnection, string> = {
  commits: 'commits',
  files: 'changed files',
  labels: 'labels',
  labelEvents: 'label events',
  reviews: 'reviews',
};

function connectionSelection(name: PullRequestConnection, cursor: string | null): string {
  switch (name) {
    case 'commits':
      return `commits(first: ${PAGE_SIZE}${cursor ? `, after: ${cursor}` : ''}) { totalCount ${FORWARD} nodes { commit { ...CommitFacts } } }`;
    case 'files':
      return `files(first: ${PAGE_SIZE}${cursor ? `, after: ${cursor}` : ''}) { ${FORWARD} nodes { path changeType } }`;
    case 'labels':
      return `labels(first: ${PAGE_SIZE}${cursor ? `, after: ${cursor}` : ''}) { ${FORWARD} nodes { name } }`;
    case 'labelEvents':
      // Read from the end: the most recent LabeledEvent of each label is the one that counts.
      // Removals come along: one by a person allowed to override clears carried evidence.
      return `labelEvents: timelineItems(itemTypes: [LABELED_EVENT, UNLABELED_EVENT], last: ${PAGE_SIZE}${cursor ? `, before: ${cursor}` : ''}) { ${BACKWARD} nodes { __typename ... on LabeledEvent { ${LABEL_EVENT} } ... on UnlabeledEvent { ${LABEL_EVENT} } } }`;
    case 'reviews':
      return `reviews(first: ${PAGE_SIZE}${cursor ? `, after: ${cursor}` : ''}) { ${FORWARD} nodes { id databaseId author ${ACTOR} authorCanPushToRepository state submittedAt commit { oid } } }`;
  }
}

/** The app's own check runs on a commit, as the snapshot query reads them. */
export interface RawCheckRun {
  databaseId: number | null;
  status: string;
  conclusion: string | null;
  title: string | null;
  summary: string | null;
  text: string | null;
  annotations: { totalCount: number } | null;
}

export interface RawHeadCommit {
  nodes:
    | ({
        commit: {
          oid: string;
          checkSuites: {
            nodes: ({ checkRuns: { nodes: (RawCheckRun | null)[] | null } | null } | null)[] | null;
          } | null;
        };
      } | null)[]
    | null;
}

/**
 * The one query for a pull request: its facts, the default branch head and the policy file, and
 * the org's policy file (its `.github` repository's, which may set a floor; a missing repository
 * is a NOT_FOUND error on `orgPolicy` alone, which the reader accepts). With
 * the app's id it also reads the app's check runs on the head commit, so that finding the run to
 * update costs no request of its own.
 */
export function pullRequestQuery(options: { withCheckRuns?: boolean } = {}): string {
  const checkRuns = options.withCheckRuns
    ? `
      headCommit: commits(last: 1) { nodes { commit { oid checkSuites(first: 10, filterBy: { appId: $appId }) { nodes { checkRuns(first: 10, filterBy: { checkName: "${CHECK_NAME}" }) { nodes { databaseId status conclusion title summary text annotations(first: 1) { totalCount } } } } } } } }`
    : '';
  return `query PullRequestSnapshot($owner: String!, $repo: String!, $number: Int!, $policyExpression: String!${options.withCheckRuns ? ', $appId: Int!' : ''}) {
  repository(owner: $owner, name: $repo) {
    owner { __typename login }
    defaultBranchRef { name target { oid } }
    policyFile: object(expression: $policyExpression) { __typename ... on Blob { text isTruncated isBinary byteSize } }
    pullRequest(number: $number) {
      number title body headRefName headRefOid baseRefName baseRefOid state isCrossRepository
      baseRef { target { oid } }
      comments(first: ${PAGE_SIZE}) { ${FORWARD} nodes { databaseId body viewerDidAuthor } }
      reviewRequests(first: ${PAGE_SIZE}) { nodes { requestedReviewer ${REVIEWER} } }
      reviewRequestEvents: timelineItems(itemTypes: [REVIEW_REQUESTED_EVENT], last: ${PAGE_SIZE}) { nodes { ... on ReviewRequestedEvent { requestedReviewer ${REVIEWER} } } }
      author ${ACTOR}
      changedFiles${checkRuns}
      ${connectionSelection('commits', null)}
      ${connectionSelection('files', null)}
      ${connectionSelection('labels', null)}
      ${connectionSelection('labelEvents', null)}
      ${connectionSelection('reviews', null)}
      ${forcePushesSelection(options.withCheckRuns === true, null)}
    }
  }
  orgPolicy: repository(owner: $owner, name: "${ORG_CONFIG_REPO}") {
    policyFile: object(expression: $policyExpression) { __typename ... on Blob { text isTruncated isBinary byteSize } }
  }
}
${COMMIT_FRAGMENT}`;
}

/** The snapshot query without the app's check runs. */
export const PULL_REQUEST_QUERY = pullRequestQuery();

/** The variable that carries each connection's cursor in {@link pullRequestPageQuery}. */
export const CURSOR_VARIABLES: Record<PullRequestConnection, string> = {
  commits: 'commitsCursor',
  files: 'filesCursor',
  labels: 'labelsCursor',
  labelEvents: 'labelEventsCursor',
  reviews: 'reviewsCursor',
};

/**
 * A follow-up query that asks only for the given connections, each from its cursor. The head sha
 * comes along so that a push between pages is noticed.
 */
export function pullRequestPageQuery(connections: readonly PullRequestConnection[]): string {
  if (connections.length === 0)
    throw new Error('pullRequestPageQuery needs at least one connection');
  const vars = connections.map((c) => `$${CURSOR_VARIABLES[c]}: String!`).join(', ');
  const selections = connections
    .map((c) => connectionSelection(c, `$${CURSOR_VARIABLES[c]}`))
    .join('\n      ');
  const fragment = connections.includes('commits') ? `\n${COMMIT_FRAGMENT}` : '';
  return `query PullRequestPage($owner: String!, $repo: String!, $number: Int!, ${vars}) {
  repository(owner: $owner, name: $repo) {
    pullRequest(number: $number) {
      headRefOid
      ${selections}
    }
  }
}${fragment}`;
}

/** The pull request's head now: files read by REST pages are checked against it afterwards. */
export const PULL_REQUEST_HEAD_QUERY = `query PullRequestHead($owner: String!, $repo: String!, $number: Int!) {
  repository(owner: $owner, name: $repo) { pullRequest(number: $number) { headRefOid } }
}`;

/** Answer to {@link PULL_REQUEST_HEAD_QUERY}. */
export interface PullRequestHeadAnswer {
  repository: { pullRequest: { headRefOid: string } | null } | null;
}
