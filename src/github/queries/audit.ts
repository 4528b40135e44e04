import { PAGE_MAX } from '../../model/github.js';
import { CHECK_NAME } from '../../model/names.js';
import {
  ACTOR,
  FORWARD,
  GIT_ACTOR,
  aliased,
  inRepository,
  type HeadCheckRuns,
  type PageInfoForward,
  type RawActor,
  type RawGitActor,
} from './common.js';

/**
 * The GraphQL documents the audit reads merged pull requests and policy histories with, and the
 * shapes of their answers (only the fields they ask for).
 *
 * Cost. GitHub charges a query by the requests its connections would need at their `first` sizes
 * (a connection nested in a list of 50 counts 50 times), a point per 100, and refuses a query of
 * more than 500,000 nodes. The batch below asks for {@link MERGED_BATCH} pull requests, each with
 * 100 commits, files, reviews and timeline events, and 5 check suites of 5 runs on its last
 * commit: 50 × (4 × 100 + 1 + 5 + 25) = 21,550 nodes (a twentieth of the limit) and about 6
 * points. Co-authors are not read per commit (a connection under a PR's 100 commits would count
 * 5,000 requests, 50 points, per batch): the trailers name them and their accounts are read
 * once per address (see {@link commitAuthorsByOidQuery}). 50 pull requests of typical size answer
 * in well under GitHub's 10 s timeout; larger ones only bring more follow-up pages.
 */

/** Merged pull requests per batch query (see the cost above). */
export const MERGED_BATCH = 50;
/** Items per connection page: GitHub's largest. */
export const AUDIT_PAGE = PAGE_MAX;
/** Pull requests whose cut lists are paged in one follow-up query. */
export const FOLLOW_UP_BATCH = 10;
/** Check suites on the merged head, and runs of the app's check name in each. */
export const HEAD_SUITES = 5;
export const HEAD_RUNS = 5;

// ---------------------------------------------------------------------------------------------
// Answer shapes

export interface AuditCommit {
  oid: string;
  message: string;
  author: RawGitActor | null;
  committer: RawGitActor | null;
}

export interface AuditCommits {
  totalCount: number;
  pageInfo: PageInfoForward;
  nodes: ({ commit: AuditCommit } | null)[] | null;
}

export interface AuditFiles {
  totalCount: number;
  pageInfo: PageInfoForward;
  nodes: ({ path: string; changeType: string } | null)[] | null;
}

export interface AuditReview {
  id: string;
  databaseId: number | null;
  author: RawActor | null;
  authorCanPushToRepository: boolean;
  state: string;
  submittedAt: string | null;
  commit: { oid: string } | null;
}

export interface AuditReviews {
  totalCount: number;
  pageInfo: PageInfoForward;
  nodes: (AuditReview | null)[] | null;
}

/** A LabeledEvent, UnlabeledEvent or ReadyForReviewEvent (told apart by `__typename`). */
export interface AuditTimelineItem {
  __typename: string;
  /** The event's node id (labels): the app's head record names the override's by it. */
  id?: string;
  createdAt?: string;
  actor?: RawActor | null;
  label?: { name: string };
}

export interface AuditTimeline {
  totalCount: number;
  pageInfo: PageInfoForward;
  nodes: (AuditTimelineItem | null)[] | null;
}

export interface AuditCheckRun {
  name: string;
  status: string;
  conclusion: string | null;
  title: string | null;
  /** The check's text: the app's record of the head ends it. */
  text: string | null;
  completedAt: string | null;
}

/** The merged head's check runs, with the app that made each suite. */
export type AuditHeadCommit = HeadCheckRuns<{ app: { slug: string } | null }, AuditCheckRun>;

export interface AuditPullRequest {
  number: number;
  title: string;
  body: string;
  url: string;
  createdAt: string;
  updatedAt: string;
  mergedAt: string | null;
  isDraft: boolean;
  headRefName: string;
  headRefOid: string;
  baseRefName: string;
  author: RawActor | null;
  mergedBy: RawActor | null;
  mergeCommit: { oid: string } | null;
  changedFiles: number;
  headCommit: AuditHeadCommit | null;
  commits: AuditCommits;
  files: AuditFiles | null;
  reviews: AuditReviews | null;
  timeline: AuditTimeline;
}

export interface AuditRateLimit {
  cost: number;
  remaining: number;
  resetAt: string;
}

