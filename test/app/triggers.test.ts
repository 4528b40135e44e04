/**
 * The events that only ask for a re-evaluation (check re-runs, the check's button, fork PRs found
 * by commit), the events that must be ignored, and deliveries that fail signature verification.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createNodeMiddleware } from 'probot';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { aiGovernance } from '../../src/app.js';
import {
  APP,
  CHECK_NAME,
  FakeGitHub,
  OWNER,
  PAYMENTS_POLICY,
  REPO,
  TEAMS,
  aiPaymentsPr,
  example,
  newProbot,
  pullRequestEvent,
  sha,
  sign,
  startApp,
  finish,
  evaluationReads,
  type LogRecord,
  type PrSpec,
  type TestApp,
} from './helpers.js';

const R = `/repos/${OWNER}/${REPO}`;
let gh: FakeGitHub;
let app: TestApp;
let pr: PrSpec;

beforeEach(async () => {
  pr = aiPaymentsPr(7);
  gh = new FakeGitHub({ policyText: PAYMENTS_POLICY, teams: TEAMS, prs: [pr] });
  app = await startApp();
});

afterEach(() => finish(gh));

const reads = evaluationReads;

/** Opens the PR, then records an approval that the app has not heard of yet. */
async function openedThenApprovedQuietly(): Promise<number> {
  await app.receive('pull_request', pullRequestEvent('opened', pr));
  pr.reviews.push({ by: 'carol', state: 'APPROVED', commit: pr.headSha });
  const id = gh.checkRun(pr.headSha)!.id;
  gh.reset();
  return id;
}

function ourCheckRun(p: any, runId: number) {
  p.check_run.id = runId;
  p.check_run.name = CHECK_NAME;
  p.check_run.head_sha = pr.headSha;
  p.check_run.app.id = APP.id;
  p.check_run.check_suite.head_branch = pr.headRef;
  p.check_run.check_suite.head_sha = pr.headSha;
  p.check_run.pull_requests = [
    { number: pr.number, head: { ref: pr.headRef, sha: pr.headSha }, base: { ref: 'main' } },
  ];
  return p;
}

describe('check_run', () => {
  it('rerequested on our run re-evaluates the PR', async () => {
    const runId = await openedThenApprovedQuietly();
    const p = ourCheckRun(
      example('check_run', (e) => e.action === 'rerequested'),
      runId,
    );
    await app.receive('check_run', p);

    expect(gh.calls()).toEqual([
      ...reads(pr.headSha),
      `PATCH ${R}/check-runs/${runId}`,
      `PATCH ${R}/issues/comments/${pr.comments[0]!.id}`,
    ]);
    expect(gh.checkRun(pr.headSha)!.output.title).toBe(
      'Needs 1 more approval from @acme/payments-seniors',
    );
  });

  it('requested_action "reevaluate" re-evaluates the PR', async () => {
    const runId = await openedThenApprovedQuietly();
    const p = ourCheckRun(
      example('check_run', (e) => e.action === 'requested_action'),
      runId,
    );
    p.requested_action.identifier = 'reevaluate';
    await app.receive('check_run', p);

    expect(gh.calls()).toEqual([
      ...reads(pr.headSha),
      `PATCH ${R}/check-runs/${runId}`,
      `PATCH ${R}/issues/comments/${pr.comments[0]!.id}`,
    ]);
  });

  it('a requested_action with another identifier is ignored', async () => {
    const runId = await openedThenApprovedQuietly();
    const p = ourCheckRun(
      example('check_run', (e) => e.action === 'requested_action'),
      runId,
    );
    p.requested_action.identifier = 'lgtm|26764';
    await app.receive('check_run', p);
    expect(gh.requests).toEqual([]);
  });

  it('a re-run of another app’s check run is ignored', async () => {
    const runId = await openedThenApprovedQuietly();
    const tokens = gh.tokens;
    // GitHub's example as it is: another app (id 2) and another check name.
    const other = example('check_run', (e) => e.action === 'rerequested');
    other.check_run.head_sha = pr.headSha;
    other.check_run.pull_requests = [{ number: 7 }];
    await app.receive('check_run', other);
    // Another app's run that happens to use our check name.
    const impostor = ourCheckRun(
      example('check_run', (e) => e.action === 'rerequested'),
      runId,
    );
    impostor.check_run.app.id = 2;
    await app.receive('check_run', impostor);

    expect(gh.requests).toEqual([]);
    expect(gh.tokens).toBe(tokens);
  });
});

