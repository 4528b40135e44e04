import { existsSync, readFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { evaluate } from '../evaluate/evaluate.js';
import type { PullRequestFacts } from '../model/facts.js';
import type { Verdict } from '../model/verdict.js';
import { parsePolicy, type PolicyResult } from '../policy/load.js';
import { formatPolicyError, type Policy, type PolicyError } from '../model/policy.js';
import { POLICY_PATH } from '../model/names.js';
import {
  changedFiles,
  commitsBetween,
  currentBranch,
  defaultBranch,
  GitError,
  mergeBase,
  repoRoot,
  resolveRev,
  showFile,
} from './git.js';

export interface CheckOptions {
  cwd: string;
  base?: string;
  head?: string;
  policyFile?: string;
  labels: string[];
  /** Who applied the labels, offline; null (the default) when unknown, as GitHub may leave it. */
  labelBy?: string | null;
  /** Team members stated on the command line (slug to logins), for trying an override offline. */
  teams?: Record<string, string[]>;
}

/** Where the policy that judged the branch came from. */
export type PolicyOrigin =
  | { kind: 'file'; file: string }
  | { kind: 'branch'; ref: string; file: string }
  | { kind: 'none'; looked: string };

export interface LocalCheck {
  verdict: Verdict;
  facts: PullRequestFacts;
  base: string;
  head: string;
  origin: PolicyOrigin;
}

/** A usage or policy problem: the CLI prints the lines and exits 2. */
export class CheckUsageError extends Error {
  constructor(readonly lines: string[]) {
    super(lines.join('\n'));
  }
}

/** The policy that judges a local branch: the given file, else the default branch's committed one. */
export function localPolicy(
  root: string,
  cwd: string,
  policyFile: string | undefined,
  defaultRef: string | null,
): { policy: Policy; origin: PolicyOrigin } {
  let text: string | null;
  let origin: PolicyOrigin;
  if (policyFile) {
    const path = resolve(cwd, policyFile);
    if (!existsSync(path)) throw new CheckUsageError([`${policyFile}: no such file`]);
    text = readFileSync(path, 'utf8');
    origin = { kind: 'file', file: policyFile };
  } else if (defaultRef) {
    // As in the app, the rules come from the default branch, never from the branch being judged.
    text = showFile(root, defaultRef, POLICY_PATH);
    origin =
      text === null
        ? { kind: 'none', looked: `${defaultRef}:${POLICY_PATH}` }
        : { kind: 'branch', ref: defaultRef, file: `${defaultRef}:${POLICY_PATH}` };
  } else {
    text = null;
    origin = { kind: 'none', looked: POLICY_PATH };
  }
  const file = origin.kind === 'none' ? POLICY_PATH : origin.file;
  const result: PolicyResult = parsePolicy(text ?? 'version: 1\n', { file });
  if (!result.ok) throw new PolicyInvalidError(result.errors, origin);
  return { policy: result.policy, origin };
}

/** The policy is invalid: the CLI prints the `file:line:column` lines (or JSON) and exits 2. */
export class PolicyInvalidError extends CheckUsageError {
  constructor(
    readonly errors: PolicyError[],
    readonly origin: PolicyOrigin,
  ) {
    super(errors.map(formatPolicyError));
  }
}

/** The `--json` shape of an invalid policy: no verdict, the problems with their positions and fixes. */
export function invalidPolicyJson(e: PolicyInvalidError): Record<string, unknown> {
  return {
    outcome: 'error',
    aiAssisted: null,
    errors: e.errors.map(({ file, line, column, message, fix }) => ({
      file,
      line,
      column,
      message,
      fix,
    })),
    policy: e.origin,
  };
}

/** Gathers the facts of a local branch from git and judges it, offline. */
export function checkLocal(opts: CheckOptions): LocalCheck {
  let root: string;
  try {
    root = repoRoot(opts.cwd);
  } catch {
    throw new CheckUsageError(['not inside a git repository; run ai-governance check in one']);
  }
  try {
    const defaultRef = defaultBranch(root);
    const head = resolveRev(root, opts.head ?? 'HEAD');
    let base: string;
    if (opts.base) {
      base = mergeBase(root, resolveRev(root, opts.base), head);
    } else {
      if (!defaultRef) {
        throw new CheckUsageError([
          'cannot tell the default branch (no origin/HEAD, main or master); pass --base REV',
        ]);
      }
      base = mergeBase(root, resolveRev(root, defaultRef), head);
    }
    const { policy, origin } = localPolicy(root, opts.cwd, opts.policyFile, defaultRef);
    const commits = commitsBetween(root, base, head);
    const files = changedFiles(root, base, head);
    const headCommit = commits.at(-1);
    const authorLogin =
      headCommit?.authors[0]?.login ?? headCommit?.authors[0]?.email ?? 'local-user';
    const facts: PullRequestFacts = {
      repository: relative(process.cwd(), root) || '.',
      title: headCommit?.message.split('\n')[0] ?? '',
      body: '',
      author: { login: authorLogin, type: 'User' },
      headRef: opts.head && opts.head !== 'HEAD' ? opts.head : currentBranch(root),
      headSha: head,
      baseRef: defaultRef ?? base,
      commits,
      commitsComplete: true,
      files,
      filesComplete: true,
      labels: opts.labels.map((name) => ({
        name,
        appliedBy: opts.labelBy ? { login: opts.labelBy, type: 'User' as const } : null,
      })),
      reviews: [],
      teams: Object.fromEntries(
        Object.entries(opts.teams ?? {}).map(([slug, members]) => [slug.toLowerCase(), members]),
      ),
    };
    return { verdict: evaluate(policy, facts), facts, base, head, origin };
  } catch (e) {
    if (e instanceof GitError) throw new CheckUsageError([e.message]);
    throw e;
  }
}

/** The `--json` shape: stable keys for scripts and CI. */
export function checkJson(c: LocalCheck): Record<string, unknown> {
  const v = c.verdict;
  return {
    outcome: v.outcome,
    enforcement: v.enforcement ?? null,
    aiAssisted: v.aiAssisted,
    evidence: v.evidence,
    changedFiles: c.facts.files.map((f) => f.path),
    requirements: v.requirements.map((r) => ({
      rule: r.rule,
      kind: r.kind,
      ...(r.layer ? { layer: r.layer } : {}),
      files: r.files,
      approvals: r.approvals,
      reviewers: r.reviewers,
      missing: r.missing,
    })),
    override: v.override,
    errors: v.errors,
    base: c.base,
    head: c.head,
    policy: c.origin,
  };
}
