import {
  evaluatePullRequest,
  type EvaluationDeps,
  type EvaluationReport,
  type Target,
} from './evaluate-pr.js';

/**
 * Errors after which a failing check was already written or attempted: evaluatePullRequest does
 * that itself before it throws. A handler's guard writes one for any other error.
 */
const settled = new WeakSet<object>();

export function isSettled(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  if (settled.has(err)) return true;
  return (
    err instanceof AggregateError &&
    err.errors.length > 0 &&
    err.errors.every((e) => typeof e === 'object' && e !== null && settled.has(e))
  );
}

/** evaluatePullRequest, marking what it throws as settled (see {@link settled}). */
export async function evaluateMarked(
  deps: EvaluationDeps,
  target: Target,
): Promise<EvaluationReport> {
  try {
    return await evaluatePullRequest(deps, target);
  } catch (err) {
    if (typeof err === 'object' && err !== null) settled.add(err);
    throw err;
  }
}
