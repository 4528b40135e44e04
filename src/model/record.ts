/**
 * The app's own record of a head commit, kept in its check run on that commit: what the PR's
 * side cannot edit (only the app writes its check runs). It says what the app knew when it first
 * judged the head (which override label event was already there) and which commit-borne evidence
 * it had found or carried on that head. evaluate/record.ts builds it; render/record.ts writes and
 * reads it.
 */
import type { Evidence } from './evidence.js';

/** A piece of evidence as a record keeps it: always tied to a commit. */
export interface RecordedEvidence {
  source: Evidence['source'];
  kind: Evidence['kind'];
  commit: string;
  detail: string;
  tool?: string;
  reason: string;
}

export interface HeadRecord {
  /** The pull request it was written for (several PRs can share a head commit). */
  pr: number;
  /** The head commit it describes. */
  head: string;
  /**
   * The node id of the override label's most recent LabeledEvent when the app first judged this
   * head; null when the label was not there. An override applied later was applied on this head.
   */
  overrideAtFirstSight: string | null;
  /** Commit-borne evidence found on this head or carried to it from earlier heads. */
  evidence: RecordedEvidence[];
}

/** A record holds at most this many pieces of evidence: one is enough to keep a PR AI-assisted. */
export const RECORD_EVIDENCE_MAX = 50;
/** Details are cut to this many characters in a record. */
export const RECORD_DETAIL_MAX = 300;
