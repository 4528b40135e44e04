import { detectAi } from '../detect/detect.js';
import { compileRulesMatcher, type RulesMatcher } from '../policy/globs.js';
import { POLICY_PATH } from '../model/names.js';
import { type Policy, type PolicyLayerName, type Reviewers } from '../model/policy.js';
import {
  contributorLogins,
  membership,
  personalDiscount,
  reviewerStandings,
  type Eligibility,
  type ReviewerStanding,
} from './approvals.js';
import type { PullRequestFacts } from '../model/facts.js';
import { judgeOverride, nextRecord } from './override.js';
import { carriedEvidence } from './carried.js';
import type {
  DiscountedReview,
  RequirementResult,
  Verdict,
  VerdictEvidence,
} from '../model/verdict.js';

export interface EvaluateOptions {
  /**
   * Paths of the policy files in this repository (the policy and any file of this repository it
   * extends); a PR that changes one is always critical. Defaults to the standard policy path.
   */
  policyPaths?: readonly string[];
  /** The app's own bot login (`<slug>[bot]`): its own `actions.label` is not evidence. */
  appLogin?: string;
}

interface Needed {
  rule: string;
  kind: RequirementResult['kind'];
  layer?: PolicyLayerName;
  files: string[];
  approvals: number;
  reviewers: Reviewers;
}

const compiled = new WeakMap<Policy, RulesMatcher>();

/** One matcher for all critical rules, compiled once per policy object. */
function rulesMatcher(policy: Policy): RulesMatcher {
  let m = compiled.get(policy);
  if (!m) {
    m = compileRulesMatcher(policy.critical_paths);
    compiled.set(policy, m);
  }
  return m;
}

/**
 * The verdict on a pull request: pure, total and fail-closed. Any incomplete or unreadable input
 * gives the outcome `error`, never `pass`.
 */
export function evaluate(
  policy: Policy,
  facts: PullRequestFacts,
  options: EvaluateOptions = {},
): Verdict {
  const policyPaths = new Set(options.policyPaths ?? [POLICY_PATH]);
  policyPaths.add(POLICY_PATH);
  const errors: string[] = [];
  const changedFiles = Math.max(facts.changedFilesCount ?? 0, facts.files.length);
  if (!facts.commitsComplete) {
    errors.push(
      `GitHub did not list every commit of this pull request (${facts.commits.length} read), so AI evidence may be missing`,
    );
  }
  if (!facts.filesComplete) {
    errors.push(
      `GitHub listed ${facts.files.length} of ${changedFiles} changed files, so critical paths may be missing; split the pull request`,
    );
  }

  const found = detectAi(policy.detection, facts, {
    selfLabel: policy.actions.label,
    appLogin: options.appLogin ?? null,
  });
  const carried = carriedEvidence(policy, facts, found);
  const evidence: VerdictEvidence[] = [...found, ...carried.evidence];
  const aiAssisted = evidence.length > 0;
  const needed = requirementsFor(policy, facts, aiAssisted, policyPaths);

  const eligibility: Eligibility = {
    prAuthor: facts.author.login,
    contributors: contributorLogins(facts),
    headSha: facts.headSha,
    settings: policy.approval,
  };
  const { standings, ghosts } = reviewerStandings(facts.reviews);
  const requirements = needed.map((n) => judge(n, standings, ghosts, eligibility, facts, errors));
  const override = judgeOverride(policy, facts, errors);
  const record = nextRecord(policy, facts, evidence);

  let outcome: Verdict['outcome'];
  if (errors.length > 0) outcome = 'error';
  else if (requirements.every((r) => r.satisfied)) outcome = 'pass';
  else if (override?.allowed) outcome = 'overridden';
  else outcome = 'approval_required';

  return {
    outcome,
    aiAssisted,
    evidence,
    changedFiles,
    requirements,
    override,
    errors,
    ...(carried.cleared.length > 0 ? { evidenceCleared: carried.cleared } : {}),
    enforcement: policy.enforcement,
    appliesToHumanPrs: policy.apply_to_human_prs,
    ...(record ? { record } : {}),
  };
}

