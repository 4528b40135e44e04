/**
 * The policy as the rest of the app sees it: validated, normalised, with every default filled in.
 * The YAML shape that people write is documented in docs/policy.md and policies/ai-governance.schema.json.
 */

/** Who may give a counted approval. Both lists empty means "any eligible human reviewer". */
export interface Reviewers {
  /** Team slugs within the repository's organisation, without the org prefix. */
  teams: string[];
  /** GitHub logins, as written (compared case-insensitively). */
  users: string[];
}

export interface CriticalRule {
  name: string;
  /** minimatch globs, matched with `dot: true` against repository-relative paths. */
  paths: string[];
  exclude: string[];
  /** Number of counted approvals required, at least 1. */
  approvals: number;
  reviewers: Reviewers;
  /** In the organisation's `.github` policy: repositories may tighten this rule, never loosen it. */
  floor: boolean;
  /** Which layer the rule came from, when the policy was read with its organisation's file. */
  layer?: PolicyLayerName;
}

/** Where a requirement came from: the org's floor, the org's defaults, or the repository. */
export type PolicyLayerName = 'org floor' | 'org default' | 'repository';

/** Settings of the organisation's `.github` policy that repositories may tighten, never loosen. */
export interface FloorSettings {
  enforcement: boolean;
  detection: boolean;
  approval: boolean;
  override: boolean;
}

export interface Requirement {
  approvals: number;
  reviewers: Reviewers;
}

export interface DetectionSettings {
  /** Use the built-in catalogue of AI tools. */
  builtin: boolean;
  /** Extra trailer keys (case-insensitive) whose presence, with a meaningful value, marks AI assistance. */
  trailers: string[];
  /** Globs on `Name <email>` of Co-authored-by trailers and commit authors that mark AI assistance. */
  co_authors: string[];
  /** Labels that mark a PR as AI-assisted. */
  labels: string[];
  /** Logins whose commits or PRs count as AI-authored. */
  authors: string[];
  /** Logins never taken as AI authors (dependabot, renovate, ...). */
  ignore_authors: string[];
  /** Extra substrings of the PR body that mark AI assistance (case-insensitive). */
  body_markers: string[];
}

export interface ApprovalSettings {
  /** Approvals count only when given on the PR's latest head commit. */
  latest_push_only: boolean;
  /** A changes-requested review from a counted reviewer blocks the requirement. */
  changes_requested_blocks: boolean;
  /** Let commit authors and co-authors (never the PR author) count as approvers. */
  allow_contributors: boolean;
}

export interface OverrideSettings {
  label: string;
  teams: string[];
  users: string[];
}

export interface ActionSettings {
  /** Add a label to PRs found to be AI-assisted. */
  label: string | null;
  /** Request reviews from the required teams and users when approvals are missing. */
  request_reviews: boolean;
  /** Keep an audit comment on AI-assisted PRs. */
  comment: boolean;
  /** Under `enforcement: evaluate`, still add the label and request reviews. */
  while_evaluating: boolean;
}

/**
 * `enforce`: the check holds PRs that miss approvals. `evaluate` (report only): the app judges and
 * writes as in `enforce`, but the check concludes `neutral`, saying what enforcement would do.
 */
export type Enforcement = 'evaluate' | 'enforce';

export interface Policy {
  version: 1;
  enforcement: Enforcement;
  detection: DetectionSettings;
  critical_paths: CriticalRule[];
  /** What an AI-assisted PR that touches no critical path needs. */
  ai_default: Requirement;
  /** Judge PRs without AI evidence by the critical-path rules too. */
  apply_to_human_prs: boolean;
  approval: ApprovalSettings;
  override: OverrideSettings | null;
  /** Read from the organisation's `.github` policy only (see policy/floor.ts). */
  floor: FloorSettings;
  /** Who must approve a change to the policy file itself (always a critical path). */
  policy_file: Requirement;
  actions: ActionSettings;
}

/** One problem in a policy file, located precisely enough for an editor or a check annotation. */
export interface PolicyError {
  file: string;
  /** 1-based. */
  line: number;
  /** 1-based. */
  column: number;
  message: string;
  /** How to fix it, in one sentence. */
  fix: string;
}

export function formatPolicyError(e: PolicyError): string {
  return `${e.file}:${e.line}:${e.column}: ${e.message}; ${e.fix}`;
}
