import { ANNOTATIONS_PER_REQUEST, PAGE_MAX, type CheckAnnotation } from '../model/github.js';
import { CHECK_NAME } from '../model/names.js';
import type { GitHubClient } from './client.js';

export const REEVALUATE_ACTION = 'reevaluate';
/** More than this many annotations only adds noise and writes; the summary lists the rest. */
export const MAX_ANNOTATIONS = 200;

export interface ExistingCheckRun {
  id: number;
  status: string;
  conclusion: string | null;
  title: string | null;
  summary: string | null;
  text: string | null;
  /** How many annotations the run shows; GitHub only ever adds to them. */
  annotationsCount?: number;
}

export type Conclusion = 'success' | 'action_required' | 'neutral' | 'failure';

/** An annotation the app writes: GitHub's shape, always with a title. */
export type Annotation = CheckAnnotation & { title: string };

export interface CheckRunResult {
  status: 'completed';
  conclusion: Conclusion;
  title: string;
  summary: string;
  text?: string;
  annotations: Annotation[];
}

/** The app's own check run on a commit, if it made one (the latest, when several exist). */
export async function findCheckRun(
  gh: GitHubClient,
  owner: string,
  repo: string,
  sha: string,
  appId: number,
): Promise<ExistingCheckRun | null> {
  const { data } = await gh.request('GET /repos/{owner}/{repo}/commits/{ref}/check-runs', {
    owner,
    repo,
    ref: sha,
    check_name: CHECK_NAME,
    app_id: appId,
    filter: 'latest',
    per_page: PAGE_MAX,
  });
  const runs = data.check_runs;
  const ours = runs
    .filter((r) => r.head_sha === sha && (r.app?.id === undefined || r.app.id === appId))
    .sort((a, b) => Number(b.id) - Number(a.id))[0];
  if (!ours) return null;
  return {
    id: Number(ours.id),
    status: ours.status,
    conclusion: ours.conclusion,
    title: ours.output?.title ?? null,
    summary: ours.output?.summary ?? null,
    text: ours.output?.text ?? null,
    annotationsCount: ours.output?.annotations_count ?? 0,
  };
}

/** True when the run already shows exactly this result, so writing it again would change nothing. */
export function sameCheckRun(existing: ExistingCheckRun, next: CheckRunResult): boolean {
  return (
    existing.status === 'completed' &&
    existing.conclusion === next.conclusion &&
    existing.title === next.title &&
    existing.summary === next.summary &&
    (existing.text ?? '') === (next.text ?? '')
  );
}

/**
 * One check run per head commit: creates it, updates the one that exists in place, or writes
 * nothing when it already shows this result. GitHub appends annotations on every update, so they
 * are sent only to a run that has none yet; they describe which rule each file falls under, which
 * stays true while approvals come and go. Annotations are sent in batches of 50.
 */
export async function upsertCheckRun(
  gh: GitHubClient,
  owner: string,
  repo: string,
  headSha: string,
  existing: ExistingCheckRun | null,
  result: CheckRunResult,
): Promise<'created' | 'updated' | 'unchanged'> {
  if (existing && sameCheckRun(existing, result)) return 'unchanged';
  // Text is always sent: an update that leaves it out keeps the old text.
  const output = { title: result.title, summary: result.summary, text: result.text ?? '' };
  const actions = [
    {
      label: 'Re-evaluate',
      description: 'Read the pull request again',
      identifier: REEVALUATE_ACTION,
    },
  ];
  const annotations =
    existing && (existing.annotationsCount ?? 0) > 0
      ? []
      : result.annotations.slice(0, MAX_ANNOTATIONS);
  const first = annotations.slice(0, ANNOTATIONS_PER_REQUEST);
  let id: number;
  if (existing) {
    await gh.request('PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}', {
      owner,
      repo,
      check_run_id: existing.id,
      status: 'completed',
      conclusion: result.conclusion,
      completed_at: new Date().toISOString(),
      output: { ...output, ...(first.length ? { annotations: first } : {}) },
      actions,
    });
    id = existing.id;
  } else {
    const { data } = await gh.request('POST /repos/{owner}/{repo}/check-runs', {
      owner,
      repo,
      name: CHECK_NAME,
      head_sha: headSha,
      status: 'completed',
      conclusion: result.conclusion,
      completed_at: new Date().toISOString(),
      output: { ...output, ...(first.length ? { annotations: first } : {}) },
      actions,
    });
    id = data.id as number;
  }
  for (let i = ANNOTATIONS_PER_REQUEST; i < annotations.length; i += ANNOTATIONS_PER_REQUEST) {
    await gh.request('PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}', {
      owner,
      repo,
      check_run_id: id,
      output: { ...output, annotations: annotations.slice(i, i + ANNOTATIONS_PER_REQUEST) },
    });
  }
  return existing ? 'updated' : 'created';
}

/**
 * Completes an in-progress run on a commit that is no longer the pull request's head: the verdict
 * went to `newHead`, so nothing would ever complete this one. It is completed as `cancelled`, not
 * `neutral`: a required check that is neutral lets a merge through, and a force-push can make this
 * commit the head again before it is re-evaluated. A run already completed is left as it is.
 */
export async function completeSuperseded(
  gh: GitHubClient,
  owner: string,
  repo: string,
  run: ExistingCheckRun,
  newHead: string,
): Promise<'updated' | 'unchanged'> {
  if (run.status === 'completed') return 'unchanged';
  await gh.request('PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}', {
    owner,
    repo,
    check_run_id: run.id,
    status: 'completed',
    conclusion: 'cancelled',
    completed_at: new Date().toISOString(),
    output: {
      title: `Superseded by ${newHead.slice(0, 7)}`,
      summary:
        `The pull request's head moved to ${newHead} while this commit was being evaluated; ` +
        'the verdict is on that commit. This commit is judged again if it becomes the head again.',
    },
  });
  return 'updated';
}
