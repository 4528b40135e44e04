import type { Evidence } from './evidence.js';
import type { Enforcement, PolicyLayerName, Reviewers } from './policy.js';
import type { HeadRecord } from './record.js';

export type Outcome = 'pass' | 'approval_required' | 'overridden' | 'error';

/** Why an approval (or a block) did not count toward a requirement. */
export type DiscountReason =
  | 'pr-author'
  | 'contributor'
  | 'bot'
  | 'no-write-access'
  | 'not-a-reviewer'
  | 'stale'
  | 'superseded'
  | 'unknown-user';

export interface DiscountedReview {
  login: string;
  reason: DiscountReason;
  /** A sentence for the audit comment. */
  detail: string;
}

export interface RequirementResult {
  /** The critical rule's name, or "policy file" / "AI-assisted default". */
  rule: string;
  kind: 'critical_path' | 'policy_file' | 'ai_default';
  /** Which policy layer the rule came from (org floor, org default, repository), when known. */
  layer?: PolicyLayerName;
  files: string[];
  /** Approvals required. */
  approvals: number;
  reviewers: Reviewers;
  /** Logins whose approvals counted. */
  approvedBy: string[];
  /** Counted reviewers whose latest review requests changes. */
  changesRequestedBy: string[];
  missing: number;
  satisfied: boolean;
  discounted: DiscountedReview[];
}

export interface OverrideResult {
  label: string;
  appliedBy: string | null;
  allowed: boolean;
  /** Applied by someone allowed, but on an earlier head: it must be applied again. */
  stale?: boolean;
  detail: string;
}

/** Evidence as the verdict shows it: found now, or carried from an earlier head. */
export type VerdictEvidence = Evidence & {
  /** The head (replaced by a force push) it was found on: it is no longer on the branch. */
  earlierHead?: string;
};

/** An authorised removal of the AI label that cleared evidence carried from earlier heads. */
export interface EvidenceClearing {
  by: string;
  label: string;
  /** ISO 8601. */
  at: string;
}

export interface Verdict {
  outcome: Outcome;
  aiAssisted: boolean;
  evidence: VerdictEvidence[];
  /** Removals of the AI label that cleared evidence of earlier heads (absent when none). */
  evidenceCleared?: EvidenceClearing[];
  changedFiles: number;
  requirements: RequirementResult[];
  override: OverrideResult | null;
  /** What went wrong, when the outcome is error. */
  errors: string[];
  /** False when the PR could not be judged at all: the verdict then only carries errors. */
  judged?: boolean;
  /**
   * The mode of the policy that judged: under `evaluate` the check reports the outcome without
   * holding the PR. Absent when no policy judged (the verdict is then an error).
   */
  enforcement?: Enforcement;
  /** The policy's `apply_to_human_prs`: whether its rules hold PRs with no AI evidence too. */
  appliesToHumanPrs?: boolean;
  /** The record to keep on the head commit (absent where records are not kept, as in the CLI). */
  record?: HeadRecord;
}
