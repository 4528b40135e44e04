/**
 * Building the app's record of a head commit (the type is in model/record.ts): which record
 * applies to a PR and head, and the commit-borne evidence it keeps.
 */
import type { Evidence } from '../model/evidence.js';
import {
  RECORD_DETAIL_MAX,
  RECORD_EVIDENCE_MAX,
  type HeadRecord,
  type RecordedEvidence,
} from '../model/record.js';

/** The record as it applies to this PR and head, or null when it is another PR's or head's. */
export function recordFor(
  record: HeadRecord | null | undefined,
  pr: number | undefined,
  head: string,
): HeadRecord | null {
  if (!record || pr === undefined) return null;
  return record.pr === pr && record.head === head ? record : null;
}

/** The commit-borne part of evidence, in a record's shape, capped. */
export function recordedEvidence(evidence: readonly Evidence[]): RecordedEvidence[] {
  const out: RecordedEvidence[] = [];
  for (const e of evidence) {
    if (!e.commit) continue;
    out.push({
      source: e.source,
      kind: e.kind,
      commit: e.commit,
      detail: e.detail.slice(0, RECORD_DETAIL_MAX),
      ...(e.tool ? { tool: e.tool } : {}),
      reason: e.reason.slice(0, RECORD_DETAIL_MAX),
    });
    if (out.length >= RECORD_EVIDENCE_MAX) break;
  }
  return out;
}
