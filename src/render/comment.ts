/**
 * The audit comment the app keeps on a pull request: the current verdict, its evidence and
 * requirements, the reviews that did not count, and a bounded history of earlier verdicts.
 *
 * The history is also stored in the comment as JSON inside an HTML comment, so the app can read it
 * back when it updates the comment. Every piece of user text elsewhere in the comment is escaped
 * and has its comment delimiters broken (see escape.ts), so the marker and the history block can
 * only be the ones written here. The history is a record for people, not an input to decisions.
 */
import type { Outcome, Verdict } from '../model/verdict.js';
import type { Enforcement } from '../model/policy.js';
import {
  fitToBudget,
  FULL_LIMITS,
  joinNames,
  markdownStyle,
  shrinkLimits,
  uniqueLogins,
  verdictSections,
} from './check.js';
import type { Limits } from './check.js';
import type { RenderContext } from './context.js';
import { codeSpan, escapeInline, formatCount } from './escape.js';
import { COMMENT_MARKER } from '../model/names.js';
import { COMMENT_BODY_LIMIT } from '../model/github.js';

/** How many history entries are kept by default. */
export const HISTORY_MAX = 50;

const HISTORY_OPEN = '<!-- ai-governance:history v1';
const HISTORY_CLOSE = '-->';
/** parseHistory reads at most this many entries, whatever the block holds. */
const PARSE_MAX = 1000;

export interface HistoryEntry {
  /** ISO 8601 time of the evaluation. */
  at: string;
  headSha: string;
  outcome: Outcome;
  approvedBy: string[];
  /** `stale`: applied on an earlier commit, so it did not cover this one. */
  override?: { label: string; appliedBy: string | null; stale?: true };
  /** The mode that decided; absent in entries written before modes existed (they enforced). */
  enforcement?: Enforcement;
}

const OUTCOMES: readonly string[] = ['pass', 'approval_required', 'overridden', 'error'];
const OUTCOME_LABELS: Record<Outcome, string> = {
  pass: '✅ passed',
  approval_required: '⏳ approval required',
  overridden: '⚠️ overridden',
  error: '❌ error',
};
const LOGIN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}(?:\[bot\])?$/;
const SHA = /^[0-9a-fA-F]{0,64}$/;

/** A well-formed copy of a history entry, or null when anything in it is off. */
function validEntry(x: unknown): HistoryEntry | null {
  if (typeof x !== 'object' || x === null || Array.isArray(x)) return null;
  const e = x as Record<string, unknown>;
  if (typeof e.at !== 'string' || e.at.length === 0 || e.at.length > 64) return null;
  if (typeof e.headSha !== 'string' || !SHA.test(e.headSha)) return null;
  if (typeof e.outcome !== 'string' || !OUTCOMES.includes(e.outcome)) return null;
  if (!Array.isArray(e.approvedBy) || e.approvedBy.length > 100) return null;
  const approvedBy: string[] = [];
  for (const login of e.approvedBy) {
    if (typeof login !== 'string' || !LOGIN.test(login)) return null;
    approvedBy.push(login);
  }
  const entry: HistoryEntry = {
    at: e.at,
    headSha: e.headSha,
    outcome: e.outcome as Outcome,
    approvedBy,
  };
  if (e.override !== undefined && e.override !== null) {
    if (typeof e.override !== 'object' || Array.isArray(e.override)) return null;
    const o = e.override as Record<string, unknown>;
    if (typeof o.label !== 'string' || o.label.length === 0 || o.label.length > 256) return null;
    if (o.appliedBy !== null && (typeof o.appliedBy !== 'string' || !LOGIN.test(o.appliedBy))) {
      return null;
    }
    if (o.stale !== undefined && o.stale !== true) return null;
    entry.override = {
      label: o.label,
      appliedBy: o.appliedBy,
      ...(o.stale === true ? { stale: true as const } : {}),
    };
  }
  if (e.enforcement !== undefined) {
    if (e.enforcement !== 'evaluate' && e.enforcement !== 'enforce') return null;
    entry.enforcement = e.enforcement;
  }
  return entry;
}

