/**
 * The fake GitHub's world as plain data: organisations with teams, users, repositories with their
 * default-branch files and commits, pull requests with everything the app reads and writes, and
 * the app itself. The helpers change it the way people do on GitHub (open a PR, push, label,
 * review, comment), so a benchmark, a demo or a test can play a story and let the app react.
 *
 * Everything is deterministic: ids count up, shas are hashes of a counter, and the clock moves one
 * second per event from a fixed start, so the same story always gives the same data.
 */

import { createHash } from 'node:crypto';

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

export interface FakeAnnotation {
  path: string;
  start_line: number;
  end_line: number;
  start_column?: number;
  end_column?: number;
  annotation_level: 'notice' | 'warning' | 'failure';
  title?: string;
  message: string;
  raw_details?: string;
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
  annotations: FakeAnnotation[];
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

const DEFAULT_START = '2025-01-06T09:00:00Z';
const TRAILER = /^co-authored-by:[ \t]*(.*?)[ \t]*<([^<>]*)>[ \t]*$/gim;

export class FakeGitHubState {
  readonly app: FakeApp;
  readonly users = new Map<string, FakeUser>();
  readonly orgs = new Map<string, FakeOrg>();
  readonly repos = new Map<string, FakeRepo>();
  private clock: number;
  private ids = 1000;
  private shas = 0;

  constructor(options: StateOptions = {}) {
    this.clock = Date.parse(options.start ?? DEFAULT_START);
    if (Number.isNaN(this.clock)) throw new Error(`bad start time ${options.start}`);
    this.app = {
      id: options.app?.id ?? 4242,
      slug: options.app?.slug ?? 'ai-governance',
      name: options.app?.name ?? 'AI Governance',
      owner: options.app?.owner ?? 'ai-governance',
      installationId: options.app?.installationId ?? 777,
      publicKey: options.app?.publicKey ?? null,
    };
    this.addUser(this.botLogin, { type: 'Bot' });
  }

  // ------------------------------------------------------------------------------------------
  // Clock, ids and shas

  /** The current time, then one second later for the next event. */
  now(): string {
    const t = new Date(this.clock).toISOString().replace(/\.\d{3}Z$/, 'Z');
    this.clock += 1000;
    return t;
  }

  /** Moves the clock on to `iso` (never back): time passing between events. */
  advanceClock(iso: string): void {
    const t = Date.parse(iso);
    if (Number.isNaN(t)) throw new Error(`bad time ${iso}`);
    this.clock = Math.max(this.clock, t);
  }

  nextId(): number {
    return ++this.ids;
  }

  newSha(...parts: string[]): string {
    return createHash('sha1')
      .update(`${++this.shas}\0${parts.join('\0')}`)
      .digest('hex');
  }

  /** Accounts (lower-case) with an installation of their own; every other account shares the app's. */
  private readonly installations = new Map<string, number>();

  /**
   * Installs the app on `owner` as an installation of its own (GitHub gives each account its own
   * installation, with its own token and limits) and returns its id. The fake does not check which
   * repositories a token may reach.
   */
  installOn(owner: string): number {
    const key = owner.toLowerCase();
    let id = this.installations.get(key);
    if (id === undefined) {
      id = this.app.installationId + 1000 + this.installations.size;
      this.installations.set(key, id);
    }
    return id;
  }

  /** The installation webhooks about `owner`'s repositories carry. */
  installationFor(owner: string): number {
    return this.installations.get(owner.toLowerCase()) ?? this.app.installationId;
  }

  isInstallation(id: number): boolean {
    return id === this.app.installationId || [...this.installations.values()].includes(id);
  }

  /** The app's bot account, as REST shows it. */
  get botLogin(): string {
    return `${this.app.slug}[bot]`;
  }

  // ------------------------------------------------------------------------------------------
  // Accounts

