/** The repositories layer of the fake GitHub's state: repositories, collaborators, commits, trees and refs. */

import type { CommitSpec, FakeCommit, FakeRepo, GitPerson, Permission } from '../model.js';
import { AccountsState } from './accounts.js';

const TRAILER = /^co-authored-by:[ \t]*(.*?)[ \t]*<([^<>]*)>[ \t]*$/gim;

export class ReposState extends AccountsState {
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

  /** Gives someone a role on one repository (an outside collaborator, or a member's own role). */
  setPermission(fullName: string, login: string, permission: Permission): void {
    this.account(login);
    this.requireRepo(fullName).permissions.set(login.toLowerCase(), permission);
  }

  protected person(
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

  protected makeCommit(repo: FakeRepo, spec: CommitSpec, parents: string[]): FakeCommit {
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
}

/** `Co-authored-by: Name <email>` trailers of a message, in order. */
export function parseCoAuthors(message: string): { name: string; email: string }[] {
  const out: { name: string; email: string }[] = [];
  for (const m of message.matchAll(TRAILER)) out.push({ name: m[1]!.trim(), email: m[2]!.trim() });
  return out;
}
