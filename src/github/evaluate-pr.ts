import type { Logger } from 'pino';
import { evaluate } from '../evaluate/evaluate.js';
import type { Verdict } from '../evaluate/verdict.js';
import { checkConclusion, renderCheck, type RenderContext } from '../render/check.js';
import { appendHistory, parseHistory, renderComment } from '../render/comment.js';
import { POLICY_PATH, type Policy, type PolicyError } from '../policy/types.js';
import { findAuditComment, upsertAuditComment } from './audit-comment.js';
import { describeError, type GitHubClient } from './client.js';
import {
  CHECK_NAME,
  findCheckRun,
  upsertCheckRun,
  type Annotation,
  type CheckRunResult,
  type ExistingCheckRun,
} from './check-run.js';
import { readPullRequest, type PullRequestSnapshot } from './facts.js';
import { policyForRepo } from './policy-for-repo.js';
import { requestMissingReviews } from './review-requests.js';
import type { TeamCache } from './team-cache.js';

export interface AppIdentity {
  id: number;
  slug: string;
}

export interface EvaluationDeps {
  gh: GitHubClient;
  log: Logger;
  app: AppIdentity;
  teams: TeamCache;
  /** Absolute URL of docs/policy.md, linked from checks of repositories with no policy. */
  policyDocsUrl?: string;
  /** An evaluation that takes longer fails (its check says so) rather than hanging. */
  deadlineMs?: number;
  /** After this long a new head commit shows an in-progress check; negative: never. */
  inProgressAfterMs?: number;
}

export const DEFAULT_DEADLINE_MS = 300_000;
export const DEFAULT_IN_PROGRESS_AFTER_MS = 2_000;