  addUser(
    login: string,
    opts: { type?: UserType; name?: string | null; email?: string | null } = {},
  ): FakeUser {
    const existing = this.user(login);
    if (existing) return existing;
    const type: UserType = opts.type ?? (login.endsWith('[bot]') ? 'Bot' : 'User');
    const id = this.nextId();
    const user: FakeUser = {
      login,
      id,
      type,
      name: opts.name === undefined ? (type === 'Bot' ? null : titleCase(login)) : opts.name,
      email: opts.email === undefined ? `${id}+${login}@users.noreply.github.com` : opts.email,
    };
    this.users.set(login.toLowerCase(), user);
    return user;
  }

  user(login: string): FakeUser | undefined {
    return this.users.get(login.toLowerCase());
  }

  /** The account, registering it as a plain user when it is not known yet. */
  account(login: string): FakeUser {
    return this.user(login) ?? this.addUser(login);
  }

  userByEmail(email: string): FakeUser | undefined {
    const e = email.toLowerCase();
    for (const u of this.users.values()) if (u.email?.toLowerCase() === e) return u;
    return undefined;
  }

  addOrg(login: string): FakeOrg {
    const existing = this.org(login);
    if (existing) return existing;
    const org: FakeOrg = {
      login,
      id: this.nextId(),
      teams: new Map(),
      members: new Set(),
      basePermission: 'write',
    };
    this.orgs.set(login.toLowerCase(), org);
    return org;
  }

  org(login: string): FakeOrg | undefined {
    return this.orgs.get(login.toLowerCase());
  }

  addTeam(
    org: string,
    slug: string,
    members: string[] = [],
    opts: { name?: string; parent?: string } = {},
  ): FakeTeam {
    const o = this.addOrg(org);
    for (const m of members) this.account(m);
    const team: FakeTeam = {
      slug,
      name: opts.name ?? titleCase(slug),
      id: this.nextId(),
      members: [...members],
      parent: opts.parent ?? null,
    };
    o.teams.set(slug.toLowerCase(), team);
    return team;
  }

  /** Adds people to an organisation without putting them in a team. */
  addOrgMember(org: string, ...logins: string[]): void {
    const o = this.addOrg(org);
    for (const l of logins) o.members.add(this.account(l).login.toLowerCase());
  }

  /** Whether someone belongs to the organisation (directly or through a team). */
  isOrgMember(org: string, login: string): boolean {
    const o = this.org(org);
    if (!o) return false;
    const l = login.toLowerCase();
    if (o.members.has(l)) return true;
    return [...o.teams.values()].some((t) => t.members.some((m) => m.toLowerCase() === l));
  }

  /** Gives someone a role on one repository (an outside collaborator, or a member's own role). */
  setPermission(fullName: string, login: string, permission: Permission): void {
    this.account(login);
    this.requireRepo(fullName).permissions.set(login.toLowerCase(), permission);
  }

  /** Someone's role on a repository: their own, the owner's, the org's base permission or none. */
  permission(repo: FakeRepo, login: string): Permission {
    const l = login.toLowerCase();
    const own = repo.permissions.get(l);
    if (own) return own;
    if (repo.owner.toLowerCase() === l) return 'admin';
    const org = this.org(repo.owner);
    if (org && this.isOrgMember(org.login, l)) return org.basePermission;
    return repo.private ? 'none' : 'read';
  }

  /** Whether someone can push to a repository (GraphQL's `authorCanPushToRepository`). */
  canPush(repo: FakeRepo, login: string): boolean {
    return ['write', 'maintain', 'admin'].includes(this.permission(repo, login));
  }

  team(org: string, slug: string): FakeTeam | undefined {
    return this.org(org)?.teams.get(slug.toLowerCase());
  }

  setTeamMembers(org: string, slug: string, members: string[]): void {
    const t = this.team(org, slug);
    if (!t) throw new Error(`no team ${org}/${slug}`);
    for (const m of members) this.account(m);
    t.members = [...members];
  }

  /** Direct members and members of child teams, each once, as `membership: ALL` lists them. */
  teamMembersAll(org: string, slug: string): string[] {
    const o = this.org(org);
    if (!o) return [];
    const out = new Set<string>();
    const visit = (s: string, depth: number) => {
      const t = o.teams.get(s.toLowerCase());
      if (!t || depth > 10) return;
      t.members.forEach((m) => out.add(m));
      for (const child of o.teams.values()) {
        if (child.parent?.toLowerCase() === s.toLowerCase()) visit(child.slug, depth + 1);
      }
    };
    visit(slug, 0);
    return [...out];
  }

