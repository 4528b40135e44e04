/**
 * What the app keeps between events: one evaluation of a PR at a time, the team cache, its own
 * identity; and the override label as a reviewer-independent way through.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { COMMENT_MARKER } from '../../src/model/names.js';
import {
  FakeGitHub,
  OWNER,
  PAYMENTS_POLICY,
  REPO,
  TEAMS,
  aiPaymentsPr,
  example,
  finish,
  pullRequestEvent,
  startApp,
  type PrSpec,
} from './helpers.js';

const R = `/repos/${OWNER}/${REPO}`;
let gh: FakeGitHub;
let pr: PrSpec;

beforeEach(() => {
  pr = aiPaymentsPr(7);
  gh = new FakeGitHub({ policyText: PAYMENTS_POLICY, teams: TEAMS, prs: [pr] });
});

afterEach(() => finish(gh));

describe('events that arrive together', () => {
  it('are judged one after the other: one check, one comment, one label, one review request', async () => {
    const app = await startApp();
    const labeled = pullRequestEvent('labeled', pr);
    await Promise.all([
      app.receive('pull_request', pullRequestEvent('opened', pr)),
      app.receive('pull_request', labeled),
      app.receive('pull_request', pullRequestEvent('ready_for_review', pr)),
    ]);
    expect(gh.writeCalls()).toEqual([
      `POST ${R}/check-runs`,
      `POST ${R}/issues/7/comments`,
      `POST ${R}/issues/7/labels`,
      `POST ${R}/pulls/7/requested_reviewers`,
    ]);
    expect(gh.requests.filter((r) => r.op === 'PullRequestSnapshot')).toHaveLength(3);
    expect(app.errors()).toEqual([]);
  });
});

describe('team members', () => {
  it('are read once within the cache time', async () => {
    const app = await startApp({ teamTtlMs: 60_000 });
    await app.receive('pull_request', pullRequestEvent('opened', pr));
    await app.receive('pull_request', pullRequestEvent('reopened', pr));
    expect(gh.requests.filter((r) => r.op === 'TeamMembers')).toHaveLength(1);
    expect(gh.requests.filter((r) => r.op === 'PullRequestSnapshot')).toHaveLength(2);
  });

  it('are read on every evaluation with a cache time of 0', async () => {
    const app = await startApp({ teamTtlMs: 0 });
    await app.receive('pull_request', pullRequestEvent('opened', pr));
    await app.receive('pull_request', pullRequestEvent('reopened', pr));
    expect(gh.requests.filter((r) => r.op === 'TeamMembers')).toHaveLength(2);
  });
});

describe('the app’s identity', () => {
  it('is read from GitHub once when not given, and used to find its own check run', async () => {
    const app = await startApp({ identity: undefined });
    await app.receive('pull_request', pullRequestEvent('opened', pr));
    await app.receive('pull_request', pullRequestEvent('reopened', pr));
    expect(gh.find('GET', '/app')).toHaveLength(1);
    expect(gh.calls()[0]).toBe('GET /app');
    const lookups = gh.requests.filter((r) => r.path.endsWith('/check-runs') && r.method === 'GET');
    expect(lookups.map((r) => r.query.app_id)).toEqual(['1', '1']);
    // The second evaluation found the run the first one wrote.
    expect(gh.find('POST', `${R}/check-runs`)).toHaveLength(1);
  });

  it('is read again on the next event when reading it failed', async () => {
    const app = await startApp({ identity: undefined });
    gh.fail('GET /app', 500);
    await expect(app.receive('pull_request', pullRequestEvent('opened', pr))).rejects.toThrow();
    await app.receive('pull_request', pullRequestEvent('reopened', pr));
    expect(gh.find('GET', '/app')).toHaveLength(2);
    expect(gh.checkRun(pr.headSha)!.conclusion).toBe('action_required');
  });

  it('tells its own check runs from another app’s after reading it', async () => {
    const app = await startApp({ identity: undefined });
    const other = example('check_run', (e) => e.action === 'rerequested');
    other.check_run.name = 'AI Governance';
    other.check_run.app.id = 99;
    other.check_run.pull_requests = [{ number: 7 }];
    await app.receive('check_run', other);
    expect(gh.calls()).toEqual(['GET /app']);
  });
});

describe('the override label', () => {
  const policy = `${PAYMENTS_POLICY}override:\n  label: ai-governance-override\n  teams: [incident-commanders]\n`;
  const teams = { ...TEAMS, 'incident-commanders': ['ivan'] };

  it('applied by a member of the override team lets the PR through, and says who', async () => {
    Object.assign(gh.repo, { policyText: policy, teams });
    const app = await startApp();
    // The app judges the head when the PR opens; the override comes after (it covers this head).
    await app.receive('pull_request', pullRequestEvent('opened', pr));
    const asked = gh.find('POST', `${R}/pulls/7/requested_reviewers`).length;
    pr.labels.push({ name: 'ai-governance-override', by: 'ivan' });
    const event = pullRequestEvent('labeled', pr);
    event.label.name = 'ai-governance-override';
    await app.receive('pull_request', event);

    const check = gh.checkRun(pr.headSha)!;
    expect(check.conclusion).toBe('success');
    expect(check.output.title).toBe('Overridden by @ivan with label ai-governance-override');
    // Nobody is asked (again) to review a PR that is through.
    expect(gh.find('POST', `${R}/pulls/7/requested_reviewers`)).toHaveLength(asked);
  });

  it('applied by someone else changes nothing', async () => {
    Object.assign(gh.repo, { policyText: policy, teams });
    pr.labels.push({ name: 'ai-governance-override', by: 'alice' });
    const app = await startApp();
    await app.receive('pull_request', pullRequestEvent('labeled', pr));

    const check = gh.one('POST', `${R}/check-runs`).body;
    expect(check.conclusion).toBe('action_required');
    expect(check.output.summary).toContain('not accepted');
  });
});

describe('the audit comment', () => {
  it('is found beyond the first 100 comments and edited, not written twice', async () => {
    const app = await startApp();
    for (let i = 0; i < 120; i++)
      pr.comments.push({ id: 100 + i, body: `Comment ${i}`, byApp: false });
    await app.receive('pull_request', pullRequestEvent('opened', pr));
    const mine = pr.comments.find((c) => c.byApp)!;
    gh.reset();

    pr.reviews.push({ by: 'carol', state: 'APPROVED', commit: pr.headSha });
    await app.receive('pull_request', pullRequestEvent('reopened', pr));
    expect(gh.find('GET', `${R}/issues/7/comments`).map((r) => r.query.page)).toEqual(['1', '2']);
    expect(gh.find('POST', `${R}/issues/7/comments`)).toEqual([]);
    expect(gh.one('PATCH', `${R}/issues/comments/${mine.id}`).body.body).toContain('carol');
  });

  it('a comment by someone else that copies the marker is never taken for the app’s', async () => {
    const app = await startApp();
    pr.comments.push({
      id: 42,
      body: `${COMMENT_MARKER}\nAll approved, nothing to see here.`,
      byApp: false,
    });
    await app.receive('pull_request', pullRequestEvent('opened', pr));
    expect(gh.find('PATCH', `${R}/issues/comments/42`)).toEqual([]);
    expect(gh.one('POST', `${R}/issues/7/comments`).body.body).toMatch(/^<!-- ai-governance/);
    expect(pr.comments[0]!.body).toContain('nothing to see here');
  });
});
