/**
 * The audit's classification of one merged pull request: judged by the app's own detection and
 * evaluation, over the facts as they stood at the merge, under the policy in force then.
 */
import { judgeByPolicy } from '../evaluate/judge.js';
import type { ReviewFact } from '../model/facts.js';
import type { RequirementResult, Verdict } from '../model/verdict.js';
import { formatPolicyError } from '../model/policy.js';
import { describeReviewers, plainStyle } from '../render/style.js';
import { checkAtMerge, factsAtMerge } from './at-merge.js';
import type {
  AuditApproval,
  AuditClass,
  AuditContext,
  AuditDiscounted,
  AuditRecord,
  AuditRequirement,
  MergedPullRequestFacts,
  PolicyHistory,
  PolicyVersion,
} from './model.js';
import { policyAtMerge } from './policy-at.js';

/** At most this many matched files are listed per requirement (the count says how many in all). */
const FILES_LISTED = 20;

export function classifyMergedPullRequest(
  pr: MergedPullRequestFacts,
  context: AuditContext,
): AuditRecord {
  const owner = pr.repository.split('/')[0] ?? '';
  const { facts, late, appliedAt, cut } = factsAtMerge(pr, context.appSlug);
  const resolved = policyAtMerge(pr.repository, pr.mergedAt, context, (h, v) =>
    ownChange(pr, h, v),
  );
  const { check, bypassed } = checkAtMerge(pr, context.appSlug);

  // What GitHub listed is judged as it is (a cut list is said once, by factsAtMerge, and makes the
  // record unknown whatever the verdict): the record still shows the evidence and rules it found.
  const listed = { ...facts, commitsComplete: true, filesComplete: true };
  const judged =
    resolved.kind === 'resolved'
      ? judgeByPolicy(resolved.repoPolicy, listed, {
          repository: pr.repository,
          appLogin: `${context.appSlug}[bot]`,
        })
      : null;
  const verdict = judged?.verdict ?? null;
  const reviewsAt = (login: string) =>
    facts.reviews.filter((r) => r.user?.login.toLowerCase() === login.toLowerCase());

  const requirements = (verdict?.requirements ?? []).map((r) => requirement(r, reviewsAt, owner));
  const { cls, reason } = classOf(verdict, judged?.policyErrors, cut, resolved, owner);
  const override = verdict?.override
    ? {
        label: verdict.override.label,
        by: verdict.override.appliedBy,
        at: appliedAt.get(verdict.override.label.toLowerCase()) ?? null,
        allowed: verdict.override.allowed,
        detail: verdict.override.detail,
      }
    : null;

  return {
    repository: pr.repository,
    number: pr.number,
    url: pr.url,
    title: pr.title,
    author: pr.author.login,
    mergedAt: pr.mergedAt,
    mergedBy: pr.mergedBy?.login ?? null,
    mergeCommit: pr.mergeCommitSha,
    headSha: pr.headSha,
    baseRef: pr.baseRef,
    class: cls,
    reason,
    aiAssisted: verdict?.aiAssisted ?? false,
    evidence: (verdict?.evidence ?? []).map((e) => ({
      source: e.source,
      kind: e.kind,
      commit: e.commit ?? null,
      detail: e.detail,
      tool: e.tool ?? null,
    })),
    tools: [...new Set((verdict?.evidence ?? []).flatMap((e) => (e.tool ? [e.tool] : [])))],
    requirements,
    discounted: discounted(verdict, late, reviewsAt),
    override,
    policy: resolved.audit,
    check: check
      ? { conclusion: check.conclusion, title: check.title, completedAt: check.completedAt }
      : null,
    bypassedCheck: bypassed,
    readyForReviewAt: pr.readyForReviewAt,
    lastRequiredApprovalAt: lastRequiredApproval(requirements),
  };
}

/**
 * Whether a version of a policy file is the pull request's own change to it: written by its merge
 * commit, or (for a rebase merge, whose commits GitHub rewrites) committed at the very moment of
 * the merge in the repository and at a path the pull request changed. It never judges the PR.
 */
function ownChange(pr: MergedPullRequestFacts, h: PolicyHistory, v: PolicyVersion): boolean {
  if (pr.mergeCommitSha && v.commit === pr.mergeCommitSha) return true;
  if (h.repository.toLowerCase() !== pr.repository.toLowerCase()) return false;
  const touched = pr.files.some((f) => f.path === h.path || f.previousPath === h.path);
  return touched && Date.parse(v.committedAt) === Date.parse(pr.mergedAt);
}

