import { Octokit } from '@octokit/rest';
import { ProbotOctokit } from 'probot';
import {
  startFakeGitHub,
  type FakeGitHub,
  type StartOptions,
} from '../../../src/fake-github/server.js';
import { markReadyForReview, mergePullRequest } from '../../../src/fake-github/merged.js';
import { FakeGitHubState } from '../../../src/fake-github/state.js';
import type { FileSpec } from '../../../src/fake-github/model.js';
import type { GitHubClient } from '../../../src/github/client.js';

/**
 * A small org with known merged pull requests, for the audit's reader: `acme/pay` with a policy
 * file edited and deleted over time, `acme/.github` with the org default, and pull requests merged
 * before, inside and after a window, one of them of every awkward shape.
 */

export const quiet = { debug() {}, info() {}, warn() {}, error() {} };
export const TOKEN = 'audit-token';
export const REPO = 'acme/pay';
export const POLICY = '.github/ai-governance.yml';
export const AI_TRAILER = 'Co-authored-by: Claude <noreply@anthropic.com>';

export const POLICY_V1 = 'version: 1\ncritical_paths: []\n';
export const POLICY_V2 =
  'version: 1\ncritical_paths:\n  - name: payments\n    paths: ["src/payments/**"]\n    approvals: 1\n    reviewers:\n      teams: [seniors]\n';
export const ORG_POLICY = 'version: 1\ncritical_paths: []\n';

export interface World {
  state: FakeGitHubState;
  /** The window: merged at or after since, before until. */
  since: string;
  until: string;
  /** PR numbers by role. */
  prs: {
    before: number;
    touchedAfterMerge: number;
    rich: number;
    atSince: number;
    large: number;
    huge: number;
    atUntil: number;
    open: number;
    closed: number;
  };
  /** Commits of the policy file's versions, oldest first, and the deletion. */
  policyCommits: { v1: string; v2: string; deleted: string; v3: string };
}

const many = (n: number, prefix: string): FileSpec[] =>
  Array.from({ length: n }, (_, i) => `${prefix}${i}.ts`);
const commits = (n: number, extra = '') =>
  Array.from({ length: n }, (_, i) => ({ message: `Change ${i + 1}${extra}` }));