export interface MergedBatchAnswer {
  rateLimit: AuditRateLimit | null;
  repository: {
    pullRequests: {
      pageInfo: PageInfoForward;
      nodes: (AuditPullRequest | null)[] | null;
    };
  } | null;
}

/** The connections a follow-up query pages. */
export type AuditConnection = 'commits' | 'files' | 'reviews' | 'timeline';

export const AUDIT_CONNECTIONS: readonly AuditConnection[] = [
  'commits',
  'files',
  'reviews',
  'timeline',
];

/** Answer to {@link followUpQuery}: aliases p0, p1, ... */
export interface FollowUpAnswer {
  rateLimit: AuditRateLimit | null;
  repository: Record<
    string,
    (Partial<Pick<AuditPullRequest, AuditConnection>> & { number: number }) | null
  > | null;
}

/** Answer to {@link commitAuthorsByOidQuery}: aliases c0, c1, ... */
export interface CommitAuthorsAnswer {
  rateLimit: AuditRateLimit | null;
  repository: Record<
    string,
    {
      __typename: string;
      oid?: string;
      authors?: { pageInfo: PageInfoForward; nodes: (RawGitActor | null)[] | null };
    } | null
  > | null;
}

export interface HistoryCommit {
  oid: string;
  committedDate: string;
  file: {
    object: {
      __typename: string;
      text?: string | null;
      isTruncated?: boolean;
      isBinary?: boolean | null;
    } | null;
  } | null;
}

export interface PolicyHistoryAnswer {
  rateLimit: AuditRateLimit | null;
  repository: {
    defaultBranchRef: {
      name: string;
      target: {
        __typename: string;
        history?: { pageInfo: PageInfoForward; nodes: (HistoryCommit | null)[] | null };
      } | null;
    } | null;
  } | null;
}

// ---------------------------------------------------------------------------------------------
// Documents

const RATE = 'rateLimit { cost remaining resetAt }';
const TIMELINE_ACTOR = `createdAt actor ${ACTOR}`;

function selection(name: AuditConnection, cursor: string | null): string {
  const after = cursor ? `, after: ${cursor}` : '';
  switch (name) {
    case 'commits':
      return `commits(first: ${AUDIT_PAGE}${after}) { totalCount ${FORWARD} nodes { commit { oid message author ${GIT_ACTOR} committer ${GIT_ACTOR} } } }`;
    case 'files':
      return `files(first: ${AUDIT_PAGE}${after}) { totalCount ${FORWARD} nodes { path changeType } }`;
    case 'reviews':
      return `reviews(first: ${AUDIT_PAGE}${after}) { totalCount ${FORWARD} nodes { id databaseId author ${ACTOR} authorCanPushToRepository state submittedAt commit { oid } } }`;
    case 'timeline':
      return `timeline: timelineItems(itemTypes: [LABELED_EVENT, UNLABELED_EVENT, READY_FOR_REVIEW_EVENT], first: ${AUDIT_PAGE}${after}) { totalCount ${FORWARD} nodes { __typename ... on LabeledEvent { id ${TIMELINE_ACTOR} label { name } } ... on UnlabeledEvent { id ${TIMELINE_ACTOR} label { name } } ... on ReadyForReviewEvent { ${TIMELINE_ACTOR} } } }`;
  }
}

/**
 * A repository's merged pull requests, most recently updated first, {@link MERGED_BATCH} at a
 * time, each with everything the audit judges: commits, files, reviews, label and
 * ready-for-review events, and the check runs named like the app's on its last commit.
 */
export const MERGED_BATCH_QUERY = `query AuditMergedPullRequests($owner: String!, $repo: String!, $cursor: String) {
  ${RATE}
  repository(owner: $owner, name: $repo) {
    pullRequests(states: [MERGED], first: ${MERGED_BATCH}, after: $cursor, orderBy: { field: UPDATED_AT, direction: DESC }) {
      ${FORWARD}
      nodes {
        number title body url createdAt updatedAt mergedAt isDraft
        headRefName headRefOid baseRefName changedFiles
        author ${ACTOR}
        mergedBy ${ACTOR}
        mergeCommit { oid }
        headCommit: commits(last: 1) { nodes { commit { oid checkSuites(first: ${HEAD_SUITES}) { nodes { app { slug } checkRuns(first: ${HEAD_RUNS}, filterBy: { checkName: "${CHECK_NAME}" }) { nodes { name status conclusion title text completedAt } } } } } } }
        ${selection('commits', null)}
        ${selection('files', null)}
        ${selection('reviews', null)}
        ${selection('timeline', null)}
      }
    }
  }
}`;

