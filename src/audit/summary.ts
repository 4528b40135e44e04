/**
 * What an audit's records add up to: counts per class, the AI-assisted share of merged pull
 * requests per ISO week, AI-assisted critical changes per repository and per rule, tools, approval
 * time, violations, overrides and merges that went around the check; and the short text the
 * `audit` command prints. Pure: records in, plain data or text out.
 */
import { plainText } from '../render/escape.js';
import { AUDIT_CLASSES, type AuditClass, type AuditRecord } from './model.js';

const DAY_MS = 86_400_000;
const WEEK_MS = 7 * DAY_MS;

/** One ISO week (Monday to Sunday, UTC). */
export interface WeekShare {
  /** ISO 8601 week, e.g. `2026-W05`. */
  week: string;
  /** The week's Monday (YYYY-MM-DD, UTC). */
  start: string;
  merged: number;
  aiAssisted: number;
  /** aiAssisted / merged, between 0 and 1; null for a week without merges. */
  share: number | null;
}

export interface NamedCount {
  name: string;
  count: number;
}

export interface ApprovalTime {
  /** Records that had both a ready-for-review time and a last required approval. */
  count: number;
  /** Milliseconds; null when count is 0. */
  medianMs: number | null;
  p90Ms: number | null;
}

/** A requirement a violation did not meet. */
export interface Shortfall {
  rule: string;
  approvals: number;
  reviewers: string[];
  /** Approvals that counted. */
  had: number;
}

export interface AuditSummary {
  total: number;
  byClass: Record<AuditClass, number>;
  aiAssisted: number;
  /** AI-assisted merges that matched at least one requirement (a critical rule). */
  aiCritical: number;
  weeks: WeekShare[];
  /** Most first, then by name. */
  criticalByRepository: NamedCount[];
  criticalByRule: NamedCount[];
  tools: NamedCount[];
  approvalTime: ApprovalTime;
  /** Oldest merge first. */
  violations: AuditRecord[];
  overrides: AuditRecord[];
  /** Every merge that went around the app's check. */
  bypassedCount: number;
  /** Those of them that were AI-assisted and critical, or could not be judged. */
  bypassed: AuditRecord[];
}

/** The window the records were read for; weeks without merges inside it are kept (share null). */
export interface SummaryWindow {
  /** ISO 8601. */
  since?: string;
  until?: string;
}

function time(iso: string | null | undefined): number | null {
  if (!iso) return null;
  const t = Date.parse(iso);
  return Number.isFinite(t) ? t : null;
}

/** The Monday 00:00 UTC of the ISO week holding `t`. */
function weekStart(t: number): number {
  const day = Math.floor(t / DAY_MS) * DAY_MS;
  const weekday = (new Date(day).getUTCDay() + 6) % 7; // Monday 0 ... Sunday 6
  return day - weekday * DAY_MS;
}

/** ISO 8601 week name (`YYYY-Www`) of the week starting at `monday`. */
export function isoWeekName(monday: number): string {
  const thursday = new Date(monday + 3 * DAY_MS);
  const year = thursday.getUTCFullYear();
  const jan1 = Date.UTC(year, 0, 1);
  const week = Math.floor((thursday.getTime() - jan1) / WEEK_MS) + 1;
  return `${year}-W${String(week).padStart(2, '0')}`;
}

/** The ISO week (`YYYY-Www`) an ISO 8601 time falls in (UTC); null when it is no time. */
export function isoWeek(iso: string): string | null {
  const t = time(iso);
  return t === null ? null : isoWeekName(weekStart(t));
}

/**
 * The q-quantile (0..1) of the values, by linear interpolation between closest ranks (so the
 * median of an even count is the mean of the two middle values). Null for no values.
 */
export function quantile(values: readonly number[], q: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const pos = (sorted.length - 1) * Math.min(1, Math.max(0, q));
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  const a = sorted[lo] as number;
  const b = sorted[hi] as number;
  return a + (b - a) * (pos - lo);
}

