/**
 * The verdict as plain terminal text, for the CLI. Every piece of user text is cleaned with
 * plainText, which removes control characters (escape sequences included), so commit lines and
 * file names cannot move the cursor, recolour or rewrite the terminal.
 */
import type { Verdict } from '../model/verdict.js';
import {
  consistencyProblem,
  describeReviewers,
  joinNames,
  plainStyle,
  shortSha,
  uniqueLogins,
  verdictHeadline,
} from './check.js';
import { collectDiscounted, discountReasonText, layerNote } from './discounted.js';
import { nextSteps } from './next-steps.js';
import { formatCount, plainText, plural } from './escape.js';
import { formatPolicyError, type PolicyError } from '../model/policy.js';

export interface TextOptions {
  /** Use ANSI colours. */
  color: boolean;
  /** The repository owner, to write teams as `@org/slug`. */
  org?: string;
  /** Problems in the policy file, listed with the errors. */
  policyErrors?: PolicyError[];
  /** How many evidence items, files per rule and reviews to list (default 20). */
  maxItems?: number;
}

const CODES = { bold: 1, dim: 2, red: 31, green: 32, yellow: 33 } as const;
type Paint = (code: keyof typeof CODES, s: string) => string;

/** Plain terminal text for a verdict; ends with a newline. */
export function renderText(verdict: Verdict, opts: TextOptions): string {
  const paint: Paint = (code, s) => (opts.color ? `\u001b[${CODES[code]}m${s}\u001b[0m` : s);
  const style = plainStyle(opts.org);
  const max =
    Number.isFinite(opts.maxItems) && (opts.maxItems ?? 0) > 0
      ? Math.floor(opts.maxItems as number)
      : 20;
  const requirements = Array.isArray(verdict.requirements) ? verdict.requirements : [];
  const evidence = Array.isArray(verdict.evidence) ? verdict.evidence : [];
  const v: Verdict = { ...verdict, requirements, evidence };
  const problem = consistencyProblem(verdict);
  const outcome = problem === null ? verdict.outcome : 'error';
  const colour =
    outcome === 'pass' || outcome === 'overridden'
      ? 'green'
      : outcome === 'approval_required'
        ? 'yellow'
        : 'red';
  const mark = { pass: '✔', overridden: '⚑', approval_required: '●', error: '✘' }[outcome] ?? '✘';

  const lines: string[] = [];
  lines.push(
    paint('bold', `AI Governance: ${paint(colour, `${mark} ${verdictHeadline(verdict, opts)}`)}`),
  );
  lines.push(
    `${verdict.aiAssisted ? `AI-assisted (${plural(evidence.length, 'piece')} of evidence)` : 'No AI assistance found'} · ${plural(
      typeof verdict.changedFiles === 'number' ? verdict.changedFiles : 0,
      'changed file',
    )}`,
  );

  const errors = [
    ...(opts.policyErrors ?? []).map((e) => formatPolicyError(e)),
    ...(problem !== null ? [`The verdict cannot be trusted: ${problem}.`] : []),
    ...(Array.isArray(verdict.errors) ? verdict.errors : []),
  ].map((e) => plainText(String(e), 500));
  if (errors.length > 0) {
    lines.push('', paint('bold', 'Errors:'));
    for (const e of errors) lines.push(`  - ${paint('red', e)}`);
  }

  if (requirements.length > 0) {
    lines.push('', paint('bold', 'Requirements:'));
    for (const r of requirements) {
      const ok = r.satisfied === true;
      const approvedBy = uniqueLogins(r.approvedBy ?? []).map((l) => style.user(l));
      const blockers = uniqueLogins(r.changesRequestedBy ?? []).map((l) => style.user(l));
      const parts = [
        `${formatCount(r.approvals)} approval${r.approvals === 1 ? '' : 's'} from ${describeReviewers(r.reviewers, style)}`,
        `approved by ${joinNames(approvedBy, max, 'nobody yet')}`,
      ];
      if (!ok && r.missing > 0) parts.push(`missing ${formatCount(r.missing)}`);
      if (blockers.length > 0) parts.push(`changes requested by ${joinNames(blockers, max)}`);
      lines.push(
        `  ${paint(ok ? 'green' : 'red', ok ? '✔' : '✘')} ${plainText(r.rule, 100)}${layerNote(r.layer)}: ${parts.join('; ')}`,
      );
      const files = Array.isArray(r.files) ? r.files : [];
      if (files.length > 0) {
        const shown = files.slice(0, max).map((f) => plainText(f, 300));
        const rest = files.length - shown.length;
        lines.push(
          paint(
            'dim',
            `      ${plural(files.length, 'file')}: ${shown.join(', ')}${rest > 0 ? `, … and ${formatCount(rest)} more` : ''}`,
          ),
        );
      }
    }
  }

  const discounted = collectDiscounted(v);
  if (discounted.length > 0) {
    lines.push('', paint('bold', 'Reviews that did not count:'));
    for (const d of discounted.slice(0, max)) {
      const detail = d.detail ? `: ${plainText(d.detail, 300)}` : '';
      const rules = joinNames(
        d.rules.map((r) => plainText(r, 60)),
        5,
      );
      lines.push(
        `  - ${style.user(d.login)} (${rules}) ${discountReasonText(d.reason, style)}${detail}`,
      );
    }
    if (discounted.length > max)
      lines.push(`  - … and ${plural(discounted.length - max, 'more review')}`);
  }

  const o = verdict.override;
  if (o) {
    const who = o.appliedBy ? style.user(o.appliedBy) : 'an account GitHub did not name';
    const detail = o.allowed !== true && o.detail ? ` ${plainText(o.detail, 300)}` : '';
    lines.push(
      '',
      `${paint('bold', 'Override:')} label "${plainText(o.label, 100)}" applied by ${who}, ${o.allowed === true ? 'accepted' : 'not accepted'}.${detail}`,
    );
  }

  if (evidence.length > 0) {
    lines.push('', paint('bold', 'AI evidence:'));
    for (const e of evidence.slice(0, max)) {
      const where = [
        plainText(e.source, 20),
        e.tool ? plainText(e.tool, 60) : '',
        e.commit ? shortSha(e.commit) : '',
      ]
        .filter((p) => p !== '')
        .join(' · ');
      lines.push(`  - ${where}: ${plainText(e.detail)}`);
      if (e.reason) lines.push(paint('dim', `      ${plainText(e.reason, 150)}`));
    }
    if (evidence.length > max)
      lines.push(`  - … and ${plural(evidence.length - max, 'more evidence item')}`);
  }

  lines.push('', paint('bold', 'Next:'));
  for (const step of nextSteps(v, { policyErrors: opts.policyErrors, org: opts.org }, style)) {
    lines.push(`  - ${step}`);
  }
  return `${lines.join('\n')}\n`;
}
