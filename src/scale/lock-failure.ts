import { describeError } from '../github/client.js';
import type { EvaluationDeps, EvaluationReport, Target } from '../github/evaluate-pr.js';
import { NO_EXTRA_WRITES } from '../github/evaluation.js';
import { writeFailingCheck } from '../github/failing-check.js';
import { LockError } from './redis-lock.js';

/**
 * What the app does when the per-PR lock could not be taken (the lock store did not answer, or
 * another instance held the PR for too long): the evaluation did not run, so the commit the event
 * named gets a failing check saying why, never a silent pass. Any other error is passed on.
 *
 * The failing check is written without the lock. If the holder is still running it finds and
 * updates this check with its own result; if it already finished, this check stays failing until
 * the next event or a re-run.
 */
export async function failOnLockError(
  deps: EvaluationDeps,
  target: Target,
  err: unknown,
): Promise<EvaluationReport> {
  if (!(err instanceof LockError)) throw err;
  const { owner, repo, number } = target;
  deps.log.error(
    {
      err,
      ...(err.cause !== undefined ? { cause: describeError(err.cause) } : {}),
      deliveryId: target.deliveryId,
      repo: `${owner}/${repo}`,
      pr: number,
    },
    `evaluation did not run: ${err.message}`,
  );
  const sha = target.mergeGroupSha ?? target.headSha;
  if (!sha) throw err;
  // Written without the shared store: when the lock store is down, so is Probot's throttling.
  const gh = deps.storeFreeGh?.() ?? deps.gh;
  const check = await writeFailingCheck(gh, owner, repo, sha, err.message, deps.app.id);
  return {
    outcome: 'error',
    headSha: sha,
    writes: { check, ...NO_EXTRA_WRITES },
  };
}
