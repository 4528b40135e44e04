import type { Verdict } from '../evaluate/verdict.js';
import type { RenderContext } from '../render/check.js';
import { appendHistory, parseHistory, renderComment } from '../render/comment.js';
import type { Policy } from '../policy/types.js';
import { findAuditComment, upsertAuditComment } from './audit-comment.js';
import { describeError } from './client.js';
import type { EvaluationDeps, EvaluationReport, Target } from './evaluation.js';
import type { PullRequestSnapshot } from './facts.js';
import { requestMissingReviews } from './review-requests.js';

/**
 * What the app writes on the PR besides the check: the audit comment (for PRs that are AI-assisted
 * or held, and kept current once it exists), the label and review requests. Label and review
 * request failures are logged: they help people but never change the verdict.
 */
export async function writeExtras(
  deps: EvaluationDeps,
  target: Target,
  snap: PullRequestSnapshot,
  policy: Policy,
  verdict: Verdict,
  ctx: RenderContext,
  writes: EvaluationReport['writes'],
): Promise<void> {
  const { gh, log } = deps;
  const { owner, repo, number } = target;
  const facts = snap.facts;

  // The audit comment: for PRs that are AI-assisted or held, and kept current once it exists.
  if (policy.actions.comment) {
    let existing = snap.auditComment;
    if (existing === undefined) {
      existing = await findAuditComment(gh, owner, repo, number, {
        id: deps.app.id,
        botLogin: `${deps.app.slug}[bot]`,
      });
    }
    if (existing || verdict.aiAssisted || verdict.requirements.length > 0) {
      const history = appendHistory(parseHistory(existing?.body ?? ''), {
        at: new Date().toISOString(),
        headSha: facts.headSha,
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
      writes.comment = await upsertAuditComment(gh, owner, repo, number, existing, body);
    }
  }

  // Report-only mode asks nobody for anything unless the policy says so.
  if (policy.enforcement === 'evaluate' && !policy.actions.while_evaluating) return;
  // Labels and review requests help people; a failure here never changes the verdict.
  const label = policy.actions.label;
  if (
    label &&
    verdict.aiAssisted &&
    !facts.labels.some((l) => l.name.toLowerCase() === label.toLowerCase())
  ) {
    try {
      await gh.request('POST /repos/{owner}/{repo}/issues/{issue_number}/labels', {
        owner,
        repo,
        issue_number: number,
        labels: [label],
      });
      writes.label = 'added';
    } catch (err) {
      writes.label = 'failed';
      log.warn(
        { err, deliveryId: target.deliveryId },
        `could not add the label ${label}: ${describeError(err)}`,
      );
    }
  }
  if (policy.actions.request_reviews && verdict.outcome === 'approval_required') {
    try {
      writes.reviewRequest = await requestMissingReviews(gh, owner, repo, number, verdict, snap);
    } catch (err) {
      writes.reviewRequest = 'failed';
      log.warn(
        { err, deliveryId: target.deliveryId },
        `could not request reviews: ${describeError(err)}`,
      );
    }
  }
}
