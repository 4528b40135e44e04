/**
 * The demo's sample organisation and the story it plays: six things people do to pull requests on
 * GitHub, each as a change to the fake's state plus the webhooks GitHub would send for it.
 */

import type { Policy } from '../model/policy.js';
import { POLICY_PATH } from '../model/names.js';
import type { FakeGitHubState } from '../fake-github/state.js';
import {
  pullRequestEvent,
  pullRequestReviewEvent,
  type WebhookDelivery,
} from '../fake-github/webhooks.js';

export const DEMO_ORG = 'acme';
export const DEMO_REPO = `${DEMO_ORG}/payments-api`;

/** The people of the sample organisation. */
export const PEOPLE = {
  /** Writes code by hand; not in any team. */
  human: 'lee',
  /** A payments senior who works with an AI assistant, and opens the AI-assisted PR. */
  author: 'maya',
  /** The other payments seniors. */
  seniors: ['omar', 'priya'] as const,
  /** An AI code-review bot. */
  bot: 'acme-ai-reviewer[bot]',
  /** The incident commander on call. */
  commander: 'ines',
} as const;

export const PAYMENTS_TEAM = 'payments-seniors';
export const COMMANDERS_TEAM = 'incident-commanders';
/** The label the story applies in step 6 when the policy names none. */
export const DEFAULT_OVERRIDE_LABEL = 'ai-governance-override';

/** The AI assistant's co-author trailer, as Claude Code writes it. */
const CLAUDE = { name: 'Claude', email: 'noreply@anthropic.com' };

/** What a pull request of the story says: one commit, named after its title. */
export interface StoryPullRequest {
  author: string;
  title: string;
  body: string;
  files: readonly string[];
  /** Written with Claude: the commit carries its Co-authored-by trailer. */
  withClaude: boolean;
}

/** Opens a pull request of the story in the demo repository; returns its number. */
export function openStoryPullRequest(state: FakeGitHubState, pr: StoryPullRequest): number {
  return state.openPullRequest(DEMO_REPO, {
    author: pr.author,
    title: pr.title,
    body: pr.body,
    commits: [{ message: pr.title, ...(pr.withClaude ? { coAuthors: [CLAUDE] } : {}) }],
    files: [...pr.files],
  }).number;
}

export interface World {
  /** Teams the policy names that the sample organisation did not have, created for the story. */
  addedTeams: string[];
  /** The label step 6 applies. */
  overrideLabel: string;
}

/**
 * Fills the state with the sample organisation and its repository, whose default branch holds the
 * policy. Teams the policy names that the organisation lacks are created, so that a user's own
 * policy can be played too: override teams get the incident commander, other teams the seniors.
 */
export function setUpWorld(
  state: FakeGitHubState,
  policyText: string,
  policy: Policy | null,
): World {
  state.addOrg(DEMO_ORG);
  state.addUser(PEOPLE.human, { name: 'Lee Park' });
  state.addUser(PEOPLE.author, { name: 'Maya Lind' });
  state.addUser(PEOPLE.seniors[0], { name: 'Omar Haddad' });
  state.addUser(PEOPLE.seniors[1], { name: 'Priya Nair' });
  state.addUser(PEOPLE.commander, { name: 'Ines Moreau' });
  state.addUser(PEOPLE.bot, { type: 'Bot' });
  const seniors = [PEOPLE.author, ...PEOPLE.seniors];
  state.addTeam(DEMO_ORG, PAYMENTS_TEAM, seniors, { name: 'Payments seniors' });
  state.addTeam(DEMO_ORG, COMMANDERS_TEAM, [PEOPLE.commander], { name: 'Incident commanders' });

  const addedTeams: string[] = [];
  if (policy) {
    const overrideTeams = new Set((policy.override?.teams ?? []).map((t) => t.toLowerCase()));
    const named = [
      ...policy.critical_paths.flatMap((r) => r.reviewers.teams),
      ...policy.ai_default.reviewers.teams,
      ...policy.policy_file.reviewers.teams,
      ...overrideTeams,
    ];
    for (const slug of named) {
      if (state.team(DEMO_ORG, slug)) continue;
      const members = overrideTeams.has(slug.toLowerCase()) ? [PEOPLE.commander] : seniors;
      state.addTeam(DEMO_ORG, slug, members);
      addedTeams.push(slug);
    }
  }

  state.addRepo({
    owner: DEMO_ORG,
    name: 'payments-api',
    files: {
      [POLICY_PATH]: policyText,
      'README.md': '# Payments API\n',
      'services/payments/refunds.ts': 'export function refund() {}\n',
      'services/payments/rounding.ts': 'export function round() {}\n',
    },
  });
  return { addedTeams, overrideLabel: policy?.override?.label ?? DEFAULT_OVERRIDE_LABEL };
}

export interface StepAction {
  /** The pull request the step is about. */
  pr: number;
  /** What GitHub sends for it, in order. */
  deliveries: WebhookDelivery[];
}

