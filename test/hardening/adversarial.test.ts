/**
 * Adversarial approvals and detection, end to end through webhooks: each attempt to get an
 * AI-assisted change to a critical path through without the required reviewers must fail, and the
 * audit comment must say why each review did not count.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { FakePullRequest, ReviewState } from '../../src/fake-github/model.js';
import type { FakeGitHubState } from '../../src/fake-github/state.js';
import {
  pullRequestEvent,
  pullRequestReviewEvent,
  type PullRequestAction,
  type WebhookDelivery,
} from '../../src/fake-github/webhooks.js';
import { POLICY_PATH } from '../../src/model/names.js';
import { plain, type AppOnFake } from '../support/app-on-fake.js';
import {
  CLAUDE_TRAILER,
  ORG,
  PAYMENTS_POLICY,
  R,
  REPO,
  TEAMS,
  apiPath,
  asked,
  discountedSection,
  find,
  hardeningState,
  openAiPaymentsPr,
  openPr,
  start,
} from './world.js';

afterEach(() => {
  vi.useRealTimers();
});

const OVERRIDE_POLICY = `${PAYMENTS_POLICY}override:\n  label: ai-governance-override\n  teams: [incident-commanders]\n`;
const ALL_TEAMS: Record<string, string[]> = { ...TEAMS, 'incident-commanders': ['ivan'] };
const OVERRIDE = 'ai-governance-override';

/** The org with the override policy and teams, unless told otherwise. */
const world = (over: { policy?: string; teams?: Record<string, string[]> } = {}) =>
  hardeningState({ policy: over.policy ?? OVERRIDE_POLICY, teams: over.teams ?? ALL_TEAMS });

/** Reviews of the PR's head (unless `commitId` says otherwise), in order, one second apart. */
function review(
  state: FakeGitHubState,
  pr: FakePullRequest,
  ...reviews: { user: string; state?: ReviewState; commitId?: string }[]
) {
  return reviews.map((r) => state.submitReview(REPO, pr.number, r));
}

/**
 * Sends `event` (the PR's `opened` by default) to the app; with `thenLabel`, applies that label
 * after the app judged the head and sends its `labeled` delivery. Returns the check and comment.
 */
async function judge(
  state: FakeGitHubState,
  pr: FakePullRequest,
  over: { event?: WebhookDelivery; thenLabel?: { name: string; by: string } } = {},
) {
  const app = await start(state);
  expect(await app.send(over.event ?? pullRequestEvent(state, REPO, pr.number, 'opened'))).toBe(
    200,
  );
  if (over.thenLabel) {
    state.addLabel(REPO, pr.number, over.thenLabel.name, over.thenLabel.by);
    const labeled = pullRequestEvent(state, REPO, pr.number, 'labeled', {
      label: over.thenLabel.name,
      sender: over.thenLabel.by,
    });
    expect(await app.send(labeled)).toBe(200);
  }
  expect(app.errors()).toEqual([]);
  const check = app.check(REPO, pr.headSha);
  return {
    app,
    check,
    comment: app.comment(REPO, pr.number),
    summary: plain(check.output.summary!),
  };
}

/** A labeled or unlabeled delivery for a label just applied or removed by `by`. */
const labelEvent = (
  state: FakeGitHubState,
  pr: FakePullRequest,
  action: Extract<PullRequestAction, 'labeled' | 'unlabeled'>,
  label: string,
  by: string,
) => pullRequestEvent(state, REPO, pr.number, action, { label, sender: by });

