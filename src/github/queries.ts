import { CHECK_NAME } from '../render/check.js';
import { ORG_CONFIG_REPO } from '../policy/types.js';

/**
 * GraphQL documents the GitHub adapter sends, and the shapes of their answers.
 *
 * One query reads everything a pull request evaluation needs (PR facts, the default branch head and
 * the policy file). Follow-up queries are built to ask only for the connections that still have
 * pages, so reads grow with the pages GitHub forces (100 items each), never per file or commit.
 */

/** GitHub's largest page for every connection. */
export const PAGE_SIZE = 100;

/** Co-authors read with each commit; more pages are read in batched follow-ups. */
export const COMMIT_AUTHORS_PAGE = 20;

// ---------------------------------------------------------------------------------------------
// Answer shapes (only the fields the queries ask for)

export interface PageInfoForward {
  hasNextPage: boolean;
  endCursor: string | null;
}

export interface PageInfoBackward {
  hasPreviousPage: boolean;
  startCursor: string | null;
}

/** A page of a connection read forward: its nodes (GitHub may give null for any) and where it ends. */
export interface ForwardPage<T> {
  pageInfo: PageInfoForward;
  nodes: (T | null)[] | null;
}

export interface RawActor {
  __typename: string;
  login: string;
}

export interface RawGitActor {
  name: string | null;
  email: string | null;
  user: { login: string } | null;
}

export type RawCommitAuthors = ForwardPage<RawGitActor>;

export interface RawCommit {
  oid: string;
  message: string;
  authors: RawCommitAuthors;
  committer: RawGitActor | null;
}

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

/** The app's check run on an earlier head, for the record at the end of its text. */
export interface RawRecordRun {
  databaseId: number | null;
  text: string | null;
}

/** A head commit a force push replaced, with the app's check runs on it when asked for. */
export interface RawEarlierHead extends RawCommit {
  checkSuites?: {
    nodes: ({ checkRuns: { nodes: (RawRecordRun | null)[] | null } | null } | null)[] | null;
  } | null;
}

export interface RawForcePush {
  createdAt?: string;
  beforeCommit?: RawEarlierHead | null;
}

