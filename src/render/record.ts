/**
 * The app's record of a head commit (evaluate/record.ts), written at the very end of its check
 * run's text as JSON inside an HTML comment, and read back from there. Only the app can write its
 * check runs, so only the block that ends the text is trusted; user text elsewhere in the output is
 * escaped and cannot end it.
 */
import {
  type HeadRecord,
  RECORD_DETAIL_MAX,
  RECORD_EVIDENCE_MAX,
  type RecordedEvidence,
} from '../model/record.js';

const OPEN = '<!-- ai-governance:record v1';
const CLOSE = '-->';
const SHA = /^[0-9a-f]{40}$|^[0-9a-f]{64}$/;
const SOURCES = new Set(['trailer', 'author', 'label', 'body', 'branch']);
const KINDS = new Set([
  'trailer',
  'co-author',
  'commit-author',
  'pr-author',
  'label',
  'body',
  'branch',
]);

/** JSON on one ASCII line that cannot close or open an HTML comment. */
function serialise(value: unknown): string {
  return JSON.stringify(value).replace(
    /[<>&\u007f-\uffff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/** A record never takes more of the check run's text than this (GitHub allows 65,535). */
export const RECORD_MAX_BYTES = 16_000;

/**
 * The block that ends a check run's text, within {@link RECORD_MAX_BYTES}: the last pieces of
 * evidence are left out until it fits (one is enough to keep a PR AI-assisted).
 */
export function recordBlock(record: HeadRecord): string {
  const block = (r: HeadRecord) => `${OPEN}\n${serialise(r)}\n${CLOSE}\n`;
  let evidence = record.evidence;
  let out = block(record);
  while (Buffer.byteLength(out, 'utf8') > RECORD_MAX_BYTES && evidence.length > 0) {
    evidence = evidence.slice(0, -1);
    out = block({ ...record, evidence });
  }
  return out;
}

function str(x: unknown, max: number): x is string {
  return typeof x === 'string' && x.length > 0 && x.length <= max;
}

function validEvidence(x: unknown): RecordedEvidence | null {
  if (typeof x !== 'object' || x === null) return null;
  const e = x as Record<string, unknown>;
  if (!str(e.source, 20) || !SOURCES.has(e.source)) return null;
  if (!str(e.kind, 20) || !KINDS.has(e.kind)) return null;
  if (!str(e.commit, 64) || !SHA.test(e.commit)) return null;
  if (!str(e.detail, RECORD_DETAIL_MAX) || !str(e.reason, RECORD_DETAIL_MAX)) return null;
  if (e.tool !== undefined && !str(e.tool, 100)) return null;
  return {
    source: e.source as RecordedEvidence['source'],
    kind: e.kind as RecordedEvidence['kind'],
    commit: e.commit,
    detail: e.detail,
    ...(typeof e.tool === 'string' ? { tool: e.tool } : {}),
    reason: e.reason,
  };
}

/**
 * The record at the end of a check run's text, or null when there is none or it is not well
 * formed. Evidence entries that are not well formed are dropped.
 */
export function parseRecord(text: string | null | undefined): HeadRecord | null {
  if (typeof text !== 'string') return null;
  const trimmed = text.trimEnd();
  if (!trimmed.endsWith(CLOSE)) return null;
  const start = trimmed.lastIndexOf(OPEN);
  if (start < 0) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(trimmed.slice(start + OPEN.length, trimmed.length - CLOSE.length));
  } catch {
    return null;
  }
  if (typeof parsed !== 'object' || parsed === null) return null;
  const r = parsed as Record<string, unknown>;
  if (!Number.isInteger(r.pr) || (r.pr as number) < 1) return null;
  if (typeof r.head !== 'string' || !SHA.test(r.head)) return null;
  if (r.overrideAtFirstSight !== null && !str(r.overrideAtFirstSight, 200)) return null;
  if (!Array.isArray(r.evidence)) return null;
  const evidence = r.evidence
    .slice(0, RECORD_EVIDENCE_MAX)
    .map(validEvidence)
    .filter((e): e is RecordedEvidence => e !== null);
  return {
    pr: r.pr as number,
    head: r.head,
    overrideAtFirstSight: r.overrideAtFirstSight as string | null,
    evidence,
  };
}