describe('approvals that must not count', () => {
  it('the PR author approving their own PR (even as a team member)', async () => {
    // GitHub itself refuses an author's approval (422); the app does not rely on that.
    const state = world({
      teams: { ...ALL_TEAMS, 'payments-seniors': ['alice', 'carol', 'dave'] },
    });
    const pr = openAiPaymentsPr(state);
    review(state, pr, { user: 'alice' }, { user: 'carol' });
    const { check, comment } = await judge(state, pr);
    expect(check.conclusion).toBe('action_required');
    expect(check.output.title).toBe('Needs 1 more approval from @acme/payments-seniors');
    expect(discountedSection(comment)).toBe(
      '- @alice (payments) opened the pull request: @alice opened this PR and cannot approve it',
    );
  });

  it('a commit author approving', async () => {
    const state = world();
    const pr = openAiPaymentsPr(state, 7, {
      commits: [
        { message: `Retry failed refunds\n\nRetries with backoff.\n\n${CLAUDE_TRAILER}\n` },
        { message: 'Tidy up', author: 'carol' },
      ],
    });
    review(state, pr, { user: 'carol' }, { user: 'dave' });
    const { check, comment } = await judge(state, pr);
    expect(check.conclusion).toBe('action_required');
    expect(discountedSection(comment)).toBe(
      '- @carol (payments) contributed to the changes: @carol wrote or co-wrote a commit in this PR and cannot approve it',
    );
  });

  it('a Co-authored-by co-author approving (matched by their noreply address)', async () => {
    const state = world();
    const noreply = state.account('dave').email!;
    expect(noreply).toMatch(/^\d+\+dave@users\.noreply\.github\.com$/);
    const pr = openAiPaymentsPr(state, 7, {
      commits: [
        {
          message: `Retry failed refunds\n\nRetries with backoff.\n\n${CLAUDE_TRAILER}\nCo-authored-by: Dave D <${noreply}>\n`,
        },
      ],
    });
    review(state, pr, { user: 'carol' }, { user: 'dave' });
    const { check, comment } = await judge(state, pr);
    expect(check.conclusion).toBe('action_required');
    expect(discountedSection(comment)).toBe(
      '- @dave (payments) contributed to the changes: @dave wrote or co-wrote a commit in this PR and cannot approve it',
    );
  });

  it('a bot account (type Bot)', async () => {
    // GitHub lets an app approve a pull request, but not join a team or be named as a reviewer
    // in a policy (a login cannot end in [bot] there): the bot is judged as a bot.
    const state = world();
    state.addUser('review-helper[bot]', { type: 'Bot' });
    const pr = openAiPaymentsPr(state);
    review(state, pr, { user: 'carol' }, { user: 'review-helper[bot]' });
    const { check, comment } = await judge(state, pr);
    expect(check.conclusion).toBe('action_required');
    expect(discountedSection(comment)).toBe(
      "- @review-helper[bot] (payments) is a bot: @review-helper[bot] is a bot; a bot's review never counts",
    );
  });

  it('an AI review bot whose account GitHub reports as a user, even one the policy names', async () => {
    const policy = OVERRIDE_POLICY.replace(
      '      teams: [payments-seniors]\npolicy_file',
      '      teams: [payments-seniors]\n      users: [Copilot]\npolicy_file',
    );
    expect(policy).toContain('users: [Copilot]');
    const state = world({ policy });
    state.addUser('Copilot', { type: 'User' });
    const pr = openAiPaymentsPr(state);
    review(state, pr, { user: 'carol' }, { user: 'Copilot' });
    const { check, comment } = await judge(state, pr);
    expect(check.conclusion).toBe('action_required');
    expect(discountedSection(comment)).toContain('- @Copilot (payments) is a bot');
  });

  it('a reviewer who is not in the required team', async () => {
    const state = world();
    // A member of the org, so allowed to push, but not in the payments team.
    state.addOrgMember(ORG, 'mallory');
    const pr = openAiPaymentsPr(state);
    review(state, pr, { user: 'carol' }, { user: 'mallory' });
    const { check, comment } = await judge(state, pr);
    expect(check.conclusion).toBe('action_required');
    expect(discountedSection(comment)).toBe(
      '- @mallory (payments) is not one of the required reviewers: @mallory is not one of the reviewers payments requires',
    );
  });

  it('approvals given before the latest push', async () => {
    const state = world();
    const pr = openAiPaymentsPr(state);
    const old = pr.headSha;
    review(state, pr, { user: 'carol' }, { user: 'dave' });
    state.pushCommits(REPO, pr.number, [{ message: `Sneak in more\n\n${CLAUDE_TRAILER}` }]);
    const event = pullRequestEvent(state, REPO, pr.number, 'synchronize', { before: old });
    const { check, comment } = await judge(state, pr, { event });
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
    const state = world();
    const pr = openAiPaymentsPr(state);
    review(
      state,
      pr,
      { user: 'carol' },
      { user: 'dave' },
      { user: 'carol', state: 'CHANGES_REQUESTED' },
    );
    const { check, comment } = await judge(state, pr);
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
    const state = world();
    const pr = openAiPaymentsPr(state);
    state.addLabel(REPO, pr.number, OVERRIDE, 'alice');
    const event = labelEvent(state, pr, 'labeled', OVERRIDE, 'alice');
    const { check, summary, comment } = await judge(state, pr, { event });
    expect(check.conclusion).toBe('action_required');
    expect(summary).toContain(
      '**Override:** label ` ai-governance-override ` applied by @alice, not accepted. @alice applied the label but is not allowed to override',
    );
    expect(plain(comment)).toContain('applied by @alice, not accepted.');
  });

  it('applied by a bot: ignored', async () => {
    // A bot cannot be in the override team, nor named in a policy: it applies the label anyway.
    const state = world();
    state.addUser('helper[bot]', { type: 'Bot' });
    const pr = openAiPaymentsPr(state);
    state.addLabel(REPO, pr.number, OVERRIDE, 'helper[bot]');
    const { check, summary } = await judge(state, pr);
    expect(check.conclusion).toBe('action_required');
    expect(summary).toContain('@helper[bot] is a bot and cannot override');
  });

  it('applied by a member of the override team: passes as overridden, recorded in the history', async () => {
    const state = world();
    const pr = openAiPaymentsPr(state);
    const { check, comment } = await judge(state, pr, {
      thenLabel: { name: OVERRIDE, by: 'ivan' },
    });
    expect(check.conclusion).toBe('success');
    expect(check.output.title).toBe('Overridden by @ivan with label ai-governance-override');
    expect(plain(comment)).toMatch(/⚠️ overridden \| — \| ` ai-governance-override ` by @ivan \|/);
  });
});

