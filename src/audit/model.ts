/**
 * The audit's plain data: what the GitHub adapter reads about a merged pull request and the
 * policy history of a repository (facts in), and the record the audit keeps for each merged pull
 * request (verdict out). Nothing here touches GitHub, the disk or the clock.
 */
import type { EvidenceKind, EvidenceSource } from '../model/evidence.js';
import type { Actor, PullRequestFacts } from '../model/facts.js';
import type { HeadRecord } from '../model/record.js';
import type { DiscountReason } from '../model/verdict.js';

// ---------------------------------------------------------------------------------------------
// Facts in

/** What a label did and when (GitHub's LabeledEvent / UnlabeledEvent). */
export interface LabelEventFact {
  /** GitHub's node id of the event (each application of a label has its own), when known. */
  id?: string | null;
  name: string;
  action: 'added' | 'removed';
  actor: Actor | null;
  /** ISO 8601, GitHub's clock. */
  at: string;
}

/** The app's own check run on the merged head commit, as GitHub lists it. */
export interface MergedHeadCheck {
  /** The check run's name (the app's is `AI Governance`). */
  name: string;
  /** The GitHub App that wrote it (slug), when GitHub says. */
  appSlug: string | null;
  status: 'queued' | 'in_progress' | 'completed' | 'waiting' | 'requested' | 'pending';
  /** Lower-case, as REST gives it: success, failure, neutral, action_required, cancelled, ... */
  conclusion: string | null;
  title: string | null;
  /** ISO 8601; null while not completed. */
  completedAt: string | null;
  /**
   * The app's record of the head at the end of the check's text (what it knew when it first
   * judged the head), when the text holds a well-formed one.
   */
  record?: HeadRecord | null;
}

/**
 * A merged pull request as GitHub gives it, in the same shape the app judges open pull requests
 * (`PullRequestFacts`), plus what only a merge has. Reviews, labels and commits are as they were
 * read (after the merge): the classifier picks what stood at `mergedAt`.
 */
export interface MergedPullRequestFacts extends PullRequestFacts {
  repository: string;
  number: number;
  url: string;
  /** ISO 8601. */
  createdAt: string;
  /** When it was last marked ready for review (ISO 8601); createdAt when it was never a draft. */
  readyForReviewAt: string;
  /** ISO 8601. */
  mergedAt: string;
  mergedBy: Actor | null;
  mergeCommitSha: string | null;
  /** Every label added or removed, oldest first; labelsComplete false when GitHub cut the list. */
  labelEvents: LabelEventFact[];
  labelEventsComplete: boolean;
  /** False when GitHub would not list every review. */
  reviewsComplete: boolean;
  /** The app's check runs on the merged head (by name `AI Governance`); empty when none. */
  headChecks: MergedHeadCheck[];
}

/** One version of a policy file on a repository's default branch. */
export interface PolicyVersion {
  /** The commit that wrote this version (or deleted the file, when text is null). */
  commit: string;
  /** When that commit was committed (ISO 8601). */
  committedAt: string;
  /** The file's text after that commit; null when the commit deleted the file (or see below). */
  text: string | null;
  /**
   * Set when the file is there but GitHub would not give its whole text (too large, binary, not a
   * file): text is then null, and a merge judged under this version is `unknown`, never unjudged.
   */
  unreadable?: string;
}

/** A policy file's history on a default branch, oldest first. */
export interface PolicyHistory {
  /** owner/name of the repository the file is in. */
  repository: string;
  path: string;
  versions: PolicyVersion[];
  /** False when GitHub would not list the whole history: early merges are then `unknown`. */
  complete: boolean;
}

