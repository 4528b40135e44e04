/**
 * Where the policy comes from: the repository's default branch (never the PR), the organisation's
 * `.github` repository, `_extends` chains; what an invalid or missing policy does; and how a
 * change of policy on the default branch reaches the open pull requests.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  CLAUDE_TRAILER,
  FakeGitHub,
  OWNER,
  PAYMENTS_POLICY,
  POLICY_PATH,
  REPO,
  TEAMS,
  aiPaymentsPr,
  example,
  pullRequest,
  plain,
  pullRequestEvent,
  sha,
  startApp,
  finish,
  type TestApp,
} from './helpers.js';

const R = `/repos/${OWNER}/${REPO}`;
const ORG_POLICY_URL = `/repos/${OWNER}/.github/contents/${encodeURIComponent(POLICY_PATH)}`;
let gh: FakeGitHub;
let app: TestApp;

beforeEach(async () => {
  app = await startApp({ policyDocsUrl: 'https://docs.example.test/policy' });
});

afterEach(() => finish(gh));

/** The contents API path as Octokit sends it (the file path is one URL segment). */
function contentsPaths(): string[] {
  return gh.requests.filter((r) => r.path.includes('/contents/')).map((r) => r.path);
}

describe('the organisation’s policy', () => {
  it('is used when the repository has none', async () => {
    const pr = aiPaymentsPr(7);
    gh = new FakeGitHub({
      policyText: null,
      contents: { [`${OWNER}/.github:${POLICY_PATH}`]: PAYMENTS_POLICY },
      teams: TEAMS,
      prs: [pr],
    });
    await app.receive('pull_request', pullRequestEvent('opened', pr));

    expect(gh.calls().slice(0, 3)).toEqual([
      'POST /graphql PullRequestSnapshot',
      `GET ${ORG_POLICY_URL}`,
      'POST /graphql TeamMembers',
    ]);
    const check = gh.one('POST', `${R}/check-runs`).body;
    expect(check.conclusion).toBe('action_required');
    expect(check.output.title).toBe('Needs 2 approvals from @acme/payments-seniors');
    expect(gh.one('POST', `${R}/pulls/7/requested_reviewers`).body.team_reviewers).toEqual([
      'payments-seniors',
    ]);
    expect(app.errors()).toEqual([]);
  });

  it('is the base of a repository file that extends it; the repository’s keys win', async () => {
    const pr = aiPaymentsPr(7);
    gh = new FakeGitHub({
      policyText: `version: 1\n_extends: .github\nactions:\n  label: ai-reviewed\n  request_reviews: false\n`,
      contents: { [`${OWNER}/.github:${POLICY_PATH}`]: PAYMENTS_POLICY },
      teams: TEAMS,
      prs: [pr],
    });
    await app.receive('pull_request', pullRequestEvent('opened', pr));

    expect(contentsPaths()).toEqual([ORG_POLICY_URL]);
    expect(gh.writeCalls()).toEqual([
      `POST ${R}/check-runs`,
      `POST ${R}/issues/7/comments`,
      `POST ${R}/issues/7/labels`,
    ]);
    // The rule comes from the org file, the label and the review setting from the repository's.
    const check = gh.one('POST', `${R}/check-runs`).body;
    expect(check.conclusion).toBe('action_required');
    expect(check.output.title).toBe('Needs 2 approvals from @acme/payments-seniors');
    expect(gh.one('POST', `${R}/issues/7/labels`).body).toEqual({ labels: ['ai-reviewed'] });
  });

  it('follows an _extends chain across repositories and paths', async () => {
    const pr = aiPaymentsPr(7);
    gh = new FakeGitHub({
      policyText: `version: 1\n_extends: policies:teams/payments.yml\n`,
      contents: {
        [`${OWNER}/policies:teams/payments.yml`]: `version: 1\n_extends: .github\nactions:\n  label: ai\n`,
        [`${OWNER}/.github:${POLICY_PATH}`]: PAYMENTS_POLICY,
      },
      teams: TEAMS,
      prs: [pr],
    });
    await app.receive('pull_request', pullRequestEvent('opened', pr));

    expect(contentsPaths()).toEqual([
      `/repos/${OWNER}/policies/contents/${encodeURIComponent('teams/payments.yml')}`,
      ORG_POLICY_URL,
    ]);
    expect(gh.one('POST', `${R}/check-runs`).body.conclusion).toBe('action_required');
    expect(gh.one('POST', `${R}/issues/7/labels`).body).toEqual({ labels: ['ai'] });
  });

  it('makes a file of this repository that the policy extends critical too', async () => {
    const pr = pullRequest(11, { files: ['config/governance/base.yml'], author: 'paula' });
    gh = new FakeGitHub({
      policyText: `version: 1\n_extends: ${REPO}:config/governance/base.yml\n`,
      contents: { [`${OWNER}/${REPO}:config/governance/base.yml`]: PAYMENTS_POLICY },
      teams: TEAMS,
      prs: [pr],
    });
    await app.receive('pull_request', pullRequestEvent('opened', pr));

    const check = gh.one('POST', `${R}/check-runs`).body;
    expect(check.conclusion).toBe('action_required');
    expect(check.output.annotations).toEqual([
      expect.objectContaining({
        path: 'config/governance/base.yml',
        title: 'Critical path: policy file',
      }),
    ]);
  });

  it('an _extends that names a missing file fails closed', async () => {
    const pr = aiPaymentsPr(7);
    gh = new FakeGitHub({
      policyText: `version: 1\n_extends: shared-config\n`,
      teams: TEAMS,
      prs: [pr],
    });
    await app.receive('pull_request', pullRequestEvent('opened', pr));

    expect(gh.writeCalls()).toEqual([`POST ${R}/check-runs`]);
    const check = gh.one('POST', `${R}/check-runs`).body;
    expect(check.conclusion).toBe('failure');
    expect(check.output.title).toContain('could not read the policy');
    expect(plain(check.output.summary)).toContain(
      '_extends "shared-config" names acme/shared-config:.github/ai-governance.yml, which does not exist',
    );
  });
});

