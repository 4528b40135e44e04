/**
 * Merged pull requests and file histories in the fake GitHub: merging a PR (a merge commit on its
 * base branch, who merged it and when), marking a draft ready for review, and the GraphQL fields
 * GitHub has for them (`PullRequest.merged*`, `mergeCommit`, `ReadyForReviewEvent`,
 * `Commit.history(path:)` and `Commit.file(path:)`), resolved from the fake's state.
 */

import type { GqlObject } from './graphql.js';
import { nodeId } from './shapes.js';
import type { FakeGitHubState } from './state.js';
import type { FakeCommit, FakePullRequest, FakeRepo } from './model.js';

/** How a pull request was merged: a merge commit with two parents, or one squashed commit. */
export type MergeMethod = 'merge' | 'squash';

/**
 * Merges a pull request as GitHub does: a commit on the base branch (with the PR's head as second
 * parent for a merge, alone for a squash) whose tree is the base's with the PR's changed files
 * written (their content is the fake's own), the PR closed and marked merged by `by`.
 */
export function mergePullRequest(
  state: FakeGitHubState,
  fullName: string,
  number: number,
  opts: { by: string; method?: MergeMethod; files?: Record<string, string | null> },
): string {
  const repo = state.requireRepo(fullName);
  const pr = state.requirePull(fullName, number);
  if (pr.merged) throw new Error(`${fullName}#${number} is already merged`);
  if (pr.state !== 'open') throw new Error(`${fullName}#${number} is closed`);
  if (!opts.by) throw new Error('a merge needs the login of whoever merged it');
  state.account(opts.by);
  const files: Record<string, string | null> = {};
  for (const f of pr.files) {
    if (f.previousPath) files[f.previousPath] = null;
    files[f.path] = f.changeType === 'DELETED' ? null : `// ${f.path} after #${number}\n`;
  }
  Object.assign(files, opts.files ?? {});
  const method = opts.method ?? 'merge';
  const message =
    method === 'merge'
      ? `Merge pull request #${number} from ${repo.owner}/${pr.headRef}\n\n${pr.title}`
      : `${pr.title} (#${number})`;
  const base = repo.branches.get(pr.baseRef);
  if (!base) throw new Error(`no branch ${pr.baseRef} in ${fullName}`);
  const sha = state.commitToBranch(fullName, {
    branch: pr.baseRef,
    message,
    author: method === 'merge' ? opts.by : pr.author,
    committer: 'web-flow',
    files,
  });
  if (method === 'merge') repo.commits.get(sha)!.parents.push(pr.headSha);
  const at = state.now();
  pr.merged = true;
  pr.state = 'closed';
  pr.draft = false;
  pr.closedAt = at;
  pr.updatedAt = at;
  pr.mergedAt = at;
  pr.mergedBy = opts.by;
  pr.mergeCommitSha = sha;
  return sha;
}

/** Marks a draft pull request ready for review (the timeline's ReadyForReviewEvent). */
export function markReadyForReview(
  state: FakeGitHubState,
  fullName: string,
  number: number,
  by: string,
): void {
  const pr = state.requirePull(fullName, number);
  if (!pr.draft) throw new Error(`${fullName}#${number} is not a draft`);
  state.account(by);
  const at = state.now();
  pr.draft = false;
  pr.updatedAt = at;
  (pr.readyEvents ??= []).push({ id: state.nextId(), actor: by, createdAt: at });
}

/** What schema.ts builds objects with (passed in, so that this file does not import it). */
export interface ObjectBuilders {
  actor: (login: string) => GqlObject;
  commit: (c: FakeCommit) => GqlObject;
  blob: (text: string) => GqlObject;
  connection: <T>(
    typename: string,
    field: string,
    items: readonly T[],
    args: Record<string, unknown>,
    toNode: (item: T) => unknown,
  ) => GqlObject;
}

/** The merge fields of a pull request, as GraphQL's `PullRequest` has them. */
export function mergeFields(
  repo: FakeRepo,
  pr: FakePullRequest,
  { actor, commit }: Pick<ObjectBuilders, 'actor' | 'commit'>,
): Record<string, unknown> {
  const sha = pr.mergeCommitSha ?? null;
  return {
    closed: pr.state === 'closed',
    closedAt: pr.closedAt,
    mergedAt: pr.merged ? (pr.mergedAt ?? pr.closedAt) : null,
    mergedBy: () => (pr.merged && pr.mergedBy ? actor(pr.mergedBy) : null),
    mergeCommit: () => {
      const c = sha ? repo.commits.get(sha) : undefined;
      return c ? commit(c) : null;
    },
    url: `https://github.com/${repo.owner}/${repo.name}/pull/${pr.number}`,
    permalink: `https://github.com/${repo.owner}/${repo.name}/pull/${pr.number}`,
  };
}

/** The PR's ReadyForReviewEvents, as timeline items (when `types` allows them). */
export function readyForReviewItems(
  pr: FakePullRequest,
  types: Set<string> | null,
  actor: (login: string) => GqlObject,
): { at: string; id: number; obj: GqlObject }[] {
  if (types && !types.has('READY_FOR_REVIEW_EVENT')) return [];
  return (pr.readyEvents ?? []).map((e) => ({
    at: e.createdAt,
    id: e.id,
    obj: {
      __typename: 'ReadyForReviewEvent',
      id: nodeId('RFRE', e.id),
      createdAt: e.createdAt,
      actor: actor(e.actor),
    },
  }));
}

/**
 * `Commit.history(path:)` and `Commit.file(path:)`: the first-parent history from the commit,
 * newest first, of the commits that changed `path` (added, edited or deleted it, as `git log --
 * path` lists them), and the file at the commit (null when it is not there).
 */
export function historyFields(
  state: FakeGitHubState,
  repo: FakeRepo,
  c: FakeCommit,
  { commit, blob, connection }: Omit<ObjectBuilders, 'actor'>,
): Record<string, unknown> {
  return {
    history: (a: Record<string, unknown>) => {
      const path = typeof a.path === 'string' ? a.path.replace(/^\/+/, '') : null;
      const list = pathHistory(state, repo, c, path);
      return connection('CommitHistoryConnection', 'history', list, a, commit);
    },
    file: (a: Record<string, unknown>) => {
      const path = String(a.path ?? '').replace(/^\/+|\/+$/g, '');
      const text = state.treeAt(repo, c.sha)?.get(path);
      if (text === undefined) return null;
      const name = path.split('/').at(-1) ?? path;
      return {
        __typename: 'TreeEntry',
        name,
        path,
        type: 'blob',
        mode: 33188,
        object: () => blob(text),
      };
    },
  };
}

/** The first-parent chain from `c`, newest first, keeping the commits that changed `path`. */
function pathHistory(
  state: FakeGitHubState,
  repo: FakeRepo,
  c: FakeCommit,
  path: string | null,
): FakeCommit[] {
  const out: FakeCommit[] = [];
  let cur: FakeCommit | undefined = c;
  for (let i = 0; cur && i < 1_000_000; i++) {
    const parent: FakeCommit | undefined = cur.parents[0]
      ? repo.commits.get(cur.parents[0])
      : undefined;
    if (path === null) out.push(cur);
    else {
      const here = state.treeAt(repo, cur.sha)?.get(path);
      const before = parent ? state.treeAt(repo, parent.sha)?.get(path) : undefined;
      if (here !== before) out.push(cur);
    }
    cur = parent;
  }
  return out;
}
