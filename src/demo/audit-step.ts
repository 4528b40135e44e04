/**
 * The demo's closing act: the pull requests are merged (one of them without the approvals the
 * policy asks for, around a check that was still holding it), one more is merged the right way,
 * and `ai-governance audit` looks back at the organisation and writes its report beside the demo
 * page. The merges are the fake GitHub's; the audit reads them as it reads GitHub.
 */
import { join } from 'node:path';
import { auditCommand } from '../cli/audit/command.js';
import { mergePullRequest } from '../fake-github/merged.js';
import type { FakeGitHubState } from '../fake-github/state.js';
import { pullRequestEvent, pullRequestReviewEvent } from '../fake-github/webhooks.js';
import type { Harness } from './harness.js';
import { AUDIT_DIR, type DemoAudit } from './result.js';
import { DEMO_ORG, DEMO_REPO, openStoryPullRequest, PEOPLE } from './story.js';

/** Merges every open PR of the story, plus one approved by two seniors, then audits. */
export async function auditStep(
  state: FakeGitHubState,
  harness: Harness,
  privateKey: string,
  outDir: string,
): Promise<DemoAudit> {
  // The window opens on the day the story began. The app stamps its check runs with the real
  // clock, the fake its events with its own: the merges happen now, after every check.
  const since = state.now().slice(0, 10);
  state.advanceClock(new Date().toISOString());
  const pr = openStoryPullRequest(state, {
    author: PEOPLE.author,
    title: 'Refund receipts',
    body: 'Receipts for refunds, written with Claude.',
    files: ['services/payments/receipts.ts'],
    withClaude: true,
  });
  await harness.send(pullRequestEvent(state, DEMO_REPO, pr, 'opened'));
  for (const senior of PEOPLE.seniors) {
    const review = state.submitReview(DEMO_REPO, pr, { user: senior, state: 'APPROVED' });
    await harness.send(pullRequestReviewEvent(state, DEMO_REPO, pr, review.id, 'submitted'));
  }
  const open = [...(state.repo(DEMO_REPO)?.pulls.values() ?? [])]
    .filter((p) => p.state === 'open')
    .map((p) => p.number)
    .sort((a, b) => a - b);
  for (const n of open) mergePullRequest(state, DEMO_REPO, n, { by: PEOPLE.seniors[1] });

  const out = join(outDir, AUDIT_DIR);
  const args = ['--org', DEMO_ORG, '--since', since, '--out', out];
  let stdout = '';
  let stderr = '';
  const code = await auditCommand(
    [...args, '--api-url', `http://${harness.fake.host}/api/v3`],
    {
      cwd: outDir,
      stdout: (s) => void (stdout += s),
      stderr: (s) => void (stderr += s),
      color: false,
    },
    // "Now" for the audit is the fake's clock, a moment after the last merge.
    { env: { APP_ID: String(state.app.id), PRIVATE_KEY: privateKey }, now: new Date(state.now()) },
  );
  if (code !== 0) throw new Error(`the audit failed: ${stderr}`);
  return {
    summary: stdout,
    page: join(out, 'index.html'),
    command: `ai-governance audit --org ${DEMO_ORG} --since ${since} --out ${out}`,
  };
}
