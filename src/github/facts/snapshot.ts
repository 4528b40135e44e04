/** What a read of a pull request hands back: its facts, and what the app needs to write. */
import type {
  ChangedFile,
  CommitFact,
  EarlierHead,
  LabelFact,
  PullRequestFacts,
} from '../../model/facts.js';
import { COMMENT_MARKER } from '../../model/names.js';
import type { ExistingCheckRun } from '../check-run.js';
import type { RawCheckRun, RawPullRequest, RawRequestedReviewer } from '../queries/pull-request.js';
import type { FirstAnswer, PullRequestAt } from './first-query.js';
import type { PullRequestLists } from './lists.js';
import { blobText, toActor, toReview } from './raw.js';

export interface PullRequestSnapshot {
  facts: PullRequestFacts;
  defaultBranch: string;
  defaultBranchSha: string;
  /** The policy file on the default branch; null when there is none there. */
  policyText: string | null;
  /**
   * True when the policy file exists but its text could not be taken from the GraphQL answer (too
   * big, truncated, binary, or not a plain file): read it again with `loadPolicySource`.
   */
  policyTruncated: boolean;
  /**
   * The org's policy file (its `.github` repository's, on that repository's default branch): null
   * when that repository or file does not exist or the app cannot see it, undefined when the text
   * could not be taken from the answer (read it again by REST).
   */
  orgPolicyText?: string | null;
  baseRepoOwnerType: 'Organization' | 'User';
  /** 'OPEN', 'CLOSED' or 'MERGED'. */
  state: string;
  /** The app's check run on the head commit: null when there is none, undefined when unknown. */
  ownCheckRun: ExistingCheckRun | null | undefined;
  /**
   * The app's audit comment (written by this app and starting with the marker) among the first 100
   * comments; `undefined` when it is not there and more comments exist, so the caller must search on.
   */
  auditComment: { id: number; body: string } | null | undefined;
  /** Users and teams (lower-case) asked to review, now or earlier: a request is never repeated. */
  requested: { users: string[]; teams: string[] };
}

/** What the reads after the first query found. */
export interface ReadLists {
  commits: { commits: CommitFact[]; complete: boolean };
  files: { files: ChangedFile[]; complete: boolean };
  earlierHeads: EarlierHead[];
}

/** The snapshot from the first answer and the lists read in full. */
export function finishSnapshot(
  at: PullRequestAt,
  first: FirstAnswer,
  lists: PullRequestLists,
  read: ReadLists,
): PullRequestSnapshot {
  const { pr, repository } = first;
  const labels: LabelFact[] = lists.labelNames.map((name) => {
    const applied = lists.appliedBy.get(name.toLowerCase());
    return {
      name,
      appliedBy: applied?.actor ?? null,
      ...(applied?.eventId ? { eventId: applied.eventId } : {}),
    };
  });
  const facts: PullRequestFacts = {
    repository: `${at.owner}/${at.repo}`,
    number: pr.number ?? at.number,
    title: pr.title,
    body: pr.body ?? '',
    author: toActor(pr.author) ?? { login: 'ghost', type: 'Unknown' },
    headRef: pr.headRefName,
    headSha: pr.headRefOid,
    baseRef: pr.baseRefName,
    commits: read.commits.commits,
    commitsComplete: read.commits.complete,
    files: read.files.files,
    filesComplete: read.files.complete,
    changedFilesCount: pr.changedFiles,
    labels,
    reviews: lists.reviews.map((r) => toReview(r, `reviews of ${at.ref}`)),
    teams: {},
    earlierHeads: read.earlierHeads,
    labelRemovals: lists.labelRemovals,
  };
  const policy = blobText(repository.policyFile);
  const org = first.orgPolicy === undefined ? undefined : blobText(first.orgPolicy?.policyFile);
  return {
    facts,
    defaultBranch: first.defaultBranch.name,
    defaultBranchSha: first.defaultBranch.sha,
    policyText: policy.text,
    policyTruncated: policy.truncated,
    ...(org === undefined || org.truncated ? {} : { orgPolicyText: org.text }),
    baseRepoOwnerType: repository.owner.__typename === 'Organization' ? 'Organization' : 'User',
    state: pr.state,
    ownCheckRun: pickOwnCheckRun(pr),
    auditComment: pickOwnComment(pr.comments),
    requested: requestedReviewers(pr),
  };
}

/**
 * The app's latest check run on the head commit, when the snapshot could read it: undefined when
 * it could not be sure (no app id, a head beyond the listed commits, or a fork's head, whose
 * suites GitHub may keep apart), so the caller looks it up by REST.
 */
function pickOwnCheckRun(pr: RawPullRequest): PullRequestSnapshot['ownCheckRun'] {
  const head = pr.headCommit?.nodes?.[0]?.commit;
  if (!head || head.oid !== pr.headRefOid || pr.isCrossRepository) return undefined;
  const runs = (head.checkSuites?.nodes ?? [])
    .flatMap((suite) => suite?.checkRuns?.nodes ?? [])
    .filter((r): r is RawCheckRun => r !== null && r.databaseId !== null)
    .sort((a, b) => b.databaseId! - a.databaseId!);
  const run = runs[0];
  if (!run) return null;
  return {
    id: run.databaseId!,
    status: run.status.toLowerCase(),
    conclusion: run.conclusion?.toLowerCase() ?? null,
    title: run.title,
    summary: run.summary,
    text: run.text,
    annotationsCount: run.annotations?.totalCount ?? 0,
  };
}

function pickOwnComment(conn: RawPullRequest['comments']): PullRequestSnapshot['auditComment'] {
  for (const c of conn?.nodes ?? []) {
    if (c?.viewerDidAuthor && c.databaseId !== null && c.body.startsWith(COMMENT_MARKER)) {
      return { id: c.databaseId, body: c.body };
    }
  }
  return conn?.pageInfo.hasNextPage ? undefined : null;
}

function requestedReviewers(pr: RawPullRequest): PullRequestSnapshot['requested'] {
  const users = new Set<string>();
  const teams = new Set<string>();
  const add = (r: RawRequestedReviewer | null | undefined) => {
    if (r?.slug) teams.add(r.slug.toLowerCase());
    else if (r?.login) users.add(r.login.toLowerCase());
  };
  for (const n of pr.reviewRequests?.nodes ?? []) add(n?.requestedReviewer);
  for (const n of pr.reviewRequestEvents?.nodes ?? []) add(n?.requestedReviewer);
  return { users: [...users], teams: [...teams] };
}
