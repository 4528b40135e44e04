/**
 * Where the policy comes from: the repository's default branch (never the PR), the organisation's
 * `.github` repository, `_extends` chains; what an invalid or missing policy does; and how a
 * change of policy on the default branch reaches the open pull requests.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { FakeGitHubState } from '../../src/fake-github/state.js';
import { pullRequestEvent, pushEvent } from '../../src/fake-github/webhooks.js';
import { plain, type AppOnFake } from '../support/app-on-fake.js';
import { calls, queryOf, sent, variablesOf, writeCalls } from '../support/requests.js';
import {
  EVALUATION_READS,
  ORG,
  PAYMENTS_POLICY,
  POLICY_PATH,
  R,
  REPO,
  acme,
  headOf,
  openAiPaymentsPr,
  openAiPr,
  openHumanPr,
  setHeadFiles,
  startApp,
  type AcmeOptions,
} from './scenario.js';

const ORG_POLICY_URL = `/repos/${ORG}/.github/contents/${encodeURIComponent(POLICY_PATH)}`;
let state: FakeGitHubState;
let app: AppOnFake | undefined;

afterEach(async () => {
  await app?.stop();
  app = undefined;
});

async function start(): Promise<AppOnFake> {
  app = await startApp(state, { policyDocsUrl: 'https://docs.example.test/policy' });
  return app;
}

/** `acme` with `options`, the AI-assisted payments PR opened and delivered; its number. */
async function openedAiPr(options: AcmeOptions): Promise<number> {
  state = acme(options);
  const n = openAiPaymentsPr(state);
  await (await start()).deliver(pullRequestEvent(state, REPO, n, 'opened'));
  return n;
}

/** The files read over REST's contents API, as Octokit asked for them (the path one segment). */
function contentsPaths(): string[] {
  return calls(app!.fake)
    .filter((c) => c.includes('/contents/'))
    .map((c) => c.replace(/^GET /, ''));
}

describe('the organisation’s policy', () => {
  it('is used when the repository has none', async () => {
    const n = await openedAiPr({ policy: null, orgPolicy: PAYMENTS_POLICY });

    // The org's file comes with the pull request, in the one snapshot query.
    expect(calls(app!.fake).slice(0, 2)).toEqual(EVALUATION_READS);
    expect(contentsPaths()).toEqual([]);
    const check = app!.check(REPO, headOf(state, n));
    expect(check.conclusion).toBe('action_required');
    expect(check.output.title).toBe('Needs 2 approvals from @acme/payments-seniors');
    expect(state.requirePull(REPO, n).requestedReviewers).toEqual([
      { type: 'team', slug: 'payments-seniors' },
    ]);
    expect(app!.errors()).toEqual([]);
  });

  it('is the base of a repository file that extends it; the repository’s keys win', async () => {
    const n = await openedAiPr({
      policy: `version: 1\n_extends: .github\nactions:\n  label: ai-reviewed\n  request_reviews: false\n`,
      orgPolicy: PAYMENTS_POLICY,
    });

    expect(contentsPaths()).toEqual([]);
    expect(writeCalls(app!.fake)).toEqual([
      `POST ${R}/check-runs`,
      `POST ${R}/issues/${n}/comments`,
      `POST ${R}/issues/${n}/labels`,
    ]);
    // The rule comes from the org file, the label and the review setting from the repository's.
    const check = app!.check(REPO, headOf(state, n));
    expect(check.conclusion).toBe('action_required');
    expect(check.output.title).toBe('Needs 2 approvals from @acme/payments-seniors');
    expect(state.requirePull(REPO, n).labels).toEqual(['ai-reviewed']);
  });

  it('follows an _extends chain across repositories and paths', async () => {
    state = acme({
      policy: `version: 1\n_extends: policies:teams/payments.yml\n`,
      orgPolicy: PAYMENTS_POLICY,
    });
    state.addRepo({
      owner: ORG,
      name: 'policies',
      files: { 'teams/payments.yml': `version: 1\n_extends: .github\nactions:\n  label: ai\n` },
    });
    const n = openAiPaymentsPr(state);
    await (await start()).deliver(pullRequestEvent(state, REPO, n, 'opened'));

    // The file in the other repository over REST; the org's came with the snapshot.
    expect(contentsPaths()).toEqual([
      `/repos/${ORG}/policies/contents/${encodeURIComponent('teams/payments.yml')}`,
    ]);
    expect(app!.check(REPO, headOf(state, n)).conclusion).toBe('action_required');
    expect(state.requirePull(REPO, n).labels).toEqual(['ai']);
  });

  it('makes a file of this repository that the policy extends critical too', async () => {
    state = acme({
      policy: `version: 1\n_extends: payments-api:config/governance/base.yml\n`,
      files: { 'config/governance/base.yml': PAYMENTS_POLICY },
    });
    const n = openHumanPr(state, ['config/governance/base.yml'], 'paula');
    await (await start()).deliver(pullRequestEvent(state, REPO, n, 'opened'));

    const check = app!.check(REPO, headOf(state, n));
    expect(check.conclusion).toBe('action_required');
    expect(check.annotations).toEqual([
      expect.objectContaining({
        path: 'config/governance/base.yml',
        title: 'Critical path: policy file',
      }),
    ]);
  });

  it('an _extends that names a missing file fails closed', async () => {
    const n = await openedAiPr({ policy: `version: 1\n_extends: shared-config\n` });

    expect(writeCalls(app!.fake)).toEqual([`POST ${R}/check-runs`]);
    const check = app!.check(REPO, headOf(state, n));
    expect(check.conclusion).toBe('failure');
    expect(check.output.title).toContain('could not read the policy');
    expect(plain(check.output.summary!)).toContain(
      '_extends "shared-config" names acme/shared-config:.github/ai-governance.yml, which does not exist',
    );
  });
});

