/** The shapes shared by the evaluation of one pull request and the code around it. */
import type { Logger } from 'pino';
import type { Verdict } from '../model/verdict.js';
import type { GitHubClient } from './client.js';
import type { TeamCache } from './team-cache.js';

export interface AppIdentity {
  id: number;
  slug: string;
}

export interface EvaluationDeps {
  gh: GitHubClient;
  log: Logger;
  app: AppIdentity;
  teams: TeamCache;
  /** Absolute URL of docs/policy.md, linked from checks of repositories with no policy. */
  policyDocsUrl?: string;
  /** An evaluation that takes longer fails (its check says so) rather than hanging. */
  deadlineMs?: number;
  /** After this long a new head commit shows an in-progress check; negative: never. */
  inProgressAfterMs?: number;
  /**
   * A client that does not depend on the shared store (Redis), for a failing check that must get
   * through when that store fails (see scale/store-free-client.ts).
   */
  storeFreeGh?: () => GitHubClient | null;
}

export interface Target {
  owner: string;
  repo: string;
  number: number;
  /** The head sha the event named, to post a failing check on when the PR cannot even be read. */
  headSha?: string;
  /** A merge group's head: the check goes there, and nothing else is written. */
  mergeGroupSha?: string;
  /** For a merge group: the PR head the queue took; a PR that moved since is not passed. */
  expectedHeadSha?: string;
  /** For a merge group: the PRs queued ahead, whose changes the group carries too. */
  carried?: number[];
  /** What triggered the evaluation, for the audit log. */
  trigger: string;
  deliveryId?: string;
}

/** What an evaluation wrote on the pull request: each is 'none' when it wrote nothing. */
export interface Writes {
  check: string;
  comment: string;
  label: string;
  reviewRequest: string;
}

/** What an evaluation writes besides the check run. */
export type ExtraWrites = Omit<Writes, 'check'>;

export const NO_EXTRA_WRITES: ExtraWrites = {
  comment: 'none',
  label: 'none',
  reviewRequest: 'none',
};

export interface EvaluationReport {
  outcome: Verdict['outcome'];
  headSha: string | null;
  writes: Writes;
}