describe('an invalid policy', () => {
  it('fails the check with annotations at the policy file’s lines in this repository', async () => {
    const pr = aiPaymentsPr(7);
    const text = `version: 1\ncritical_paths:\n  - name: payments\n    pathz: ["services/payments/**"]\n    reviewers:\n      teams: [payments-seniors]\n`;
    gh = new FakeGitHub({ policyText: text, teams: TEAMS, prs: [pr] });
    await app.receive('pull_request', pullRequestEvent('opened', pr));

    // The org's file (for its floor), no team read, no comment, label or review request.
    expect(gh.calls()).toEqual([
      'POST /graphql PullRequestSnapshot',
      `GET ${ORG_POLICY_URL}`,
      `GET ${R}/commits/${pr.headSha}/check-runs`,
      `POST ${R}/check-runs`,
    ]);
    const check = gh.one('POST', `${R}/check-runs`).body;
    expect(check.conclusion).toBe('failure');
    expect(check.output.title).toMatch(/^Could not evaluate: the policy is invalid/);
    expect(check.output.summary).toContain('### Problems in the policy file');
    expect(check.output.annotations.length).toBeGreaterThan(0);
    for (const a of check.output.annotations) {
      expect(a).toMatchObject({ path: POLICY_PATH, annotation_level: 'failure' });
    }
    expect(check.output.annotations).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ start_line: 4, message: expect.stringContaining('pathz') }),
      ]),
    );
  });

  it('names a team the organisation does not have, at its line', async () => {
    const pr = aiPaymentsPr(7);
    gh = new FakeGitHub({
      policyText: PAYMENTS_POLICY,
      teams: { 'payments-seniors': ['carol'] },
      prs: [pr],
    });
    await app.receive('pull_request', pullRequestEvent('opened', pr));

    const check = gh.one('POST', `${R}/check-runs`).body;
    expect(check.conclusion).toBe('failure');
    const lines = PAYMENTS_POLICY.split('\n');
    const line = lines.findIndex((l) => l.includes('platform-leads')) + 1;
    expect(check.output.annotations).toEqual([
      expect.objectContaining({ path: POLICY_PATH, start_line: line, annotation_level: 'failure' }),
    ]);
    expect(check.output.annotations[0].message).toContain('platform-leads');
  });

  it('naming teams in a repository owned by a user (no teams there): fails at those lines', async () => {
    const pr = aiPaymentsPr(7);
    gh = new FakeGitHub({
      ownerType: 'User',
      policyText: PAYMENTS_POLICY,
      teams: TEAMS,
      prs: [pr],
    });
    await app.receive('pull_request', pullRequestEvent('opened', pr));

    expect(gh.requests.filter((r) => r.op === 'TeamMembers')).toEqual([]);
    const check = gh.one('POST', `${R}/check-runs`).body;
    expect(check.conclusion).toBe('failure');
    const lines = PAYMENTS_POLICY.split('\n');
    expect(check.output.annotations.map((a: { start_line: number }) => a.start_line)).toEqual([
      lines.findIndex((l) => l.includes('payments-seniors')) + 1,
      lines.findIndex((l) => l.includes('platform-leads')) + 1,
    ]);
  });

  it('in the organisation’s file: fails, naming that file, with no annotation in this repository', async () => {
    const pr = aiPaymentsPr(7);
    gh = new FakeGitHub({
      policyText: null,
      contents: { [`${OWNER}/.github:${POLICY_PATH}`]: 'version: 2\n' },
      teams: TEAMS,
      prs: [pr],
    });
    await app.receive('pull_request', pullRequestEvent('opened', pr));

    const check = gh.one('POST', `${R}/check-runs`).body;
    expect(check.conclusion).toBe('failure');
    expect(plain(check.output.summary)).toContain(
      'acme/.github:.github/ai-governance.yml:1:10: `version` must be the number 1',
    );
    expect(check.output.annotations).toBeUndefined();
  });
});