export interface StoryStep {
  /** One line: what happens. */
  title: string;
  /** A sentence or two on why it matters. */
  story: string;
  act(state: FakeGitHubState, world: World, prs: number[]): StepAction;
}

const review = (
  state: FakeGitHubState,
  number: number,
  user: string,
  body: string,
): WebhookDelivery => {
  const r = state.submitReview(DEMO_REPO, number, { user, state: 'APPROVED', body });
  return pullRequestReviewEvent(state, DEMO_REPO, number, r.id, 'submitted');
};

/** The files the story's pull requests change, by pull request. */
const HUMAN_PR_FILES = ['services/payments/rounding.ts', 'services/payments/rounding.test.ts'];
const AI_PR_FILES = [
  'services/payments/refunds.ts',
  'services/payments/refunds.test.ts',
  'services/payments/README.md',
];
/** Every path the story changes: a policy whose rules match none of them shows none at work. */
export const STORY_FILES: readonly string[] = [...new Set([...HUMAN_PR_FILES, ...AI_PR_FILES])];

/** A step's act that opens a pull request of the story and keeps its number. */
const opens =
  (pr: StoryPullRequest): StoryStep['act'] =>
  (state, _world, prs) => {
    const number = openStoryPullRequest(state, pr);
    prs.push(number);
    return { pr: number, deliveries: [pullRequestEvent(state, DEMO_REPO, number, 'opened')] };
  };

/** The six steps. `prs` holds the numbers of the PRs opened so far (the human one, then the AI one). */
export const STORY: readonly StoryStep[] = [
  {
    title: `@${PEOPLE.human} opens a pull request written by hand that touches services/payments/`,
    story:
      'No AI assistance: the repository’s usual rules apply, and the app stays out of the way.',
    act: opens({
      author: PEOPLE.human,
      title: 'Round refund amounts half-to-even',
      body: 'Banker’s rounding for refunds, as finance asked.',
      files: HUMAN_PR_FILES,
      withClaude: false,
    }),
  },
  {
    title: `@${PEOPLE.author} opens a pull request written with Claude that touches the same path`,
    story:
      'The commit carries a “Co-authored-by: Claude” trailer, so the change is AI-assisted and ' +
      'services/payments/ is a critical path.',
    act: opens({
      author: PEOPLE.author,
      title: 'Retry refunds that time out',
      body: 'A refund whose provider call times out is retried once before it is reported.',
      files: AI_PR_FILES,
      withClaude: true,
    }),
  },
  {
    title: `The author (@${PEOPLE.author}) and an AI review bot (@${PEOPLE.bot}) approve`,
    story:
      'Both approvals are on the latest commit, but an author cannot approve their own change ' +
      'and a bot is not a senior engineer.',
    act(state, _world, prs) {
      const pr = prs[1]!;
      return {
        pr,
        deliveries: [
          review(state, pr, PEOPLE.author, 'Tested locally, looks right to me.'),
          review(state, pr, PEOPLE.bot, 'No issues found.'),
        ],
      };
    },
  },
  {
    title: `Two payments seniors (@${PEOPLE.seniors[0]} and @${PEOPLE.seniors[1]}) approve`,
    story: 'Two approvals from the team the policy names, on the latest commit.',
    act(state, _world, prs) {
      const pr = prs[1]!;
      return {
        pr,
        deliveries: [
          review(state, pr, PEOPLE.seniors[0], 'Retry logic and tests look good.'),
          review(state, pr, PEOPLE.seniors[1], 'Approved.'),
        ],
      };
    },
  },
  {
    title: `@${PEOPLE.author} pushes another commit, again with Claude`,
    story:
      'The approvals were given on the previous commit; nobody senior has seen the new code yet.',
    act(state, _world, prs) {
      const pr = prs[1]!;
      const before = state.requirePull(DEMO_REPO, pr).headSha;
      state.pushCommits(
        DEMO_REPO,
        pr,
        [{ message: 'Cap refund retries at three', coAuthors: [CLAUDE] }],
        { files: [AI_PR_FILES[0]!] },
      );
      return {
        pr,
        deliveries: [pullRequestEvent(state, DEMO_REPO, pr, 'synchronize', { before })],
      };
    },
  },
  {
    title: `Incident commander @${PEOPLE.commander} applies the override label`,
    story:
      'Refunds are failing in production and the fix cannot wait for the seniors. The override ' +
      'passes the check and is recorded, with who applied it, in the audit comment’s history.',
    act(state, world, prs) {
      const pr = prs[1]!;
      state.addLabel(DEMO_REPO, pr, world.overrideLabel, PEOPLE.commander);
      return {
        pr,
        deliveries: [
          pullRequestEvent(state, DEMO_REPO, pr, 'labeled', {
            label: world.overrideLabel,
            sender: PEOPLE.commander,
          }),
        ],
      };
    },
  },
];