describe('detection that cannot be switched off from the PR', () => {
  it('the AI label removed while the trailers still say AI: still AI-assisted and held', async () => {
    const state = world({ policy: `${OVERRIDE_POLICY}detection:\n  labels: [ai-assisted]\n` });
    const pr = openAiPaymentsPr(state);
    state.addLabel(REPO, pr.number, 'ai-assisted', 'alice');
    state.removeLabel(REPO, pr.number, 'ai-assisted', 'alice');
    const event = labelEvent(state, pr, 'unlabeled', 'ai-assisted', 'alice');
    const { check, comment } = await judge(state, pr, { event });
    expect(check.conclusion).toBe('action_required');
    expect(plain(comment)).toContain(
      '| trailer | Claude Code | ` ' + pr.headSha.slice(0, 7) + ' ` | ` ' + CLAUDE_TRAILER,
    );
  });

  it('a PR from a fork is judged by the base repository’s policy on its default branch', async () => {
    const state = world();
    state.addUser('outsider', { name: 'Out Sider', email: 'out@example.com' });
    const pr = openAiPaymentsPr(state, 7, {
      author: 'outsider',
      crossRepository: true,
      headRef: 'main',
    });
    const { app, check } = await judge(state, pr);
    expect(check.conclusion).toBe('action_required');
    const snapshot = app.fake.stats.requests.find((r) => r.operation === 'PullRequestSnapshot')!;
    expect((snapshot.body as { variables: unknown }).variables).toMatchObject({
      owner: ORG,
      repo: 'payments-api',
      policyExpression: `HEAD:${POLICY_PATH}`,
    });
    // The snapshot reads the repository's and the org's policy (its floor) at `HEAD:`, their
    // default branches, and no file is read over REST: nothing comes from the fork's head.
    expect(app.fake.stats.requests.filter((r) => r.path.includes('/contents/'))).toEqual([]);
    expect(apiPath(snapshot)).toBe('/graphql');
  });

  it('a PR that edits the policy to exempt itself: judged by the default branch, and critical', async () => {
    const state = world();
    const exempting =
      'version: 1\ncritical_paths: []\npolicy_file:\n  reviewers:\n    users: [alice]\n';
    const pr = openAiPaymentsPr(state, 7, { title: 'Exempt payments from review' });
    // The PR's head really holds the exempting policy.
    const repo = state.requireRepo(REPO);
    const files = [...pr.files.map((f) => f.path), POLICY_PATH];
    pr.files.push({ path: POLICY_PATH, changeType: 'MODIFIED', additions: 2, deletions: 9 });
    repo.commits.get(pr.headSha)!.tree = new Map([
      ...state.treeAt(repo, pr.baseSha)!,
      ...files.map((f): [string, string] => [f, f === POLICY_PATH ? exempting : '// code\n']),
    ]);
    review(state, pr, { user: 'alice' });
    const { check, comment } = await judge(state, pr);
    expect(check.conclusion).toBe('action_required');
    expect(check.output.title).toMatch(/^Needs 3 approvals: 2 from @acme\/payments-seniors/);
    expect(plain(comment)).toContain(`| ❌ policy file | 1: ${'`'} ${POLICY_PATH} ${'`'} |`);
    expect(discountedSection(comment)).toBe(
      '- @alice (payments, policy file) opened the pull request: @alice opened this PR and cannot approve it',
    );
  });

  it.each(['none', 'false', 'No', 'N/A', ' off '])(
    '`Assisted-by: %s` is a denial, not evidence',
    async (value) => {
      const state = world();
      const pr = openPr(state, 7, {
        files: ['services/payments/refund.ts'],
        commits: [{ message: `Fix refunds\n\nAssisted-by: ${value}\n` }],
      });
      const app = await start(state);
      expect(await app.send(pullRequestEvent(state, REPO, pr.number, 'opened'))).toBe(200);
      const check = app.check(REPO, pr.headSha);
      expect(check.conclusion).toBe('success');
      expect(check.output.title).toBe('Not AI-assisted');
      expect(pr.labels).toEqual([]);
    },
  );

  it('`Assisted-by:` with any other value is evidence', async () => {
    const state = world();
    const pr = openPr(state, 7, {
      files: ['services/payments/refund.ts'],
      commits: [{ message: 'Fix refunds\n\nAssisted-by: nope-ish\n' }],
    });
    const { check } = await judge(state, pr);
    expect(check.conclusion).toBe('action_required');
  });
});