/** Whether the record is an AI-assisted change that matched a critical rule. */
export function isAiCritical(r: AuditRecord): boolean {
  return r.aiAssisted && r.requirements.length > 0;
}

function byMergeTime(a: AuditRecord, b: AuditRecord): number {
  const ta = time(a.mergedAt) ?? 0;
  const tb = time(b.mergedAt) ?? 0;
  if (ta !== tb) return ta - tb;
  if (a.repository !== b.repository) return a.repository < b.repository ? -1 : 1;
  return a.number - b.number;
}

function counted(map: Map<string, number>): NamedCount[] {
  return [...map]
    .map(([name, count]) => ({ name, count }))
    .sort((a, b) => b.count - a.count || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

function bump(map: Map<string, number>, key: string): void {
  map.set(key, (map.get(key) ?? 0) + 1);
}

function weekly(records: readonly AuditRecord[], window: SummaryWindow): WeekShare[] {
  const merged = new Map<number, number>();
  const ai = new Map<number, number>();
  for (const r of records) {
    const t = time(r.mergedAt);
    if (t === null) continue;
    const w = weekStart(t);
    merged.set(w, (merged.get(w) ?? 0) + 1);
    if (r.aiAssisted) ai.set(w, (ai.get(w) ?? 0) + 1);
  }
  const starts = [...merged.keys()];
  const since = time(window.since);
  const until = time(window.until);
  if (since !== null) starts.push(weekStart(since));
  if (until !== null) starts.push(weekStart(until));
  if (starts.length === 0) return [];
  const first = Math.min(...starts);
  const last = Math.max(...starts);
  const weeks: WeekShare[] = [];
  for (let w = first; w <= last; w += WEEK_MS) {
    const m = merged.get(w) ?? 0;
    const a = ai.get(w) ?? 0;
    weeks.push({
      week: isoWeekName(w),
      start: new Date(w).toISOString().slice(0, 10),
      merged: m,
      aiAssisted: a,
      share: m === 0 ? null : a / m,
    });
  }
  return weeks;
}

function approvalTime(records: readonly AuditRecord[]): ApprovalTime {
  const durations: number[] = [];
  for (const r of records) {
    const ready = time(r.readyForReviewAt);
    const approved = time(r.lastRequiredApprovalAt);
    if (ready === null || approved === null) continue;
    // An approval given before the PR was last marked ready was already there when it was ready.
    durations.push(Math.max(0, approved - ready));
  }
  return {
    count: durations.length,
    medianMs: quantile(durations, 0.5),
    p90Ms: quantile(durations, 0.9),
  };
}

/** Everything the page and the printed summary show, from the records alone. */
export function summarise(
  records: readonly AuditRecord[],
  window: SummaryWindow = {},
): AuditSummary {
  const byClass = Object.fromEntries(AUDIT_CLASSES.map((c) => [c, 0])) as Record<
    AuditClass,
    number
  >;
  const repos = new Map<string, number>();
  const rules = new Map<string, number>();
  const tools = new Map<string, number>();
  let aiAssisted = 0;
  let aiCritical = 0;
  for (const r of records) {
    byClass[r.class] = (byClass[r.class] ?? 0) + 1;
    if (r.aiAssisted) aiAssisted++;
    for (const tool of new Set(r.tools)) bump(tools, tool);
    if (!isAiCritical(r)) continue;
    aiCritical++;
    bump(repos, r.repository);
    for (const rule of new Set(r.requirements.map((q) => q.rule))) bump(rules, rule);
  }
  const sorted = [...records].sort(byMergeTime);
  const bypassedAll = sorted.filter((r) => r.bypassedCheck);
  return {
    total: records.length,
    byClass,
    aiAssisted,
    aiCritical,
    weeks: weekly(records, window),
    criticalByRepository: counted(repos),
    criticalByRule: counted(rules),
    tools: counted(tools),
    approvalTime: approvalTime(records),
    violations: sorted.filter((r) => r.class === 'merged_without_required_approval'),
    overrides: sorted.filter((r) => r.class === 'overridden' || r.override !== null),
    bypassedCount: bypassedAll.length,
    bypassed: bypassedAll.filter((r) => isAiCritical(r) || r.class === 'unknown'),
  };
}

/** The requirements a record did not meet, with the approvals that counted. */
export function shortfalls(r: AuditRecord): Shortfall[] {
  return r.requirements
    .filter((q) => !q.satisfied)
    .map((q) => ({
      rule: q.rule,
      approvals: q.approvals,
      reviewers: q.reviewers,
      had: q.counted.length,
    }));
}

// ---------------------------------------------------------------------------------------------
// The printed summary

const CLASS_LABELS: Record<AuditClass, string> = {
  compliant: 'compliant',
  merged_without_required_approval: 'merged without required approval',
  overridden: 'overridden',
  not_ai_assisted: 'not AI-assisted',
  not_critical: 'not critical',
  unknown: 'unknown',
};

/** A class as people read it: `not_ai_assisted` → `not AI-assisted`. */
export function classLabel(c: AuditClass): string {
  return CLASS_LABELS[c] ?? String(c).replace(/_/g, ' ');
}

function safe(text: string | null | undefined, max = 120): string {
  return plainText(text ?? '', max);
}

function day(iso: string): string {
  const t = time(iso);
  return t === null ? safe(iso, 40) : new Date(t).toISOString().slice(0, 10);
}

function shortfallText(s: Shortfall): string {
  const who =
    s.reviewers.length > 0
      ? s.reviewers.map((x) => safe(x, 80)).join(' or ')
      : 'reviewers with write access';
  return `needs ${s.approvals} from ${who}, had ${s.had}`;
}

/**
 * One violation on one line: `org/repo#N title (merged by @x on DATE): needs 2 from
 * @acme/payments-seniors, had 0`. Every piece of user text is cleaned of control characters and
 * line breaks, so that a title cannot move the cursor, recolour or forge lines on a terminal.
 */
export function violationLine(r: AuditRecord): string {
  const by = r.mergedBy ? `@${safe(r.mergedBy, 60)}` : 'an unknown account';
  const missing = shortfalls(r);
  const why = missing.length > 0 ? missing.map(shortfallText).join('; ') : safe(r.reason, 200);
  return `${safe(r.repository, 140)}#${r.number} ${safe(r.title)} (merged by ${by} on ${day(r.mergedAt)}): ${why}`;
}

export interface SummaryTextOptions extends SummaryWindow {
  /** The organisation audited, for the heading. */
  org?: string;
}

/** The short summary `ai-governance audit` prints: counts per class, then every violation. */
export function summaryText(
  records: readonly AuditRecord[],
  options: SummaryTextOptions = {},
): string {
  const s = summarise(records, options);
  const where = options.org ? ` in ${safe(options.org, 60)}` : '';
  const from = options.since ? ` from ${day(options.since)}` : '';
  const to = options.until ? ` to ${day(options.until)}` : '';
  const lines = [`${s.total} merged pull request${s.total === 1 ? '' : 's'}${where}${from}${to}`];
  const width = Math.max(...AUDIT_CLASSES.map((c) => classLabel(c).length));
  for (const c of AUDIT_CLASSES) {
    lines.push(`  ${classLabel(c).padEnd(width)}  ${String(s.byClass[c]).padStart(6)}`);
  }
  if (s.bypassedCount > 0) {
    lines.push(
      `  ${'merged around the check'.padEnd(width)}  ${String(s.bypassedCount).padStart(6)}`,
    );
  }
  if (s.violations.length === 0) {
    lines.push('', 'No violations.');
  } else {
    lines.push('', `Violations (${s.violations.length}):`);
    for (const r of s.violations) lines.push(`  ${violationLine(r)}`);
  }
  return lines.join('\n') + '\n';
}
