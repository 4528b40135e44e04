/**
 * The `AI Governance` check run: its conclusion, title and markdown summary, rendered from a
 * verdict. Pure functions over plain data. The audit comment (comment.ts) reuses the sections
 * written here.
 */
import type { Verdict, VerdictEvidence } from '../model/verdict.js';
import { formatPolicyError } from '../model/policy.js';
import { POLICY_PATH } from '../model/names.js';
import { CHECK_OUTPUT_LIMIT } from '../model/github.js';
import { byteLength, fitToBudget, type Limits } from './budget.js';
import type { RenderContext } from './context.js';
import { recordBlock } from './record.js';
import { codeSpan, escapeInline, formatCount, plainText, plural } from './escape.js';
import { describeReviewers, joinNames, markdownStyle, uniqueLogins } from './style.js';
import { consistencyProblem, count, verdictHeadline, verdictTitle } from './title.js';
import { collectDiscounted, discountReasonText, layerNote } from './discounted.js';
import { nextSteps } from './next-steps.js';

export {
  checkConclusion,
  consistencyProblem,
  TITLE_MAX,
  verdictHeadline,
  verdictTitle,
} from './title.js';

// The size and style helpers are part of this module's API for comment.ts, text.ts and tests.
export {
  byteLength,
  cutToBytes,
  fitToBudget,
  FULL_LIMITS,
  shrinkingLimits,
  shrinkLimits,
  type Limits,
} from './budget.js';
export {
  describeReviewers,
  joinNames,
  markdownStyle,
  plainStyle,
  uniqueLogins,
  type Style,
} from './style.js';

export interface CheckOutput {
  title: string;
  summary: string;
  text?: string;
}

// ---------------------------------------------------------------------------------------------
// Markdown sections, with row limits so the whole stays within GitHub's size limits.

const ICONS: Record<string, string> = {
  pass: '✅',
  approval_required: '⏳',
  overridden: '⚠️',
  error: '❌',
};

/** The first 7 characters of a commit sha; anything that is not a sha is shown cleaned. */
export function shortSha(sha: string): string {
  const s = plainText(sha, 64);
  return /^[0-9a-f]{7,64}$/i.test(s) ? s.slice(0, 7) : plainText(s, 12);
}

/** A table, or just a note when no rows may be shown; "… and N more" when rows were dropped. */
function table(headers: string[], rows: string[][], total: number, noun: string): string {
  const dropped = total - rows.length;
  if (rows.length === 0) {
    return total > 0 ? `*${plural(total, noun)}, too many to show here.*` : '';
  }
  const lines = [
    `| ${headers.join(' | ')} |`,
    `| ${headers.map(() => '---').join(' | ')} |`,
    ...rows.map((cells) => `| ${cells.join(' | ')} |`),
  ];
  if (dropped > 0)
    lines.push('', `*… and ${formatCount(dropped)} more ${dropped === 1 ? noun : `${noun}s`}.*`);
  return lines.join('\n');
}

function bulletList(items: string[], total: number, noun: string): string {
  const lines = items.map((i) => `- ${i}`);
  const dropped = total - items.length;
  if (dropped > 0)
    lines.push(`- *… and ${formatCount(dropped)} more ${dropped === 1 ? noun : `${noun}s`}.*`);
  return lines.join('\n');
}

/** The outcome line: icon and title, in bold. */
export function outcomeLine(verdict: Verdict, ctx: RenderContext): string {
  const key = consistencyProblem(verdict) === null ? verdict.outcome : 'error';
  return `**${ICONS[key] ?? '❌'} ${escapeInline(verdictHeadline(verdict, ctx), 400)}**`;
}

/** Head commit, policy file, changed files and whether AI assistance was found. */
export function contextLine(verdict: Verdict, ctx: RenderContext): string {
  const evidence = Array.isArray(verdict.evidence) ? verdict.evidence.length : 0;
  const ai = verdict.aiAssisted
    ? `AI-assisted (${plural(evidence, 'piece')} of evidence)`
    : 'no AI assistance found';
  const parts = [
    `Head commit ${codeSpan(shortSha(ctx.headSha), { table: false })}`,
    `policy ${codeSpan(ctx.policyFile || POLICY_PATH, { table: false, max: 120 })}`,
    ...(verdict.judged === false
      ? ['not evaluated']
      : [plural(count(verdict.changedFiles), 'changed file'), ai]),
    ...(ctx.noPolicy ? [] : modePart(verdict)),
  ];
  return parts.join(' · ');
}

/** Which mode decided: `enforce` holds the PR, `evaluate` only reports. */
function modePart(verdict: Verdict): string[] {
  if (verdict.enforcement === 'evaluate') {
    return ['decided in report-only mode (`enforcement: evaluate`): nothing is held'];
  }
  return verdict.enforcement === 'enforce' ? ['decided in `enforce` mode'] : [];
}

