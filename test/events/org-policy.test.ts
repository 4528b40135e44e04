/**
 * A stricter org policy applies at once: a push to the org's `.github` repository that changes
 * the policy re-evaluates the open PRs of every repository of the org the installation sees, so
 * repositories that inherit the file, or `_extends` it, do not keep their old passes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHECK_NAME } from '../../src/model/names.js';
import type { FakeGitHubState } from '../../src/fake-github/state.js';
import { pullRequestEvent, pushEvent } from '../../src/fake-github/webhooks.js';
import { newFakeState, startAppOnFake, type AppOnFake } from '../support/app-on-fake.js';
import { CLAUDE } from '../support/fixtures.js';

const LAX = `version: 1
critical_paths: []
`;
const STRICT = `version: 1
critical_paths:
  - name: services
    paths: ["services/**"]
    approvals: 1
    reviewers: { users: [sam-senior] }
`;
const EXTENDS = `_extends: .github
version: 1
`;
const OWN = `version: 1
critical_paths: []
`;
const POLICY = '.github/ai-governance.yml';

describe('a change to the org policy', () => {
  let running: AppOnFake;
  let state: FakeGitHubState;

  beforeAll(async () => {
    state = newFakeState();
    state.addOrg('acme');
    state.addUser('sam-senior');
    state.addUser('dana-dev');
    state.addRepo({ owner: 'acme', name: '.github', files: { [POLICY]: LAX } });
    state.addRepo({ owner: 'acme', name: 'inherits', files: { 'README.md': '# x\n' } });
    state.addRepo({ owner: 'acme', name: 'extends', files: { [POLICY]: EXTENDS } });
    state.addRepo({ owner: 'acme', name: 'own', files: { [POLICY]: OWN } });
    running = await startAppOnFake(state, { logLevel: 'warn' });
  });
  afterAll(() => running?.stop());

  it('re-evaluates the open PRs of every repository that inherits or extends it', async () => {
    const prs = ['acme/inherits', 'acme/extends', 'acme/own'].map((repo) => {
      const pr = state.openPullRequest(repo, {
        author: 'dana-dev',
        title: 'Change',
        commits: [{ message: 'Change', coAuthors: [CLAUDE] }],
        files: ['services/a.ts'],
      });
      return { repo, pr };
    });
    for (const { repo, pr } of prs) {
      expect(await running.send(pullRequestEvent(state, repo, pr.number, 'opened'))).toBe(200);
      expect(state.checkRunsFor(repo, pr.headSha, CHECK_NAME).at(-1)?.conclusion).toBe('success');
    }

    const before = state.requireRepo('acme/.github').branches.get('main')!;
    state.setDefaultBranchFile('acme/.github', POLICY, STRICT);
    running.fake.stats.reset();
    expect(await running.send(pushEvent(state, 'acme/.github', 'main', before))).toBe(200);

    const verdict = (repo: string, sha: string) =>
      state.checkRunsFor(repo, sha, CHECK_NAME).map((r) => r.conclusion);
    expect(verdict('acme/inherits', prs[0]!.pr.headSha)).toEqual(['action_required']);
    expect(verdict('acme/extends', prs[1]!.pr.headSha)).toEqual(['action_required']);
    // A repository with a policy of its own that does not extend the org's keeps its verdict,
    // and nothing is written there.
    expect(verdict('acme/own', prs[2]!.pr.headSha)).toEqual(['success']);
    const writesToOwn = running.fake.stats.requests.filter(
      (r) => r.kind === 'write' && r.path.includes('/repos/acme/own/'),
    );
    expect(writesToOwn).toEqual([]);
    // It was read again, though: every repository of the org is re-evaluated.
    expect(running.fake.stats.requests.some((r) => r.path.includes('/repos/acme/own/'))).toBe(true);
    expect(running.errors()).toEqual([]);
  });
});