export function buildWorld(): World {
  const s = new FakeGitHubState({ start: '2026-09-01T09:00:00Z' });
  s.addOrg('acme');
  s.addTeam('acme', 'seniors', ['sam', 'sue']);
  s.addOrgMember('acme', 'dana', 'lee', 'merger');
  s.addUser('pat', { email: 'pat@acme.example' });
  s.addOrgMember('acme', 'pat');
  s.addUser('outsider');
  s.addRepo({ owner: 'acme', name: '.github', files: { [POLICY]: ORG_POLICY } });
  s.addRepo({ owner: 'acme', name: 'pay', files: { 'README.md': 'pay', [POLICY]: POLICY_V1 } });
  s.setPermission(REPO, 'outsider', 'read');
  const v1 = s.repo(REPO)!.branches.get('main')!;
  const v2 = s.setDefaultBranchFile(REPO, POLICY, POLICY_V2);

  const merge = (n: number) => mergePullRequest(s, REPO, n, { by: 'merger' });
  const open = (title: string, extra: Partial<Parameters<FakeGitHubState['openPullRequest']>[1]>) =>
    s.openPullRequest(REPO, {
      author: 'dana',
      title,
      commits: commits(1),
      files: ['src/app/a.ts'],
      ...extra,
    }).number;

  // Merged before the window.
  const before = open('Before the window', {});
  merge(before);
  const touched = open('Merged before, labelled after', {});
  merge(touched);

  s.advanceClock('2026-10-01T00:00:00Z');
  const since = s.now();
  // Merged exactly at `since`: the clock is moved back by hand to the instant.
  const atSince = open('At since', {});
  s.advanceClock('2026-10-01T00:00:30Z');
  // A label after the earlier merge: it is listed (updated) but merged outside the window.
  s.addLabel(REPO, touched, 'late', 'lee');

  const rich = open('Payments: AI-assisted change', {
    draft: true,
    body: 'Made with Claude Code',
    commits: [
      { message: `Add refund path\n\n${AI_TRAILER}\nCo-authored-by: Pat <pat@acme.example>` },
      { message: 'Tidy', author: 'lee' },
    ],
    files: [
      'src/payments/refund.ts',
      { path: 'src/app/ledger.ts', previousPath: 'src/payments/ledger.ts' },
    ],
    labels: [{ name: 'ai-assisted', by: 'dana' }],
  });
  markReadyForReview(s, REPO, rich, 'dana');
  s.addLabel(REPO, rich, 'ai-governance-override', 'sam');
  s.removeLabel(REPO, rich, 'ai-governance-override', 'sam');
  s.addLabel(REPO, rich, 'ai-governance-override', 'sue');
  s.submitReview(REPO, rich, { user: 'outsider', state: 'APPROVED' });
  s.submitReview(REPO, rich, { user: 'sam', state: 'APPROVED' });
  const head = s.pull(REPO, rich)!.headSha;
  s.createCheckRun(REPO, {
    name: 'AI Governance',
    headSha: head,
    status: 'completed',
    conclusion: 'success',
    completedAt: s.now(),
    output: { title: 'Approved by @sam', summary: 'S', text: null },
    annotations: [],
    actions: [],
    appId: s.app.id,
    externalId: '',
    detailsUrl: null,
  });

  const large = open('Large', {
    commits: commits(130),
    files: many(120, 'src/payments/f'),
  });
  for (let i = 0; i < 105; i++) s.submitReview(REPO, large, { user: 'sue', state: 'COMMENTED' });
  for (let i = 0; i < 60; i++) {
    s.addLabel(REPO, large, `l${i}`, 'lee');
    s.removeLabel(REPO, large, `l${i}`, 'lee');
  }
  const huge = open('Huge', { commits: commits(260), files: many(3100, 'gen/g') });

  // `atSince` merges at the window's first instant; pull it back to it.
  const atSinceSha = merge(atSince);
  const atSincePr = s.pull(REPO, atSince)!;
  void atSinceSha;
  atSincePr.mergedAt = since;

  merge(rich);
  merge(large);
  merge(huge);
  const deleted = s.setDefaultBranchFile(REPO, POLICY, null);
  const v3 = s.setDefaultBranchFile(
    REPO,
    POLICY,
    POLICY_V2.replace('approvals: 1', 'approvals: 2'),
  );

  const until = s.now();
  const atUntil = open('At until', {});
  merge(atUntil);
  s.pull(REPO, atUntil)!.mergedAt = until;
  const openPr = open('Still open', {});
  const closed = open('Closed unmerged', {});
  s.closePullRequest(REPO, closed);
  return {
    state: s,
    since,
    until,
    prs: {
      before,
      touchedAfterMerge: touched,
      rich,
      atSince,
      large,
      huge,
      atUntil,
      open: openPr,
      closed,
    },
    policyCommits: { v1, v2, deleted, v3 },
  };
}

export async function serve(
  state: FakeGitHubState,
  options: StartOptions = {},
): Promise<{ fake: FakeGitHub; gh: GitHubClient }> {
  const fake = await startFakeGitHub(state, { ...options, tokens: { [TOKEN]: state.botLogin } });
  const gh = new Octokit({
    auth: TOKEN,
    baseUrl: fake.apiUrl,
    request: { retries: 0 },
    log: quiet,
  });
  return { fake, gh };
}

type ProbotOptions = NonNullable<ConstructorParameters<typeof ProbotOctokit>[0]>;

/**
 * The fake GitHub over `state`, and Probot's own Octokit on it (the client the audit command runs
 * with), its retries off and its throttling as given (off by default).
 */
export async function serveToProbot(
  state: FakeGitHubState,
  options: StartOptions,
  throttle: ProbotOptions['throttle'] = { enabled: false },
): Promise<{ fake: FakeGitHub; octokit: InstanceType<typeof ProbotOctokit> }> {
  const fake = await startFakeGitHub(state, { ...options, tokens: { [TOKEN]: state.botLogin } });
  const octokit = new ProbotOctokit({
    auth: { token: TOKEN },
    baseUrl: fake.apiUrl,
    log: quiet,
    retry: { enabled: false },
    throttle,
  });
  return { fake, octokit };
}

/** A clock of the test's own: sleeping moves it on at once, and each sleep is kept. */
export function testClock(start: string) {
  let now = Date.parse(start);
  const slept: number[] = [];
  return {
    slept,
    now: () => now,
    sleep: async (ms: number) => {
      slept.push(ms);
      now += ms;
    },
  };
}
