/**
 * The demo's last act: a proposed policy change, tried with `ai-governance simulate` against the
 * pull requests open at the end of the story (plus one more, held for a second approval), before
 * anyone merges it. Nothing is written to the fake GitHub by the simulation.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { simulate } from '../cli/simulate.js';
import type { FakeGitHubState } from '../fake-github/state.js';
import { pullRequestEvent, pullRequestReviewEvent } from '../fake-github/webhooks.js';
import type { Harness } from './harness.js';
import { DEMO_ORG, DEMO_REPO, openStoryPullRequest, PEOPLE } from './story.js';

/**
 * The change proposed: one approval instead of two, human pull requests judged too, and no more
 * override. It releases the PR that has one approval and holds the human PR and the overridden one.
 */
export const CANDIDATE_POLICY = `version: 1
critical_paths:
  - name: payments
    paths: ['services/payments/**']
    exclude: ['**/*.md']
    approvals: 1
    reviewers:
      teams: [payments-seniors]
apply_to_human_prs: true
override: null
`;

/** Opens one more AI-assisted PR with one senior's approval, then simulates the change. */
export async function simulateStep(
  state: FakeGitHubState,
  harness: Harness,
  privateKey: string,
  outDir: string,
): Promise<string> {
  const pr = openStoryPullRequest(state, {
    author: PEOPLE.author,
    title: 'Log refund retries',
    body: 'Each retried refund is logged with its provider reference.',
    files: ['services/payments/refund-log.ts'],
    withClaude: true,
  });
  await harness.send(pullRequestEvent(state, DEMO_REPO, pr, 'opened'));
  const review = state.submitReview(DEMO_REPO, pr, { user: PEOPLE.seniors[0], state: 'APPROVED' });
  await harness.send(pullRequestReviewEvent(state, DEMO_REPO, pr, review.id, 'submitted'));

  mkdirSync(outDir, { recursive: true });
  const candidate = join(outDir, 'candidate-policy.yml');
  writeFileSync(candidate, CANDIDATE_POLICY);
  let out = '';
  let err = '';
  const code = await simulate(
    [
      '--org',
      DEMO_ORG,
      '--open',
      '--policy',
      candidate,
      '--api-url',
      `http://${harness.fake.host}/api/v3`,
    ],
    { cwd: outDir, stdout: (s) => void (out += s), stderr: (s) => void (err += s), color: false },
    { APP_ID: String(state.app.id), PRIVATE_KEY: privateKey },
  );
  if (code !== 0) throw new Error(`simulate failed: ${err}`);
  return out;
}