  // ------------------------------------------------------------------------------------------
  // Repositories and commits

  addRepo(spec: {
    owner: string;
    name: string;
    defaultBranch?: string;
    files?: Record<string, string>;
    private?: boolean;
  }): FakeRepo {
    const key = `${spec.owner}/${spec.name}`.toLowerCase();
    if (this.repos.has(key)) throw new Error(`repository ${spec.owner}/${spec.name} exists`);
    if (!this.org(spec.owner)) this.account(spec.owner);
    const repo: FakeRepo = {
      id: this.nextId(),
      owner: spec.owner,
      name: spec.name,
      defaultBranch: spec.defaultBranch ?? 'main',
      private: spec.private ?? false,
      branches: new Map(),
      commits: new Map(),
      labels: new Map(),
      pulls: new Map(),
      checkRuns: [],
      mergeQueues: new Map(),
      permissions: new Map(),
      nextNumber: 1,
      createdAt: this.now(),
    };
    this.repos.set(key, repo);
    const tree = new Map(Object.entries(spec.files ?? {}));
    const commit = this.makeCommit(repo, { message: 'Initial commit', author: spec.owner }, []);
    commit.tree = tree;
    repo.branches.set(repo.defaultBranch, commit.sha);
    return repo;
  }

  repo(fullName: string): FakeRepo | undefined {
    return this.repos.get(fullName.toLowerCase());
  }

  requireRepo(fullName: string): FakeRepo {
    const r = this.repo(fullName);
    if (!r) throw new Error(`no repository ${fullName}`);
    return r;
  }

  /** Whether the repository's owner is an organisation. */
  ownerIsOrg(repo: FakeRepo): boolean {
    return this.org(repo.owner) !== undefined;
  }

  private person(
    p: string | Partial<GitPerson> | undefined,
    fallback: string,
    date: string,
  ): GitPerson {
    if (p === undefined) p = fallback;
    if (typeof p === 'string') {
      const u = this.account(p);
      return { name: u.name ?? u.login, email: u.email ?? '', login: u.login, date };
    }
    const email = p.email ?? '';
    const linked =
      p.login !== undefined ? p.login : email ? (this.userByEmail(email)?.login ?? null) : null;
    return { name: p.name ?? linked ?? '', email, login: linked, date: p.date ?? date };
  }

  private makeCommit(repo: FakeRepo, spec: CommitSpec, parents: string[]): FakeCommit {
    const date = this.now();
    const author = this.person(spec.author, repo.owner, date);
    const committer = spec.committer
      ? this.person(spec.committer, repo.owner, date)
      : { name: 'GitHub', email: 'noreply@github.com', login: 'web-flow', date };
    let message = spec.message;
    const extra = (spec.coAuthors ?? []).map((c) => this.person(c, repo.owner, date));
    const missing = extra.filter(
      (c) => !parseCoAuthors(message).some((t) => t.email.toLowerCase() === c.email.toLowerCase()),
    );
    if (missing.length > 0) {
      const trailers = missing.map((c) => `Co-authored-by: ${c.name} <${c.email}>`).join('\n');
      message = /\n\n[\w-]+:[^\n]*$/.test(message.trimEnd())
        ? `${message.trimEnd()}\n${trailers}`
        : `${message.trimEnd()}\n\n${trailers}`;
    }
    const coAuthors = parseCoAuthors(message).map((t) => {
      const linked = this.userByEmail(t.email)?.login ?? null;
      return { name: t.name, email: t.email, login: linked, date };
    });
    const sha = this.newSha(repo.owner, repo.name, message, ...parents);
    const commit: FakeCommit = { sha, message, author, committer, coAuthors, parents, tree: null };
    repo.commits.set(sha, commit);
    return commit;
  }