function classOf(
  verdict: Verdict | null,
  policyErrors: Parameters<typeof formatPolicyError>[0][] | undefined,
  cut: string[],
  resolved: ReturnType<typeof policyAtMerge>,
  owner: string,
): { cls: AuditClass; reason: string } {
  const unknown: string[] = [...cut];
  if (resolved.kind === 'unknown') unknown.push(resolved.reason);
  if (policyErrors && policyErrors.length > 0) {
    const shown = policyErrors.slice(0, 3).map(formatPolicyError);
    const more = policyErrors.length > 3 ? ` (and ${policyErrors.length - 3} more)` : '';
    unknown.push(`the policy in force at merge was invalid: ${shown.join('; ')}${more}`);
  } else if (verdict && verdict.outcome === 'error') {
    unknown.push(...verdict.errors);
  }
  if (unknown.length > 0 || !verdict) {
    return { cls: 'unknown', reason: unknown.join('; ') || 'the pull request could not be judged' };
  }
  const needing = verdict.requirements.filter((r) => !r.satisfied);
  if (verdict.requirements.length === 0) {
    return verdict.aiAssisted
      ? { cls: 'not_critical', reason: 'AI-assisted; nothing it changed required an approval' }
      : {
          cls: 'not_ai_assisted',
          reason: verdict.appliesToHumanPrs
            ? 'no AI evidence, and nothing it changed required an approval'
            : 'no AI evidence, and the policy does not apply to pull requests without it',
        };
  }
  if (needing.length === 0) {
    const n = verdict.requirements.length;
    return {
      cls: 'compliant',
      reason: `${n === 1 ? 'the required approval was' : 'every required approval was'} given before the merge`,
    };
  }
  const missing = needing.map((r) => shortfall(r, owner)).join('; ');
  if (verdict.outcome === 'overridden' && verdict.override?.allowed) {
    return {
      cls: 'overridden',
      reason: `overridden by @${verdict.override.appliedBy} with the label ${verdict.override.label}; ${missing}`,
    };
  }
  const o = verdict.override;
  const why = o && !o.allowed ? `; the override label did not count: ${o.detail}` : '';
  return { cls: 'merged_without_required_approval', reason: `${missing}${why}` };
}

/** "needs 2 from @acme/payments-seniors, had 0 (payments)", and who requested changes. */
function shortfall(r: RequirementResult, owner: string): string {
  const from = describeReviewers(r.reviewers, plainStyle(owner));
  const blockers =
    r.changesRequestedBy.length > 0
      ? `, and ${r.changesRequestedBy.map((l) => `@${l}`).join(', ')} requested changes`
      : '';
  return `needs ${r.approvals} from ${from}, had ${r.approvedBy.length}${blockers} (${r.rule})`;
}

/** The latest approving review of a counted login (the one that counted). */
function countedReview(reviews: ReviewFact[]): ReviewFact | undefined {
  return reviews.filter((r) => r.state === 'APPROVED').at(-1);
}

function requirement(
  r: RequirementResult,
  reviewsAt: (login: string) => ReviewFact[],
  org: string,
): AuditRequirement {
  const counted: AuditApproval[] = r.approvedBy.map((login) => {
    const review = countedReview(sortedByTime(reviewsAt(login)));
    return { login, at: review?.submittedAt ?? null, commit: review?.commitId ?? null };
  });
  return {
    rule: r.rule,
    files: r.files.slice(0, FILES_LISTED),
    fileCount: r.files.length,
    approvals: r.approvals,
    // As GitHub names them: a team with its organisation.
    reviewers: [
      ...r.reviewers.teams.map((t) => `@${org}/${t}`),
      ...r.reviewers.users.map((u) => `@${u}`),
    ],
    counted,
    changesRequestedBy: r.changesRequestedBy,
    satisfied: r.satisfied,
  };
}

function sortedByTime(reviews: ReviewFact[]): ReviewFact[] {
  return [...reviews].sort((a, b) => (a.submittedAt ?? '').localeCompare(b.submittedAt ?? ''));
}

/** Reviews that did not count, once per reviewer and reason, and reviews after the merge. */
function discounted(
  verdict: Verdict | null,
  late: ReviewFact[],
  reviewsAt: (login: string) => ReviewFact[],
): AuditDiscounted[] {
  const out: AuditDiscounted[] = [];
  const seen = new Set<string>();
  for (const r of verdict?.requirements ?? []) {
    for (const d of r.discounted) {
      const key = `${d.login.toLowerCase()}\u0000${d.reason}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const review = sortedByTime(reviewsAt(d.login)).at(-1);
      out.push({
        login: d.login,
        at: review?.submittedAt ?? null,
        commit: review?.commitId ?? null,
        reason: d.reason,
        detail: d.detail,
      });
    }
  }
  for (const r of late) {
    if (r.state !== 'APPROVED' && r.state !== 'CHANGES_REQUESTED') continue;
    const login = r.user?.login ?? 'ghost';
    out.push({
      login,
      at: r.submittedAt,
      commit: r.commitId,
      reason: 'after-merge',
      detail: r.submittedAt
        ? `@${login} ${r.state === 'APPROVED' ? 'approved' : 'requested changes'} at ${r.submittedAt}, after the merge`
        : `GitHub did not say when @${login} submitted this review, so it counts for nothing`,
    });
  }
  return out;
}

/**
 * When the last approval a requirement needed was given: for each requirement, its n-th counted
 * approval in time (n = approvals required), and the latest of those. Null unless every
 * requirement was met.
 */
function lastRequiredApproval(requirements: AuditRequirement[]): string | null {
  if (requirements.length === 0 || requirements.some((r) => !r.satisfied)) return null;
  let last: string | null = null;
  for (const r of requirements) {
    const times = r.counted
      .map((c) => c.at)
      .filter((t): t is string => t !== null)
      .sort((a, b) => Date.parse(a) - Date.parse(b));
    const needed = times[r.approvals - 1];
    if (!needed) return null;
    if (last === null || Date.parse(needed) > Date.parse(last)) last = needed;
  }
  return last;
}