function noPolicySection(verdict: Verdict, ctx: RenderContext): string {
  if (!ctx.noPolicy) return '';
  const path = codeSpan(ctx.policyFile || POLICY_PATH, { table: false, max: 120 });
  const found = verdict.aiAssisted
    ? `AI assistance was found in this pull request (${plural(verdict.evidence.length, 'piece')} of evidence, listed below).`
    : 'No AI assistance was found in this pull request.';
  const url = ctx.policyDocsUrl ?? '';
  const docs = /^https:\/\/[^\s<>()"'`\\]+$/.test(url)
    ? `[the policy reference](${url})`
    : `${codeSpan('docs/policy.md', { table: false })} in the AI Governance documentation`;
  return [
    '### No policy file',
    `This repository has no ${path} on its default branch, so no approvals are required. ${found}`,
    `To hold AI-assisted changes to critical paths until the right reviewers approve, add ${path} to the default branch; see ${docs}.`,
  ].join('\n\n');
}

function errorsSection(verdict: Verdict, ctx: RenderContext, limits: Limits): string {
  const problem = consistencyProblem(verdict);
  const policy = ctx.policyErrors ?? [];
  // Lines are made only for the errors shown: the lists can be long.
  const all: (() => string)[] = [
    ...policy.map((e) => () => formatPolicyError(e)),
    ...(problem !== null ? [() => `The verdict cannot be trusted: ${problem}.`] : []),
    ...(Array.isArray(verdict.errors) ? verdict.errors : []).map((e) => () => String(e)),
  ];
  if (all.length === 0) return '';
  const heading = policy.length > 0 ? '### Problems in the policy file' : '### Errors';
  const shown = all.slice(0, limits.errors).map((line) => escapeInline(line(), 500));
  return `${heading}\n\n${bulletList(shown, all.length, 'error')}`;
}

function filesCell(files: string[], max: number): string {
  const list = Array.isArray(files) ? files : [];
  if (list.length === 0) return '0';
  const shown = list.slice(0, max).map((f) => codeSpan(f, { max: 120 }));
  const rest = list.length - shown.length;
  const head = formatCount(list.length);
  if (shown.length === 0) return head;
  return `${head}: ${shown.join(', ')}${rest > 0 ? `, … and ${formatCount(rest)} more` : ''}`;
}

function requirementsSection(verdict: Verdict, ctx: RenderContext, limits: Limits): string {
  const reqs = verdict.requirements;
  if (reqs.length === 0) {
    if (verdict.aiAssisted || ctx.noPolicy) return '';
    return verdict.appliesToHumanPrs === false
      ? '### Requirements\n\nNo AI assistance was found, and this policy applies its critical-path ' +
          'rules to AI-assisted pull requests only. To hold pull requests without AI evidence to ' +
          'them too, set `apply_to_human_prs: true` in the policy.'
      : '### Requirements\n\nNo critical path applies to this pull request.';
  }
  const style = markdownStyle(ctx.org);
  const names = (logins: string[] | undefined): string =>
    joinNames(
      uniqueLogins(logins ?? []).map((l) => style.user(l)),
      limits.people,
    );
  const rows = reqs
    .slice(0, limits.requirements)
    .map((r) => [
      `${r.satisfied === true ? '✅' : '❌'} ${escapeInline(r.rule, 100)}${layerNote(r.layer)}`,
      filesCell(r.files, limits.filesPerRule),
      `${formatCount(count(r.approvals))} from ${describeReviewers(r.reviewers, style)}`,
      names(r.approvedBy),
      formatCount(count(r.missing)),
      names(r.changesRequestedBy),
    ]);
  return `### Requirements\n\n${table(
    ['Rule', 'Files', 'Required', 'Approved by', 'Missing', 'Changes requested by'],
    rows,
    reqs.length,
    'requirement',
  )}`;
}

function discountedSection(verdict: Verdict, ctx: RenderContext, limits: Limits): string {
  const style = markdownStyle(ctx.org);
  const all = collectDiscounted(verdict);
  if (all.length === 0) return '';
  const items = all.slice(0, limits.discounted).map((e) => {
    const rules = joinNames(
      e.rules.map((r) => escapeInline(r, 60)),
      5,
    );
    const detail = e.detail ? `: ${escapeInline(e.detail, 300)}` : '';
    return `${style.user(e.login)} (${rules}) ${discountReasonText(e.reason, style)}${detail}`;
  });
  return `### Reviews that did not count\n\n${bulletList(items, all.length, 'review')}`;
}

function overrideSection(verdict: Verdict, ctx: RenderContext): string {
  const o = verdict.override;
  if (!o) return '';
  const style = markdownStyle(ctx.org);
  const who = o.appliedBy ? style.user(o.appliedBy) : 'an account GitHub did not name';
  const status = o.allowed === true ? 'accepted' : 'not accepted';
  // The detail explains a refusal; an accepted override needs no more than who applied it.
  const detail = o.allowed !== true && o.detail ? ` ${escapeInline(o.detail, 300)}` : '';
  return `**Override:** label ${codeSpan(o.label, { table: false, max: 100 })} applied by ${who}, ${status}.${detail}`;
}

function evidenceSection(verdict: Verdict, ctx: RenderContext, limits: Limits): string {
  const list: VerdictEvidence[] = verdict.evidence;
  const cleared = clearedNote(verdict, ctx);
  if (list.length === 0) return cleared ? `### AI evidence\n\n${cleared}` : '';
  const rows = list
    .slice(0, limits.evidence)
    .map((e) => [
      escapeInline(e.source, 20),
      e.tool ? escapeInline(e.tool, 60) : '—',
      e.commit
        ? `${codeSpan(shortSha(e.commit))}${e.earlierHead ? ' (no longer on the branch)' : ''}`
        : '—',
      codeSpan(e.detail),
      escapeInline(e.reason, 150),
    ]);
  const notes: string[] = [];
  if (list.some((e) => e.earlierHead)) {
    notes.push(
      '*Evidence “no longer on the branch” was found on an earlier head of this pull request that a force push replaced; it still counts. Only a person allowed to override can clear it, by removing the AI label.*',
    );
  }
  if (cleared) notes.push(cleared);
  return [
    `### AI evidence\n\n${table(['Source', 'Tool', 'Commit', 'Detail', 'Why it counts'], rows, list.length, 'evidence item')}`,
    ...notes,
  ].join('\n\n');
}

/** Who cleared the evidence of earlier heads, and when. */
function clearedNote(verdict: Verdict, ctx: RenderContext): string {
  const cleared = Array.isArray(verdict.evidenceCleared) ? verdict.evidenceCleared : [];
  if (cleared.length === 0) return '';
  const style = markdownStyle(ctx.org);
  const who = cleared
    .slice(0, 5)
    .map(
      (c) =>
        `${style.user(c.by)} (label ${codeSpan(c.label, { table: false, max: 60 })}, ${escapeInline(c.at, 40)})`,
    );
  return `*Evidence from earlier heads was cleared by the removal of the AI label by ${joinNames(who, 5)}.*`;
}

function nextSection(verdict: Verdict, ctx: RenderContext, limits: Limits): string {
  const steps = nextSteps(verdict, ctx, markdownStyle(ctx.org), limits);
  return `### What to do next\n\n${steps.map((s) => `- ${s}`).join('\n')}`;
}

/** The sections shared by the check summary and the audit comment, in order. */
export function verdictSections(verdict: Verdict, ctx: RenderContext, limits: Limits): string[] {
  const v = normalise(verdict);
  return [
    outcomeLine(v, ctx),
    contextLine(v, ctx),
    noPolicySection(v, ctx),
    errorsSection(v, ctx, limits),
    requirementsSection(v, ctx, limits),
    discountedSection(v, ctx, limits),
    overrideSection(v, ctx),
    evidenceSection(v, ctx, limits),
    nextSection(v, ctx, limits),
  ].filter((s) => s !== '');
}

/** Tolerate missing arrays at run time (the consistency check still reports them). */
function normalise(verdict: Verdict): Verdict {
  if (Array.isArray(verdict.requirements) && Array.isArray(verdict.evidence)) return verdict;
  return {
    ...verdict,
    requirements: Array.isArray(verdict.requirements) ? verdict.requirements : [],
    evidence: Array.isArray(verdict.evidence) ? verdict.evidence : [],
  };
}

function detailsText(verdict: Verdict, limits: Limits): string {
  const reqs = verdict.requirements.filter((r) => Array.isArray(r.files) && r.files.length > 0);
  if (reqs.length === 0) return '';
  const parts = ['## Files by requirement'];
  for (const r of reqs.slice(0, limits.requirements)) {
    const shown = r.files
      .slice(0, limits.listedFiles)
      .map((f) => codeSpan(f, { table: false, max: 300 }));
    parts.push(
      `### ${escapeInline(r.rule, 100)} (${plural(r.files.length, 'file')})`,
      shown.length > 0
        ? bulletList(shown, r.files.length, 'file')
        : `*${plural(r.files.length, 'file')}, too many to list here.*`,
    );
  }
  if (reqs.length > limits.requirements) {
    parts.push(`*… and ${plural(reqs.length - limits.requirements, 'more requirement')}.*`);
  }
  return parts.join('\n\n');
}

/** The check run's title, summary and (when files matched rules) details text. */
export function renderCheck(verdict: Verdict, ctx: RenderContext): CheckOutput {
  const title = verdictTitle(verdict, ctx);
  const summary = fitToBudget(
    (limits) => `${verdictSections(verdict, ctx, limits).join('\n\n')}\n`,
    CHECK_OUTPUT_LIMIT,
  );
  const v = normalise(verdict);
  const record = ctx.record ? recordBlock(ctx.record) : '';
  const text = fitToBudget(
    (limits) => {
      const t = detailsText(v, limits);
      return t === '' ? '' : `${t}\n`;
    },
    CHECK_OUTPUT_LIMIT - byteLength(record),
  );
  // Always some text: a check run update that leaves it out would keep an older run's details.
  return {
    title,
    summary,
    text: `${text === '' ? 'No file falls under a critical-path rule.\n' : text}${record}`,
  };
}
