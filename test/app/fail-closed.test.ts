/**
 * Fail closed: a list GitHub will not give in full, an error from GitHub or an answer that cannot
 * be trusted ends in a failing check on the right commit, never in a passing one.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  CLAUDE_TRAILER,
  FakeGitHub,
  OWNER,
  PAYMENTS_POLICY,
  REPO,
  TEAMS,
  aiPaymentsPr,
  plain,
  pullRequest,
  pullRequestEvent,
  sha,
  snapshotAnswer,
  startApp,
  finish,
  type FileSpec,
  type TestApp,
} from './helpers.js';

const R = `/repos/${OWNER}/${REPO}`;
let gh: FakeGitHub;
let app: TestApp;

beforeEach(async () => {
  app = await startApp();
});

afterEach(() => finish(gh));

function manyFiles(n: number): FileSpec[] {
  return Array.from({ length: n }, (_, i) => ({
    path: `src/generated/file-${String(i).padStart(4, '0')}.ts`,
    changeType: 'ADDED',
  }));
}

/** A human PR (no AI evidence): nothing else would hold it, so only the truncation can. */
function bigPr(files: FileSpec[]) {
  return pullRequest(11, { files, changedFiles: 3500 });
}

describe('lists GitHub stops early', () => {
  it('3,500 changed files of which GitHub lists 3,000: a failing check that says so', async () => {
    const pr = bigPr(manyFiles(3500));
    gh = new FakeGitHub({ policyText: PAYMENTS_POLICY, teams: TEAMS, prs: [pr] });
    await app.receive('pull_request', pullRequestEvent('opened', pr));

    // The first 100 files from the snapshot, pages 2 to 30 from REST (where GitHub stops).
    expect(gh.requests.filter((r) => r.op === 'PullRequestPage')).toEqual([]);
    const pages = gh.find('GET', `${R}/pulls/11/files`);
    expect(pages.map((r) => Number(r.query.page)).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 29 }, (_, i) => i + 2),
    );
    expect(pages).toHaveLength(29);
    const check = gh.one('POST', `${R}/check-runs`).body;
    expect(check.head_sha).toBe(pr.headSha);
    expect(check.conclusion).toBe('failure');
    expect(check.output.title).toBe(
      'Could not evaluate: GitHub listed 3000 of 3500 changed files, so critical paths may be missing; spl…',
    );
    expect(plain(check.output.summary)).toContain(
      'GitHub listed 3000 of 3500 changed files, so critical paths may be missing; split the pull request',
    );
    expect(app.errors()).toEqual([]);
  });

  it('the same through REST, read when a file was renamed', async () => {
    const files = manyFiles(3500);
    files[3] = {
      path: 'src/refunds.ts',
      changeType: 'RENAMED',
      previousPath: 'services/payments/refunds.ts',
    };
    const pr = bigPr(files);
    gh = new FakeGitHub({ policyText: PAYMENTS_POLICY, teams: TEAMS, prs: [pr] });
    await app.receive('pull_request', pullRequestEvent('opened', pr));

    expect(gh.find('GET', `${R}/pulls/11/files`)).toHaveLength(30);
    expect(gh.requests.filter((r) => r.op === 'PullRequestPage')).toEqual([]);
    const check = gh.one('POST', `${R}/check-runs`).body;
    expect(check.conclusion).toBe('failure');
    expect(plain(check.output.summary)).toContain('GitHub listed 3000 of 3500 changed files');
  });

  it('a rename out of a critical path is still critical (previous path from REST)', async () => {
    const pr = aiPaymentsPr(12);
    pr.files = [
      {
        path: 'lib/refunds.ts',
        changeType: 'RENAMED',
        previousPath: 'services/payments/refunds.ts',
      },
    ];
    pr.changedFiles = 1;
    gh = new FakeGitHub({ policyText: PAYMENTS_POLICY, teams: TEAMS, prs: [pr] });
    await app.receive('pull_request', pullRequestEvent('opened', pr));

    expect(gh.find('GET', `${R}/pulls/12/files`)).toHaveLength(1);
    const check = gh.one('POST', `${R}/check-runs`).body;
    expect(check.conclusion).toBe('action_required');
    expect(check.output.annotations).toEqual([
      expect.objectContaining({ path: 'lib/refunds.ts', title: 'Critical path: payments' }),
    ]);
  });
});

