/** A verdict in a few words: the check's conclusion and title, and whether the verdict holds up. */
import type { RequirementResult, Verdict } from '../model/verdict.js';
import { formatPolicyError } from '../model/policy.js';
import type { RenderContext } from './context.js';
import { formatCount, plainText, truncate } from './escape.js';
import { describeReviewers, joinNames, plainStyle, uniqueLogins, type Style } from './style.js';

/** Check titles are cut to this many characters. */
export const TITLE_MAX = 100;

const OUTCOMES = ['pass', 'approval_required', 'overridden', 'error'] as const;

/**
 * Why a verdict cannot be trusted as it stands, or null. A pass with an unsatisfied requirement,
 * an override that was not allowed, errors on a non-error outcome or an unknown outcome are all
 * treated as errors: rendering fails closed too.
 */
export function consistencyProblem(verdict: Verdict): string | null {
  const outcome: string = verdict.outcome;
  if (!(OUTCOMES as readonly string[]).includes(outcome)) {
    return `unknown outcome "${plainText(outcome, 40)}"`;
  }
  if (!Array.isArray(verdict.requirements) || !Array.isArray(verdict.evidence)) {
    return 'the verdict is incomplete';
  }
  const errors = Array.isArray(verdict.errors) ? verdict.errors : [];
  if (outcome !== 'error' && errors.length > 0) {
    return `the verdict is "${outcome}" but lists errors`;
  }
  if (outcome === 'pass') {
    const open = verdict.requirements.find((r) => r.satisfied !== true);
    if (open) return `the verdict is "pass" but "${plainText(open.rule, 60)}" is not satisfied`;
  }
  if (outcome === 'overridden' && verdict.override?.allowed !== true) {
    return 'the verdict is "overridden" but no allowed override is recorded';
  }
  return null;
}

/** True when the verdict only reports (`enforcement: evaluate`) and holds nothing. */
export function reportOnly(verdict: Verdict): boolean {
  return verdict.enforcement === 'evaluate';
}

/**
 * pass and overridden → success; approval_required → action_required; anything else → failure.
 * Under `enforcement: evaluate` a verdict reached is `neutral` whatever it is; an error is still
 * `failure`.
 */
export function checkConclusion(
  verdict: Verdict,
): 'success' | 'action_required' | 'neutral' | 'failure' {
  if (consistencyProblem(verdict) !== null) return 'failure';
  if (reportOnly(verdict) && verdict.outcome !== 'error') return 'neutral';
  switch (verdict.outcome) {
    case 'pass':
    case 'overridden':
      return 'success';
    case 'approval_required':
      return 'action_required';
    default:
      return 'failure';
  }
}

// ---------------------------------------------------------------------------------------------
// Writing people, teams and requirements, in markdown or plain text.

export function count(n: unknown): number {
  return typeof n === 'number' && Number.isFinite(n) && n >= 0 ? Math.floor(n) : 0;
}

export function approvalsPhrase(n: number, partial: boolean): string {
  return `${formatCount(n)} ${partial ? 'more ' : ''}approval${n === 1 ? '' : 's'}`;
}

/** Requirements that still need approvals, and logins whose requested changes block. */
export function openRequirements(verdict: Verdict): {
  needing: RequirementResult[];
  blockers: string[];
  blocked: RequirementResult[];
} {
  const open = verdict.requirements.filter((r) => r.satisfied !== true);
  const needing = open.filter((r) => count(r.missing) > 0);
  const blocked = open.filter((r) => (r.changesRequestedBy ?? []).length > 0);
  const blockers = uniqueLogins(blocked.flatMap((r) => r.changesRequestedBy ?? []));
  return { needing, blockers, blocked };
}

function firstError(verdict: Verdict, ctx: Partial<RenderContext>): string {
  const problem = consistencyProblem(verdict);
  if (problem !== null && verdict.outcome !== 'error') return problem;
  const first = (Array.isArray(verdict.errors) ? verdict.errors : [])[0];
  if (typeof first === 'string' && first.trim() !== '') return first;
  const policyError = ctx.policyErrors?.[0];
  if (policyError) return formatPolicyError(policyError);
  return problem ?? 'unknown error';
}

