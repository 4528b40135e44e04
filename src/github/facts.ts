/**
 * The read side of the GitHub adapter: gathers a pull request's facts, the default branch head and
 * the policy file text with as few reads as GitHub allows, and reads team memberships.
 *
 * Fail closed: a list GitHub will not give in full is marked incomplete, never passed off as whole;
 * any error from GitHub is thrown with a message that says what could not be read.
 */

import type {
  Actor,
  ActorType,
  ChangedFile,
  CommitFact,
  GitIdentity,
  LabelFact,
  LabelRemoval,
  PullRequestFacts,
  ReviewFact,
  ReviewState,
} from '../evaluate/facts.js';
import { POLICY_PATH } from '../policy/types.js';
import { COMMENT_MARKER } from '../render/escape.js';
import {
  PAGE_SIZE,
  type PageInfoBackward,
  type PageInfoForward,
  type RawActor,
  type RawGitActor,
} from './queries/common.js';
import {
  commitAuthorsQuery,
  commitsByOidQuery,
  type CommitObjectsAnswer,
  type RawCommit,
} from './queries/commits.js';
import {
  CONNECTION_NAMES,
  CURSOR_VARIABLES,
  pullRequestQuery,
  pullRequestPageQuery,
  PULL_REQUEST_HEAD_QUERY,
  type PullRequestHeadAnswer,
  type PullRequestConnection,
  type PullRequestPageAnswer,
  type RawPolicyObject,
  type RawLabeledEvent,
  type RawReview,
  type RawCheckRun,
  type RawPullRequest,
  type RawRequestedReviewer,
  type SnapshotAnswer,
} from './queries/pull-request.js';
import type { ExistingCheckRun } from './check-run.js';
import {
  PAGE_CONCURRENCY,
  fail,
  mapBounded,
  nextCursor,
  reading,
  type GitHubClient,
} from './client.js';
import { readEarlierHeads } from './earlier-heads.js';

export type { GitHubClient } from './client.js';

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

/** GitHub lists at most this many commits of a pull request. */
export const PR_COMMITS_CAP = 250;
/** The most commits the adapter will walk when GitHub's PR list stops early. */
export const MAX_COMMIT_WALK = 10_000;
/** GitHub lists at most this many changed files of a pull request. */
export const PR_FILES_CAP = 3_000;

const REVIEW_STATES: ReadonlySet<string> = new Set<ReviewState>([
  'APPROVED',
  'CHANGES_REQUESTED',
  'COMMENTED',
  'DISMISSED',
  'PENDING',
]);

const ACTOR_TYPES: Record<string, ActorType> = {
  User: 'User',
  Bot: 'Bot',
  Organization: 'Organization',
  Mannequin: 'Mannequin',
};

// ---------------------------------------------------------------------------------------------
// Errors

// ---------------------------------------------------------------------------------------------
// Mapping

/** GraphQL gives bot logins without the `[bot]` suffix that REST and webhooks use; add it back. */
export function toActor(raw: RawActor | null | undefined): Actor | null {
  if (!raw || typeof raw.login !== 'string' || raw.login === '') return null;
  const type = ACTOR_TYPES[raw.__typename] ?? 'Unknown';
  if (type !== 'Bot' && raw.login.toLowerCase() === 'ghost') return null; // a deleted account
  const login = type === 'Bot' && !raw.login.endsWith('[bot]') ? `${raw.login}[bot]` : raw.login;
  return { login, type };
}

const BOT_NOREPLY = /\[bot\]@users\.noreply\.github\.com$/i;

export function toIdentity(raw: RawGitActor | null | undefined): GitIdentity {
  const name = raw?.name ?? '';
  const email = raw?.email ?? '';
  const login = raw?.user?.login ?? null;
  return { name, email, login, bot: BOT_NOREPLY.test(email) };
}

interface CommitState {
  raw: RawCommit;
  authors: GitIdentity[];
  authorsPage: PageInfoForward;
}

function commitState(raw: RawCommit): CommitState {
  return {
    raw,
    authors: (raw.authors?.nodes ?? []).filter(isPresent).map(toIdentity),
    authorsPage: raw.authors?.pageInfo ?? { hasNextPage: false, endCursor: null },
  };
}

function toCommitFact(c: CommitState): CommitFact {
  return {
    sha: c.raw.oid,
    message: c.raw.message,
    authors: c.authors,
    committer: toIdentity(c.raw.committer),
  };
}

