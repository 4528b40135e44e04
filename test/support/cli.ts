/**
 * A throw-away git repository to run the command line in (in process, with `run-cli.ts`), with
 * commits that are the same on every machine.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import { runCliIn, type CliRun } from './run-cli.js';

/**
 * Runs `git` in `cwd` with no system or user configuration and one fixed author and committer;
 * `env` is the rest of its environment (default: this process's).
 */
export function gitIn(cwd: string, args: string[], env: NodeJS.ProcessEnv = process.env): string {
  return execFileSync('git', args, {
    cwd,
    encoding: 'utf8',
    env: {
      ...env,
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_CONFIG_GLOBAL: '/dev/null',
      GIT_AUTHOR_NAME: 'Dev',
      GIT_AUTHOR_EMAIL: '1234+dev@users.noreply.github.com',
      GIT_COMMITTER_NAME: 'Dev',
      GIT_COMMITTER_EMAIL: '1234+dev@users.noreply.github.com',
    },
  });
}

/** Writes `text` to `path` under `root`, making its folders. */
export function writeUnder(root: string, path: string, text: string): void {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), text);
}

/** Writes `files` (path to text) under `cwd` and commits everything with `message`. */
export function commitIn(
  cwd: string,
  message: string,
  files: Record<string, string>,
  env: NodeJS.ProcessEnv = process.env,
): void {
  for (const [file, text] of Object.entries(files)) writeUnder(cwd, file, text);
  gitIn(cwd, ['add', '-A'], env);
  gitIn(cwd, ['commit', '-q', '-m', message], env);
}

/** A git repository a test works in; every function acts on the current test's repository. */
export interface ScratchRepo {
  /** The repository's folder. */
  readonly path: string;
  git(...args: string[]): string;
  write(path: string, text: string): void;
  /** Writes `files` (path to text) and commits everything with `message`. */
  commit(message: string, files: Record<string, string>): void;
  /** Runs `ai-governance …argv` in the repository. */
  cli(...argv: string[]): Promise<CliRun>;
}

/**
 * A fresh git repository (on `main`, no commit yet) for each test of the file: made in the temp
 * folder before each test, removed after it. Call at the top of the file or of a `describe`.
 */
export function repoPerTest(prefix: string): ScratchRepo {
  let path = '';
  const repo: ScratchRepo = {
    get path() {
      return path;
    },
    git: (...args) => gitIn(path, args),
    write: (file, text) => writeUnder(path, file, text),
    commit: (message, files) => commitIn(path, message, files),
    cli: (...argv) => runCliIn(path, ...argv),
  };
  beforeEach(() => {
    path = mkdtempSync(join(tmpdir(), prefix));
    repo.git('init', '-q', '-b', 'main');
  });
  afterEach(() => {
    rmSync(path, { recursive: true, force: true });
  });
  return repo;
}