describe('teams written with their organisation', () => {
  it('are read and asked for by slug', async () => {
    const pr = aiPaymentsPr(7);
    gh = new FakeGitHub({
      policyText: PAYMENTS_POLICY.replace('[payments-seniors]', '["@acme/payments-seniors"]'),
      teams: TEAMS,
      prs: [pr],
    });
    await app.receive('pull_request', pullRequestEvent('opened', pr));

    const teams = gh.requests.find((r) => r.op === 'TeamMembers')!;
    expect(teams.body.variables.s0).toBe('payments-seniors');
    const check = gh.one('POST', `${R}/check-runs`).body;
    expect(check.output.title).toBe('Needs 2 approvals from @acme/payments-seniors');
    expect(gh.one('POST', `${R}/pulls/7/requested_reviewers`).body.team_reviewers).toEqual([
      'payments-seniors',
    ]);
  });
});

describe('no policy anywhere', () => {
  it('detects only: a passing check that says AI assistance was found and how to add a policy', async () => {
    const pr = aiPaymentsPr(7);
    gh = new FakeGitHub({ policyText: null, prs: [pr] });
    await app.receive('pull_request', pullRequestEvent('opened', pr));

    expect(gh.calls().slice(0, 3)).toEqual([
      'POST /graphql PullRequestSnapshot',
      `GET ${ORG_POLICY_URL}`,
      `GET ${R}/commits/${pr.headSha}/check-runs`,
    ]);
    const check = gh.one('POST', `${R}/check-runs`).body;
    expect(check.conclusion).toBe('success');
    expect(check.output.title).toBe('AI-assisted: no policy file, no approval required');
    const summary = plain(check.output.summary);
    expect(summary).toContain('### No policy file');
    expect(summary).toContain('AI assistance was found in this pull request');
    expect(summary).toContain('add ` .github/ai-governance.yml ` to the default branch');
    expect(summary).toContain('[the policy reference](https://docs.example.test/policy)');
    expect(summary).toContain('Claude Code');
    // Only the check: no comment, label or review request where nobody asked for governance.
    expect(gh.writeCalls()).toEqual([`POST ${R}/check-runs`]);
  });

  it('a PR without AI evidence passes and says so', async () => {
    const pr = pullRequest(8, { files: ['services/payments/refund.ts'] });
    gh = new FakeGitHub({ policyText: null, prs: [pr] });
    await app.receive('pull_request', pullRequestEvent('opened', pr));

    expect(gh.writeCalls()).toEqual([`POST ${R}/check-runs`]);
    const check = gh.one('POST', `${R}/check-runs`).body;
    expect(check.conclusion).toBe('success');
    expect(check.output.title).toBe('Not AI-assisted (no policy file)');
    expect(check.output.summary).toContain('No AI assistance was found');
  });

  it('an error reading the organisation’s file is not "no policy"', async () => {
    const pr = aiPaymentsPr(7);
    gh = new FakeGitHub({ policyText: null, prs: [pr] });
    gh.fail(`GET ${ORG_POLICY_URL}`, 500);
    await app.receive('pull_request', pullRequestEvent('opened', pr));

    const check = gh.one('POST', `${R}/check-runs`).body;
    expect(check.conclusion).toBe('failure');
    expect(check.output.title).toContain('could not read the policy');
  });
});

