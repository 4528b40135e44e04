import { failed, judgeByPolicy } from '../evaluate/judge.js';
import type { Verdict } from '../model/verdict.js';
import { checkConclusion, renderCheck } from '../render/check.js';
import type { RenderContext } from '../render/context.js';
import { parseRecord } from '../render/record.js';
import { CHECK_OUTPUT_LIMIT } from '../model/github.js';
import { POLICY_PATH } from '../model/names.js';
import { type Policy, type PolicyError } from '../model/policy.js';
import { fileAnnotations, policyAnnotations } from './annotations.js';
import { logAuditEvent } from './audit-log.js';
import {
  completeSuperseded,
  findCheckRun,
  upsertCheckRun,
  type Annotation,
  type CheckRunResult,
  type ExistingCheckRun,
} from './check-run.js';
import { describeError, errorStatus } from './client.js';
import {
  NO_EXTRA_WRITES,
  type EvaluationDeps,
  type EvaluationReport,
  type Target,
  type Writes,
} from './evaluation.js';
import { readPullRequest, type PullRequestSnapshot } from './facts.js';
import { policyForRepo } from './policy-for-repo.js';
import { writeExtras } from './pr-extras.js';
import {
  DEFAULT_DEADLINE_MS,
  markInProgressLater,
  withDeadline,
  type ProgressMark,
} from './progress.js';

export type { AppIdentity, EvaluationDeps, EvaluationReport, Target } from './evaluation.js';
export { withDeadline } from './progress.js';

/**
 * Evaluates one pull request from scratch: reads everything from GitHub, judges it with the
 * pure core and writes the check run, the audit comment, the label and review requests, each only
 * when it changes. Any failure on the way ends in a failing check (never a passing one).
 */
export async function evaluatePullRequest(
  deps: EvaluationDeps,
  target: Target,
): Promise<EvaluationReport> {
  // A long evaluation (a large PR) shows an in-progress run on a new commit meanwhile.
  const progress = markInProgressLater(
    deps,
    target,
    target.mergeGroupSha ?? target.headSha ?? null,
  );
  let checkSha = progress.sha;
  const deadlineMs = deps.deadlineMs ?? DEFAULT_DEADLINE_MS;
  try {
    const { snap, judged } = await withDeadline(
      readAndJudge(deps, target),
      deadlineMs,
      `the evaluation did not finish within ${Math.round(deadlineMs / 1000)} s`,
    );
    progress.stop();
    checkSha = target.mergeGroupSha ?? snap.facts.headSha;
    return await writeVerdict(deps, target, snap, judged, checkSha, progress);
  } catch (err) {
    progress.stop();
    await progress.shown();
    return failEvaluation(deps, target, checkSha, err);
  }
}

async function readAndJudge(
  deps: EvaluationDeps,
  target: Target,
): Promise<{ snap: PullRequestSnapshot; judged: Judged }> {
  const snap = await readPullRequest(deps.gh, target.owner, target.repo, target.number, {
    appId: deps.app.id,
  });
  const own = await judge(deps, snap, target);
  return { snap, judged: target.carried ? await judgeGroup(deps, target, own) : own };
}

/** Writes the check on `checkSha` and, on a PR (not a merge group), the comment, label and reviews. */
async function writeVerdict(
  deps: EvaluationDeps,
  target: Target,
  snap: PullRequestSnapshot,
  judged: Judged,
  checkSha: string,
  progress: ProgressMark,
): Promise<EvaluationReport> {
  const { owner, repo } = target;
  const ctx: RenderContext = {
    headSha: judged.headSha ?? snap.facts.headSha,
    policyFile: POLICY_PATH,
    org: owner,
    ...(judged.policyErrors ? { policyErrors: judged.policyErrors } : {}),
    ...(judged.noPolicy ? { noPolicy: true } : {}),
    ...(deps.policyDocsUrl ? { policyDocsUrl: deps.policyDocsUrl } : {}),
    // The record belongs on the PR's head, never on a merge group's commit.
    ...(judged.verdict.record && !target.mergeGroupSha ? { record: judged.verdict.record } : {}),
  };
  const { verdict } = judged;
  const shown = progress.shown();
  const marked = shown && checkSha === progress.sha ? await shown : undefined;
  const headRun = judged.headRun !== undefined ? judged.headRun : snap.ownCheckRun;
  const known = marked ?? (target.mergeGroupSha ? undefined : headRun);
  const check = await writeCheck(
    deps,
    target,
    checkSha,
    verdict,
    ctx,
    judged.annotations,
    known,
    judged.note,
  );
  if (shown && progress.sha && checkSha !== progress.sha) {
    // The head moved while this ran: the in-progress run on the old commit is completed too.
    const stale = await shown;
    if (stale) await completeSuperseded(deps.gh, owner, repo, stale, checkSha);
  }
  const extras =
    !target.mergeGroupSha && judged.policy
      ? await writeExtras(deps, target, snap, judged.policy, verdict, ctx)
      : NO_EXTRA_WRITES;
  const writes: Writes = { check, ...extras };
  logAuditEvent(deps.log, target, snap.facts.headSha, verdict, writes);
  return { outcome: verdict.outcome, headSha: snap.facts.headSha, writes };
}

