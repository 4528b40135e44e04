import type { Logger } from 'pino';
import type { Verdict } from '../model/verdict.js';
import type { EvaluationReport, Target } from './evaluation.js';

/** One structured audit event per evaluation: what was judged, on what evidence, with what result. */
export function logAuditEvent(
  log: Logger,
  target: Target,
  headSha: string,
  verdict: Verdict,
  writes: EvaluationReport['writes'],
): void {
  log.info(
    {
      audit: 'ai-governance.evaluation',
      deliveryId: target.deliveryId,
      trigger: target.trigger,
      repo: `${target.owner}/${target.repo}`,
      pr: target.number,
      headSha,
      ...(target.mergeGroupSha ? { mergeGroupSha: target.mergeGroupSha } : {}),
      outcome: verdict.outcome,
      enforcement: verdict.enforcement ?? null,
      aiAssisted: verdict.aiAssisted,
      evidence: verdict.evidence.slice(0, 50).map((e) => ({
        source: e.source,
        kind: e.kind,
        commit: e.commit,
        detail: e.detail.slice(0, 200),
        tool: e.tool,
      })),
      evidenceCount: verdict.evidence.length,
      rules: verdict.requirements.map((r) => ({
        rule: r.rule,
        ...(r.layer ? { layer: r.layer } : {}),
        files: r.files.length,
        approvals: r.approvals,
        approvedBy: r.approvedBy,
        missing: r.missing,
        changesRequestedBy: r.changesRequestedBy,
      })),
      override: verdict.override,
      errors: verdict.errors,
      writes,
    },
    `AI Governance: ${target.owner}/${target.repo}#${target.number} ${verdict.outcome}`,
  );
}
