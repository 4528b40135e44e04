/**
 * The fake GitHub's world as plain data: organisations with teams, users, repositories with their
 * default-branch files and commits, pull requests with everything the app reads and writes, and
 * the app itself. `FakeGitHubState` (state.ts) holds these and changes them the way people do.
 */

import type { CheckAnnotation } from '../model/github.js';

export type UserType = 'User' | 'Bot';

export interface FakeUser {
  /** As REST and webhooks show it; bots end in `[bot]`. */
  login: string;
  id: number;
  type: UserType;
  name: string | null;
  /** The address git commits use, which links a commit identity to this account. */
  email: string | null;
}

export interface FakeTeam {
  slug: string;
  name: string;
  id: number;
  /** Direct members (logins). */
  members: string[];
  /** The parent team's slug, for nested teams. */
  parent: string | null;
}

/** A repository role, as GitHub names them. */
export type Permission = 'none' | 'read' | 'triage' | 'write' | 'maintain' | 'admin';

export interface FakeOrg {
  login: string;
  id: number;
  /** By lower-case slug. */
  teams: Map<string, FakeTeam>;
  /** Logins (lower-case) of members besides team members. */
  members: Set<string>;
  /**
   * What every member may do in the org's repositories (GitHub's "base permission"). The fake
   * defaults to `write`, so stories need not grant it; people outside the org only read.
   */
  basePermission: Permission;
}

/** A person or tool as git records them. */
export interface GitPerson {
  name: string;
  email: string;
  /** The GitHub account GitHub links to this identity; null when none. */
  login: string | null;
  date: string;
}

export interface FakeCommit {
  sha: string;
  message: string;
  author: GitPerson;
  committer: GitPerson;
  /** From the message's `Co-authored-by` trailers, as GitHub lists them. */
  coAuthors: GitPerson[];
  parents: string[];
  /** The whole tree, for commits on branches whose files are read; null for PR commits. */
  tree: Map<string, string> | null;
}

export type ChangeType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'RENAMED' | 'COPIED' | 'CHANGED';

export interface FakeFile {
  path: string;
  previousPath?: string;
  changeType: ChangeType;
  additions: number;
  deletions: number;
}

export interface FakeLabel {
  id: number;
  name: string;
  color: string;
  description: string | null;
}

export interface FakeLabelEvent {
  id: number;
  action: 'labeled' | 'unlabeled';
  label: string;
  /** Login of whoever applied or removed the label. */
  actor: string;
  createdAt: string;
}

export type ReviewState = 'APPROVED' | 'CHANGES_REQUESTED' | 'COMMENTED' | 'DISMISSED' | 'PENDING';

export interface FakeReview {
  id: number;
  user: string;
  state: ReviewState;
  /** The head commit when the review was made. */
  commitId: string | null;
  submittedAt: string | null;
  body: string;
  /** When and by whom it was dismissed. */
  dismissed?: { at: string; by: string };
}

export interface FakeComment {
  id: number;
  body: string;
  author: string;
  /** Written by the app (through an installation token). */
  viaApp: boolean;
  createdAt: string;
  updatedAt: string;
}

export type ReviewerRef = { type: 'user'; login: string } | { type: 'team'; slug: string };

export interface FakeReviewRequestEvent {
  id: number;
  action: 'requested' | 'removed';
  reviewer: ReviewerRef;
  actor: string;
  createdAt: string;
}

export interface FakeForcePushEvent {
  id: number;
  /** The head before and after the push. */
  before: string;
  after: string;
  actor: string;
  createdAt: string;
}

export interface FakeCheckRunOutput {
  title: string | null;
  summary: string | null;
  text: string | null;
}

export interface FakeCheckRunAction {
  label: string;
  description: string;
  identifier: string;
}