export function toReview(raw: RawReview, what: string): ReviewFact {
  if (!REVIEW_STATES.has(raw.state)) fail(what, `unknown review state "${raw.state}"`);
  return {
    id: raw.databaseId ?? raw.id,
    user: toActor(raw.author),
    state: raw.state as ReviewState,
    commitId: raw.commit?.oid ?? null,
    submittedAt: raw.submittedAt ?? null,
    authorCanPush:
      typeof raw.authorCanPushToRepository === 'boolean' ? raw.authorCanPushToRepository : null,
  };
}

export function isPresent<T>(x: T | null | undefined): x is T {
  return x !== null && x !== undefined;
}

// ---------------------------------------------------------------------------------------------
// Pull request

/**
 * Reads a pull request's facts, the default branch head and the policy file text: one GraphQL
 * query for a PR with at most 100 commits, files, labels and reviews, then one follow-up query per
 * further page round (asking only for the connections that still have pages).
 */
export async function readPullRequest(
  gh: GitHubClient,
  owner: string,
  repo: string,
  number: number,
  options: { appId?: number } = {},
): Promise<PullRequestSnapshot> {
  const ref = `${owner}/${repo}#${number}`;
  const withCheckRuns = options.appId !== undefined;
  const answer = await reading(`pull request ${ref}`, () =>
    acceptMissingOrgRepository(
      gh.graphql<SnapshotAnswer>(pullRequestQuery({ withCheckRuns }), {
        ...(withCheckRuns ? { appId: options.appId } : {}),
        owner,
        repo,
        number,
        policyExpression: `HEAD:${POLICY_PATH}`,
      }),
    ),
  );
  if (typeof answer !== 'object' || answer === null) {
    // Octokit hands back raw text when it cannot parse an answer (one of several megabytes).
    fail(`pull request ${ref}`, "GitHub's answer could not be read (too large, or not JSON)");
  }
  const repository = answer.repository;
  if (!repository) fail(`pull request ${ref}`, `repository ${owner}/${repo} not found`);
  const pr = repository.pullRequest;
  if (!pr) fail(`pull request ${ref}`, 'pull request not found');
  const defaultBranch = repository.defaultBranchRef;
  if (!defaultBranch?.target?.oid) {
    fail(`default branch of ${owner}/${repo}`, 'the repository has no default branch');
  }
  // Labels feed detection and reviews feed approvals: a missing list is an error, not "none".
  // (A missing file list is modelled instead: filesComplete turns false.)
  if (!pr.labels) fail(`labels of ${ref}`, 'GitHub gave no label list');
  if (!pr.reviews) fail(`reviews of ${ref}`, 'GitHub gave no review list');

  // --- state of every connection
  const commits = new Map<string, CommitState>();
  const commitOrder: string[] = [];
  const addCommits = (nodes: ({ commit: RawCommit } | null)[] | null | undefined) => {
    for (const n of nodes ?? []) {
      if (!n?.commit || commits.has(n.commit.oid)) continue;
      commits.set(n.commit.oid, commitState(n.commit));
      commitOrder.push(n.commit.oid);
    }
  };
  addCommits(pr.commits.nodes);
  const commitsTotal = pr.commits.totalCount;

  const files: ChangedFile[] = [];
  let filesNeedRest = false;
  const addFiles = (nodes: ({ path: string; changeType: string } | null)[] | null | undefined) => {
    for (const f of nodes ?? []) {
      if (!f) continue;
      files.push({ path: f.path });
      if (f.changeType === 'RENAMED' || f.changeType === 'COPIED') filesNeedRest = true;
    }
  };
  addFiles(pr.files?.nodes);
  // Further pages of files come from REST by page number, several at once and alongside the
  // GraphQL rounds below (a GraphQL cursor needs the page before it). Without a rename or copy on
  // the first page, that page is kept and REST reads from the second.
  const filesFromPage = filesNeedRest ? 1 : 2;
  if (pr.files?.pageInfo.hasNextPage) filesNeedRest = true;
  const restFiles = filesNeedRest
    ? readFilesRest(gh, owner, repo, number, ref, filesFromPage, pr.changedFiles)
    : null;
  restFiles?.catch(() => undefined); // awaited below; not an unhandled rejection meanwhile

  const labelNames: string[] = [];
  const addLabels = (nodes: ({ name: string } | null)[] | null | undefined) => {
    for (const l of nodes ?? []) if (l) labelNames.push(l.name);
  };
  addLabels(pr.labels.nodes);

  /** Most recent application per label (lower-case name); pages arrive newest first. */
  const appliedBy = new Map<string, { actor: Actor | null; eventId: string | null }>();
  const labelRemovals: LabelRemoval[] = [];
  const addLabelEvents = (nodes: (RawLabeledEvent | null)[] | null | undefined) => {
    const list = (nodes ?? []).filter(isPresent);
    for (let i = list.length - 1; i >= 0; i--) {
      const e = list[i]!;
      if (e.__typename === 'UnlabeledEvent') {
        if (e.label?.name && e.createdAt) {
          labelRemovals.push({ name: e.label.name, by: toActor(e.actor), at: e.createdAt });
        }
        continue;
      }
      const name = e.label?.name?.toLowerCase();
      if (name === undefined || appliedBy.has(name)) continue;
      appliedBy.set(name, { actor: toActor(e.actor), eventId: e.id ?? null });
    }
  };
  addLabelEvents(pr.labelEvents?.nodes);

  const reviewsRaw: RawReview[] = [];
  const addReviews = (nodes: (RawReview | null)[] | null | undefined) => {
    for (const r of nodes ?? []) if (r) reviewsRaw.push(r);
  };
  addReviews(pr.reviews.nodes);

  const forward: Record<Exclude<PullRequestConnection, 'labelEvents'>, PageInfoForward> = {
    commits: pr.commits.pageInfo,
    files: pr.files?.pageInfo ?? { hasNextPage: false, endCursor: null },
    labels: pr.labels.pageInfo,
    reviews: pr.reviews.pageInfo,
  };
  let labelEventsPage: PageInfoBackward = pr.labelEvents?.pageInfo ?? {
    hasPreviousPage: false,
    startCursor: null,
  };
  const cursors: Partial<Record<PullRequestConnection, string | null>> = {};

  // --- follow-up rounds: each asks only for the connections that still have pages
  for (;;) {
    const wanted: PullRequestConnection[] = [];
    if (forward.commits.hasNextPage) wanted.push('commits');
    if (forward.files.hasNextPage && !filesNeedRest) wanted.push('files');
    if (forward.labels.hasNextPage) wanted.push('labels');
    const unattributed =
      forward.labels.hasNextPage || labelNames.some((n) => !appliedBy.has(n.toLowerCase()));
    if (labelEventsPage.hasPreviousPage && unattributed) wanted.push('labelEvents');
    if (forward.reviews.hasNextPage) wanted.push('reviews');
    if (wanted.length === 0) break;

    const what = `${wanted.map((c) => CONNECTION_NAMES[c]).join(' and ')} of ${ref}`;
    const vars: Record<string, unknown> = { owner, repo, number };
    for (const c of wanted) {
      const cursor =
        c === 'labelEvents'
          ? labelEventsPage.startCursor
          : nextCursor(what, forward[c], cursors[c] ?? null);
      if (!cursor || cursor === cursors[c]) {
        fail(what, 'GitHub said there were more pages but gave no new cursor');
      }
      cursors[c] = cursor;
      vars[CURSOR_VARIABLES[c]] = cursor;
    }
    const page = await reading(what, () =>
      gh.graphql<PullRequestPageAnswer>(pullRequestPageQuery(wanted), vars),
    );
    const next = page?.repository?.pullRequest;
    if (!next) fail(what, 'pull request not found');
    if (next.headRefOid !== pr.headRefOid) {
      fail(what, `the head moved from ${pr.headRefOid} to ${next.headRefOid} while it was read`);
    }
    for (const c of wanted) {
      switch (c) {
        case 'commits': {
          const conn = next.commits ?? fail(what, 'no commits in the answer');
          addCommits(conn.nodes);
          forward.commits = conn.pageInfo;
          break;
        }
        case 'files': {
          const conn = next.files ?? fail(what, 'no files in the answer');
          addFiles(conn.nodes);
          forward.files = conn.pageInfo;
          break;
        }
        case 'labels': {
          const conn = next.labels ?? fail(what, 'no labels in the answer');
          addLabels(conn.nodes);
          forward.labels = conn.pageInfo;
          break;
        }
        case 'labelEvents': {
          const conn = next.labelEvents ?? fail(what, 'no label events in the answer');
          addLabelEvents(conn.nodes);
          labelEventsPage = conn.pageInfo;
          break;
        }
        case 'reviews': {
          const conn = next.reviews ?? fail(what, 'no reviews in the answer');
          addReviews(conn.nodes);
          forward.reviews = conn.pageInfo;
          break;
        }
      }
    }
  }

  // --- commits: walk the whole range when GitHub's PR list stopped early
  let commitList = commitOrder;
  let commitsComplete = !forward.commits.hasNextPage && commits.size >= commitsTotal;
  if (!commitsComplete || commits.size >= PR_COMMITS_CAP) {
    const baseSha = pr.baseRef?.target?.oid ?? pr.baseRefOid;
    const walk = await walkCommitRange(gh, owner, repo, ref, baseSha, pr.headRefOid);
    if (walk.complete) {
      const missing = walk.shas.filter((sha) => !commits.has(sha));
      for (const c of await readCommitsByOid(gh, owner, repo, ref, missing)) {
        commits.set(c.oid, commitState(c));
      }
      commitList = walk.shas;
      commitsComplete = true;
    } else {
      commitsComplete = false;
    }
  }
  const commitStates = commitList.map((sha) => commits.get(sha)!);
  await readMoreCoAuthors(gh, owner, repo, ref, commitStates);
  const earlierHeads = await readEarlierHeads(
    gh,
    {
      owner,
      repo,
      number,
      headSha: pr.headRefOid,
      ...(withCheckRuns ? { appId: options.appId } : {}),
    },
    pr.forcePushes,
    (raw) => toCommitFact(commitState(raw)),
  );

  // --- files: GraphQL has no previous path, so renames and copies are read from REST
  let changedFiles = files;
  if (restFiles) {
    const rest = await restFiles;
    changedFiles = filesFromPage === 1 ? rest : mergeFirstPage(files, rest);
    if (changedFiles.length < Math.min(pr.changedFiles, PR_FILES_CAP) && filesFromPage > 1) {
      // GraphQL's first page and REST's later ones did not line up: take REST's first page too.
      const first = await readFilesRest(gh, owner, repo, number, ref, 1, PAGE_SIZE, 1);
      changedFiles = [...first, ...rest];
    }
    // REST pages name no commit: make sure they were all read while the head stood still.
    const what = `changed files of ${ref}`;
    const now = await reading(what, () =>
      gh.graphql<PullRequestHeadAnswer>(PULL_REQUEST_HEAD_QUERY, { owner, repo, number }),
    );
    const head = now?.repository?.pullRequest?.headRefOid;
    if (!head) fail(what, 'pull request not found');
    if (head !== pr.headRefOid) {
      fail(what, `the head moved from ${pr.headRefOid} to ${head} while it was read`);
    }
  }
  const filesComplete =
    changedFiles.length >= pr.changedFiles && (filesNeedRest || !forward.files.hasNextPage);

  // --- labels and reviews
  const labels: LabelFact[] = labelNames.map((name) => {
    const applied = appliedBy.get(name.toLowerCase());
    return {
      name,
      appliedBy: applied?.actor ?? null,
      ...(applied?.eventId ? { eventId: applied.eventId } : {}),
    };
  });
  const reviews = reviewsRaw.map((r) => toReview(r, `reviews of ${ref}`));

  // --- policy file on the default branch
  const { text: policyText, truncated: policyTruncated } = blobText(repository.policyFile);

  const org = answer.orgPolicy === undefined ? undefined : blobText(answer.orgPolicy?.policyFile);

  const facts: PullRequestFacts = {
    repository: `${owner}/${repo}`,
    number: pr.number ?? number,
    title: pr.title,
    body: pr.body ?? '',
    author: toActor(pr.author) ?? { login: 'ghost', type: 'Unknown' },
    headRef: pr.headRefName,
    headSha: pr.headRefOid,
    baseRef: pr.baseRefName,
    commits: commitStates.map(toCommitFact),
    commitsComplete,
    files: changedFiles,
    filesComplete,
    changedFilesCount: pr.changedFiles,
    labels,
    reviews,
    teams: {},
    earlierHeads,
    labelRemovals,
  };
  return {
    facts,
    defaultBranch: defaultBranch.name,
    defaultBranchSha: defaultBranch.target.oid,
    policyText,
    policyTruncated,
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

/**
 * Lists every commit of `base...head` (what the PR contains) with the compare endpoint, 100 a
 * page, in order. Complete only when every commit GitHub counts was listed and the range is within
 * {@link MAX_COMMIT_WALK}.
 */
async function walkCommitRange(
  gh: GitHubClient,
  owner: string,
  repo: string,
  ref: string,
  base: string,
  head: string,
): Promise<{ complete: boolean; shas: string[] }> {
  const what = `commits of ${ref}`;
  const shas: string[] = [];
  const seen = new Set<string>();
  const readPage = async (page: number) => {
    const res = await reading(what, () =>
      gh.request('GET /repos/{owner}/{repo}/compare/{basehead}', {
        owner,
        repo,
        basehead: `${base}...${head}`,
        per_page: PAGE_SIZE,
        page,
      }),
    );
    const data = res.data as { total_commits?: unknown; commits?: { sha: string }[] };
    if (typeof data?.total_commits !== 'number' || !Array.isArray(data.commits)) {
      fail(what, 'the compare answer has no commit list');
    }
    return { total: data.total_commits, commits: data.commits };
  };
  const add = (commits: { sha: string }[]) => {
    for (const c of commits) {
      if (c?.sha && !seen.has(c.sha)) {
        seen.add(c.sha);
        shas.push(c.sha);
      }
    }
  };
  // The first page says how many commits there are; the others are then read by number, a few
  // at once, and taken in page order.
  const first = await readPage(1);
  const total = first.total;
  if (total > MAX_COMMIT_WALK) return { complete: false, shas };
  add(first.commits);
  if (shas.length < total && first.commits.length >= PAGE_SIZE) {
    const rest = Array.from({ length: Math.ceil(total / PAGE_SIZE) - 1 }, (_, i) => i + 2);
    const pages = await mapBounded(rest, PAGE_CONCURRENCY, readPage);
    for (const p of pages) add(p.commits);
  }
  return { complete: shas.length === total, shas };
}

/** Reads commits by sha, 100 a query. */
async function readCommitsByOid(
  gh: GitHubClient,
  owner: string,
  repo: string,
  ref: string,
  shas: string[],
): Promise<RawCommit[]> {
  const what = `commits of ${ref}`;
  const out: RawCommit[] = [];
  for (let start = 0; start < shas.length; start += PAGE_SIZE) {
    const batch = shas.slice(start, start + PAGE_SIZE);
    const vars: Record<string, unknown> = { owner, repo };
    batch.forEach((sha, i) => (vars[`o${i}`] = sha));
    const answer = await reading(what, () =>
      gh.graphql<CommitObjectsAnswer>(commitsByOidQuery(batch.length), vars),
    );
    batch.forEach((sha, i) => {
      const c = answer?.repository?.[`c${i}`];
      if (
        !c ||
        c.__typename !== 'Commit' ||
        !c.oid ||
        typeof c.message !== 'string' ||
        !c.authors
      ) {
        fail(what, `commit ${sha} was not found`);
      }
      out.push(c as RawCommit);
    });
  }
  return out;
}

/** Reads further pages of co-authors for every commit that has them, batched 100 commits a query. */
async function readMoreCoAuthors(
  gh: GitHubClient,
  owner: string,
  repo: string,
  ref: string,
  states: CommitState[],
): Promise<void> {
  const what = `commit authors of ${ref}`;
  for (;;) {
    const pending = states.filter((s) => s.authorsPage.hasNextPage);
    if (pending.length === 0) return;
    for (let start = 0; start < pending.length; start += PAGE_SIZE) {
      const batch = pending.slice(start, start + PAGE_SIZE);
      const vars: Record<string, unknown> = { owner, repo };
      batch.forEach((s, i) => {
        vars[`o${i}`] = s.raw.oid;
        vars[`a${i}`] = nextCursor(what, s.authorsPage, null);
      });
      const answer = await reading(what, () =>
        gh.graphql<CommitObjectsAnswer>(commitAuthorsQuery(batch.length), vars),
      );
      batch.forEach((s, i) => {
        const c = answer?.repository?.[`c${i}`];
        if (!c?.authors) fail(what, `commit ${s.raw.oid} was not found`);
        const previous = s.authorsPage.endCursor;
        s.authors.push(...(c.authors.nodes ?? []).filter(isPresent).map(toIdentity));
        s.authorsPage = c.authors.pageInfo;
        if (s.authorsPage.hasNextPage) nextCursor(what, s.authorsPage, previous);
      });
    }
  }
}

/**
 * Changed files with previous paths, from REST (100 a page, GitHub stops at 3,000): the pages from
 * `fromPage` that `count` files fill, a few at once, then on one by one while GitHub links a next
 * page (the list grew meanwhile); at most `maxPages` pages in all.
 */
async function readFilesRest(
  gh: GitHubClient,
  owner: string,
  repo: string,
  number: number,
  ref: string,
  fromPage: number,
  count: number,
  maxPages = Math.ceil(PR_FILES_CAP / PAGE_SIZE) + 5,
): Promise<ChangedFile[]> {
  const what = `changed files of ${ref}`;
  const readPage = async (page: number) => {
    const res = await reading(what, () =>
      gh.request('GET /repos/{owner}/{repo}/pulls/{pull_number}/files', {
        owner,
        repo,
        pull_number: number,
        per_page: PAGE_SIZE,
        page,
      }),
    );
    if (!Array.isArray(res.data)) fail(what, 'the answer is not a list of files');
    const files = (
      res.data as { filename: string; status: string; previous_filename?: string }[]
    ).map((f) => {
      const file: ChangedFile = { path: f.filename };
      if ((f.status === 'renamed' || f.status === 'copied') && f.previous_filename) {
        file.previousPath = f.previous_filename;
      }
      return file;
    });
    return { files, next: hasNextLink(res.headers) };
  };
  const last = Math.min(
    Math.max(fromPage, Math.ceil(Math.min(count, PR_FILES_CAP) / PAGE_SIZE)),
    maxPages,
  );
  const numbers = Array.from({ length: last - fromPage + 1 }, (_, i) => fromPage + i);
  const pages = await mapBounded(numbers, PAGE_CONCURRENCY, readPage);
  const out = pages.flatMap((p) => p.files);
  let more = pages.at(-1)?.next ?? false;
  for (let page = last + 1; more && page <= maxPages; page++) {
    const p = await readPage(page);
    out.push(...p.files);
    more = p.next;
  }
  return out;
}

/** GraphQL's first page of files before REST's later pages, each path once. */
function mergeFirstPage(first: ChangedFile[], rest: ChangedFile[]): ChangedFile[] {
  const seen = new Set<string>();
  const out: ChangedFile[] = [];
  for (const f of [...first, ...rest]) {
    if (seen.has(f.path)) continue;
    seen.add(f.path);
    out.push(f);
  }
  return out;
}

function hasNextLink(headers: Record<string, any> | undefined): boolean {
  const link = headers?.link;
  return typeof link === 'string' && /<[^>]*>\s*;\s*rel="next"/.test(link);
}

/** A policy file's text from GitHub's answer; truncated when it exists but gave no whole text. */
function blobText(obj: RawPolicyObject | null | undefined): {
  text: string | null;
  truncated: boolean;
} {
  if (!obj) return { text: null, truncated: false };
  if (obj.__typename === 'Blob' && typeof obj.text === 'string' && obj.isTruncated !== true) {
    return { text: obj.text, truncated: false };
  }
  return { text: null, truncated: true };
}

/**
 * The snapshot's answer even when the org's `.github` repository does not exist (or the app cannot
 * see it): GitHub then answers the rest and reports NOT_FOUND on `orgPolicy` alone, which Octokit
 * throws. Any other error is passed on.
 */
async function acceptMissingOrgRepository(query: Promise<SnapshotAnswer>): Promise<SnapshotAnswer> {
  try {
    return await query;
  } catch (err) {
    const e = err as { errors?: unknown; data?: SnapshotAnswer };
    const onlyOrgMissing =
      Array.isArray(e?.errors) &&
      e.errors.length > 0 &&
      e.errors.every((x: { type?: unknown; path?: unknown }) => {
        return (
          x?.type === 'NOT_FOUND' &&
          Array.isArray(x.path) &&
          x.path.length === 1 &&
          x.path[0] === 'orgPolicy'
        );
      });
    if (onlyOrgMissing && e.data && typeof e.data === 'object')
      return { ...e.data, orgPolicy: null };
    throw err;
  }
}
