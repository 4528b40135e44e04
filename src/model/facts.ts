/**
 * Everything the evaluation needs to know about a pull request, as plain data.
 * The GitHub adapter and the local git adapter each gather these; neither passes anything else.
 */

import type { HeadRecord } from './record.js';

export type ActorType = 'User' | 'Bot' | 'Organization' | 'Mannequin' | 'Unknown';

export interface Actor {
  login: string;
  type: ActorType;
}

/** A person or tool as git records them, with the GitHub login when GitHub could link one. */
export interface GitIdentity {
  name: string;
  email: string;
  login: string | null;
  /** True when GitHub says the linked account is a bot, or the email is a bot's noreply address. */
  bot?: boolean;
}

export interface CommitFact {
  sha: string;
  message: string;
  /** The primary author first, then co-authors as GitHub (or the trailers) list them. */
  authors: GitIdentity[];
  committer: GitIdentity;
}

export interface ChangedFile {
  path: string;
  /** For renames and copies, the path the file had before; it is matched against the rules too. */
  previousPath?: string;
}

export interface LabelFact {
  name: string;
  /** Who applied the label most recently; null when GitHub did not say. */
  appliedBy: Actor | null;
  /** GitHub's node id of that LabeledEvent, when known: each application has its own. */
  eventId?: string | null;
}

export type ReviewState = 'APPROVED' | 'CHANGES_REQUESTED' | 'COMMENTED' | 'DISMISSED' | 'PENDING';

export interface ReviewFact {
  id: string | number;
  user: Actor | null;
  state: ReviewState;
  /** The commit the review was made on; null when GitHub no longer knows it. */
  commitId: string | null;
  /** ISO 8601. */
  submittedAt: string | null;
  /**
   * Whether the reviewer can push to the repository (GitHub counts approvals only from such
   * people); null when GitHub did not say, which counts as no.
   */
  authorCanPush: boolean | null;
}

/** A team's current members, read at evaluation time; null when the team does not exist or cannot be read. */
export type TeamMembers = string[] | null;

export interface PullRequestFacts {
  /** owner/name, for messages only. */
  repository?: string;
  number?: number;
  title: string;
  body: string;
  author: Actor;
  headRef: string;
  headSha: string;
  baseRef: string;
  commits: CommitFact[];
  /** False when GitHub would not list every commit; the verdict then fails closed. */
  commitsComplete: boolean;
  files: ChangedFile[];
  /** False when GitHub would not list every changed file; the verdict then fails closed. */
  filesComplete: boolean;
  /** The total number of changed files GitHub reports, when known. */
  changedFilesCount?: number;
  labels: LabelFact[];
  reviews: ReviewFact[];
  /** Members of each team the policy names, keyed by slug (lower-case). Missing key: not read. */
  teams: Record<string, TeamMembers>;
  /** Heads that force pushes replaced, oldest first (undefined where unknown, as in the CLI). */
  earlierHeads?: EarlierHead[];
  /** Labels removed from the PR, with who removed them and when (GitHub's clock). */
  labelRemovals?: LabelRemoval[];
  /**
   * The app's own record of the head commit (from its check run there), when it has one for this
   * PR; null when it has none; undefined when the adapter cannot keep records (the CLI).
   */
  headRecord?: HeadRecord | null;
}

/** A head commit a force push replaced: what GitHub and the app's record still say about it. */
export interface EarlierHead {
  sha: string;
  /** When GitHub recorded the force push that replaced it (ISO 8601, GitHub's clock). */
  replacedAt: string;
  /** The commit itself, when GitHub still gives it. */
  commit: CommitFact | null;
  /** The app's record of that head (from its check run there), when there is one. */
  record: HeadRecord | null;
}

export interface LabelRemoval {
  name: string;
  by: Actor | null;
  /** ISO 8601, GitHub's clock. */
  at: string;
}
