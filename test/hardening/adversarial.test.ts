/**
 * Adversarial approvals and detection, end to end through webhooks: each attempt to get an
 * AI-assisted change to a critical path through without the required reviewers must fail, and the
 * audit comment must say why each review did not count.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  ALICE,
  CLAUDE_TRAILER,
  FakeGitHub,
  OWNER,
  PAYMENTS_POLICY,
  POLICY_PATH,
  REPO,
  TEAMS,
  aiPaymentsPr,
  finish,
  plain,
  pullRequest,
  pullRequestEvent,
  reviewEvent,
  sha,
  type PrSpec,
  type ReviewSpec,
} from '../app/helpers.js';
import { R, auditComment, discountedSection, startPlainApp } from './harness.js';

let gh: FakeGitHub | undefined;

afterEach(() => {
  vi.useRealTimers();
  finish(gh);
  gh = undefined;
});

const OVERRIDE_POLICY = `${PAYMENTS_POLICY}override:\n  label: ai-governance-override\n  teams: [incident-commanders]\n`;
const ALL_TEAMS: Record<string, string[]> = { ...TEAMS, 'incident-commanders': ['ivan'] };

/** Opens `pr` against the payments policy and returns the check and the audit comment. */
async function judge(
  pr: PrSpec,
  over: {
    policy?: string;
    teams?: Record<string, string[]>;
    event?: unknown;
    /** A label applied after the app first judged the head, then its `labeled` delivery. */
    thenLabel?: { name: string; by: string };
  } = {},
) {
  gh = new FakeGitHub({
    policyText: over.policy ?? OVERRIDE_POLICY,
    teams: over.teams ?? ALL_TEAMS,
    prs: [pr],
  });
  const app = await startPlainApp();
  await app.receive('pull_request', over.event ?? pullRequestEvent('opened', pr));
  if (over.thenLabel) {
    pr.labels.push(over.thenLabel);
    await app.receive('pull_request', pullRequestEvent('labeled', pr));
  }
  expect(app.errors()).toEqual([]);
  const check = gh.checkRun(pr.headSha)!;
  return { check, comment: auditComment(pr), summary: plain(check.output.summary!) };
}

function approved(pr: PrSpec, ...reviews: Partial<ReviewSpec>[]): PrSpec {
  for (const r of reviews) {
    pr.reviews.push({ by: 'carol', state: 'APPROVED', commit: pr.headSha, ...r } as ReviewSpec);
  }
  return pr;
}