describe('check_suite.rerequested', () => {
  it('with the PR listed re-evaluates it', async () => {
    const runId = await openedThenApprovedQuietly();
    const p = example('check_suite', (e) => e.action === 'rerequested');
    p.check_suite.head_sha = pr.headSha;
    p.check_suite.head_branch = pr.headRef;
    p.check_suite.pull_requests[0].number = 7;
    await app.receive('check_suite', p);

    expect(gh.calls()).toEqual([
      ...reads(pr.headSha),
      `PATCH ${R}/check-runs/${runId}`,
      `PATCH ${R}/issues/comments/${pr.comments[0]!.id}`,
    ]);
  });

  it('from a fork (no PR listed) finds the PR by its head commit', async () => {
    const fork = aiPaymentsPr(21, sha('fork-head'));
    fork.isCrossRepository = true;
    fork.headRef = 'main';
    gh.addPr(fork);
    const p = example('check_suite', (e) => e.action === 'rerequested');
    p.check_suite.head_sha = fork.headSha;
    p.check_suite.head_branch = 'main';
    p.check_suite.pull_requests = [];
    await app.receive('check_suite', p);

    expect(gh.calls().slice(0, 2)).toEqual([
      `GET ${R}/commits/${fork.headSha}/pulls`,
      'POST /graphql PullRequestSnapshot',
    ]);
    expect(gh.requests[1]!.body.variables.number).toBe(21);
    const check = gh.one('POST', `${R}/check-runs`).body;
    expect(check.head_sha).toBe(fork.headSha);
    expect(check.conclusion).toBe('action_required');
  });

  it('for a commit no open PR heads does nothing more', async () => {
    const p = example('check_suite', (e) => e.action === 'rerequested');
    p.check_suite.head_sha = sha('nobody');
    p.check_suite.head_branch = 'some-branch';
    p.check_suite.pull_requests = [];
    await app.receive('check_suite', p);
    expect(gh.calls()).toEqual([`GET ${R}/commits/${sha('nobody')}/pulls`]);
  });
});

describe('webhook signatures (through Probot’s HTTP middleware)', () => {
  let server: Server | undefined;

  afterEach(async () => {
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    server = undefined;
  });

  async function listen(): Promise<string> {
    const logs: LogRecord[] = [];
    const middleware = await createNodeMiddleware(
      aiGovernance({ teamTtlMs: 0, identity: { ...APP } }),
      { probot: newProbot(logs) },
    );
    server = createServer((req, res) => {
      void middleware(req, res, () => res.writeHead(404).end());
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/github/webhooks`;
  }

  async function deliver(url: string, body: string, signature: string | null) {
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'x-github-event': 'pull_request',
      'x-github-delivery': randomUUID(),
    };
    if (signature !== null) headers['x-hub-signature-256'] = signature;
    return fetch(url, { method: 'POST', headers, body });
  }

  it('rejects a delivery with a wrong or missing signature and calls GitHub for nothing', async () => {
    const url = await listen();
    const body = JSON.stringify(pullRequestEvent('opened', pr));

    const forged = await deliver(url, body, sign(body, 'not-the-secret'));
    expect(forged.status).toBeGreaterThanOrEqual(400);
    expect(forged.status).toBeLessThan(500);
    const missing = await deliver(url, body, null);
    expect(missing.status).toBeGreaterThanOrEqual(400);
    expect(missing.status).toBeLessThan(500);
    const tampered = await deliver(
      url,
      body.replace('"action":"opened"', '"action":"reopened"'),
      sign(body),
    );
    expect(tampered.status).toBeGreaterThanOrEqual(400);
    expect(tampered.status).toBeLessThan(500);

    expect(gh.requests).toEqual([]);
    expect(gh.tokens).toBe(0);
  });

  it('accepts the same delivery signed with the secret (the route works)', async () => {
    const url = await listen();
    const body = JSON.stringify(pullRequestEvent('opened', pr));
    const res = await deliver(url, body, sign(body));
    expect(res.status).toBe(200);
    expect(gh.checkRun(pr.headSha)!.conclusion).toBe('action_required');
  });
});
