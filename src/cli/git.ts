import { spawnSync } from 'node:child_process';
import { loginFromNoreply } from '../detect/identity.js';
import type { ChangedFile, CommitFact, GitIdentity } from '../model/facts.js';

/** A git command failed; the message says which and why. */
export class GitError extends Error {}

/** Runs git in `cwd` and returns stdout; throws GitError on a non-zero exit. */
export function git(cwd: string, args: string[], input?: string): string {
  const r = spawnSync('git', args, {
    cwd,
    input,
    encoding: 'utf8',
    maxBuffer: 1024 * 1024 * 1024,
    env: { ...process.env, GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C' },
  });
  if (r.error) throw new GitError(`could not run git: ${r.error.message}`);
  if (r.status !== 0) {
    const why = (r.stderr || '').trim().split('\n')[0] || `exit code ${r.status}`;
    throw new GitError(`git ${args[0]} failed: ${why}`);
  }
  return r.stdout;
}

function tryGit(cwd: string, args: string[]): string | null {
  try {
    return git(cwd, args).trim();
  } catch {
    return null;
  }
}

export function repoRoot(cwd: string): string {
  return git(cwd, ['rev-parse', '--show-toplevel']).trim();
}

export function resolveRev(cwd: string, rev: string): string {
  const sha = tryGit(cwd, ['rev-parse', '--verify', '--quiet', `${rev}^{commit}`]);
  if (!sha) throw new GitError(`'${rev}' is not a commit in this repository`);
  return sha;
}

/**
 * The default branch as this clone knows it: the remote's HEAD when set, else a local or remote
 * `main` or `master`.
 */
export function defaultBranch(cwd: string): string | null {
  const remoteHead = tryGit(cwd, ['symbolic-ref', '--quiet', 'refs/remotes/origin/HEAD']);
  if (remoteHead) return remoteHead.replace(/^refs\/remotes\//, '');
  for (const name of ['main', 'master', 'origin/main', 'origin/master']) {
    if (tryGit(cwd, ['rev-parse', '--verify', '--quiet', `${name}^{commit}`])) return name;
  }
  return null;
}

export function mergeBase(cwd: string, a: string, b: string): string {
  const sha = tryGit(cwd, ['merge-base', a, b]);
  if (!sha) throw new GitError(`${a} and ${b} have no common ancestor`);
  return sha;
}

export function currentBranch(cwd: string): string {
  return tryGit(cwd, ['symbolic-ref', '--quiet', '--short', 'HEAD']) ?? '';
}

/** The text of `path` at `rev`, or null when the file does not exist there. */
export function showFile(cwd: string, rev: string, path: string): string | null {
  const exists = tryGit(cwd, ['cat-file', '-e', `${rev}:${path}`]);
  if (exists === null) return null;
  return git(cwd, ['show', `${rev}:${path}`]);
}

function identity(name: string, email: string): GitIdentity {
  const login = loginFromNoreply(email);
  return { name, email, login, ...(login?.endsWith('[bot]') ? { bot: true } : {}) };
}

/** Commits reachable from head and not from base, oldest first, as a PR lists them. */
export function commitsBetween(cwd: string, base: string, head: string): CommitFact[] {
  const out = git(cwd, [
    'log',
    '-z',
    '--reverse',
    '--format=%H%n%an%n%ae%n%cn%n%ce%n%B',
    `${base}..${head}`,
  ]);
  const commits: CommitFact[] = [];
  for (const record of out.split('\0')) {
    if (!record.trim()) continue;
    const lines = record.split('\n');
    const [sha, an, ae, cn, ce] = lines;
    const message = lines.slice(5).join('\n');
    commits.push({
      sha: sha!.trim(),
      message,
      authors: [identity(an ?? '', ae ?? '')],
      committer: identity(cn ?? '', ce ?? ''),
    });
  }
  return commits;
}

/** Files changed between the merge base and head, with the old path of renames and copies. */
export function changedFiles(cwd: string, base: string, head: string): ChangedFile[] {
  const out = git(cwd, ['diff', '--name-status', '-z', '-M', base, head]);
  return parseNameStatus(out);
}

/** Parses `git diff --name-status -z` output. */
export function parseNameStatus(out: string): ChangedFile[] {
  const parts = out.split('\0');
  const files: ChangedFile[] = [];
  let i = 0;
  while (i < parts.length) {
    const status = parts[i++];
    if (!status) continue;
    if (status.startsWith('R') || status.startsWith('C')) {
      const from = parts[i++] ?? '';
      const to = parts[i++] ?? '';
      files.push({ path: to, previousPath: from });
    } else {
      files.push({ path: parts[i++] ?? '' });
    }
  }
  return files;
}