describe('errors from GitHub', () => {
  it('GraphQL 502: a failing check on the payload’s head sha, with the reason', async () => {
    const pr = aiPaymentsPr(7);
    pr.reviews.push(
      { by: 'carol', state: 'APPROVED', commit: pr.headSha },
      { by: 'dave', state: 'APPROVED', commit: pr.headSha },
    );
    gh = new FakeGitHub({ policyText: PAYMENTS_POLICY, teams: TEAMS, prs: [pr] });
    gh.fail('POST /graphql PullRequestSnapshot', 502, '<html>Bad Gateway</html>');
    const event = pullRequestEvent('synchronize', pr);
    await app.receive('pull_request', event);

    // One attempt (retries are off in tests), then the failing check; nothing else.
    expect(gh.calls()).toEqual([
      'POST /graphql PullRequestSnapshot',
      `GET ${R}/commits/${event.pull_request.head.sha}/check-runs`,
      `POST ${R}/check-runs`,
    ]);
    const check = gh.one('POST', `${R}/check-runs`).body;
    expect(check.head_sha).toBe(pr.headSha);
    expect(check.conclusion).toBe('failure');
    expect(check.output.title).toMatch(
      /^Could not evaluate: could not read pull request acme\/payments-api#7: HTTP 502/,
    );
    expect(app.errors()).toEqual([expect.stringMatching(/^evaluation failed: .*HTTP 502/)]);
  });

  it('a GraphQL error answer (rate limited) fails with GitHub’s message', async () => {
    const pr = aiPaymentsPr(7);
    gh = new FakeGitHub({ policyText: PAYMENTS_POLICY, teams: TEAMS, prs: [pr] });
    gh.fail('POST /graphql PullRequestSnapshot', 200, {
      data: null,
      errors: [{ type: 'RATE_LIMITED', message: 'API rate limit exceeded for installation.' }],
    });
    await app.receive('pull_request', pullRequestEvent('opened', pr));

    const check = gh.one('POST', `${R}/check-runs`).body;
    expect(check.conclusion).toBe('failure');
    expect(plain(check.output.summary)).toContain(
      'could not read pull request acme/payments-api#7: RATE_LIMITED: API rate limit exceeded for installation.',
    );
  });

  it('team members that cannot be read: failure, not "nobody approved"', async () => {
    const pr = aiPaymentsPr(7);
    pr.reviews.push(
      { by: 'carol', state: 'APPROVED', commit: pr.headSha },
      { by: 'dave', state: 'APPROVED', commit: pr.headSha },
    );
    gh = new FakeGitHub({ policyText: PAYMENTS_POLICY, teams: TEAMS, prs: [pr] });
    gh.fail('POST /graphql TeamMembers', 500);
    await app.receive('pull_request', pullRequestEvent('opened', pr));

    expect(gh.writeCalls()).toEqual([`POST ${R}/check-runs`]);
    const check = gh.one('POST', `${R}/check-runs`).body;
    expect(check.conclusion).toBe('failure');
    expect(check.output.title).toContain('could not read the members of teams in acme');
  });

  it('a PR whose review list GitHub leaves out fails', async () => {
    const withoutReviews = () => {
      const answer = snapshotAnswer(gh.repo, pr);
      answer.repository!.pullRequest!.reviews = null;
      return answer;
    };
    const pr = aiPaymentsPr(7);
    gh = new FakeGitHub({ policyText: PAYMENTS_POLICY, teams: TEAMS, prs: [pr] });
    gh.fail('POST /graphql PullRequestSnapshot', 200, {
      data: withoutReviews(),
    });
    await app.receive('pull_request', pullRequestEvent('opened', pr));

    const check = gh.one('POST', `${R}/check-runs`).body;
    expect(check.conclusion).toBe('failure');
    expect(check.output.title).toContain('GitHub gave no review list');
  });

  it('a write that fails after a passing verdict turns into a failing check, never a pass', async () => {
    const pr = pullRequest(8, { files: ['README.md'] });
    gh = new FakeGitHub({ policyText: PAYMENTS_POLICY, teams: TEAMS, prs: [pr] });
    gh.fail(`POST ${R}/check-runs`, 500);
    await app.receive('pull_request', pullRequestEvent('opened', pr));

    const posts = gh.find('POST', `${R}/check-runs`);
    expect(posts.map((p) => p.body.conclusion)).toEqual(['success', 'failure']);
    expect(gh.checkRun(pr.headSha)!.conclusion).toBe('failure');
  });

  it('when even the failing check cannot be written, the delivery fails (GitHub shows it)', async () => {
    const pr = aiPaymentsPr(7);
    gh = new FakeGitHub({ policyText: PAYMENTS_POLICY, teams: TEAMS, prs: [pr] });
    gh.fail('POST /graphql PullRequestSnapshot', 502);
    gh.fail(`POST ${R}/check-runs`, 502);
    await expect(app.receive('pull_request', pullRequestEvent('opened', pr))).rejects.toThrow();
    expect(gh.checkRuns).toEqual([]);
  });
});

describe('AI evidence in a PR that touches no critical path', () => {
  it('passes with no approval required, labels it and keeps the audit comment', async () => {
    const pr = pullRequest(13, {
      files: ['docs/guide.md'],
      commits: [{ sha: sha('pr-13-head'), message: `Reword the guide\n\n${CLAUDE_TRAILER}` }],
    });
    gh = new FakeGitHub({ policyText: PAYMENTS_POLICY, teams: TEAMS, prs: [pr] });
    await app.receive('pull_request', pullRequestEvent('opened', pr));

    expect(gh.writeCalls()).toEqual([
      `POST ${R}/check-runs`,
      `POST ${R}/issues/13/comments`,
      `POST ${R}/issues/13/labels`,
    ]);
    const check = gh.one('POST', `${R}/check-runs`).body;
    expect(check.conclusion).toBe('success');
    expect(check.output.title).toBe('AI-assisted: no approval required');
  });
});