describe('a pull request that changes the policy file', () => {
  const exempting = `version: 1\npolicy_file:\n  approvals: 1\n  reviewers:\n    users: [alice]\ncritical_paths: []\n`;

  it('is judged by the default branch’s policy and needs the policy_file approval', async () => {
    const pr = pullRequest(9, {
      files: [POLICY_PATH, 'services/payments/refund.ts'],
      commits: [
        {
          sha: sha('pr-9-head'),
          message: `Relax the payments rule\n\n${CLAUDE_TRAILER}\n`,
        },
      ],
    });
    // What the PR's branch holds never reaches the app: it reads HEAD (the default branch).
    gh = new FakeGitHub({
      policyText: PAYMENTS_POLICY,
      contents: { [`${OWNER}/${REPO}:${POLICY_PATH}`]: exempting },
      teams: TEAMS,
      prs: [pr],
    });
    await app.receive('pull_request', pullRequestEvent('opened', pr));

    expect(gh.requests[0]!.body.variables.policyExpression).toBe(`HEAD:${POLICY_PATH}`);
    // Only the org's file is read over REST (for its floor), never the PR's.
    expect(contentsPaths()).toEqual([ORG_POLICY_URL]);
    const check = gh.one('POST', `${R}/check-runs`).body;
    expect(check.conclusion).toBe('action_required');
    expect(check.output.title).toBe(
      'Needs 3 approvals: 2 from @acme/payments-seniors (payments), 1 from @acme/platform-leads (policy fi…',
    );
    expect(plain(check.output.summary)).toContain(
      'Ask @acme/platform-leads for 1 approval (policy file).',
    );
    expect(check.output.annotations).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: POLICY_PATH, title: 'Critical path: policy file' }),
      ]),
    );
    expect(gh.one('POST', `${R}/pulls/9/requested_reviewers`).body).toEqual({
      reviewers: [],
      team_reviewers: ['payments-seniors', 'platform-leads'],
    });
  });

  it('needs the policy_file approval even without AI evidence, and the author cannot give it', async () => {
    const pr = pullRequest(10, { files: [POLICY_PATH], author: 'paula' });
    pr.commits[0]!.author = { name: 'Paula', email: 'paula@acme.test', login: 'paula' };
    pr.reviews.push({ by: 'paula', state: 'APPROVED', commit: pr.headSha });
    gh = new FakeGitHub({ policyText: PAYMENTS_POLICY, teams: TEAMS, prs: [pr] });
    await app.receive('pull_request', pullRequestEvent('opened', pr));

    const check = gh.one('POST', `${R}/check-runs`).body;
    expect(check.conclusion).toBe('action_required');
    expect(check.output.title).toBe('Needs 1 approval from @acme/platform-leads');
    expect(check.output.summary).toContain('opened the pull request');
    expect(gh.find('POST', `${R}/issues/10/labels`)).toEqual([]);
  });
});