describe('an invalid policy', () => {
  it('fails the check with annotations at the policy file’s lines in this repository', async () => {
    const text = `version: 1\ncritical_paths:\n  - name: payments\n    pathz: ["services/payments/**"]\n    reviewers:\n      teams: [payments-seniors]\n`;
    const n = await openedAiPr({ policy: text });

    // No team read, no comment, label or review request.
    expect(calls(app!.fake)).toEqual(['POST /graphql PullRequestSnapshot', `POST ${R}/check-runs`]);
    const check = app!.check(REPO, headOf(state, n));
    expect(check.conclusion).toBe('failure');
    expect(check.output.title).toMatch(/^Could not evaluate: the policy is invalid/);
    expect(check.output.summary).toContain('### Problems in the policy file');
    expect(check.annotations.length).toBeGreaterThan(0);
    for (const a of check.annotations) {
      expect(a).toMatchObject({ path: POLICY_PATH, annotation_level: 'failure' });
    }
    expect(check.annotations).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ start_line: 4, message: expect.stringContaining('pathz') }),
      ]),
    );
  });

  it('names a team the organisation does not have, at its line', async () => {
    const n = await openedAiPr({ teams: { 'payments-seniors': ['carol'] } });

    const check = app!.check(REPO, headOf(state, n));
    expect(check.conclusion).toBe('failure');
    const lines = PAYMENTS_POLICY.split('\n');
    const line = lines.findIndex((l) => l.includes('platform-leads')) + 1;
    expect(check.annotations).toEqual([
      expect.objectContaining({ path: POLICY_PATH, start_line: line, annotation_level: 'failure' }),
    ]);
    expect(check.annotations[0]!.message).toContain('platform-leads');
  });

  it('naming teams in a repository owned by a user (no teams there): fails at those lines', async () => {
    const n = await openedAiPr({ userOwned: true });

    expect(sent(app!.fake, 'POST /graphql TeamMembers')).toEqual([]);
    const check = app!.check(REPO, headOf(state, n));
    expect(check.conclusion).toBe('failure');
    const lines = PAYMENTS_POLICY.split('\n');
    expect(check.annotations.map((a) => a.start_line)).toEqual([
      lines.findIndex((l) => l.includes('payments-seniors')) + 1,
      lines.findIndex((l) => l.includes('platform-leads')) + 1,
    ]);
  });

  it('in the organisation’s file: fails, naming that file, with no annotation in this repository', async () => {
    const n = await openedAiPr({ policy: null, orgPolicy: 'version: 2\n' });

    const check = app!.check(REPO, headOf(state, n));
    expect(check.conclusion).toBe('failure');
    expect(plain(check.output.summary!)).toContain(
      'acme/.github:.github/ai-governance.yml:1:10: `version` must be the number 1',
    );
    expect(check.annotations).toEqual([]);
  });
});

describe('teams written with their organisation', () => {
  it('are read and asked for by slug', async () => {
    const n = await openedAiPr({
      policy: PAYMENTS_POLICY.replace('[payments-seniors]', '["@acme/payments-seniors"]'),
    });

    expect(variablesOf(app!.fake, 'TeamMembers')[0]!.s0).toBe('payments-seniors');
    const check = app!.check(REPO, headOf(state, n));
    expect(check.output.title).toBe('Needs 2 approvals from @acme/payments-seniors');
    expect(state.requirePull(REPO, n).requestedReviewers).toEqual([
      { type: 'team', slug: 'payments-seniors' },
    ]);
  });
});

