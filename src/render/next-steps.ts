/**
 * What to do next, after a verdict: the sentences the check, the comment and the terminal end with.
 */
import type { Verdict } from '../model/verdict.js';
import { POLICY_PATH } from '../model/names.js';
import { type PolicyError } from '../model/policy.js';
import { FULL_LIMITS, type Limits } from './budget.js';
import { describeReviewers, joinNames, uniqueLogins, type Style } from './style.js';
import { approvalsPhrase, consistencyProblem, count, openRequirements } from './title.js';

/** What to do next, as sentences in the given style. */
export function nextSteps(
  verdict: Verdict,
  ctx: { policyFile?: string; policyErrors?: PolicyError[]; org?: string },
  style: Style,
  limits: Limits = FULL_LIMITS,
): string[] {
  const problem = consistencyProblem(verdict);
  if (problem !== null || verdict.outcome === 'error') {
    if ((ctx.policyErrors ?? []).length > 0) {
      return [
        `Fix the problems listed above in ${style.code(ctx.policyFile || POLICY_PATH)} on the default branch, then re-run this check.`,
      ];
    }
    return [
      'Re-run this check. If the error stays, ask a repository administrator to look at the app’s logs.',
    ];
  }
  switch (verdict.outcome) {
    case 'pass':
      return ['Nothing to do.'];
    case 'overridden':
      return ['Nothing to do: the override is recorded in the audit trail.'];
    default: {
      const { needing, blocked } = openRequirements(verdict);
      const steps: string[] = [];
      for (const r of needing.slice(0, limits.requirements)) {
        const partial = (r.approvedBy ?? []).length > 0;
        const who = describeReviewers(r.reviewers, style);
        const ask =
          who === 'any reviewer'
            ? 'Ask any eligible reviewer (not the author or a contributor)'
            : `Ask ${who}`;
        steps.push(
          `${ask} for ${approvalsPhrase(count(r.missing), partial)} (${style.text(r.rule, 100)}).`,
        );
      }
      for (const r of blocked.slice(0, limits.requirements)) {
        const who = joinNames(
          uniqueLogins(r.changesRequestedBy).map((l) => style.user(l)),
          limits.people,
        );
        steps.push(
          `${who} requested changes (${style.text(r.rule, 100)}): address them and ask for a new review.`,
        );
      }
      const o = verdict.override;
      if (o?.stale === true) {
        steps.push(
          `The override label ${style.code(o.label)} was applied on an earlier commit; to override this one, remove it and apply it again.`,
        );
      }
      if (verdict.requirements.some((r) => (r.discounted ?? []).length > 0)) {
        steps.push('Some reviews did not count; the reasons are listed above.');
      }
      if (steps.length === 0) steps.push('Ask the required reviewers to approve.');
      return steps;
    }
  }
}
