/**
 * What the app keeps between events: one evaluation of a PR at a time, the team cache, its own
 * identity; and the override label as a reviewer-independent way through.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CHECK_NAME, COMMENT_MARKER } from '../../src/model/names.js';
import { markReadyForReview } from '../../src/fake-github/merged.js';
import type { FakeGitHubState } from '../../src/fake-github/state.js';
import { checkRunEvent, pullRequestEvent } from '../../src/fake-github/webhooks.js';
import { plain, type AppOnFake } from '../support/app-on-fake.js';
import { CLAUDE } from '../support/fixtures.js';
import { calls, queryOf, sent, variablesOf, writeCalls } from '../support/requests.js';
import {
  AI_PAYMENTS_FILES,
  EVALUATION_READS,
  PAYMENTS_POLICY,
  R,
  REPO,
  TEAMS,
  acme,
  headOf,
  openAiPaymentsPr,
  otherAppsRun,
  startApp,
} from './scenario.js';

let state: FakeGitHubState;
let app: AppOnFake | undefined;
let n: number;

beforeEach(() => {
  state = acme();
  n = openAiPaymentsPr(state);
});

afterEach(async () => {
  await app?.stop();
  app = undefined;
});

describe('events that arrive together', () => {
  it('are judged one after the other: one check, one comment, one label, one review request', async () => {
    // A draft opened, labelled and marked ready for review in quick succession.
    n = state.openPullRequest(REPO, {
      author: 'alice',
      title: 'Retry failed refunds',
      commits: [{ message: 'Retry failed refunds', coAuthors: [CLAUDE] }],
      files: AI_PAYMENTS_FILES,
      draft: true,
    }).number;
    const opened = pullRequestEvent(state, REPO, n, 'opened');
    state.addLabel(REPO, n, 'payments', 'alice');
    const labeled = pullRequestEvent(state, REPO, n, 'labeled', { label: 'payments' });
    markReadyForReview(state, REPO, n, 'alice');
    const ready = pullRequestEvent(state, REPO, n, 'ready_for_review');
    app = await startApp(state);

    const statuses = await Promise.all([opened, labeled, ready].map((d) => app!.send(d)));
    expect(statuses).toEqual([200, 200, 200]);
    expect(writeCalls(app.fake)).toEqual([
      `POST ${R}/check-runs`,
      `POST ${R}/issues/${n}/comments`,
      `POST ${R}/issues/${n}/labels`,
      `POST ${R}/pulls/${n}/requested_reviewers`,
    ]);
    expect(sent(app.fake, 'POST /graphql PullRequestSnapshot')).toHaveLength(3);
    expect(app.errors()).toEqual([]);
  });
});

describe('team members', () => {
  it('are read once within the cache time', async () => {
    app = await startApp(state, { teamTtlMs: 60_000 });
    await app.deliver(pullRequestEvent(state, REPO, n, 'opened'));
    expect(sent(app.fake, 'POST /graphql TeamMembers')).toHaveLength(1);
    await app.deliver(pullRequestEvent(state, REPO, n, 'reopened'));
    expect(calls(app.fake)).toEqual(['POST /graphql PullRequestSnapshot']);
  });

  it('are read on every evaluation with a cache time of 0', async () => {
    app = await startApp(state, { teamTtlMs: 0 });
    await app.deliver(pullRequestEvent(state, REPO, n, 'opened'));
    expect(sent(app.fake, 'POST /graphql TeamMembers')).toHaveLength(1);
    await app.deliver(pullRequestEvent(state, REPO, n, 'reopened'));
    expect(calls(app.fake)).toEqual(EVALUATION_READS);
  });
});

describe('the app’s identity', () => {
  it('is read from GitHub once when not given, and used to find its own check run', async () => {
    app = await startApp(state, { identity: undefined });
    expect(await app.send(pullRequestEvent(state, REPO, n, 'opened'))).toBe(200);
    expect(await app.send(pullRequestEvent(state, REPO, n, 'reopened'))).toBe(200);
    expect(sent(app.fake, 'GET /app')).toHaveLength(1);
    expect(calls(app.fake)[0]).toBe('GET /app');
    // Both evaluations looked for the app's run by the id GitHub gave...
    expect(variablesOf(app.fake, 'PullRequestSnapshot').map((v) => v.appId)).toEqual([
      state.app.id,
      state.app.id,
    ]);
    // ...and the second one found the run the first one wrote.
    expect(sent(app.fake, `POST ${R}/check-runs`)).toHaveLength(1);
    expect(app.check(REPO, headOf(state, n)).conclusion).toBe('action_required');
  });

  it('is read again on the next event when reading it failed', async () => {
    app = await startApp(state, { identity: undefined });
    app.fake.fail({ method: 'GET', route: 'GET /app', status: 500 });
    expect(await app.send(pullRequestEvent(state, REPO, n, 'opened'))).toBe(500);
    expect(app.check(REPO, headOf(state, n)).output.title).toContain('HTTP 500');
    expect(await app.send(pullRequestEvent(state, REPO, n, 'reopened'))).toBe(200);
    expect(sent(app.fake, 'GET /app')).toHaveLength(2);
    expect(app.check(REPO, headOf(state, n)).conclusion).toBe('action_required');
  });

  it('tells its own check runs from another app’s after reading it', async () => {
    // Another app's run that happens to use the same check name, re-run.
    const other = otherAppsRun(state, n, CHECK_NAME, 99);
    app = await startApp(state, { identity: undefined });
    await app.deliver(checkRunEvent(state, REPO, other.id, 'rerequested'));
    expect(calls(app.fake)).toEqual(['GET /app']);
  });
});

describe('the override label', () => {
  const policy = `${PAYMENTS_POLICY}override:\n  label: ai-governance-override\n  teams: [incident-commanders]\n`;
  const teams = { ...TEAMS, 'incident-commanders': ['ivan'] };

  it('applied by a member of the override team lets the PR through, and says who', async () => {
    state = acme({ policy, teams });
    n = openAiPaymentsPr(state);
    app = await startApp(state);
    // The app judges the head when the PR opens; the override comes after (it covers this head).
    await app.deliver(pullRequestEvent(state, REPO, n, 'opened'));
    expect(sent(app.fake, `POST ${R}/pulls/${n}/requested_reviewers`)).toHaveLength(1);
    state.addLabel(REPO, n, 'ai-governance-override', 'ivan');
    await app.deliver(
      pullRequestEvent(state, REPO, n, 'labeled', { label: 'ai-governance-override' }),
    );

    const check = app.check(REPO, headOf(state, n));
    expect(check.conclusion).toBe('success');
    expect(check.output.title).toBe('Overridden by @ivan with label ai-governance-override');
    // Nobody is asked (again) to review a PR that is through.
    expect(sent(app.fake, `POST ${R}/pulls/${n}/requested_reviewers`)).toEqual([]);
  });

  it('applied by someone else changes nothing', async () => {
    state = acme({ policy, teams });
    n = openAiPaymentsPr(state);
    app = await startApp(state);
    // As above, the label comes after the app judged the head, so that only who applied it
    // can refuse it (a label already there when the head was first judged is refused anyway).
    await app.deliver(pullRequestEvent(state, REPO, n, 'opened'));
    const run = app.check(REPO, headOf(state, n));
    const held = { id: run.id, conclusion: run.conclusion, title: run.output.title };
    expect(held.conclusion).toBe('action_required');
    state.addLabel(REPO, n, 'ai-governance-override', 'alice');
    await app.deliver(
      pullRequestEvent(state, REPO, n, 'labeled', {
        label: 'ai-governance-override',
        sender: 'alice',
      }),
    );

    const check = app.check(REPO, headOf(state, n));
    expect({ id: check.id, conclusion: check.conclusion, title: check.output.title }).toEqual(held);
    expect(plain(check.output.summary!)).toContain(
      'applied by @alice, not accepted. @alice applied the label but is not allowed to override',
    );
  });
});

describe('the audit comment', () => {
  it('is found beyond the first 100 comments and edited, not written twice', async () => {
    for (let i = 0; i < 120; i++)
      state.addComment(REPO, n, { author: 'mallory', body: `Comment ${i}` });
    app = await startApp(state);
    await app.deliver(pullRequestEvent(state, REPO, n, 'opened'));
    const mine = state.requirePull(REPO, n).comments.filter((c) => c.viaApp);
    expect(mine).toHaveLength(1);

    state.submitReview(REPO, n, { user: 'carol' });
    await app.deliver(pullRequestEvent(state, REPO, n, 'reopened'));
    // Not among the first 100 comments the snapshot holds: searched for page by page.
    expect(sent(app.fake, `GET ${R}/issues/${n}/comments`).map((r) => queryOf(r).page)).toEqual([
      '1',
      '2',
    ]);
    expect(sent(app.fake, `POST ${R}/issues/${n}/comments`)).toEqual([]);
    expect(sent(app.fake, `PATCH ${R}/issues/comments/${mine[0]!.id}`)).toHaveLength(1);
    expect(app.comment(REPO, n)).toContain('carol');
  });

  it('a comment by someone else that copies the marker is never taken for the app’s', async () => {
    const copy = state.addComment(REPO, n, {
      author: 'mallory',
      body: `${COMMENT_MARKER}\nAll approved, nothing to see here.`,
    });
    app = await startApp(state);
    await app.deliver(pullRequestEvent(state, REPO, n, 'opened'));
    expect(sent(app.fake, `PATCH ${R}/issues/comments/${copy.id}`)).toEqual([]);
    expect(sent(app.fake, `POST ${R}/issues/${n}/comments`)).toHaveLength(1);
    expect(app.comment(REPO, n)).toMatch(/^<!-- ai-governance/);
    expect(copy.body).toBe(`${COMMENT_MARKER}\nAll approved, nothing to see here.`);
  });
});