describe('push', () => {
  function pushEvent(ref: string, modified: string[]) {
    const p = example('push', (e) => e.ref === 'refs/heads/master' && !!e.installation);
    p.ref = ref;
    p.after = sha('main-2');
    p.commits[0].modified = modified;
    p.commits[0].added = [];
    p.head_commit.modified = modified;
    p.head_commit.added = [];
    return p;
  }

  it('to the default branch, changing the policy, re-evaluates every open PR', async () => {
    const a = aiPaymentsPr(7);
    const b = pullRequest(8, { files: ['README.md'] });
    const closed = pullRequest(6, { state: 'CLOSED' });
    gh = new FakeGitHub({ policyText: PAYMENTS_POLICY, teams: TEAMS, prs: [a, b, closed] });
    await app.receive('push', pushEvent('refs/heads/main', [POLICY_PATH]));

    const list = gh.one('GET', `${R}/pulls`);
    expect(list.query).toMatchObject({ state: 'open' });
    const snapshots = gh.requests.filter((r) => r.op === 'PullRequestSnapshot');
    expect(snapshots.map((r) => r.body.variables.number)).toEqual([8, 7]);
    expect(gh.checkRun(a.headSha)!.conclusion).toBe('action_required');
    expect(gh.checkRun(b.headSha)!.conclusion).toBe('success');
    expect(gh.checkRun(closed.headSha)).toBeUndefined();
    expect(app.errors()).toEqual([]);
  });

  it('a PR that cannot be read gets a failing check on its head; the others are still judged', async () => {
    const a = aiPaymentsPr(7);
    const b = pullRequest(8, { files: ['README.md'] });
    gh = new FakeGitHub({ policyText: PAYMENTS_POLICY, teams: TEAMS, prs: [a, b] });
    // PR #8 (listed first, newest) passed under the old policy.
    gh.checkRuns.push({
      id: 1,
      name: 'AI Governance',
      head_sha: b.headSha,
      status: 'completed',
      conclusion: 'success',
      output: { title: 'Not AI-assisted', summary: 'old', text: null },
      annotations: [],
      app: { id: 1 },
    });
    gh.fail('POST /graphql PullRequestSnapshot', 502);
    await app.receive('push', pushEvent('refs/heads/main', [POLICY_PATH]));

    expect(gh.checkRun(b.headSha)!.conclusion).toBe('failure');
    expect(gh.checkRun(b.headSha)!.output.title).toContain('HTTP 502');
    expect(gh.checkRun(a.headSha)!.conclusion).toBe('action_required');
  });

  it('forced to the default branch (commits may have been dropped) re-evaluates open PRs', async () => {
    const a = aiPaymentsPr(7);
    gh = new FakeGitHub({ policyText: PAYMENTS_POLICY, teams: TEAMS, prs: [a] });
    // Main moved back past the commit that changed the policy: no new commit is listed.
    const p = pushEvent('refs/heads/main', []);
    p.forced = true;
    p.commits = [];
    await app.receive('push', p);
    expect(gh.find('GET', `${R}/pulls`)).toHaveLength(1);
    expect(gh.checkRun(a.headSha)!.conclusion).toBe('action_required');
  });

  it('to another branch, or not touching the policy, does nothing', async () => {
    gh = new FakeGitHub({ policyText: PAYMENTS_POLICY, teams: TEAMS, prs: [aiPaymentsPr(7)] });
    await app.receive('push', pushEvent('refs/heads/feature/x', [POLICY_PATH]));
    await app.receive('push', pushEvent('refs/heads/main', ['README.md']));
    await app.receive('push', pushEvent('refs/tags/v1.0.0', [POLICY_PATH]));
    expect(gh.requests).toEqual([]);
    expect(gh.tokens).toBe(0);
  });
});
