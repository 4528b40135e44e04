import { checkConclusion, renderCheck } from '../render/check.js';
import { POLICY_PATH } from '../model/names.js';
import { findCheckRun, upsertCheckRun } from './check-run.js';
import type { GitHubClient } from './client.js';
import { failed } from './evaluate-pr.js';

/**
 * A failing check on a commit for an error outside an evaluation. Without the app's id its own run
 * cannot be told from another app's, so a new run is added (GitHub shows the latest).
 */
export async function writeFailingCheck(
  gh: GitHubClient,
  owner: string,
  repo: string,
  sha: string,
  message: string,
  appId: number | null,
): Promise<'created' | 'updated' | 'unchanged'> {
  const verdict = failed(message);
  const out = renderCheck(verdict, { headSha: sha, policyFile: POLICY_PATH, org: owner });
  const existing = appId === null ? null : await findCheckRun(gh, owner, repo, sha, appId);
  return upsertCheckRun(gh, owner, repo, sha, existing, {
    status: 'completed',
    conclusion: checkConclusion(verdict),
    title: out.title,
    summary: out.summary,
    ...(out.text ? { text: out.text } : {}),
    annotations: [],
  });
}
