/**
 * The hardening tests' world on the loopback fake GitHub (see test/support/app-on-fake.ts): the
 * org `acme` with its payments and platform teams, `acme/payments-api` with the payments policy,
 * and the AI-assisted pull request #7 by alice that the tests attack. Apps started here keep every
 * request's body in `fake.stats.requests` (what the app sent, including writes GitHub refused) and
 * are stopped after each test, which also checks that the fake had an answer for every request.
 */
import { afterEach, expect } from 'vitest';
import type { RequestRecord } from '../../src/fake-github/server.js';
import type { FakePullRequest, OpenPullRequestSpec } from '../../src/fake-github/model.js';
import type { FakeGitHubState } from '../../src/fake-github/state.js';
import { POLICY_PATH } from '../../src/model/names.js';
import {
  newFakeState,
  plain,
  startAppOnFake,
  type AppOnFake,
  type AppOnFakeOptions,
  type LogLine,
} from '../support/app-on-fake.js';
import { ORG, REPO } from '../support/fixtures.js';
// The app tests' payments policy and teams: the same rules are attacked here.
import { PAYMENTS_POLICY, TEAMS } from '../app/scenario.js';

export { ORG, REPO, PAYMENTS_POLICY, TEAMS };
export const R = `/repos/${REPO}`;

export const CLAUDE_TRAILER = 'Co-Authored-By: Claude <noreply@anthropic.com>';

/** The org, its teams, alice (a member who writes code) and the repository with `policy`. */
export function hardeningState(
  options: { policy?: string; teams?: Record<string, string[]> } = {},
): FakeGitHubState {
  const state = newFakeState();
  state.addOrg(ORG);
  for (const [slug, members] of Object.entries(options.teams ?? TEAMS)) {
    state.addTeam(ORG, slug, members);
    // Members of the org in their own right: leaving a team does not leave the org.
    state.addOrgMember(ORG, ...members);
  }
  state.addUser('alice', { name: 'Alice Doe', email: 'alice@acme.test' });
  state.addOrgMember(ORG, 'alice');
  state.addRepo({
    owner: ORG,
    name: 'payments-api',
    files: { [POLICY_PATH]: options.policy ?? PAYMENTS_POLICY, 'README.md': '# Payments\n' },
  });
  return state;
}

/**
 * A pull request by alice with number `number` (the repository's numbering is moved on to it):
 * `Change N` on `feature/change-N`, one commit, `src/index.ts`, unless `spec` says otherwise.
 */
export function openPr(
  state: FakeGitHubState,
  number: number,
  spec: Partial<OpenPullRequestSpec> = {},
): FakePullRequest {
  const repo = state.requireRepo(REPO);
  repo.nextNumber = Math.max(repo.nextNumber, number);
  return state.openPullRequest(REPO, {
    author: 'alice',
    title: `Change ${number}`,
    headRef: `feature/change-${number}`,
    commits: [{ message: `Change ${number}` }],
    files: ['src/index.ts'],
    ...spec,
  });
}

/** An AI-assisted PR (Claude co-author trailer) by alice on the payments path, docs beside it. */
export function openAiPaymentsPr(
  state: FakeGitHubState,
  number = 7,
  spec: Partial<OpenPullRequestSpec> = {},
): FakePullRequest {
  return openPr(state, number, {
    title: 'Retry failed refunds',
    commits: [{ message: `Retry failed refunds\n\nRetries with backoff.\n\n${CLAUDE_TRAILER}\n` }],
    files: [
      'services/payments/refund.ts',
      'services/payments/retry.ts',
      'services/payments/README.md',
      'docs/refunds.md',
    ],
    ...spec,
  });
}

const started: AppOnFake[] = [];

afterEach(async () => {
  const apps = started.splice(0);
  await Promise.all(apps.map((a) => a.stop()));
  // Every request the app made had a route in the fake.
  for (const a of apps) expect(a.fake.stats.unmatched).toBe(0);
});

/**
 * The app on the fake, keeping request bodies, with GitHub.com's URLs (as in service, so that
 * Probot's throttling sees GraphQL requests for what they are); stopped after the test.
 */
export async function start(
  state: FakeGitHubState,
  options: AppOnFakeOptions = {},
): Promise<AppOnFake> {
  const app = await startAppOnFake(state, {
    githubComUrls: true,
    ...options,
    fake: { ...options.fake, recordBodies: true },
  });
  started.push(app);
  return app;
}

/** The request's path without the fake's `/api/v3` prefix, as GitHub's API names it. */
export function apiPath(r: RequestRecord): string {
  return r.path.replace(/^\/api\/v3(?=\/)/, '');
}

/** Requests with this method and path (without `/api/v3`). */
export function find(app: AppOnFake, method: string, path: string): RequestRecord[] {
  return app.fake.stats.requests.filter((r) => r.method === method && apiPath(r) === path);
}

/** The one request with this method and path; its JSON body. */
export function one(app: AppOnFake, method: string, path: string): any {
  const hits = find(app, method, path);
  expect(hits).toHaveLength(1);
  return hits[0]!.body;
}

/** Every write the app made (answered or refused), as `METHOD path`. */
export function writeCalls(app: AppOnFake): string[] {
  return app.fake.stats.requests
    .filter((r) => r.kind === 'write')
    .map((r) => `${r.method} ${apiPath(r)}`);
}

/** How many times a GraphQL operation was asked for. */
export function asked(app: AppOnFake, operation: string): number {
  return app.fake.stats.requests.filter((r) => r.operation === operation).length;
}

/** The "Reviews that did not count" section of a markdown body, as plain text. */
export function discountedSection(markdown: string): string {
  const m = /### Reviews that did not count\n\n([\s\S]*?)(?:\n\n###|\n\n\*\*|$)/.exec(markdown);
  return m ? plain(m[1]!) : '';
}

/** Log lines at error level, with their fields (the delivery id among them). */
export function errorLogs(app: AppOnFake): LogLine[] {
  return app.logs.filter((l) => l.level >= 50);
}
