/**
 * The scenario the app-level tests share, on the loopback fake GitHub: the org `acme` with two
 * teams, the repository `acme/payments-api` with a policy that holds AI-assisted changes to the
 * payments path for two seniors and changes to the policy file for a platform lead, and the app
 * started on it the way these tests want it (its identity given, team members read every time,
 * each request's body kept so a test can check what was sent).
 */
import { POLICY_PATH } from '../../src/model/names.js';
import type { FakeCheckRun, FileSpec } from '../../src/fake-github/model.js';
import type { FakeGitHubState } from '../../src/fake-github/state.js';
import type { AppOptions } from '../../src/app.js';
import {
  newFakeState,
  startAppOnFake,
  type AppOnFake,
  type AppOnFakeOptions,
} from '../support/app-on-fake.js';
import { CLAUDE, ORG, REPO } from '../support/fixtures.js';

export { POLICY_PATH, ORG, REPO };

/** The repository's REST path, as the request log shows it. */
export const R = `/repos/${REPO}`;

export const PAYMENTS_POLICY = `version: 1
critical_paths:
  - name: payments
    paths: ["services/payments/**"]
    exclude: ["**/*.md"]
    approvals: 2
    reviewers:
      teams: [payments-seniors]
policy_file:
  approvals: 1
  reviewers:
    teams: [platform-leads]
`;

export const TEAMS: Record<string, string[]> = {
  'payments-seniors': ['carol', 'dave', 'erin'],
  'platform-leads': ['paula'],
};

/** The reads of one evaluation of a pull request, before its writes. */
export const EVALUATION_READS = ['POST /graphql PullRequestSnapshot', 'POST /graphql TeamMembers'];

export interface AcmeOptions {
  /** The repository's policy on its default branch; none when null. */
  policy?: string | null;
  /** The org's policy, in its `.github` repository (not created when not given). */
  orgPolicy?: string;
  teams?: Record<string, string[]>;
  /** More files on the repository's default branch. */
  files?: Record<string, string>;
  /** The repository belongs to a user account `acme`, not an organisation (no teams). */
  userOwned?: boolean;
}

/** A state with `acme` and `acme/payments-api` (see {@link AcmeOptions}). */
export function acme(options: AcmeOptions = {}): FakeGitHubState {
  const state = newFakeState();
  if (!options.userOwned) {
    state.addOrg(ORG);
    for (const [slug, members] of Object.entries(options.teams ?? TEAMS)) {
      state.addTeam(ORG, slug, members);
    }
  }
  const policy = options.policy === undefined ? PAYMENTS_POLICY : options.policy;
  state.addRepo({
    owner: ORG,
    name: 'payments-api',
    files: {
      'README.md': '# Payments\n',
      ...(policy === null ? {} : { [POLICY_PATH]: policy }),
      ...options.files,
    },
  });
  if (options.orgPolicy !== undefined) {
    state.addRepo({ owner: ORG, name: '.github', files: { [POLICY_PATH]: options.orgPolicy } });
  }
  return state;
}

export const AI_PAYMENTS_FILES = [
  'services/payments/refund.ts',
  'services/payments/retry.ts',
  'services/payments/README.md',
  'docs/refunds.md',
];

/** An AI-assisted PR by alice (Claude as co-author) touching the payments path; its number. */
export function openAiPaymentsPr(state: FakeGitHubState, files: FileSpec[] = AI_PAYMENTS_FILES) {
  return state.openPullRequest(REPO, {
    author: 'alice',
    title: 'Retry failed refunds',
    commits: [{ message: 'Retry failed refunds\n\nRetries with backoff.', coAuthors: [CLAUDE] }],
    files,
  }).number;
}

/** A PR by `author` (alice unless named) with no AI evidence; its number. */
export function openHumanPr(state: FakeGitHubState, files: FileSpec[], author = 'alice') {
  return state.openPullRequest(REPO, {
    author,
    title: 'A change',
    commits: [{ message: 'A change' }],
    files,
  }).number;
}

/** An AI-assisted PR (Claude as co-author) with `files` and `message`; its number. */
export function openAiPr(state: FakeGitHubState, files: FileSpec[], message: string) {
  return state.openPullRequest(REPO, {
    author: 'alice',
    title: message,
    commits: [{ message, coAuthors: [CLAUDE] }],
    files,
  }).number;
}

/** The head commit of PR `number`. */
export function headOf(state: FakeGitHubState, number: number): string {
  return state.requirePull(REPO, number).headSha;
}

/** A completed, successful run named `name` of another app (`appId`) on PR `number`'s head. */
export function otherAppsRun(
  state: FakeGitHubState,
  number: number,
  name: string,
  appId = 2,
): FakeCheckRun {
  return state.createCheckRun(REPO, {
    name,
    headSha: headOf(state, number),
    status: 'completed',
    conclusion: 'success',
    completedAt: null,
    output: { title: 'Fine', summary: 'Fine', text: null },
    annotations: [],
    actions: [],
    appId,
    externalId: '',
    detailsUrl: null,
  });
}

/**
 * What the PR's branch holds besides the default branch's files: its head commit's tree gets
 * `files` (the fake keeps no trees for PR commits, so without this they read as the base's).
 */
export function setHeadFiles(
  state: FakeGitHubState,
  number: number,
  files: Record<string, string>,
): void {
  const repo = state.requireRepo(REPO);
  const pr = state.requirePull(REPO, number);
  const tree = new Map(state.treeAt(repo, pr.baseSha) ?? []);
  for (const [path, text] of Object.entries(files)) tree.set(path, text);
  repo.commits.get(pr.headSha)!.tree = tree;
}

/**
 * The real app on the fake GitHub for `state`: its identity given (so no `GET /app` unless a test
 * leaves it out), team members read on every evaluation, request bodies recorded.
 */
export function startApp(
  state: FakeGitHubState,
  app: AppOptions = {},
  options: Omit<AppOnFakeOptions, 'app'> = {},
): Promise<AppOnFake> {
  return startAppOnFake(state, {
    ...options,
    app: { teamTtlMs: 0, identity: { id: state.app.id, slug: state.app.slug }, ...app },
    fake: { recordBodies: true, ...options.fake },
  });
}
