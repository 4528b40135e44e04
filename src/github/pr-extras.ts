import type { Verdict } from '../model/verdict.js';
import type { RenderContext } from '../render/context.js';
import { appendHistory, parseHistory, renderComment } from '../render/comment.js';
import type { Policy } from '../model/policy.js';
import { findAuditComment, upsertAuditComment } from './audit-comment.js';
import { describeError } from './client.js';
import {
  NO_EXTRA_WRITES,
  type EvaluationDeps,
  type ExtraWrites,
  type Target,
} from './evaluation.js';
import type { PullRequestSnapshot } from './facts.js';
import { requestMissingReviews } from './review-requests.js';

/**
 * What the app writes on the PR besides the check: the audit comment (for PRs that are AI-assisted
 * or held, and kept current once it exists), the label and review requests. Label and review
 * request failures are logged: they help people but never change the verdict. Returns what was
 * written.
 */
export async function writeExtras(
  deps: EvaluationDeps,
  target: Target,
  snap: PullRequestSnapshot,
  policy: Policy,
  verdict: Verdict,
  ctx: RenderContext,
): Promise<ExtraWrites> {
  const comment = policy.actions.comment
    ? await writeComment(deps, target, snap, verdict, ctx)
    : 'none';
  // Report-only mode asks nobody for anything unless the policy says so.
  if (policy.enforcement === 'evaluate' && !policy.actions.while_evaluating) {
    return { ...NO_EXTRA_WRITES, comment };
  }
  return {
    comment,
    label: await addLabel(deps, target, snap, policy.actions.label, verdict),
    reviewRequest:
      policy.actions.request_reviews && verdict.outcome === 'approval_required'
        ? await requestReviews(deps, target, snap, verdict)
        : 'none',
  };
}

/** The audit comment: for PRs that are AI-assisted or held, and kept current once it exists. */
async function writeComment(
  deps: EvaluationDeps,
  target: Target,
  snap: PullRequestSnapshot,
  verdict: Verdict,
  ctx: RenderContext,
): Promise<string> {
  const { gh } = deps;
  const { owner, repo, number } = target;
  let existing = snap.auditComment;
  if (existing === undefined) {
    existing = await findAuditComment(gh, owner, repo, number, {
      id: deps.app.id,
      botLogin: `${deps.app.slug}[bot]`,
    });
  }
  if (!existing && !verdict.aiAssisted && verdict.requirements.length === 0) return 'none';
  const history = appendHistory(parseHistory(existing?.body ?? ''), {
    at: new Date().toISOString(),
    headSha: snap.facts.headSha,
    outcome: verdict.outcome,
    ...(verdict.enforcement ? { enforcement: verdict.enforcement } : {}),
    approvedBy: [...new Set(verdict.requirements.flatMap((r) => r.approvedBy))],
    ...(verdict.override?.allowed || verdict.override?.stale
      ? {
          override: {
            label: verdict.override.label,
            appliedBy: verdict.override.appliedBy,
            ...(verdict.override.stale ? { stale: true } : {}),
          },
        }
      : {}),
  });
  const body = renderComment(verdict, ctx, history);
  return upsertAuditComment(gh, owner, repo, number, existing, body);
}

/** The policy's label on an AI-assisted PR that does not have it yet. */
async function addLabel(
  deps: EvaluationDeps,
  target: Target,
  snap: PullRequestSnapshot,
  label: string | null | undefined,
  verdict: Verdict,
): Promise<string> {
  if (
    !label ||
    !verdict.aiAssisted ||
    snap.facts.labels.some((l) => l.name.toLowerCase() === label.toLowerCase())
  ) {
    return 'none';
  }
  try {
    await deps.gh.request('POST /repos/{owner}/{repo}/issues/{issue_number}/labels', {
      owner: target.owner,
      repo: target.repo,
      issue_number: target.number,
      labels: [label],
    });
    return 'added';
  } catch (err) {
    deps.log.warn(
      { err, deliveryId: target.deliveryId },
      `could not add the label ${label}: ${describeError(err)}`,
    );
    return 'failed';
  }
}

/** Review requests to the approvers still missing. */
async function requestReviews(
  deps: EvaluationDeps,
  target: Target,
  snap: PullRequestSnapshot,
  verdict: Verdict,
): Promise<string> {
  const { owner, repo, number } = target;
  try {
    return await requestMissingReviews(deps.gh, owner, repo, number, verdict, snap);
  } catch (err) {
    deps.log.warn(
      { err, deliveryId: target.deliveryId },
      `could not request reviews: ${describeError(err)}`,
    );
    return 'failed';
  }
}
