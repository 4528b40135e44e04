/** The pull requests layer of the fake GitHub's state: opening, pushing, editing, closing and labels. */

import { createHash } from 'node:crypto';
import type {
  CommitSpec,
  FakeFile,
  FakeLabel,
  FakePullRequest,
  FakeRepo,
  FileSpec,
  OpenPullRequestSpec,
} from '../model.js';
import { ReposState } from './repos.js';

export class PullsState extends ReposState {
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