/**
 * The one-line title: what happened and, when approvals are missing, from whom. Plain text, at
 * most 100 characters. Logins and teams are written `@login` and `@org/team`: check titles are not
 * markdown and never notify anyone.
 */
export function verdictTitle(verdict: Verdict, ctx: Partial<RenderContext> = {}): string {
  return truncate(verdictHeadline(verdict, ctx), TITLE_MAX);
}

/** The same sentence as the title, not cut to 100 characters (bounded at 400). */
export function verdictHeadline(verdict: Verdict, ctx: Partial<RenderContext> = {}): string {
  return plainText(titleText(verdict, ctx, plainStyle(ctx.org)), 400);
}

function titleText(verdict: Verdict, ctx: Partial<RenderContext>, style: Style): string {
  const problem = consistencyProblem(verdict);
  if (problem !== null || verdict.outcome === 'error') {
    return `Could not evaluate: ${plainText(firstError(verdict, ctx), 300)}`;
  }
  const text = enforcedText(verdict, ctx, style);
  return reportOnly(verdict) ? wouldText(verdict.outcome, text) : text;
}

/** The title under `enforcement: evaluate`: what enforcement would have done. */
function wouldText(outcome: Verdict['outcome'], enforced: string): string {
  if (outcome === 'approval_required') {
    if (enforced.startsWith('Needs ')) return `Would need ${enforced.slice('Needs '.length)}`;
    if (enforced.startsWith('Blocked: ')) return `Would be blocked: ${enforced.slice(9)}`;
    return 'Would require approval';
  }
  if (outcome === 'overridden') return `Would pass: ${lowerFirst(enforced)}`;
  return `Would pass: ${enforced}`;
}

const lowerFirst = (s: string): string => s.charAt(0).toLowerCase() + s.slice(1);

function enforcedText(verdict: Verdict, ctx: Partial<RenderContext>, style: Style): string {
  switch (verdict.outcome) {
    case 'pass': {
      const approvers = uniqueLogins(verdict.requirements.flatMap((r) => r.approvedBy ?? []));
      const by = joinNames(
        approvers.map((l) => style.user(l)),
        10,
      );
      if (!verdict.aiAssisted) {
        if (approvers.length > 0) return `Not AI-assisted: approved by ${by}`;
        return ctx.noPolicy ? 'Not AI-assisted (no policy file)' : 'Not AI-assisted';
      }
      if (approvers.length > 0) return `AI-assisted: approved by ${by}`;
      return ctx.noPolicy
        ? 'AI-assisted: no policy file, no approval required'
        : 'AI-assisted: no approval required';
    }
    case 'approval_required': {
      const { needing, blockers } = openRequirements(verdict);
      const parts: string[] = [];
      if (needing.length === 1) {
        const r = needing[0] as RequirementResult;
        const who = describeReviewers(r.reviewers, style, 3);
        parts.push(
          `Needs ${approvalsPhrase(count(r.missing), (r.approvedBy ?? []).length > 0)} from ${who}`,
        );
      } else if (needing.length > 1) {
        const total = needing.reduce((n, r) => n + count(r.missing), 0);
        const partial = needing.some((r) => (r.approvedBy ?? []).length > 0);
        // The title is cut to 100 characters anyway: a few requirements are enough.
        const each = needing
          .slice(0, 5)
          .map(
            (r) =>
              `${formatCount(count(r.missing))} from ${describeReviewers(r.reviewers, style, 2)} (${style.text(r.rule, 40)})`,
          );
        const more = needing.length > each.length ? ', …' : '';
        parts.push(`Needs ${approvalsPhrase(total, partial)}: ${each.join(', ')}${more}`);
      }
      if (blockers.length > 0) {
        const who = joinNames(
          blockers.map((l) => style.user(l)),
          5,
        );
        parts.push(
          needing.length > 0
            ? `changes requested by ${who}`
            : `Blocked: changes requested by ${who}`,
        );
      }
      return parts.length > 0 ? parts.join('; ') : 'Approval required';
    }
    case 'overridden': {
      const o = verdict.override;
      const label = plainText(o?.label ?? '', 60);
      return o?.appliedBy
        ? `Overridden by ${style.user(o.appliedBy)} with label ${label}`
        : `Overridden with label ${label}`;
    }
    default:
      return `Could not evaluate: ${plainText(firstError(verdict, ctx), 300)}`;
  }
}