/**
 * An evaluation that failed: a failing check on `checkSha` says why (when the commit is known and
 * the check can be written; otherwise the error is thrown on).
 */
async function failEvaluation(
  deps: EvaluationDeps,
  target: Target,
  checkSha: string | null,
  err: unknown,
): Promise<EvaluationReport> {
  const { log } = deps;
  const { owner, repo, number } = target;
  const message = describeError(err);
  log.error(
    { err, deliveryId: target.deliveryId, repo: `${owner}/${repo}`, pr: number },
    `evaluation failed: ${message}`,
  );
  if (!checkSha) throw err;
  const verdict = failed(message);
  const failing = (d: EvaluationDeps) =>
    writeCheck(
      d,
      target,
      checkSha,
      verdict,
      { headSha: checkSha, policyFile: POLICY_PATH, org: owner },
      [],
    );
  let check: string;
  try {
    check = await failing(deps).catch(async (firstErr: unknown) => {
      // Not an answer from GitHub: the shared store (Redis) may be what failed. Try once
      // without it. GitHub's own refusals were already retried by Octokit.
      const storeFree = errorStatus(firstErr) === undefined ? deps.storeFreeGh?.() : null;
      if (!storeFree) throw firstErr;
      return failing({ ...deps, gh: storeFree });
    });
  } catch (writeErr) {
    log.error(
      { err: writeErr, deliveryId: target.deliveryId },
      `could not write the failing check either: ${describeError(writeErr)}`,
    );
    throw err;
  }
  // Every step that can fail comes before the comment, label and review requests are written
  // (or is writing the comment): the failing check is all there is to report.
  const writes: Writes = { check, ...NO_EXTRA_WRITES };
  logAuditEvent(log, target, checkSha, verdict, writes);
  return { outcome: 'error', headSha: checkSha, writes };
}

export interface Judged {
  verdict: Verdict;
  policy: Policy | null;
  policyErrors?: PolicyError[];
  noPolicy?: boolean;
  annotations: Annotation[];
  /** For a merge group: the head of the PR judged (when not the group's own PR). */
  headSha?: string;
  /** For a merge group: what the check says about the PRs the group carries. */
  note?: GroupNote;
  /** The app's run on the PR's head, when judge looked it up. */
  headRun?: ExistingCheckRun | null;
}

interface GroupNote {
  titlePrefix: string;
  summaryPrefix: string;
}

/**
 * A merge group passes only if every PR whose changes it carries passes: the group's own PR
 * (already judged) and each PR queued ahead of it, judged as it stands now. The first that does
 * not pass gives the group its verdict, and the check names it.
 */
async function judgeGroup(deps: EvaluationDeps, target: Target, own: Judged): Promise<Judged> {
  const ahead = target.carried ?? [];
  if (ahead.length === 0) return own;
  const all = [...ahead, target.number].map((n) => `#${n}`).join(', ');
  const passes = (j: Judged) => checkConclusion(j.verdict) === 'success';
  const blocked = (n: number, j: Judged, headSha?: string): Judged => ({
    ...j,
    ...(headSha ? { headSha } : {}),
    note: {
      titlePrefix: `#${n}: `,
      summaryPrefix: `This merge group carries ${all} (the pull requests queued ahead of #${target.number} and #${target.number} itself); **#${n} does not pass**, so the group does not either.\n\n`,
    },
  });
  if (!passes(own)) return blocked(target.number, own);
  for (const n of ahead) {
    const snap = await readPullRequest(deps.gh, target.owner, target.repo, n, {
      appId: deps.app.id,
    });
    const { expectedHeadSha: _, ...rest } = target;
    const judged = await judge(deps, snap, { ...rest, number: n });
    if (!passes(judged)) return blocked(n, judged, snap.facts.headSha);
  }
  return {
    ...own,
    note: {
      titlePrefix: '',
      summaryPrefix: `This merge group carries ${all} (the pull requests queued ahead of #${target.number} and #${target.number} itself); each of them passes.\n\n`,
    },
  };
}