function requirementsFor(
  policy: Policy,
  facts: PullRequestFacts,
  aiAssisted: boolean,
  policyPaths: ReadonlySet<string>,
): Needed[] {
  const needed: Needed[] = [];
  if (aiAssisted || policy.apply_to_human_prs) {
    const matchingRules = rulesMatcher(policy);
    // One lookup per path for all rules; a renamed file is under a rule if either name is.
    const byRule: string[][] = policy.critical_paths.map(() => []);
    for (const f of facts.files) {
      const rules = matchingRules(f.path);
      for (const i of rules) byRule[i]!.push(f.path);
      if (f.previousPath === undefined) continue;
      for (const i of matchingRules(f.previousPath)) {
        if (!rules.includes(i)) byRule[i]!.push(f.path);
      }
    }
    policy.critical_paths.forEach((rule, i) => {
      const files = byRule[i]!;
      if (files.length > 0) {
        needed.push({
          rule: rule.name,
          kind: 'critical_path',
          ...(rule.layer ? { layer: rule.layer } : {}),
          files,
          approvals: rule.approvals,
          reviewers: rule.reviewers,
        });
      }
    });
  }
  if (aiAssisted && needed.length === 0 && policy.ai_default.approvals > 0) {
    needed.push({
      rule: 'AI-assisted default',
      kind: 'ai_default',
      files: facts.files.map((f) => f.path),
      approvals: policy.ai_default.approvals,
      reviewers: policy.ai_default.reviewers,
    });
  }
  // The rules cannot be changed without review, whoever changes them.
  const policyFiles = facts.files
    .filter(
      (f) =>
        policyPaths.has(f.path) ||
        (f.previousPath !== undefined && policyPaths.has(f.previousPath)),
    )
    .map((f) => f.path);
  if (policyFiles.length > 0) {
    needed.push({
      rule: 'policy file',
      kind: 'policy_file',
      files: policyFiles,
      approvals: Math.max(1, policy.policy_file.approvals),
      reviewers: policy.policy_file.reviewers,
    });
  }
  return needed;
}

function judge(
  n: Needed,
  standings: ReviewerStanding[],
  ghosts: number,
  e: Eligibility,
  facts: PullRequestFacts,
  errors: string[],
): RequirementResult {
  const approvedBy: string[] = [];
  const changesRequestedBy: string[] = [];
  const discounted: DiscountedReview[] = [];
  if (ghosts > 0) {
    discounted.push({
      login: 'ghost',
      reason: 'unknown-user',
      detail: `${ghosts} review(s) by deleted accounts cannot be attributed to anyone`,
    });
  }
  for (const s of standings) {
    const personal = personalDiscount(s, e);
    if (personal) {
      discounted.push(personal);
      continue;
    }
    const m = membership(s.login, n.reviewers, facts.teams);
    if (typeof m === 'object') {
      const msg = `could not read the members of team ${m.unknownTeam} (named by ${n.rule}): it does not exist or the app cannot see it`;
      if (!errors.includes(msg)) errors.push(msg);
      continue;
    }
    if (m === 'not-member') {
      discounted.push({
        login: s.login,
        reason: 'not-a-reviewer',
        detail: `@${s.login} is not one of the reviewers ${n.rule} requires`,
      });
      continue;
    }
    if (s.state === 'APPROVED') {
      approvedBy.push(s.login);
    } else {
      if (e.settings.changes_requested_blocks) changesRequestedBy.push(s.login);
      if (s.approvedBefore) {
        discounted.push({
          login: s.login,
          reason: 'superseded',
          detail: `@${s.login} approved earlier but then requested changes`,
        });
      }
    }
  }
  const missing = Math.max(0, n.approvals - approvedBy.length);
  return {
    rule: n.rule,
    kind: n.kind,
    ...(n.layer ? { layer: n.layer } : {}),
    files: n.files,
    approvals: n.approvals,
    reviewers: n.reviewers,
    approvedBy,
    changesRequestedBy,
    missing,
    satisfied: missing === 0 && changesRequestedBy.length === 0,
    discounted,
  };
}