/** JSON that cannot close or open an HTML comment and stays on one ASCII line. */
function serialise(entries: HistoryEntry[]): string {
  return JSON.stringify(entries).replace(
    /[<>&\u007f-\uffff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/**
 * Read the history back from an audit comment. Tolerant: a body that is not an audit comment, or
 * a missing, broken or tampered block gives [] or just the entries that are well formed.
 */
export function parseHistory(commentBody: string): HistoryEntry[] {
  if (typeof commentBody !== 'string') return [];
  if (!commentBody.trimStart().startsWith(COMMENT_MARKER)) return [];
  const start = commentBody.indexOf(HISTORY_OPEN);
  if (start < 0) return [];
  const from = start + HISTORY_OPEN.length;
  const end = commentBody.indexOf(HISTORY_CLOSE, from);
  if (end < 0) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(commentBody.slice(from, end));
  } catch {
    return [];
  }
  if (!Array.isArray(parsed)) return [];
  const out: HistoryEntry[] = [];
  for (const item of parsed.slice(-PARSE_MAX)) {
    const entry = validEntry(item);
    if (entry) out.push(entry);
  }
  return out;
}

function sameLogin(a: string | null | undefined, b: string | null | undefined): boolean {
  return (a ?? '').toLowerCase() === (b ?? '').toLowerCase() && (a == null) === (b == null);
}

function sameEntry(a: HistoryEntry, b: HistoryEntry): boolean {
  if (a.outcome !== b.outcome) return false;
  if ((a.enforcement ?? 'enforce') !== (b.enforcement ?? 'enforce')) return false;
  if (String(a.headSha).toLowerCase() !== String(b.headSha).toLowerCase()) return false;
  const left = new Set((a.approvedBy ?? []).map((l) => l.toLowerCase()));
  const right = new Set((b.approvedBy ?? []).map((l) => l.toLowerCase()));
  if (left.size !== right.size || [...left].some((l) => !right.has(l))) return false;
  const oa = a.override ?? null;
  const ob = b.override ?? null;
  if (oa === null || ob === null) return oa === ob;
  return oa.label === ob.label && sameLogin(oa.appliedBy, ob.appliedBy) && oa.stale === ob.stale;
}

/**
 * The history with `entry` added at the end, keeping the latest `max` (default 50). An entry that
 * repeats the last one (same outcome, head commit, approvers and override) is not added again.
 * Never changes its arguments.
 */
export function appendHistory(
  history: HistoryEntry[],
  entry: HistoryEntry,
  max: number = HISTORY_MAX,
): HistoryEntry[] {
  const limit = Number.isFinite(max) && max >= 1 ? Math.floor(max) : HISTORY_MAX;
  const list = Array.isArray(history) ? [...history] : [];
  const last = list[list.length - 1];
  if (!last || !sameEntry(last, entry)) list.push(entry);
  return list.slice(-limit);
}

/** "2024-05-01 09:30 UTC" from an ISO time; anything else shown as given. */
function formatTime(at: string): string {
  const t = Date.parse(at);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(at) || Number.isNaN(t)) return escapeInline(at, 64);
  const iso = new Date(t).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

function historySection(entries: HistoryEntry[], ctx: RenderContext, limits: Limits): string {
  if (entries.length === 0) return '';
  const style = markdownStyle(ctx.org);
  const rows = [...entries].reverse().map((e) => {
    const override = e.override
      ? `${codeSpan(e.override.label, { max: 60 })} by ${e.override.appliedBy ? style.user(e.override.appliedBy) : 'unknown'}${e.override.stale ? ' (on an earlier commit; to apply again)' : ''}`
      : '—';
    return [
      formatTime(e.at),
      e.headSha ? codeSpan(e.headSha.slice(0, 7)) : '—',
      e.enforcement === 'evaluate' && e.outcome !== 'error'
        ? `${OUTCOME_LABELS[e.outcome]} (report only)`
        : OUTCOME_LABELS[e.outcome],
      joinNames(
        uniqueLogins(e.approvedBy).map((l) => style.user(l)),
        limits.people,
      ),
      override,
    ];
  });
  const lines = [
    '### History',
    '',
    '| Time | Head commit | Outcome | Approved by | Override |',
    '| --- | --- | --- | --- | --- |',
    ...rows.map((cells) => `| ${cells.join(' | ')} |`),
  ];
  return lines.join('\n');
}

function historyBlock(entries: HistoryEntry[]): string {
  return `${HISTORY_OPEN}\n${serialise(entries)}\n${HISTORY_CLOSE}`;
}

/**
 * The whole audit comment, starting with COMMENT_MARKER and at most 65,536 bytes: rows are dropped
 * (with a note) until it fits, the oldest history first.
 */
export function renderComment(
  verdict: Verdict,
  ctx: RenderContext,
  history: HistoryEntry[],
): string {
  const valid = (Array.isArray(history) ? history : [])
    .map(validEntry)
    .filter((e): e is HistoryEntry => e !== null);
  return fitToBudget(
    (limits) => {
      const kept = limits.history > 0 ? valid.slice(-limits.history) : [];
      const dropped = valid.length - kept.length;
      const parts = [
        `${COMMENT_MARKER}\n${historyBlock(kept)}`,
        '## AI Governance audit',
        ...verdictSections(verdict, ctx, limits),
        historySection(kept, ctx, limits),
        dropped > 0
          ? `*${formatCount(dropped)} older history entries were dropped to fit GitHub’s size limit.*`
          : '',
      ].filter((s) => s !== '');
      return `${parts.join('\n\n')}\n`;
    },
    COMMENT_BODY_LIMIT,
    commentLimits(),
  );
}

/** The oldest history goes first (down to a few entries), then rows everywhere. */
function* commentLimits(): Generator<Limits> {
  for (const history of [HISTORY_MAX, 25, 12, 6]) yield { ...FULL_LIMITS, history };
  for (let level = 3; level <= 16; level++) yield shrinkLimits(level);
}
