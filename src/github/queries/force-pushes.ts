/**
 * A pull request's force pushes, each with the head it replaced: the snapshot query reads the
 * last 100 with the rest of the pull request, and older ones are read here.
 */
import { CHECK_NAME } from '../../model/names.js';
import { BACKWARD, PAGE_SIZE, type PageInfoBackward } from './common.js';
import { COMMIT_FRAGMENT, type RawCommit } from './commits.js';

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

/**
 * The PR's force pushes, newest last, each with the head it replaced: that commit's own facts
 * and, with the app's id, the app's check runs on it (whose text ends with the app's record of
 * that head). Evidence found there stays evidence for the PR.
 */
export function forcePushesSelection(withRecords: boolean, cursor: string | null): string {
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