export interface RawForcePushesConnection {
  pageInfo: PageInfoBackward;
  nodes: (RawForcePush | null)[] | null;
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

/** Answer to {@link commitsByOidQuery} and {@link commitAuthorsQuery}: aliases c0, c1, ... */
export interface CommitObjectsAnswer {
  repository: Record<string, (Partial<RawCommit> & { __typename?: string }) | null> | null;
}

export interface RawTeam {
  slug: string;
  members: ForwardPage<{ login: string }>;
}

/** Answer to {@link teamMembersQuery}: aliases t0, t1, ... */
export interface TeamMembersAnswer {
  organization: Record<string, RawTeam | null> | null;
}

export interface OrgTeamsAnswer {
  organization: {
    teams: ForwardPage<{ slug: string }>;
  } | null;
}

// ---------------------------------------------------------------------------------------------
// Documents

const ACTOR = '{ __typename login }';
const GIT_ACTOR = '{ name email user { login } }';
const FORWARD = 'pageInfo { hasNextPage endCursor }';
const BACKWARD = 'pageInfo { hasPreviousPage startCursor }';
const REVIEWER = '{ __typename ... on User { login } ... on Bot { login } ... on Team { slug } }';

const LABEL_EVENT = `id createdAt actor ${ACTOR} label { name }`;

const COMMIT_FRAGMENT = `fragment CommitFacts on Commit {
  oid
  message
  authors(first: ${COMMIT_AUTHORS_PAGE}) { ${FORWARD} nodes ${GIT_ACTOR} }
  committer ${GIT_ACTOR}
}`;

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

/**
 * The PR's force pushes, newest last, each with the head it replaced: that commit's own facts
 * and, with the app's id, the app's check runs on it (whose text ends with the app's record of
 * that head). Evidence found there stays evidence for the PR.
 */
function forcePushesSelection(withRecords: boolean, cursor: string | null): string {
  const runs = withRecords
    ? ` checkSuites(first: 10, filterBy: { appId: $appId }) { nodes { checkRuns(first: 10, filterBy: { checkName: "${CHECK_NAME}" }) { nodes { databaseId text } } } }`
    : '';
  return `forcePushes: timelineItems(itemTypes: [HEAD_REF_FORCE_PUSHED_EVENT], last: ${PAGE_SIZE}${cursor ? `, before: ${cursor}` : ''}) { ${BACKWARD} nodes { ... on HeadRefForcePushedEvent { createdAt beforeCommit { ...CommitFacts${runs} } } } }`;
}

export interface ForcePushesPageAnswer {
  repository: {
    pullRequest: { headRefOid: string; forcePushes: RawForcePushesConnection } | null;
  } | null;
}

/** Older force pushes, before `$cursor` (more than 100 of them is rare). */
export function forcePushesPageQuery(withRecords: boolean): string {
  return `query EarlierHeads($owner: String!, $repo: String!, $number: Int!, $cursor: String!${withRecords ? ', $appId: Int!' : ''}) {
  repository(owner: $owner, name: $repo) {
    pullRequest(number: $number) {
      headRefOid
      ${forcePushesSelection(withRecords, '$cursor')}
    }
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

/** Reads commits by sha (aliases c0..c{n-1}, variables $o0..), for commits the PR list did not hold. */
export function commitsByOidQuery(count: number): string {
  const vars = range(count).map((i) => `$o${i}: GitObjectID!`);
  const fields = range(count).map(
    (i) => `c${i}: object(oid: $o${i}) { __typename ...CommitFacts }`,
  );
  return `query CommitsByOid($owner: String!, $repo: String!, ${vars.join(', ')}) {
  repository(owner: $owner, name: $repo) {
    ${fields.join('\n    ')}
  }
}
${COMMIT_FRAGMENT}`;
}

/** Reads further pages of co-authors of several commits at once (variables $o{i} sha, $a{i} cursor). */
export function commitAuthorsQuery(count: number): string {
  const vars = range(count).map((i) => `$o${i}: GitObjectID!, $a${i}: String!`);
  const fields = range(count).map(
    (i) =>
      `c${i}: object(oid: $o${i}) { __typename ... on Commit { oid authors(first: ${PAGE_SIZE}, after: $a${i}) { ${FORWARD} nodes ${GIT_ACTOR} } } }`,
  );
  return `query CommitAuthors($owner: String!, $repo: String!, ${vars.join(', ')}) {
  repository(owner: $owner, name: $repo) {
    ${fields.join('\n    ')}
  }
}`;
}

/**
 * Members of several teams at once (aliases t0.., variables $s{i} slug, $c{i} cursor or null).
 * `membership: ALL` includes members of child teams, as GitHub's team review requests do.
 */
export function teamMembersQuery(count: number): string {
  const vars = range(count).map((i) => `$s${i}: String!, $c${i}: String`);
  const fields = range(count).map(
    (i) =>
      `t${i}: team(slug: $s${i}) { slug members(first: ${PAGE_SIZE}, after: $c${i}, membership: ALL) { ${FORWARD} nodes { login } } }`,
  );
  return `query TeamMembers($org: String!, ${vars.join(', ')}) {
  organization(login: $org) {
    ${fields.join('\n    ')}
  }
}`;
}

export const ORG_TEAMS_QUERY = `query OrgTeams($org: String!, $cursor: String) {
  organization(login: $org) {
    teams(first: ${PAGE_SIZE}, after: $cursor) { ${FORWARD} nodes { slug } }
  }
}`;

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

/** The pull request's head now: files read by REST pages are checked against it afterwards. */
export const PULL_REQUEST_HEAD_QUERY = `query PullRequestHead($owner: String!, $repo: String!, $number: Int!) {
  repository(owner: $owner, name: $repo) { pullRequest(number: $number) { headRefOid } }
}`;

/** Answer to {@link PULL_REQUEST_HEAD_QUERY}. */
export interface PullRequestHeadAnswer {
  repository: { pullRequest: { headRefOid: string } | null } | null;
}

/** The entries of a branch's merge queue: each with its position and its pull request. */
export const MERGE_QUEUE_QUERY = `query MergeQueueEntries($owner: String!, $repo: String!, $branch: String!) {
  repository(owner: $owner, name: $repo) {
    mergeQueue(branch: $branch) {
      entries(first: ${PAGE_SIZE}) {
        totalCount
        pageInfo { hasNextPage }
        nodes { position pullRequest { number } }
      }
    }
  }
}`;

export interface MergeQueueAnswer {
  repository: {
    mergeQueue: {
      entries: {
        totalCount: number;
        pageInfo: { hasNextPage: boolean };
        nodes: Array<{
          position: number;
          pullRequest: { number: number } | null;
        } | null> | null;
      } | null;
    } | null;
  } | null;
}

/** Open pull requests a page at a time for reconciliation (see reconcile.ts). */
export const RECONCILE_PAGE = 50;

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