/** What the classifier needs besides the pull request. */
export interface AuditContext {
  /** The history of the repository's own policy file on its default branch. */
  repoPolicy: PolicyHistory;
  /** The history of the org's `.github` policy file; null when the owner has no such repository. */
  orgPolicy: PolicyHistory | null;
  /** Histories of other files an `_extends` names, when the reader followed them. */
  otherPolicies?: PolicyHistory[];
  /** `--policy FILE`: this text judges every pull request, instead of the history. */
  policyFile?: { path: string; text: string } | null;
  /** Members of each team (slug, lower-case), read at audit time; null: it could not be read. */
  teams: Record<string, string[] | null>;
  /** The app's slug: its check runs are the ones by this app, and `<slug>[bot]` is its login. */
  appSlug: string;
}

// ---------------------------------------------------------------------------------------------
// The record out

export type AuditClass =
  | 'compliant'
  | 'merged_without_required_approval'
  | 'overridden'
  | 'not_ai_assisted'
  | 'not_critical'
  | 'unknown';

export const AUDIT_CLASSES: readonly AuditClass[] = [
  'compliant',
  'merged_without_required_approval',
  'overridden',
  'not_ai_assisted',
  'not_critical',
  'unknown',
];

export interface AuditEvidence {
  source: EvidenceSource;
  kind: EvidenceKind;
  /** The commit it is in, when it is in a commit. */
  commit: string | null;
  /** The exact line, label, login or branch matched. */
  detail: string;
  tool: string | null;
}

export interface AuditApproval {
  login: string;
  /** ISO 8601. */
  at: string | null;
  /** The commit the review approved. */
  commit: string | null;
}

/** Why a review did not count: the app's reasons, or that it came after the merge. */
export type AuditDiscountReason = DiscountReason | 'after-merge';

export interface AuditDiscounted extends AuditApproval {
  reason: AuditDiscountReason;
  detail: string;
}

export interface AuditRequirement {
  /** The critical rule's name, or "policy file" / "AI-assisted default". */
  rule: string;
  /** Matched files (at most 20 listed), and how many in all. */
  files: string[];
  fileCount: number;
  approvals: number;
  /** Who may approve: `@org/team` and `@login` as the policy names them. */
  reviewers: string[];
  counted: AuditApproval[];
  /**
   * Counted reviewers whose last review at merge requested changes (it blocks the requirement).
   * Always set by the classifier.
   */
  changesRequestedBy?: string[];
  satisfied: boolean;
}

/** The policy that judged the record. */
export interface AuditPolicy {
  /**
   * `repository`: the repository's file as it stood at merge (with the org layers then);
   * `org default`: no repository file then, the org `.github` default; `none`: no policy anywhere
   * then (judged as the app judges such a repository today); `file`: `--policy FILE`.
   */
  source: 'repository' | 'org default' | 'none' | 'file';
  /** The commits of the policy files' versions in force ("owner/name@sha"). */
  versions: string[];
  /** SHA-256 (hex) of the policy texts that judged, in a fixed order. */
  digest: string;
}

export interface AuditRecord {
  repository: string;
  number: number;
  url: string;
  title: string;
  author: string;
  mergedAt: string;
  mergedBy: string | null;
  mergeCommit: string | null;
  headSha: string;
  baseRef: string;
  class: AuditClass;
  /** Why: a sentence (for unknown, what could not be read; for a violation, what was missing). */
  reason: string;
  aiAssisted: boolean;
  evidence: AuditEvidence[];
  tools: string[];
  requirements: AuditRequirement[];
  /** Reviews that did not count, and why. */
  discounted: AuditDiscounted[];
  /**
   * The override label on the PR at merge, whether or not it counted (`allowed`: applied by
   * someone the policy lets override, on the merged head); null when the label was not there.
   */
  override: {
    label: string;
    by: string | null;
    at: string | null;
    /** Always set by the classifier. */
    allowed?: boolean;
    detail?: string;
  } | null;
  policy: AuditPolicy;
  /** The app's check on the merged head at merge; null when it had none. */
  check: { conclusion: string | null; title: string | null; completedAt: string | null } | null;
  /** True when it merged without the app's check passing on its head (missing, failing, late). */
  bypassedCheck: boolean;
  readyForReviewAt: string;
  /** When the last approval a requirement needed was given; null when none was needed or met. */
  lastRequiredApprovalAt: string | null;
}
