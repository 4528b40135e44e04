/**
 * The fake GitHub's world and the helpers that change it the way people do on GitHub (open a PR,
 * push, label, review, comment, queue, report checks), so a benchmark, a demo or a test can play a
 * story and let the app react. The data types are in model.ts; the class is built in layers, each
 * extending the one before: state/base (clock, ids, the app's installations), state/accounts,
 * state/repos, state/pulls, state/reviews, and here merge queues and check runs.
 */

import type { FakeCheckRun, FakePullRequest, FakeRepo } from './model.js';
import { ReviewsState } from './state/reviews.js';

export class FakeGitHubState extends ReviewsState {
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