  /** A commit on a branch (the default branch unless named) that changes files; null deletes one. */
  commitToBranch(
    fullName: string,
    spec: CommitSpec & { branch?: string; files: Record<string, string | null> },
  ): string {
    const repo = this.requireRepo(fullName);
    const branch = spec.branch ?? repo.defaultBranch;
    const parent = repo.branches.get(branch) ?? repo.branches.get(repo.defaultBranch)!;
    const tree = new Map(this.treeAt(repo, parent) ?? []);
    for (const [path, content] of Object.entries(spec.files)) {
      if (content === null) tree.delete(path);
      else tree.set(path, content);
    }
    const c = this.makeCommit(repo, spec, [parent]);
    c.tree = tree;
    repo.branches.set(branch, c.sha);
    return c.sha;
  }

  /** Sets one file on the default branch (a commit by the repository owner). */
  setDefaultBranchFile(fullName: string, path: string, content: string | null): string {
    return this.commitToBranch(fullName, {
      message: content === null ? `Delete ${path}` : `Update ${path}`,
      files: { [path]: content },
    });
  }

  /** A branch name, `refs/heads/<name>`, `HEAD` (the default branch) or a full sha. */
  resolveRef(repo: FakeRepo, ref: string): string | null {
    if (ref === 'HEAD') return repo.branches.get(repo.defaultBranch) ?? null;
    const name = ref.replace(/^refs\/heads\//, '');
    const branch = repo.branches.get(name);
    if (branch) return branch;
    if (/^[0-9a-f]{40}$/.test(ref) && repo.commits.has(ref)) return ref;
    if (/^[0-9a-f]{7,39}$/.test(ref)) {
      const hits = [...repo.commits.keys()].filter((s) => s.startsWith(ref));
      if (hits.length === 1) return hits[0]!;
    }
    return null;
  }

  /** The tree of a commit: its own, or its nearest first-parent ancestor's. */
  treeAt(repo: FakeRepo, sha: string): Map<string, string> | null {
    let c = repo.commits.get(sha);
    for (let i = 0; c && i < 100_000; i++) {
      if (c.tree) return c.tree;
      const p = c.parents[0];
      c = p ? repo.commits.get(p) : undefined;
    }
    return null;
  }

  /** Every commit reachable from `sha`. */
  ancestors(repo: FakeRepo, sha: string): Set<string> {
    const seen = new Set<string>();
    const stack = [sha];
    while (stack.length > 0) {
      const s = stack.pop()!;
      if (seen.has(s)) continue;
      const c = repo.commits.get(s);
      if (!c) continue;
      seen.add(s);
      stack.push(...c.parents);
    }
    return seen;
  }

  /** What `git log base..head` lists, oldest first, with the merge base. */
  compare(
    repo: FakeRepo,
    base: string,
    head: string,
  ): { commits: string[]; mergeBase: string | null; behindBy: number } {
    const fromBase = this.ancestors(repo, base);
    const fromHead = this.ancestors(repo, head);
    const ahead: string[] = [];
    // Post-order walk from the head: parents before children, so oldest first.
    const done = new Set<string>();
    const stack: { sha: string; expanded: boolean }[] = [{ sha: head, expanded: false }];
    while (stack.length > 0) {
      const top = stack.pop()!;
      if (done.has(top.sha) || fromBase.has(top.sha)) continue;
      const c = repo.commits.get(top.sha);
      if (!c) continue;
      if (top.expanded) {
        done.add(top.sha);
        ahead.push(top.sha);
        continue;
      }
      stack.push({ sha: top.sha, expanded: true });
      for (const p of [...c.parents].reverse()) {
        if (!done.has(p) && !fromBase.has(p)) stack.push({ sha: p, expanded: false });
      }
    }
    let mergeBase: string | null = null;
    const queue = [head];
    const seen = new Set<string>();
    while (queue.length > 0 && mergeBase === null) {
      const s = queue.shift()!;
      if (seen.has(s)) continue;
      seen.add(s);
      if (fromBase.has(s)) mergeBase = s;
      else queue.push(...(repo.commits.get(s)?.parents ?? []));
    }
    const behindBy = [...fromBase].filter((s) => !fromHead.has(s)).length;
    return { commits: ahead, mergeBase, behindBy };
  }

  // ------------------------------------------------------------------------------------------
  // Pull requests

  openPullRequest(fullName: string, spec: OpenPullRequestSpec): FakePullRequest {
    const repo = this.requireRepo(fullName);
    this.account(spec.author);
    const baseRef = spec.baseRef ?? repo.defaultBranch;
    const baseSha = repo.branches.get(baseRef);
    if (!baseSha) throw new Error(`no branch ${baseRef} in ${fullName}`);
    if (spec.commits.length === 0) throw new Error('a pull request needs at least one commit');
    const number = repo.nextNumber++;
    let parent = baseSha;
    const shas: string[] = [];
    for (const c of spec.commits) {
      const commit = this.makeCommit(repo, { author: spec.author, ...c }, [parent]);
      shas.push(commit.sha);
      parent = commit.sha;
    }
    const headRef = spec.headRef ?? `change-${number}`;
    if (!spec.crossRepository) repo.branches.set(headRef, parent);
    const at = this.now();
    const pr: FakePullRequest = {
      number,
      id: this.nextId(),
      title: spec.title,
      body: spec.body ?? '',
      author: spec.author,
      headRef,
      headSha: parent,
      baseRef,
      baseSha,
      state: 'open',
      merged: false,
      draft: spec.draft ?? false,
      crossRepository: spec.crossRepository ?? false,
      commits: shas,
      files: [],
      labels: [],
      labelEvents: [],
      reviews: [],
      comments: [],
      requestedReviewers: [],
      reviewRequestEvents: [],
      forcePushEvents: [],
      createdAt: at,
      updatedAt: at,
      closedAt: null,
    };
    mergeFiles(pr.files, spec.files);
    repo.pulls.set(number, pr);
    for (const l of spec.labels ?? []) this.addLabel(fullName, number, l.name, l.by);
    return pr;
  }

  pull(fullName: string, number: number): FakePullRequest | undefined {
    return this.repo(fullName)?.pulls.get(number);
  }

  requirePull(fullName: string, number: number): FakePullRequest {
    const pr = this.pull(fullName, number);
    if (!pr) throw new Error(`no pull request ${fullName}#${number}`);
    return pr;
  }

  /**
   * Rewrites the PR's branch (a squash, an amend, a rebase): new commits on the base replace all
   * of the PR's commits, and the timeline records a force push from the old head to the new.
   */
  forcePush(
    fullName: string,
    number: number,
    commits: CommitSpec[],
    opts: { by?: string; files?: FileSpec[] } = {},
  ): string {
    const repo = this.requireRepo(fullName);
    const pr = this.requirePull(fullName, number);
    if (commits.length === 0) throw new Error('a force push needs at least one commit');
    const before = pr.headSha;
    let parent = pr.baseSha;
    const shas: string[] = [];
    for (const c of commits) {
      const commit = this.makeCommit(repo, { author: pr.author, ...c }, [parent]);
      shas.push(commit.sha);
      parent = commit.sha;
    }
    pr.commits = shas;
    pr.headSha = parent;
    if (!pr.crossRepository) repo.branches.set(pr.headRef, parent);
    if (opts.files) {
      pr.files = [];
      mergeFiles(pr.files, opts.files);
    }
    const at = this.now();
    pr.forcePushEvents.push({
      id: this.nextId(),
      before,
      after: parent,
      actor: opts.by ?? pr.author,
      createdAt: at,
    });
    pr.updatedAt = at;
    return parent;
  }

  /** Pushes commits onto the PR's head (by the PR author unless each names another); returns the new head. */
  pushCommits(
    fullName: string,
    number: number,
    commits: CommitSpec[],
    opts: { files?: FileSpec[] } = {},
  ): string {
    const repo = this.requireRepo(fullName);
    const pr = this.requirePull(fullName, number);
    let parent = pr.headSha;
    for (const c of commits) {
      const commit = this.makeCommit(repo, { author: pr.author, ...c }, [parent]);
      pr.commits.push(commit.sha);
      parent = commit.sha;
    }
    pr.headSha = parent;
    if (!pr.crossRepository) repo.branches.set(pr.headRef, parent);
    mergeFiles(pr.files, opts.files ?? []);
    pr.updatedAt = this.now();
    return parent;
  }

  editPullRequest(
    fullName: string,
    number: number,
    change: { title?: string; body?: string },
  ): void {
    const pr = this.requirePull(fullName, number);
    if (change.title !== undefined) pr.title = change.title;
    if (change.body !== undefined) pr.body = change.body;
    pr.updatedAt = this.now();
    pr.lastEditedAt = pr.updatedAt;
  }

  closePullRequest(fullName: string, number: number, opts: { merged?: boolean } = {}): void {
    const pr = this.requirePull(fullName, number);
    pr.state = 'closed';
    pr.merged = opts.merged ?? false;
    pr.closedAt = this.now();
    pr.updatedAt = pr.closedAt;
  }

  reopenPullRequest(fullName: string, number: number): void {
    const pr = this.requirePull(fullName, number);
    pr.state = 'open';
    pr.closedAt = null;
    pr.updatedAt = this.now();
  }

  label(repo: FakeRepo, name: string): FakeLabel {
    const key = name.toLowerCase();
    let l = repo.labels.get(key);
    if (!l) {
      const color = createHash('sha1').update(name).digest('hex').slice(0, 6);
      l = { id: this.nextId(), name, color, description: null };
      repo.labels.set(key, l);
    }
    return l;
  }

  /** Adds a label (no event when it is already there, as on GitHub). */
  addLabel(fullName: string, number: number, name: string, by: string): boolean {
    const repo = this.requireRepo(fullName);
    const pr = this.requirePull(fullName, number);
    this.account(by);
    const label = this.label(repo, name);
    if (pr.labels.some((l) => l.toLowerCase() === name.toLowerCase())) return false;
    pr.labels.push(label.name);
    const at = this.now();
    pr.labelEvents.push({
      id: this.nextId(),
      action: 'labeled',
      label: label.name,
      actor: by,
      createdAt: at,
    });
    pr.updatedAt = at;
    return true;
  }

  removeLabel(fullName: string, number: number, name: string, by: string): boolean {
    const pr = this.requirePull(fullName, number);
    const i = pr.labels.findIndex((l) => l.toLowerCase() === name.toLowerCase());
    if (i < 0) return false;
    const [removed] = pr.labels.splice(i, 1);
    const at = this.now();
    pr.labelEvents.push({
      id: this.nextId(),
      action: 'unlabeled',
      label: removed!,
      actor: by,
      createdAt: at,
    });
    pr.updatedAt = at;
    return true;
  }

  /** A review on the current head unless `commitId` says otherwise; it answers the reviewer's request. */
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
      pr.requestedReviewers = pr.requestedReviewers.filter(
        (r) => !(r.type === 'user' && r.login.toLowerCase() === spec.user.toLowerCase()),
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

  /**
   * Adds a PR to its base branch's merge queue and returns its merge group: the PR's head merged
   * onto the group of the entry ahead (or the base branch when the queue was empty), on a
   * `gh-readonly-queue/<base>/pr-<n>-<head sha>` branch. The group so carries every PR ahead in
   * the queue. It is not one of the PR's commits.
   */
  createMergeGroup(
    fullName: string,
    number: number,
  ): { headSha: string; headRef: string; baseSha: string; baseRef: string } {
    const repo = this.requireRepo(fullName);
    const pr = this.requirePull(fullName, number);
    const baseSha = repo.branches.get(pr.baseRef)!;
    const queue = repo.mergeQueues.get(pr.baseRef) ?? [];
    if (queue.some((e) => e.number === number)) throw new Error(`#${number} is already queued`);
    const onto = queue.at(-1)?.groupSha ?? baseSha;
    const commit = this.makeCommit(
      repo,
      {
        message: `Merge pull request #${number} from ${pr.headRef}\n\n${pr.title}`,
        author: pr.author,
      },
      [onto, pr.headSha],
    );
    commit.tree = new Map(this.treeAt(repo, onto) ?? []);
    queue.push({ number, groupSha: commit.sha, baseSha: onto, enqueuedAt: this.now() });
    repo.mergeQueues.set(pr.baseRef, queue);
    const branch = `gh-readonly-queue/${pr.baseRef}/pr-${number}-${pr.headSha}`;
    repo.branches.set(branch, commit.sha);
    return {
      headSha: commit.sha,
      headRef: `refs/heads/${branch}`,
      baseSha,
      baseRef: `refs/heads/${pr.baseRef}`,
    };
  }

  /** Takes a PR out of its base branch's merge queue (merged, or removed). */
  leaveMergeQueue(fullName: string, number: number): void {
    const repo = this.requireRepo(fullName);
    const pr = this.requirePull(fullName, number);
    const queue = repo.mergeQueues.get(pr.baseRef) ?? [];
    repo.mergeQueues.set(
      pr.baseRef,
      queue.filter((e) => e.number !== number),
    );
  }

  // ------------------------------------------------------------------------------------------
  // Check runs

  createCheckRun(
    fullName: string,
    spec: Omit<FakeCheckRun, 'id' | 'suiteId' | 'createdAt' | 'updatedAt' | 'startedAt'> & {
      startedAt?: string;
    },
  ): FakeCheckRun {
    const repo = this.requireRepo(fullName);
    const at = this.now();
    const sameSuite = repo.checkRuns.find(
      (r) => r.headSha === spec.headSha && r.appId === spec.appId,
    );
    const run: FakeCheckRun = {
      ...spec,
      id: this.nextId(),
      suiteId: sameSuite?.suiteId ?? this.nextId(),
      startedAt: spec.startedAt ?? at,
      createdAt: at,
      updatedAt: at,
    };
    repo.checkRuns.push(run);
    return run;
  }

  checkRun(fullName: string, id: number): FakeCheckRun | undefined {
    return this.repo(fullName)?.checkRuns.find((r) => r.id === id);
  }

  /** Check runs on a commit, oldest first, optionally of one name. */
  checkRunsFor(fullName: string, sha: string, name?: string): FakeCheckRun[] {
    return (this.repo(fullName)?.checkRuns ?? []).filter(
      (r) => r.headSha === sha && (name === undefined || r.name === name),
    );
  }

  /** Open PRs whose commits include `sha` (its head or an earlier commit). */
  pullsWithCommit(repo: FakeRepo, sha: string): FakePullRequest[] {
    return [...repo.pulls.values()].filter((p) => p.headSha === sha || p.commits.includes(sha));
  }
}

export function sameReviewer(a: ReviewerRef, b: ReviewerRef): boolean {
  if (a.type === 'user' && b.type === 'user')
    return a.login.toLowerCase() === b.login.toLowerCase();
  if (a.type === 'team' && b.type === 'team') return a.slug.toLowerCase() === b.slug.toLowerCase();
  return false;
}

/** `Co-authored-by: Name <email>` trailers of a message, in order. */
export function parseCoAuthors(message: string): { name: string; email: string }[] {
  const out: { name: string; email: string }[] = [];
  for (const m of message.matchAll(TRAILER)) out.push({ name: m[1]!.trim(), email: m[2]!.trim() });
  return out;
}

function mergeFiles(files: FakeFile[], specs: FileSpec[]): void {
  for (const spec of specs) {
    const f: FakeFile =
      typeof spec === 'string'
        ? { path: spec, changeType: 'MODIFIED', additions: 3, deletions: 1 }
        : {
            path: spec.path,
            ...(spec.previousPath ? { previousPath: spec.previousPath } : {}),
            changeType: spec.changeType ?? (spec.previousPath ? 'RENAMED' : 'MODIFIED'),
            additions: spec.additions ?? 3,
            deletions: spec.deletions ?? 1,
          };
    const i = files.findIndex((x) => x.path === f.path);
    if (i >= 0) {
      const old = files[i]!;
      files[i] = {
        ...f,
        changeType:
          old.changeType === 'ADDED' && f.changeType === 'MODIFIED' ? 'ADDED' : f.changeType,
        ...(old.previousPath && !f.previousPath ? { previousPath: old.previousPath } : {}),
        additions: old.additions + f.additions,
        deletions: old.deletions + f.deletions,
      };
    } else {
      files.push(f);
    }
  }
}

function titleCase(login: string): string {
  return login
    .replace(/\[bot\]$/, '')
    .split(/[-_]/)
    .filter(Boolean)
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join(' ');
}