describe('no policy anywhere', () => {
  it('detects only: a passing check that says AI assistance was found and how to add a policy', async () => {
    const n = await openedAiPr({ policy: null });

    // Only the check: no comment, label or review request where nobody asked for governance.
    expect(calls(app!.fake)).toEqual(['POST /graphql PullRequestSnapshot', `POST ${R}/check-runs`]);
    const check = app!.check(REPO, headOf(state, n));
    expect(check.conclusion).toBe('success');
    expect(check.output.title).toBe('AI-assisted: no policy file, no approval required');
    const summary = plain(check.output.summary!);
    expect(summary).toContain('### No policy file');
    expect(summary).toContain('AI assistance was found in this pull request');
    expect(summary).toContain('add ` .github/ai-governance.yml ` to the default branch');
    expect(summary).toContain('[the policy reference](https://docs.example.test/policy)');
    expect(summary).toContain('Claude Code');
  });

  it('a PR without AI evidence passes and says so', async () => {
    state = acme({ policy: null });
    const n = openHumanPr(state, ['services/payments/refund.ts']);
    await (await start()).deliver(pullRequestEvent(state, REPO, n, 'opened'));

    expect(writeCalls(app!.fake)).toEqual([`POST ${R}/check-runs`]);
    const check = app!.check(REPO, headOf(state, n));
    expect(check.conclusion).toBe('success');
    expect(check.output.title).toBe('Not AI-assisted (no policy file)');
    expect(check.output.summary).toContain('No AI assistance was found');
  });

  it('an error reading the organisation’s file is not "no policy"', async () => {
    // A file too big for GraphQL's blob text (it comes back truncated) is read over REST.
    const big = `${PAYMENTS_POLICY}# ${'x'.repeat(600 * 1024)}\n`;
    state = acme({ policy: null, orgPolicy: big });
    const n = openAiPaymentsPr(state);
    await start();
    app!.fake.fail({ method: 'GET', route: ORG_POLICY_URL, status: 500 });
    expect(await app!.send(pullRequestEvent(state, REPO, n, 'opened'))).toBe(200);

    expect(sent(app!.fake, `GET ${ORG_POLICY_URL}`).map((r) => r.status)).toEqual([500]);
    const check = app!.check(REPO, headOf(state, n));
    expect(check.conclusion).toBe('failure');
    expect(check.output.title).toContain('could not read the policy');
  });
});

describe('a pull request that changes the policy file', () => {
  const exempting = `version: 1\npolicy_file:\n  approvals: 1\n  reviewers:\n    users: [alice]\ncritical_paths: []\n`;

  it('is judged by the default branch’s policy and needs the policy_file approval', async () => {
    state = acme();
    const n = openAiPr(
      state,
      [POLICY_PATH, 'services/payments/refund.ts'],
      'Relax the payments rule',
    );
    // What the PR's branch holds never reaches the app: it reads HEAD (the default branch).
    setHeadFiles(state, n, { [POLICY_PATH]: exempting });
    await (await start()).deliver(pullRequestEvent(state, REPO, n, 'opened'));

    expect(variablesOf(app!.fake, 'PullRequestSnapshot')[0]!.policyExpression).toBe(
      `HEAD:${POLICY_PATH}`,
    );
    // Nothing is read over REST's contents API, the PR's file least of all.
    expect(contentsPaths()).toEqual([]);
    const check = app!.check(REPO, headOf(state, n));
    expect(check.conclusion).toBe('action_required');
    expect(check.output.title).toBe(
      'Needs 3 approvals: 2 from @acme/payments-seniors (payments), 1 from @acme/platform-leads (policy fi…',
    );
    expect(plain(check.output.summary!)).toContain(
      'Ask @acme/platform-leads for 1 approval (policy file).',
    );
    expect(check.annotations).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: POLICY_PATH, title: 'Critical path: policy file' }),
      ]),
    );
    expect(state.requirePull(REPO, n).requestedReviewers).toEqual([
      { type: 'team', slug: 'payments-seniors' },
      { type: 'team', slug: 'platform-leads' },
    ]);
  });

  it('needs the policy_file approval even without AI evidence, and the author cannot give it', async () => {
    state = acme();
    const n = openHumanPr(state, [POLICY_PATH], 'paula');
    // GitHub refuses an author's approval of their own PR; the app does not count one either.
    state.submitReview(REPO, n, { user: 'paula' });
    await (await start()).deliver(pullRequestEvent(state, REPO, n, 'opened'));

    const check = app!.check(REPO, headOf(state, n));
    expect(check.conclusion).toBe('action_required');
    expect(check.output.title).toBe('Needs 1 approval from @acme/platform-leads');
    expect(check.output.summary).toContain('opened the pull request');
    expect(sent(app!.fake, `POST ${R}/issues/${n}/labels`)).toEqual([]);
    expect(state.requirePull(REPO, n).labels).toEqual([]);
  });
});