describe('approvals that must not count', () => {
  it('the PR author approving their own PR (even as a team member)', async () => {
    const pr = approved(aiPaymentsPr(), { by: 'alice' }, { by: 'carol' });
    const { check, comment } = await judge(pr, {
      teams: { ...ALL_TEAMS, 'payments-seniors': ['alice', 'carol', 'dave'] },
    });
    expect(check.conclusion).toBe('action_required');
    expect(check.output.title).toBe('Needs 1 more approval from @acme/payments-seniors');
    expect(discountedSection(comment)).toBe(
      '- @alice (payments) opened the pull request: @alice opened this PR and cannot approve it',
    );
  });

  it('a commit author approving', async () => {
    const pr = aiPaymentsPr();
    pr.commits.push({
      sha: sha('carol-commit'),
      message: 'Tidy up',
      author: { name: 'Carol', email: 'carol@acme.test', login: 'carol' },
    });
    approved(pr, { by: 'carol' }, { by: 'dave' });
    const { check, comment } = await judge(pr);
    expect(check.conclusion).toBe('action_required');
    expect(discountedSection(comment)).toBe(
      '- @carol (payments) contributed to the changes: @carol wrote or co-wrote a commit in this PR and cannot approve it',
    );
  });

  it('a Co-authored-by co-author approving (matched by their noreply address)', async () => {
    const pr = aiPaymentsPr();
    pr.commits[0]!.message += 'Co-authored-by: Dave D <4242+dave@users.noreply.github.com>\n';
    approved(pr, { by: 'carol' }, { by: 'dave' });
    const { check, comment } = await judge(pr);
    expect(check.conclusion).toBe('action_required');
    expect(discountedSection(comment)).toBe(
      '- @dave (payments) contributed to the changes: @dave wrote or co-wrote a commit in this PR and cannot approve it',
    );
  });

  it('a bot account (type Bot), even one listed in the team', async () => {
    const pr = approved(aiPaymentsPr(), { by: 'carol' }, { by: 'review-helper', type: 'Bot' });
    const { check, comment } = await judge(pr, {
      teams: { ...ALL_TEAMS, 'payments-seniors': ['carol', 'dave', 'review-helper[bot]'] },
    });
    expect(check.conclusion).toBe('action_required');
    expect(discountedSection(comment)).toBe(
      "- @review-helper[bot] (payments) is a bot: @review-helper[bot] is a bot; a bot's review never counts",
    );
  });

  it('an AI review bot whose account GitHub reports as a user', async () => {
    const pr = approved(aiPaymentsPr(), { by: 'carol' }, { by: 'Copilot', type: 'User' });
    const { check, comment } = await judge(pr, {
      teams: { ...ALL_TEAMS, 'payments-seniors': ['carol', 'dave', 'copilot'] },
    });
    expect(check.conclusion).toBe('action_required');
    expect(discountedSection(comment)).toContain('- @Copilot (payments) is a bot');
  });

  it('a reviewer who is not in the required team', async () => {
    const pr = approved(aiPaymentsPr(), { by: 'carol' }, { by: 'mallory' });
    const { check, comment } = await judge(pr);
    expect(check.conclusion).toBe('action_required');
    expect(discountedSection(comment)).toBe(
      '- @mallory (payments) is not one of the required reviewers: @mallory is not one of the reviewers payments requires',
    );
  });

  it('approvals given before the latest push', async () => {
    const pr = aiPaymentsPr();
    const old = pr.headSha;
    approved(pr, { by: 'carol', commit: old }, { by: 'dave', commit: old });
    pr.headSha = sha('pr-7-after-approval');
    pr.commits.push({ sha: pr.headSha, message: `Sneak in more\n\n${CLAUDE_TRAILER}` });
    const { check, comment } = await judge(pr, { event: pullRequestEvent('synchronize', pr) });
    expect(check.conclusion).toBe('action_required');
    expect(check.output.title).toBe('Needs 2 approvals from @acme/payments-seniors');
    const short = (s: string) => s.slice(0, 7);
    expect(discountedSection(comment)).toBe(
      [
        `- @carol (payments) reviewed an older commit: @carol approved ${short(old)}, not the latest commit ${short(pr.headSha)}`,
        `- @dave (payments) reviewed an older commit: @dave approved ${short(old)}, not the latest commit ${short(pr.headSha)}`,
      ].join('\n'),
    );
  });

  it('an approval followed by requested changes from the same person', async () => {
    const pr = approved(
      aiPaymentsPr(),
      { by: 'carol', at: '2025-01-01T10:00:00Z' },
      { by: 'dave', at: '2025-01-01T10:01:00Z' },
      { by: 'carol', state: 'CHANGES_REQUESTED', at: '2025-01-01T11:00:00Z' },
    );
    const { check, comment } = await judge(pr);
    expect(check.conclusion).toBe('action_required');
    expect(check.output.title).toBe(
      'Needs 1 more approval from @acme/payments-seniors; changes requested by @carol',
    );
    expect(discountedSection(comment)).toBe(
      '- @carol (payments) a later review replaced it: @carol approved earlier but then requested changes',
    );
  });
});

