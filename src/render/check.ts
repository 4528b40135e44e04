/**
 * The `AI Governance` check run: its conclusion, title and markdown summary, rendered from a
 * verdict. Pure functions over plain data. The audit comment (comment.ts) reuses the sections
 * written here.
 */
import type { Evidence } from '../detect/evidence.js';
import type { DiscountReason, RequirementResult, Verdict } from '../evaluate/verdict.js';
import { formatPolicyError, POLICY_PATH } from '../policy/types.js';
import type { PolicyError, Reviewers } from '../policy/types.js';
import { codeSpan, escapeInline, formatCount, plainText, plural, truncate } from './escape.js';

/** The check run's name on GitHub. */
export const CHECK_NAME = 'AI Governance';

/** GitHub's limit on a check run's `output.summary` and `output.text`, each. */
export const CHECK_OUTPUT_LIMIT = 65_535;

/** Check titles are cut to this many characters. */
export const TITLE_MAX = 100;

export interface CheckOutput {
  title: string;
  summary: string;
  text?: string;
}

export interface RenderContext {
  /** The PR head commit the verdict is for. */
  headSha: string;
  /** Where the policy was read from, for messages (normally `.github/ai-governance.yml`). */
  policyFile: string;
  /** The repository owner, to write teams as `@org/slug` (as text, never pinging). */
  org?: string;
  /** Problems in the policy file, each shown as `file:line:column: message; fix`. */
  policyErrors?: PolicyError[];
  /** The repository has no policy file. */
  noPolicy?: boolean;
  /** Absolute https URL of the policy reference (docs/policy.md), linked when there is no policy. */
  policyDocsUrl?: string;
}

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

/** pass and overridden → success; approval_required → action_required; anything else → failure. */
export function checkConclusion(verdict: Verdict): 'success' | 'action_required' | 'failure' {
  if (consistencyProblem(verdict) !== null) return 'failure';
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

/** How names and values are written: markdown (escaped) or plain text. */
export interface Style {
  text(s: string, max?: number): string;
  /** A login, written `@login` without notifying anyone. */
  user(login: string): string;
  /** A team slug, written `@org/slug` (or `team slug` without an org), without notifying. */
  team(slug: string): string;
  /** An exact value. */
  code(s: string): string;
}

export function markdownStyle(org?: string): Style {
  return {
    text: (s, max) => escapeInline(s, max),
    user: (login) => escapeInline(`@${plainText(login, 100)}`, 110),
    team: (slug) => escapeInline(teamName(slug, org), 220),
    code: (s) => codeSpan(s, { table: false }),
  };
}

export function plainStyle(org?: string): Style {
  return {
    text: (s, max) => plainText(s, max),
    user: (login) => `@${plainText(login, 100)}`,
    team: (slug) => plainText(teamName(slug, org), 220),
    code: (s) => plainText(s),
  };
}

function teamName(slug: string, org?: string): string {
  const s = plainText(slug, 100);
  const o = org ? plainText(org, 100) : '';
  return o ? `@${o}/${s}` : `team ${s}`;
}

/** Logins, de-duplicated case-insensitively, in first-seen order. */
export function uniqueLogins(logins: Iterable<string>): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const login of logins) {
    if (typeof login !== 'string') continue;
    const key = login.toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(login);
  }
  return out;
}

/** "a, b and 3 more", at most `max` names shown. */
export function joinNames(names: string[], max: number, none = '—'): string {
  if (names.length === 0) return none;
  const shown = names.slice(0, Math.max(1, max));
  const rest = names.length - shown.length;
  return rest > 0 ? `${shown.join(', ')} and ${formatCount(rest)} more` : shown.join(', ');
}

/** "@acme/payments-seniors or @alice", or "any reviewer" when both lists are empty. */
export function describeReviewers(
  reviewers: Reviewers | undefined,
  style: Style,
  max = 10,
): string {
  const teams = Array.isArray(reviewers?.teams) ? reviewers.teams : [];
  const users = Array.isArray(reviewers?.users) ? reviewers.users : [];
  const total = teams.length + users.length;
  if (total === 0) return 'any reviewer';
  const shown = [
    ...teams.slice(0, max).map((t) => style.team(t)),
    ...users.slice(0, Math.max(0, max - teams.length)).map((u) => style.user(u)),
  ];
  const rest = total - shown.length;
  return rest > 0
    ? `${shown.join(', ')} or ${plural(rest, 'other')}`
    : shown.length > 1
      ? `${shown.slice(0, -1).join(', ')} or ${shown[shown.length - 1]}`
      : (shown[0] as string);
}

function count(n: unknown): number {
  return typeof n === 'number' && Number.isFinite(n) && n >= 0 ? Math.floor(n) : 0;
}

function approvalsPhrase(n: number, partial: boolean): string {
  return `${formatCount(n)} ${partial ? 'more ' : ''}approval${n === 1 ? '' : 's'}`;
}