/** Rejects with `message` when `work` takes longer than `ms`. */
export async function withDeadline<T>(work: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Shows an in-progress run on a commit that has no run of the app yet, and returns it so the
 * final result updates it. A commit that already has a run keeps showing it until then.
 */
async function markInProgress(
  deps: EvaluationDeps,
  target: Target,
  sha: string,
): Promise<ExistingCheckRun | null | undefined> {
  const existing = await findCheckRun(deps.gh, target.owner, target.repo, sha, deps.app.id);
  if (existing) return existing;
  const title = 'Evaluating…';
  const summary = 'Reading the pull request from GitHub; the verdict follows shortly.';
  const { data } = await deps.gh.request('POST /repos/{owner}/{repo}/check-runs', {
    owner: target.owner,
    repo: target.repo,
    name: CHECK_NAME,
    head_sha: sha,
    status: 'in_progress',
    output: { title, summary },
  });
  return {
    id: data.id as number,
    status: 'in_progress',
    conclusion: null,
    title,
    summary,
    text: null,
    annotationsCount: 0,
  };
}

export interface Target {
  owner: string;
  repo: string;
  number: number;
  /** The head sha the event named, to post a failing check on when the PR cannot even be read. */
  headSha?: string;
  /** A merge group's head: the check goes there, and nothing else is written. */
  mergeGroupSha?: string;
  /** For a merge group: the PR head the queue took; a PR that moved since is not passed. */
  expectedHeadSha?: string;
  /** What triggered the evaluation, for the audit log. */
  trigger: string;
  deliveryId?: string;
}

export interface EvaluationReport {
  outcome: Verdict['outcome'];
  headSha: string | null;
  writes: { check: string; comment: string; label: string; reviewRequest: string };
}

/**
 * Evaluates one pull request from scratch: reads everything from GitHub, judges it with the
 * pure core and writes the check run, the audit comment, the label and review requests, each only
 * when it changes. Any failure on the way ends in a failing check (never a passing one).
 */
export async function evaluatePullRequest(
  deps: EvaluationDeps,
  target: Target,
): Promise<EvaluationReport> {
  const { gh, log } = deps;
  const { owner, repo, number } = target;
  const writes = { check: 'none', comment: 'none', label: 'none', reviewRequest: 'none' };
  let checkSha = target.mergeGroupSha ?? target.headSha ?? null;
  const deadlineMs = deps.deadlineMs ?? DEFAULT_DEADLINE_MS;
  // A long evaluation (a large PR) shows an in-progress run on a new commit meanwhile.
  let progress: Promise<ExistingCheckRun | null | undefined> | undefined;
  const progressSha = checkSha;
  const timer =
    progressSha && (deps.inProgressAfterMs ?? DEFAULT_IN_PROGRESS_AFTER_MS) >= 0
      ? setTimeout(() => {
          progress = markInProgress(deps, target, progressSha).catch((err: unknown) => {
            log.warn(
              { err, deliveryId: target.deliveryId },
              'could not mark the check in progress',
            );
            return undefined;
          });
        }, deps.inProgressAfterMs ?? DEFAULT_IN_PROGRESS_AFTER_MS)
      : undefined;
  try {
    const { snap, judged } = await withDeadline(
      (async () => {
        const snap = await readPullRequest(gh, owner, repo, number, { appId: deps.app.id });
        return { snap, judged: await judge(deps, snap, target) };
      })(),
      deadlineMs,
      `the evaluation did not finish within ${Math.round(deadlineMs / 1000)} s`,
    );
    clearTimeout(timer);
    checkSha = target.mergeGroupSha ?? snap.facts.headSha;
    const ctx: RenderContext = {
      headSha: snap.facts.headSha,
      policyFile: POLICY_PATH,
      org: owner,
      ...(judged.policyErrors ? { policyErrors: judged.policyErrors } : {}),
      ...(judged.noPolicy ? { noPolicy: true } : {}),
      ...(deps.policyDocsUrl ? { policyDocsUrl: deps.policyDocsUrl } : {}),
    };
    const { verdict } = judged;
    const marked = progress && checkSha === progressSha ? await progress : undefined;
    const known = marked ?? (target.mergeGroupSha ? undefined : snap.ownCheckRun);
    writes.check = await writeCheck(
      deps,
      target,
      checkSha,
      verdict,
      ctx,
      judged.annotations,
      known,
    );
    if (!target.mergeGroupSha && judged.policy) {
      await writeExtras(deps, target, snap, judged.policy, verdict, ctx, writes);
    }
    audit(log, target, snap.facts.headSha, verdict, writes);
    return { outcome: verdict.outcome, headSha: snap.facts.headSha, writes };
  } catch (err) {
    clearTimeout(timer);
    if (progress) await progress;
    const message = describeError(err);
    log.error(
      { err, deliveryId: target.deliveryId, repo: `${owner}/${repo}`, pr: number },
      `evaluation failed: ${message}`,
    );
    if (checkSha) {
      const verdict = failed(message);
      try {
        writes.check = await writeCheck(
          deps,
          target,
          checkSha,
          verdict,
          { headSha: checkSha, policyFile: POLICY_PATH, org: owner },
          [],
        );
      } catch (writeErr) {
        log.error(
          { err: writeErr, deliveryId: target.deliveryId },
          `could not write the failing check either: ${describeError(writeErr)}`,
        );
        throw err;
      }
      audit(log, target, checkSha, verdict, writes);
      return { outcome: 'error', headSha: checkSha, writes };
    }
    throw err;
  }
}

interface Judged {
  verdict: Verdict;
  policy: Policy | null;
  policyErrors?: PolicyError[];
  noPolicy?: boolean;
  annotations: Annotation[];
}

async function judge(
  deps: EvaluationDeps,
  snap: PullRequestSnapshot,
  target: Target,
): Promise<Judged> {
  const { owner, repo } = target;
  if (target.expectedHeadSha && target.expectedHeadSha !== snap.facts.headSha) {
    const msg = `the pull request's head is ${snap.facts.headSha.slice(0, 7)}, not ${target.expectedHeadSha.slice(0, 7)} that joined the merge queue`;
    return { verdict: failed(msg), policy: null, annotations: [] };
  }
  const rp = await policyForRepo(deps.gh, owner, repo, {
    repoText: snap.policyTruncated ? undefined : snap.policyText,
    ownerIsOrg: snap.baseRepoOwnerType === 'Organization',
    teams: deps.teams,
  });
  if (rp.kind === 'unreadable') {
    return {
      verdict: failed(`could not read the policy: ${rp.message}`),
      policy: null,
      annotations: [],
    };
  }
  if (rp.kind === 'invalid') {
    const verdict = failed(
      `the policy is invalid (${rp.errors.length} problem${rp.errors.length === 1 ? '' : 's'})`,
    );
    return {
      verdict,
      policy: null,
      policyErrors: rp.errors,
      annotations: policyAnnotations(rp.errors, `${owner}/${repo}`),
    };
  }
  const facts = { ...snap.facts, teams: rp.kind === 'policy' ? rp.teams : {} };
  const verdict = evaluate(rp.policy, facts, {
    policyPaths: rp.kind === 'policy' ? localPolicyPaths(rp.layers, `${owner}/${repo}`) : [],
  });
  return {
    verdict,
    policy: rp.policy,
    ...(rp.kind === 'none' ? { noPolicy: true } : {}),
    annotations: fileAnnotations(verdict),
  };
}

/** Paths of the policy files that live in this repository: changing any of them is critical. */
export function localPolicyPaths(layers: { file: string }[], repoFull: string): string[] {
  const prefix = `${repoFull.toLowerCase()}:`;
  return layers
    .filter((l) => l.file.toLowerCase().startsWith(prefix))
    .map((l) => l.file.slice(prefix.length));
}

/** A verdict for a failure before or outside evaluation: always the outcome `error`. */
export function failed(message: string): Verdict {
  return {
    outcome: 'error',
    aiAssisted: false,
    evidence: [],
    changedFiles: 0,
    requirements: [],
    override: null,
    errors: [message],
    judged: false,
  };
}

/** Annotations on the policy file's lines, for the files that live in this repository. */
function policyAnnotations(errors: PolicyError[], repoFull: string): Annotation[] {
  const prefix = `${repoFull.toLowerCase()}:`;
  return errors.flatMap((e) => {
    const path = e.file.toLowerCase().startsWith(prefix) ? e.file.slice(prefix.length) : e.file;
    if (path.includes(':')) return [];
    return [
      {
        path,
        start_line: e.line,
        end_line: e.line,
        annotation_level: 'failure' as const,
        title: 'Invalid AI Governance policy',
        message: `${e.message}; ${e.fix}`,
      },
    ];
  });
}

function who(r: { teams: string[]; users: string[] }): string {
  const names = [...r.teams.map((t) => `team ${t}`), ...r.users.map((u) => u)];
  return names.length > 0 ? names.join(', ') : 'any eligible reviewer';
}

/** One annotation per critical file, saying which rule it falls under and what it needs. */
function fileAnnotations(v: Verdict): Annotation[] {
  const out: Annotation[] = [];
  for (const r of v.requirements) {
    for (const path of r.files) {
      out.push({
        path,
        start_line: 1,
        end_line: 1,
        annotation_level: 'notice',
        title: `Critical path: ${r.rule}`,
        message: `Falls under "${r.rule}": ${r.approvals} approval(s) required from ${who(r.reviewers)}.`,
      });
    }
  }
  return out;
}

async function writeCheck(
  deps: EvaluationDeps,
  target: Target,
  sha: string,
  verdict: Verdict,
  ctx: RenderContext,
  annotations: Annotation[],
  known?: ExistingCheckRun | null,
): Promise<string> {
  const out = renderCheck(verdict, ctx);
  const result: CheckRunResult = {
    status: 'completed',
    conclusion: checkConclusion(verdict),
    title: out.title,
    summary: out.summary,
    ...(out.text ? { text: out.text } : {}),
    annotations,
  };
  const existing =
    known !== undefined
      ? known
      : await findCheckRun(deps.gh, target.owner, target.repo, sha, deps.app.id);
  return upsertCheckRun(deps.gh, target.owner, target.repo, sha, existing, result);
}

async function writeExtras(
  deps: EvaluationDeps,
  target: Target,
  snap: PullRequestSnapshot,
  policy: Policy,
  verdict: Verdict,
  ctx: RenderContext,
  writes: EvaluationReport['writes'],
): Promise<void> {
  const { gh, log } = deps;
  const { owner, repo, number } = target;
  const facts = snap.facts;

  // The audit comment: for PRs that are AI-assisted or held, and kept current once it exists.
  if (policy.actions.comment) {
    let existing = snap.auditComment;
    if (existing === undefined) {
      existing = await findAuditComment(gh, owner, repo, number, {
        id: deps.app.id,
        botLogin: `${deps.app.slug}[bot]`,
      });
    }
    if (existing || verdict.aiAssisted || verdict.requirements.length > 0) {
      const history = appendHistory(parseHistory(existing?.body ?? ''), {
        at: new Date().toISOString(),
        headSha: facts.headSha,
        outcome: verdict.outcome,
        approvedBy: [...new Set(verdict.requirements.flatMap((r) => r.approvedBy))],
        ...(verdict.override?.allowed
          ? { override: { label: verdict.override.label, appliedBy: verdict.override.appliedBy } }
          : {}),
      });
      const body = renderComment(verdict, ctx, history);
      writes.comment = await upsertAuditComment(gh, owner, repo, number, existing, body);
    }
  }

  // Labels and review requests help people; a failure here never changes the verdict.
  const label = policy.actions.label;
  if (
    label &&
    verdict.aiAssisted &&
    !facts.labels.some((l) => l.name.toLowerCase() === label.toLowerCase())
  ) {
    try {
      await gh.request('POST /repos/{owner}/{repo}/issues/{issue_number}/labels', {
        owner,
        repo,
        issue_number: number,
        labels: [label],
      });
      writes.label = 'added';
    } catch (err) {
      writes.label = 'failed';
      log.warn(
        { err, deliveryId: target.deliveryId },
        `could not add the label ${label}: ${describeError(err)}`,
      );
    }
  }
  if (policy.actions.request_reviews && verdict.outcome === 'approval_required') {
    try {
      writes.reviewRequest = await requestMissingReviews(gh, owner, repo, number, verdict, snap);
    } catch (err) {
      writes.reviewRequest = 'failed';
      log.warn(
        { err, deliveryId: target.deliveryId },
        `could not request reviews: ${describeError(err)}`,
      );
    }
  }
}

/** One structured audit event per evaluation: what was judged, on what evidence, with what result. */
function audit(
  log: Logger,
  target: Target,
  headSha: string,
  verdict: Verdict,
  writes: EvaluationReport['writes'],
): void {
  log.info(
    {
      audit: 'ai-governance.evaluation',
      deliveryId: target.deliveryId,
      trigger: target.trigger,
      repo: `${target.owner}/${target.repo}`,
      pr: target.number,
      headSha,
      ...(target.mergeGroupSha ? { mergeGroupSha: target.mergeGroupSha } : {}),
      outcome: verdict.outcome,
      aiAssisted: verdict.aiAssisted,
      evidence: verdict.evidence.slice(0, 50).map((e) => ({
        source: e.source,
        kind: e.kind,
        commit: e.commit,
        detail: e.detail.slice(0, 200),
        tool: e.tool,
      })),
      evidenceCount: verdict.evidence.length,
      rules: verdict.requirements.map((r) => ({
        rule: r.rule,
        files: r.files.length,
        approvals: r.approvals,
        approvedBy: r.approvedBy,
        missing: r.missing,
        changesRequestedBy: r.changesRequestedBy,
      })),
      override: verdict.override,
      errors: verdict.errors,
      writes,
    },
    `AI Governance: ${target.owner}/${target.repo}#${target.number} ${verdict.outcome}`,
  );
}