describe('the override label', () => {
  it('applied by someone who may not override: ignored, and the comment says so', async () => {
    const pr = aiPaymentsPr();
    pr.labels.push({ name: 'ai-governance-override', by: 'alice' });
    const event = pullRequestEvent('labeled', pr);
    const { check, summary, comment } = await judge(pr, { event });
    expect(check.conclusion).toBe('action_required');
    expect(summary).toContain(
      '**Override:** label ` ai-governance-override ` applied by @alice, not accepted. @alice applied the label but is not allowed to override',
    );
    expect(plain(comment)).toContain('applied by @alice, not accepted.');
  });

  it('applied by a bot: ignored', async () => {
    const pr = aiPaymentsPr();
    pr.labels.push({ name: 'ai-governance-override', by: 'helper', byType: 'Bot' });
    const { check, summary } = await judge(pr, {
      teams: { ...ALL_TEAMS, 'incident-commanders': ['ivan', 'helper[bot]'] },
    });
    expect(check.conclusion).toBe('action_required');
    expect(summary).toContain('@helper[bot] is a bot and cannot override');
  });

  it('applied by a member of the override team: passes as overridden, recorded in the history', async () => {
    const pr = aiPaymentsPr();
    const { check, comment } = await judge(pr, {
      thenLabel: { name: 'ai-governance-override', by: 'ivan' },
    });
    expect(check.conclusion).toBe('success');
    expect(check.output.title).toBe('Overridden by @ivan with label ai-governance-override');
    expect(plain(comment)).toMatch(/⚠️ overridden \| — \| ` ai-governance-override ` by @ivan \|/);
  });
});

describe('detection that cannot be switched off from the PR', () => {
  it('the AI label removed while the trailers still say AI: still AI-assisted and held', async () => {
    const pr = aiPaymentsPr();
    const policy = `${OVERRIDE_POLICY}detection:\n  labels: [ai-assisted]\n`;
    const event = pullRequestEvent('unlabeled', pr);
    event.label = { name: 'ai-assisted' };
    const { check, comment } = await judge(pr, { policy, event });
    expect(check.conclusion).toBe('action_required');
    expect(plain(comment)).toContain(
      '| trailer | Claude Code | ` ' + pr.headSha.slice(0, 7) + ' ` | ` ' + CLAUDE_TRAILER,
    );
  });

  it('a PR from a fork is judged by the base repository’s policy on its default branch', async () => {
    const pr = aiPaymentsPr();
    pr.isCrossRepository = true;
    pr.headRef = 'main';
    pr.author = 'outsider';
    pr.commits[0]!.author = { name: 'Out Sider', email: 'out@example.com', login: 'outsider' };
    const { check } = await judge(pr);
    expect(check.conclusion).toBe('action_required');
    const snapshot = gh!.requests.find((r) => r.op === 'PullRequestSnapshot')!;
    expect(snapshot.body.variables).toMatchObject({
      owner: OWNER,
      repo: REPO,
      policyExpression: `HEAD:${POLICY_PATH}`,
    });
    // The only file read over REST is the org's policy (its floor), from its default branch.
    expect(gh!.requests.filter((r) => r.path.includes('/contents/'))).toEqual([
      expect.objectContaining({
        method: 'GET',
        path: `/repos/${OWNER}/.github/contents/${encodeURIComponent(POLICY_PATH)}`,
        query: {},
      }),
    ]);
  });

  it('a PR that edits the policy to exempt itself: judged by the default branch, and critical', async () => {
    const pr = aiPaymentsPr();
    pr.files.push({ path: POLICY_PATH, changeType: 'MODIFIED' });
    pr.changedFiles = pr.files.length;
    pr.title = 'Exempt payments from review';
    approved(pr, { by: 'alice' });
    const exempting =
      'version: 1\ncritical_paths: []\npolicy_file:\n  reviewers:\n    users: [alice]\n';
    gh = new FakeGitHub({
      policyText: OVERRIDE_POLICY,
      teams: ALL_TEAMS,
      prs: [pr],
      contents: { [`${OWNER}/${REPO}:${POLICY_PATH}`]: exempting },
    });
    const app = await startPlainApp();
    await app.receive('pull_request', pullRequestEvent('opened', pr));
    const check = gh.checkRun(pr.headSha)!;
    expect(check.conclusion).toBe('action_required');
    expect(check.output.title).toMatch(/^Needs 3 approvals: 2 from @acme\/payments-seniors/);
    const comment = auditComment(pr);
    expect(plain(comment)).toContain(`| ❌ policy file | 1: ${'`'} ${POLICY_PATH} ${'`'} |`);
    expect(discountedSection(comment)).toBe(
      '- @alice (payments, policy file) opened the pull request: @alice opened this PR and cannot approve it',
    );
  });

  it.each(['none', 'false', 'No', 'N/A', ' off '])(
    '`Assisted-by: %s` is a denial, not evidence',
    async (value) => {
      const pr = pullRequest(7, {
        files: ['services/payments/refund.ts'],
        commits: [{ sha: sha('pr-7-head'), message: `Fix refunds\n\nAssisted-by: ${value}\n` }],
      });
      gh = new FakeGitHub({ policyText: OVERRIDE_POLICY, teams: ALL_TEAMS, prs: [pr] });
      const app = await startPlainApp();
      await app.receive('pull_request', pullRequestEvent('opened', pr));
      const check = gh.checkRun(pr.headSha)!;
      expect(check.conclusion).toBe('success');
      expect(check.output.title).toBe('Not AI-assisted');
      expect(pr.labels).toEqual([]);
    },
  );

  it('`Assisted-by:` with any other value is evidence', async () => {
    const pr = pullRequest(7, {
      files: ['services/payments/refund.ts'],
      commits: [{ sha: sha('pr-7-head'), message: 'Fix refunds\n\nAssisted-by: nope-ish\n' }],
    });
    const { check } = await judge(pr);
    expect(check.conclusion).toBe('action_required');
  });
});

