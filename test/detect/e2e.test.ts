/**
 * Detection bypasses, end to end: the real app in a Probot server, the loopback fake GitHub, and
 * signed webhooks. Each PR here is AI-assisted in a way an attacker (or a careless tool) might
 * hide, touches a critical path, and must be held, not passed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHECK_NAME } from '../../src/model/names.js';
import type { FakeGitHubState } from '../../src/fake-github/state.js';
import type { OpenPullRequestSpec } from '../../src/fake-github/model.js';
import { pullRequestEvent } from '../../src/fake-github/webhooks.js';
import { newFakeState, startAppOnFake, type AppOnFake } from '../support/app-on-fake.js';
import {
  addPaymentsOrg,
  DEVELOPER,
  labelAndComment,
  paymentsPolicy,
  REPO,
} from '../support/fixtures.js';

/** The payments policy, with the `ai-assisted` label as evidence too. */
const POLICY = paymentsPolicy(1, `detection:\n  labels: [ai-assisted]\n${labelAndComment()}`);

let state: FakeGitHubState;
let app: AppOnFake;

beforeAll(async () => {
  state = newFakeState();
  addPaymentsOrg(state, POLICY);
  state.setDefaultBranchFile(REPO, 'services/payments/refunds.ts', '');
  state.addUser('github-actions[bot]', { type: 'Bot' });
  app = await startAppOnFake(state);
});

afterAll(async () => {
  await app?.stop();
});

/** Opens a PR by dana-dev on the payments path, delivers `opened`, and returns its one check run. */
async function openAndJudge(spec: Partial<OpenPullRequestSpec>) {
  const { number } = state.openPullRequest(REPO, {
    author: DEVELOPER,
    title: 'Retry failed refunds',
    body: 'Refunds that time out are retried once.',
    commits: [{ message: 'Retry failed refunds' }],
    files: ['services/payments/refunds.ts'],
    ...spec,
  });
  app.fake.stats.reset();
  expect(await app.send(pullRequestEvent(state, REPO, number, 'opened'))).toBe(200);
  // Besides the org's absent .github policy (read for its floor), no error answers.
  expect(app.fake.stats.requests.filter((r) => r.status >= 400 && !noOrgPolicy(r))).toEqual([]);
  const pr = state.requirePull(REPO, number);
  const runs = state.checkRunsFor(REPO, pr.headSha, CHECK_NAME);
  expect(runs).toHaveLength(1);
  return { pr, run: runs[0]! };
}

describe('detection bypasses, end to end', () => {
  it('holds a PR whose co-author trailer sits below a markdown rule (---)', async () => {
    const { pr, run } = await openAndJudge({
      commits: [
        {
          message:
            'Retry failed refunds\n\nRefunds that time out are retried once.\n\n---\n\n' +
            'Co-authored-by: Codex <noreply@openai.com>\n',
        },
      ],
    });
    expect(run).toMatchObject({ status: 'completed', conclusion: 'action_required' });
    // Found as the commit's trailer, with its commit and exact line.
    expect(run.output.summary).toContain('Co-authored-by: Codex');
    expect(run.output.summary).toContain(pr.headSha.slice(0, 7));
    expect(pr.labels).toContain('ai-assisted');
  });
});

describe('labels, end to end', () => {
  it('holds a PR whose ai-assisted label a labeler workflow (github-actions[bot]) applied', async () => {
    const { pr, run } = await openAndJudge({
      labels: [{ name: 'ai-assisted', by: 'github-actions[bot]' }],
    });
    expect(run).toMatchObject({ status: 'completed', conclusion: 'action_required' });
    expect(run.output.summary).toMatch(/\| label \|[^\n]*ai-assisted[^\n]*detection\\?\.labels/);
    expect(pr.comments.filter((c) => c.viaApp)).toHaveLength(1);
  });

  it("passes a human PR that carries only the app's own ai-assisted label", async () => {
    const { run } = await openAndJudge({ labels: [{ name: 'ai-assisted', by: state.botLogin }] });
    expect(run).toMatchObject({ status: 'completed', conclusion: 'success' });
  });
});

/** GitHub's 404 for the org's .github policy, which the sample org does not have. */
function noOrgPolicy(r: { method: string; path: string; status: number }): boolean {
  return (
    r.method === 'GET' &&
    r.status === 404 &&
    r.path === '/api/v3/repos/acme/.github/contents/.github%2Fai-governance.yml'
  );
}