/** Requirements that still need approvals, and logins whose requested changes block. */
function openRequirements(verdict: Verdict): {
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

// ---------------------------------------------------------------------------------------------
// Markdown sections, with row limits so the whole stays within GitHub's size limits.

/** How many rows or items each part may show; halved until the output fits. */
export interface Limits {
  evidence: number;
  requirements: number;
  /** Files named in the requirements table, per rule. */
  filesPerRule: number;
  /** Files listed per rule in the check's details text. */
  listedFiles: number;
  /** Logins named in one cell or sentence. */
  people: number;
  discounted: number;
  errors: number;
  history: number;
}

export const FULL_LIMITS: Readonly<Limits> = {
  evidence: 100,
  requirements: 50,
  filesPerRule: 5,
  listedFiles: 1000,
  people: 20,
  discounted: 50,
  errors: 20,
  history: 50,
};

/** The limits at a given level of shrinking: each halved `level` times. */
export function shrinkLimits(level: number, base: Readonly<Limits> = FULL_LIMITS): Limits {
  const out = { ...base };
  for (const key of Object.keys(out) as (keyof Limits)[]) {
    out[key] = Math.floor(base[key] / 2 ** level);
  }
  return out;
}

/** UTF-8 bytes, which is never less than the character count GitHub measures. */
export function byteLength(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}

const CUT_NOTE = '\n\n*… cut to fit within GitHub’s size limit.*\n';

/**
 * Render with shrinking limits until the result fits in `budget` bytes; as a last resort cut the
 * text itself. Never throws for size.
 */
export function fitToBudget(
  render: (limits: Limits) => string,
  budget: number,
  levels: Iterable<Limits> = shrinkingLimits(),
): string {
  let out = '';
  for (const limits of levels) {
    out = render(limits);
    if (byteLength(out) <= budget) return out;
  }
  return cutToBytes(out, budget);
}

/** Every limit halved at each step, down to nothing. */
export function* shrinkingLimits(): Generator<Limits> {
  for (let level = 0; level <= 16; level++) yield shrinkLimits(level);
}

/** Keep a prefix of whole characters that, with a note, fits in `budget` bytes. */
export function cutToBytes(s: string, budget: number, note = CUT_NOTE): string {
  if (byteLength(s) <= budget) return s;
  const room = Math.max(0, budget - byteLength(note));
  let used = 0;
  let end = 0;
  for (const ch of s) {
    const size = byteLength(ch);
    if (used + size > room) break;
    used += size;
    end += ch.length;
  }
  return s.slice(0, end) + note;
}

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
  ];
  return parts.join(' · ');
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
    return verdict.aiAssisted || ctx.noPolicy
      ? ''
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
      `${r.satisfied === true ? '✅' : '❌'} ${escapeInline(r.rule, 100)}`,
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

/** Why a review did not count, as the end of a sentence that starts with the reviewer. */
export const DISCOUNT_REASONS: Readonly<Record<DiscountReason, string>> = {
  'pr-author': 'opened the pull request',
  contributor: 'contributed to the changes',
  bot: 'is a bot',
  'not-a-reviewer': 'is not one of the required reviewers',
  stale: 'reviewed an older commit',
  superseded: 'a later review replaced it',
  'unknown-user': 'the account could not be identified',
};

export interface DiscountedEntry {
  login: string;
  reason: string;
  detail: string;
  /** The requirements it did not count toward. */
  rules: string[];
}

const discountedCache = new WeakMap<Verdict, DiscountedEntry[]>();

/** Reviews that did not count, merged across requirements (same login, reason and detail). */
export function collectDiscounted(verdict: Verdict): DiscountedEntry[] {
  const cached = discountedCache.get(verdict);
  if (cached) return cached;
  const entries = new Map<string, DiscountedEntry>();
  for (const r of Array.isArray(verdict.requirements) ? verdict.requirements : []) {
    for (const d of Array.isArray(r.discounted) ? r.discounted : []) {
      const login = plainText(String(d.login), 100);
      const reason = plainText(String(d.reason), 40);
      const detail = typeof d.detail === 'string' ? plainText(d.detail, 300) : '';
      const key = `${login.toLowerCase()}\u0000${reason}\u0000${detail}`;
      const entry = entries.get(key);
      if (entry) {
        if (entry.rules.length < 20 && !entry.rules.includes(r.rule)) entry.rules.push(r.rule);
      } else {
        entries.set(key, { login, reason, detail, rules: [r.rule] });
      }
    }
  }
  const out = [...entries.values()];
  discountedCache.set(verdict, out);
  return out;
}

/** "opened the pull request", or the raw reason when it is not a known one. */
export function discountReasonText(reason: string, style: Style): string {
  return Object.hasOwn(DISCOUNT_REASONS, reason)
    ? DISCOUNT_REASONS[reason as DiscountReason]
    : style.text(reason, 40);
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

function evidenceSection(verdict: Verdict, limits: Limits): string {
  const list: Evidence[] = verdict.evidence;
  if (list.length === 0) return '';
  const rows = list
    .slice(0, limits.evidence)
    .map((e) => [
      escapeInline(e.source, 20),
      e.tool ? escapeInline(e.tool, 60) : '—',
      e.commit ? codeSpan(shortSha(e.commit)) : '—',
      codeSpan(e.detail),
      escapeInline(e.reason, 150),
    ]);
  return `### AI evidence\n\n${table(['Source', 'Tool', 'Commit', 'Detail', 'Why it counts'], rows, list.length, 'evidence item')}`;
}

/** What to do next, as sentences in the given style. */
export function nextSteps(
  verdict: Verdict,
  ctx: Partial<RenderContext>,
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
      if (verdict.requirements.some((r) => (r.discounted ?? []).length > 0)) {
        steps.push('Some reviews did not count; the reasons are listed above.');
      }
      if (steps.length === 0) steps.push('Ask the required reviewers to approve.');
      return steps;
    }
  }
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
    evidenceSection(v, limits),
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
  const text = fitToBudget((limits) => {
    const t = detailsText(v, limits);
    return t === '' ? '' : `${t}\n`;
  }, CHECK_OUTPUT_LIMIT);
  // Always some text: a check run update that leaves it out would keep an older run's details.
  return {
    title,
    summary,
    text: text === '' ? 'No file falls under a critical-path rule.\n' : text,
  };
}