describe('team membership is read at evaluation time', () => {
  function twoApprovals(): PrSpec {
    return approved(aiPaymentsPr(), { by: 'carol' }, { by: 'dave' });
  }

  it('a reviewer who has since left the team no longer counts (cache time 0)', async () => {
    const pr = twoApprovals();
    const teams = structuredClone(ALL_TEAMS);
    gh = new FakeGitHub({ policyText: OVERRIDE_POLICY, teams, prs: [pr] });
    const app = await startPlainApp({ teamTtlMs: 0 });
    await app.receive('pull_request', pullRequestEvent('opened', pr));
    expect(gh.checkRun(pr.headSha)!.conclusion).toBe('success');

    teams['payments-seniors'] = ['carol', 'erin'];
    await app.receive('pull_request', pullRequestEvent('reopened', pr));
    expect(gh.checkRun(pr.headSha)!.conclusion).toBe('action_required');
    expect(discountedSection(auditComment(pr))).toBe(
      '- @dave (payments) is not one of the required reviewers: @dave is not one of the reviewers payments requires',
    );
  });

  it('with a cache, a departure counts from the next read: staleness is bounded by the TTL', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const pr = twoApprovals();
    const teams = structuredClone(ALL_TEAMS);
    gh = new FakeGitHub({ policyText: OVERRIDE_POLICY, teams, prs: [pr] });
    const app = await startPlainApp({ teamTtlMs: 60_000 });
    await app.receive('pull_request', pullRequestEvent('opened', pr));
    expect(gh.checkRun(pr.headSha)!.conclusion).toBe('success');

    teams['payments-seniors'] = ['carol', 'erin'];
    vi.setSystemTime(Date.now() + 59_000);
    await app.receive('pull_request', pullRequestEvent('reopened', pr));
    // Within the TTL the cached list (with dave) is still used.
    expect(gh.checkRun(pr.headSha)!.conclusion).toBe('success');
    expect(gh.requests.filter((r) => r.op === 'TeamMembers')).toHaveLength(1);

    vi.setSystemTime(Date.now() + 2_000);
    await app.receive(
      'pull_request_review',
      reviewEvent(pr, { by: 'dave', state: 'APPROVED', commit: pr.headSha }),
    );
    expect(gh.requests.filter((r) => r.op === 'TeamMembers')).toHaveLength(2);
    expect(gh.checkRun(pr.headSha)!.conclusion).toBe('action_required');
  });
});

describe('a human PR that an AI tool helped with, disguised', () => {
  it('a Claude co-author written in another case and spacing is still found', async () => {
    const pr = pullRequest(7, {
      files: ['services/payments/refund.ts'],
      commits: [
        {
          sha: sha('pr-7-head'),
          message: 'Fix refunds\n\nco-authored-by:   claude <NOREPLY@ANTHROPIC.COM>\n',
          author: ALICE,
        },
      ],
    });
    const { check } = await judge(pr);
    expect(check.conclusion).toBe('action_required');
    expect(gh!.find('POST', `${R}/issues/7/labels`)).toHaveLength(1);
  });
});