/**
 * Further pages of the lists GitHub cut, for several pull requests at once (aliases p{i}, with
 * variables $n{i} for the number and $<connection>{i} for each cursor). `wanted[i]` names the
 * connections pull request i still needs.
 */
export function followUpQuery(wanted: readonly (readonly AuditConnection[])[]): string {
  if (wanted.length === 0 || wanted.some((w) => w.length === 0)) {
    throw new Error('followUpQuery needs at least one connection for each pull request');
  }
  const vars: string[] = [];
  const fields = wanted.map((connections, i) => {
    vars.push(`$n${i}: Int!`);
    const parts = connections.map((c) => {
      vars.push(`$${c}${i}: String!`);
      return selection(c, `$${c}${i}`);
    });
    return `p${i}: pullRequest(number: $n${i}) {\n      number\n      ${parts.join('\n      ')}\n    }`;
  });
  return `query AuditPullRequestPages($owner: String!, $repo: String!, ${vars.join(', ')}) {
  ${RATE}
  ${inRepository(fields)}
}`;
}

/**
 * Who GitHub links to each author and co-author of some commits (aliases c{i}, variables $o{i}):
 * asked once per co-author address the audit has not seen yet.
 */
export function commitAuthorsByOidQuery(count: number): string {
  const { vars, fields } = aliased(
    count,
    'commitAuthorsByOidQuery needs at least one commit',
    (i) => `$o${i}: GitObjectID!`,
    (i) =>
      `c${i}: object(oid: $o${i}) { __typename ... on Commit { oid authors(first: ${AUDIT_PAGE}) { ${FORWARD} nodes ${GIT_ACTOR} } } }`,
  );
  return `query AuditCommitAuthors($owner: String!, $repo: String!, ${vars}) {
  ${RATE}
  ${inRepository(fields)}
}`;
}

/** Versions of a policy file per page of its history (each with the file's text). */
export const HISTORY_PAGE = 50;

/**
 * The policy file's history on a repository's default branch, a page of {@link HISTORY_PAGE}
 * versions from `after` (a variable) or from the newest, each with the file's text.
 */
function branchHistory(after: string | null): string {
  const from = after ? `, after: ${after}` : '';
  return `defaultBranchRef { name target { __typename ... on Commit { history(path: $path, first: ${HISTORY_PAGE}${from}) { ${FORWARD} nodes { oid committedDate file(path: $path) { object { __typename ... on Blob { text isTruncated isBinary } } } } } } } }`;
}

/**
 * A file's history on the default branch, newest first, with its text after each commit (no
 * text where the commit deleted it). 50 versions a page: each carries the file's whole text.
 */
export const POLICY_HISTORY_QUERY = `query AuditPolicyHistory($owner: String!, $repo: String!, $path: String!, $cursor: String) {
  ${RATE}
  ${inRepository([branchHistory('$cursor')])}
}`;

/** Repositories whose policy histories one {@link policyHistoriesQuery} reads. */
export const HISTORY_REPOS = 10;

/** One repository's part of {@link policyHistoriesQuery}'s answer. */
export type RepositoryHistory = NonNullable<PolicyHistoryAnswer['repository']>;

/** Answer to {@link policyHistoriesQuery}: aliases r0, r1, ... */
export interface PolicyHistoriesAnswer {
  rateLimit: AuditRateLimit | null;
  [alias: `r${number}`]: RepositoryHistory | null;
}

/**
 * The first page of a file's history in several repositories of one owner at once (aliases r{i},
 * variables $r{i} for the names): 10 repositories of 50 versions, 500 nodes and 1 point. A
 * history with more pages goes on with {@link POLICY_HISTORY_QUERY}.
 */
export function policyHistoriesQuery(count: number): string {
  const { vars, fields } = aliased(
    count,
    'policyHistoriesQuery needs at least one repository',
    (i) => `$r${i}: String!`,
    (i) => `r${i}: repository(owner: $owner, name: $r${i}) { ${branchHistory(null)} }`,
  );
  return `query AuditPolicyHistories($owner: String!, $path: String!, ${vars}) {
  ${RATE}
  ${fields.join('\n  ')}
}`;
}
