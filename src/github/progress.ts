/** Time limits of an evaluation: a deadline, and an in-progress run while a long one works. */
import { CHECK_NAME } from '../model/names.js';
import { findCheckRun, type ExistingCheckRun } from './check-run.js';
import type { EvaluationDeps, Target } from './evaluation.js';

export const DEFAULT_DEADLINE_MS = 300_000;
export const DEFAULT_IN_PROGRESS_AFTER_MS = 2_000;

/** Rejects with `message` when `work` takes longer than `ms`. */
export async function withDeadline<T>(work: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Shows an in-progress run on a commit that has no run of the app yet, and returns it so the
 * final result updates it. A commit that already has a run keeps showing it until then.
 */
export async function markInProgress(
  deps: EvaluationDeps,
  target: Target,
  sha: string,
): Promise<ExistingCheckRun | null | undefined> {
  const existing = await findCheckRun(deps.gh, target.owner, target.repo, sha, deps.app.id);
  if (existing) return existing;
  const title = 'Evaluating…';
  const summary = 'Reading the pull request from GitHub; the verdict follows shortly.';
  const { data } = await deps.gh.request('POST /repos/{owner}/{repo}/check-runs', {
    owner: target.owner,
    repo: target.repo,
    name: CHECK_NAME,
    head_sha: sha,
    status: 'in_progress',
    output: { title, summary },
  });
  return {
    id: data.id as number,
    status: 'in_progress',
    conclusion: null,
    title,
    summary,
    text: null,
    annotationsCount: 0,
  };
}

/** An in-progress run that a long evaluation shows on its commit after a while. */
export interface ProgressMark {
  /** The commit it goes on; null when the evaluation does not know one yet (none is shown). */
  sha: string | null;
  /** No run is shown from now on (one shown already stays). */
  stop(): void;
  /** The run shown: undefined when none was (or it could not be written). */
  shown(): Promise<ExistingCheckRun | null | undefined> | undefined;
}

/**
 * Shows an in-progress run on `sha` after `deps.inProgressAfterMs` (never when that is negative),
 * unless stopped first: a large PR then shows that it is being evaluated meanwhile.
 */
export function markInProgressLater(
  deps: EvaluationDeps,
  target: Target,
  sha: string | null,
): ProgressMark {
  const afterMs = deps.inProgressAfterMs ?? DEFAULT_IN_PROGRESS_AFTER_MS;
  let shown: Promise<ExistingCheckRun | null | undefined> | undefined;
  const timer =
    sha && afterMs >= 0
      ? setTimeout(() => {
          shown = markInProgress(deps, target, sha).catch((err: unknown) => {
            deps.log.warn(
              { err, deliveryId: target.deliveryId },
              'could not mark the check in progress',
            );
            return undefined;
          });
        }, afterMs)
      : undefined;
  return { sha, stop: () => clearTimeout(timer), shown: () => shown };
}