export interface FakeCheckRun {
  id: number;
  name: string;
  headSha: string;
  status: string;
  conclusion: string | null;
  startedAt: string;
  completedAt: string | null;
  output: FakeCheckRunOutput;
  annotations: CheckAnnotation[];
  actions: FakeCheckRunAction[];
  /** The app that wrote it. */
  appId: number;
  externalId: string;
  detailsUrl: string | null;
  suiteId: number;
  createdAt: string;
  updatedAt: string;
}

export interface FakePullRequest {
  number: number;
  id: number;
  title: string;
  body: string;
  author: string;
  headRef: string;
  headSha: string;
  baseRef: string;
  /** The base branch's head when the PR was opened (GitHub does not refresh it). */
  baseSha: string;
  state: 'open' | 'closed';
  merged: boolean;
  draft: boolean;
  /** Head in a fork. */
  crossRepository: boolean;
  /** Shas of the PR's commits, oldest first. */
  commits: string[];
  files: FakeFile[];
  /** Label names currently on the PR. */
  labels: string[];
  labelEvents: FakeLabelEvent[];
  reviews: FakeReview[];
  comments: FakeComment[];
  requestedReviewers: ReviewerRef[];
  reviewRequestEvents: FakeReviewRequestEvent[];
  /** Force pushes of the head branch (the timeline's HeadRefForcePushedEvent), oldest first. */
  forcePushEvents: FakeForcePushEvent[];
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
  /** When the title or body was last edited. */
  lastEditedAt?: string;
  /** Set by a merge (merged.ts): when, by whom, and the commit it made on the base branch. */
  mergedAt?: string | null;
  mergedBy?: string | null;
  mergeCommitSha?: string | null;
  /** Times a draft was marked ready for review (the timeline's ReadyForReviewEvent), oldest first. */
  readyEvents?: { id: number; actor: string; createdAt: string }[];
}

export interface FakeRepo {
  id: number;
  owner: string;
  name: string;
  defaultBranch: string;
  private: boolean;
  /** Branch name → head sha. */
  branches: Map<string, string>;
  commits: Map<string, FakeCommit>;
  /** By lower-case name. */
  labels: Map<string, FakeLabel>;
  pulls: Map<number, FakePullRequest>;
  checkRuns: FakeCheckRun[];
  /** Base branch → its merge queue, first in line first. */
  mergeQueues: Map<string, FakeQueueEntry[]>;
  /** Collaborators' roles by lower-case login; they take precedence over the org's base permission. */
  permissions: Map<string, Permission>;
  nextNumber: number;
  createdAt: string;
}

/** A pull request in a merge queue, with the commit the queue built for it (its group's head). */
export interface FakeQueueEntry {
  number: number;
  /** The merge group's head commit. */
  groupSha: string;
  /** What the group was built on: the base branch, or the group of the entry ahead. */
  baseSha: string;
  enqueuedAt: string;
}

export interface FakeApp {
  id: number;
  slug: string;
  name: string;
  /** The org or user that owns the app. */
  owner: string;
  installationId: number;
  /** PEM; when set, the app's JWTs are verified against it. */
  publicKey: string | null;
}

/** A commit to add: the author as a login (linked account) or a git identity. */
export interface CommitSpec {
  message: string;
  author?: string | Partial<GitPerson>;
  committer?: string | Partial<GitPerson>;
  /** Added to the message as `Co-authored-by` trailers when it does not hold them yet. */
  coAuthors?: (string | Partial<GitPerson>)[];
}

export type FileSpec =
  | string
  | {
      path: string;
      previousPath?: string;
      changeType?: ChangeType;
      additions?: number;
      deletions?: number;
    };

export interface OpenPullRequestSpec {
  author: string;
  title: string;
  body?: string;
  headRef?: string;
  baseRef?: string;
  commits: CommitSpec[];
  files: FileSpec[];
  labels?: { name: string; by: string }[];
  draft?: boolean;
  crossRepository?: boolean;
}

export interface StateOptions {
  app?: Partial<FakeApp>;
  /** ISO time of the first event; the clock moves one second per event. */
  start?: string;
}