/**
 * The verdict on a PR already read, with the policy the app would use (or, for `simulate`, the
 * candidate `policyText` in place of the repository's own file). Reads the policy and team
 * members; writes nothing.
 */
export async function judge(
  deps: Pick<EvaluationDeps, 'gh' | 'teams' | 'app'>,
  snap: PullRequestSnapshot,
  target: Pick<Target, 'owner' | 'repo' | 'number' | 'expectedHeadSha' | 'mergeGroupSha'>,
  options: { policyText?: string } = {},
): Promise<Judged> {
  const { owner, repo } = target;
  const appLogin = `${deps.app.slug}[bot]`;
  if (target.expectedHeadSha && target.expectedHeadSha !== snap.facts.headSha) {
    const msg = `the pull request's head is ${snap.facts.headSha.slice(0, 7)}, not ${target.expectedHeadSha.slice(0, 7)} that joined the merge queue`;
    return { verdict: failed(msg), policy: null, annotations: [] };
  }
  const rp = await policyForRepo(deps.gh, owner, repo, {
    repoText:
      options.policyText !== undefined
        ? options.policyText
        : snap.policyTruncated
          ? undefined
          : snap.policyText,
    ownerIsOrg: snap.baseRepoOwnerType === 'Organization',
    teams: deps.teams,
    orgText: snap.orgPolicyText,
  });
  if (rp.kind === 'unreadable' || rp.kind === 'invalid') {
    const j = judgeByPolicy(rp, snap.facts, { repository: `${owner}/${repo}`, appLogin });
    return {
      ...j,
      annotations: j.policyErrors ? policyAnnotations(j.policyErrors, `${owner}/${repo}`) : [],
    };
  }
  // The app's record on the head (in its check run there) says what it knew when it first judged
  // it. The snapshot usually holds the run; otherwise (a fork's head) it is looked up now, once: a
  // PR's own evaluation needs the run to write, a merge group's only to judge an override.
  const o = rp.policy.override;
  const overrideLabelled =
    o !== null && snap.facts.labels.some((l) => l.name.toLowerCase() === o.label.toLowerCase());
  const headRun =
    snap.ownCheckRun !== undefined
      ? snap.ownCheckRun
      : target.mergeGroupSha && !overrideLabelled
        ? undefined
        : await findCheckRun(deps.gh, owner, repo, snap.facts.headSha, deps.app.id);
  const facts = { ...snap.facts, headRecord: parseRecord(headRun?.text) };
  const j = judgeByPolicy(rp, facts, { repository: `${owner}/${repo}`, appLogin });
  return { ...j, annotations: fileAnnotations(j.verdict), headRun };
}

export { failed, localPolicyPaths } from '../evaluate/judge.js';

async function writeCheck(
  deps: EvaluationDeps,
  target: Target,
  sha: string,
  verdict: Verdict,
  ctx: RenderContext,
  annotations: Annotation[],
  known?: ExistingCheckRun | null,
  note?: GroupNote,
): Promise<string> {
  const out = renderCheck(verdict, ctx);
  const result: CheckRunResult = {
    status: 'completed',
    conclusion: checkConclusion(verdict),
    title: (note?.titlePrefix ?? '') + out.title,
    summary: ((note?.summaryPrefix ?? '') + out.summary).slice(0, CHECK_OUTPUT_LIMIT),
    ...(out.text ? { text: out.text } : {}),
    annotations,
  };
  const existing =
    known !== undefined
      ? known
      : await findCheckRun(deps.gh, target.owner, target.repo, sha, deps.app.id);
  return upsertCheckRun(deps.gh, target.owner, target.repo, sha, existing, result);
}