describe('team membership is read at evaluation time', () => {
  function twoApprovals() {
    const state = world();
    const pr = openAiPaymentsPr(state);
    const [, dave] = review(state, pr, { user: 'carol' }, { user: 'dave' });
    return { state, pr, dave: dave! };
  }
  /** The PR closed and reopened, and GitHub's `reopened` delivery. */
  const reopen = (state: FakeGitHubState, pr: FakePullRequest) => {
    state.closePullRequest(REPO, pr.number);
    state.reopenPullRequest(REPO, pr.number);
    return pullRequestEvent(state, REPO, pr.number, 'reopened');
  };
  const conclusion = (app: AppOnFake, pr: FakePullRequest) =>
    app.check(REPO, pr.headSha).conclusion;

  it('a reviewer who has since left the team no longer counts (cache time 0)', async () => {
    const { state, pr } = twoApprovals();
    const app = await start(state, { app: { teamTtlMs: 0 } });
    expect(await app.send(pullRequestEvent(state, REPO, pr.number, 'opened'))).toBe(200);
    expect(conclusion(app, pr)).toBe('success');

    state.setTeamMembers(ORG, 'payments-seniors', ['carol', 'erin']);
    expect(await app.send(reopen(state, pr))).toBe(200);
    expect(conclusion(app, pr)).toBe('action_required');
    expect(discountedSection(app.comment(REPO, pr.number))).toBe(
      '- @dave (payments) is not one of the required reviewers: @dave is not one of the reviewers payments requires',
    );
  });

  it('with a cache, a departure counts from the next read: staleness is bounded by the TTL', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const { state, pr, dave } = twoApprovals();
    const app = await start(state, { app: { teamTtlMs: 60_000 } });
    expect(await app.send(pullRequestEvent(state, REPO, pr.number, 'opened'))).toBe(200);
    expect(conclusion(app, pr)).toBe('success');

    state.setTeamMembers(ORG, 'payments-seniors', ['carol', 'erin']);
    vi.setSystemTime(Date.now() + 59_000);
    expect(await app.send(reopen(state, pr))).toBe(200);
    // Within the TTL the cached list (with dave) is still used.
    expect(conclusion(app, pr)).toBe('success');
    expect(asked(app, 'TeamMembers')).toBe(1);

    vi.setSystemTime(Date.now() + 2_000);
    expect(await app.send(pullRequestReviewEvent(state, REPO, pr.number, dave.id))).toBe(200);
    expect(asked(app, 'TeamMembers')).toBe(2);
    expect(conclusion(app, pr)).toBe('action_required');
  });
});

describe('a human PR that an AI tool helped with, disguised', () => {
  it('a Claude co-author written in another case and spacing is still found', async () => {
    const state = world();
    const pr = openPr(state, 7, {
      files: ['services/payments/refund.ts'],
      commits: [{ message: 'Fix refunds\n\nco-authored-by:   claude <NOREPLY@ANTHROPIC.COM>\n' }],
    });
    const { app, check } = await judge(state, pr);
    expect(check.conclusion).toBe('action_required');
    expect(find(app, 'POST', `${R}/issues/7/labels`)).toHaveLength(1);
  });
});