describe('push', () => {
  /** A commit to the default branch that rewrites the policy (or `path`); the push's `before`. */
  function commitToMain(path = POLICY_PATH, text = `${PAYMENTS_POLICY}# reviewed\n`): string {
    const before = state.requireRepo(REPO).branches.get('main')!;
    state.commitToBranch(REPO, {
      message: `Update ${path}`,
      author: 'paula',
      files: { [path]: text },
    });
    return before;
  }

  it('to the default branch, changing the policy, re-evaluates every open PR', async () => {
    state = acme();
    const closed = openHumanPr(state, ['src/index.ts']);
    state.closePullRequest(REPO, closed);
    const a = openAiPaymentsPr(state);
    const b = openHumanPr(state, ['README.md']);
    const before = commitToMain();
    await (await start()).deliver(pushEvent(state, REPO, 'main', before));

    const list = sent(app!.fake, `GET ${R}/pulls`);
    expect(list).toHaveLength(1);
    expect(queryOf(list[0]!)).toMatchObject({ state: 'open' });
    expect(variablesOf(app!.fake, 'PullRequestSnapshot').map((v) => v.number)).toEqual([b, a]);
    expect(app!.check(REPO, headOf(state, a)).conclusion).toBe('action_required');
    expect(app!.check(REPO, headOf(state, b)).conclusion).toBe('success');
    expect(state.checkRunsFor(REPO, headOf(state, closed))).toEqual([]);
    expect(app!.errors()).toEqual([]);
  });

  it('a PR that cannot be read gets a failing check on its head; the others are still judged', async () => {
    state = acme();
    const a = openAiPaymentsPr(state);
    const b = openHumanPr(state, ['README.md']);
    await start();
    // PR b (listed first, newest) passed under the old policy.
    await app!.deliver(pullRequestEvent(state, REPO, b, 'opened'));
    expect(app!.check(REPO, headOf(state, b)).conclusion).toBe('success');
    const before = commitToMain();
    app!.fake.fail({ operation: 'PullRequestSnapshot', status: 502 });
    expect(await app!.send(pushEvent(state, REPO, 'main', before))).toBe(200);

    expect(app!.check(REPO, headOf(state, b)).conclusion).toBe('failure');
    expect(app!.check(REPO, headOf(state, b)).output.title).toContain('HTTP 502');
    expect(app!.check(REPO, headOf(state, a)).conclusion).toBe('action_required');
  });

  it('forced to the default branch (commits may have been dropped) re-evaluates open PRs', async () => {
    state = acme();
    const a = openAiPaymentsPr(state);
    // Main moved back past the commit that changed the policy: no new commit is listed.
    const old = commitToMain();
    const dropped = state.requireRepo(REPO).branches.get('main')!;
    state.requireRepo(REPO).branches.set('main', old);
    const push = pushEvent(state, REPO, 'main', dropped);
    expect(push.payload).toMatchObject({ forced: true, commits: [] });
    await (await start()).deliver(push);

    expect(sent(app!.fake, `GET ${R}/pulls`)).toHaveLength(1);
    expect(app!.check(REPO, headOf(state, a)).conclusion).toBe('action_required');
  });

  it('to another branch, or not touching the policy, does nothing', async () => {
    state = acme();
    openAiPaymentsPr(state);
    await start();
    const main = state.requireRepo(REPO).branches.get('main')!;
    state.commitToBranch(REPO, {
      branch: 'feature/x',
      message: 'Try a policy',
      files: { [POLICY_PATH]: 'version: 1\n' },
    });
    const toFeature = pushEvent(state, REPO, 'feature/x', main);
    const toMain = pushEvent(state, REPO, 'main', commitToMain('README.md', '# Payments API\n'));
    const tag = pushEvent(state, REPO, 'main', commitToMain(), { tag: 'v1.0.0' });
    for (const d of [toFeature, toMain, tag]) expect(await app!.send(d)).toBe(200);
    expect(app!.fake.stats.requests).toEqual([]);
    expect(app!.fake.stats.tokens).toBe(0);
  });
});
