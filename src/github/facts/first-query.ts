/**
 * The first read of a pull request: one query for the first page of each of its lists, the
 * default branch head, the repository's policy file and the org's.
 */
import { POLICY_PATH } from '../../model/names.js';
import { fail, reading, type GitHubClient } from '../client.js';
import {
  pullRequestQuery,
  type RawPullRequest,
  type SnapshotAnswer,
} from '../queries/pull-request.js';

/** The pull request being read, and the client that reads it. */
export interface PullRequestAt {
  gh: GitHubClient;
  owner: string;
  repo: string;
  number: number;
  /** `owner/repo#number`, for messages. */
  ref: string;
}

/** The first query's answer, with what an evaluation cannot do without checked to be there. */
export interface FirstAnswer {
  repository: NonNullable<SnapshotAnswer['repository']>;
  pr: RawPullRequest & {
    labels: NonNullable<RawPullRequest['labels']>;
    reviews: NonNullable<RawPullRequest['reviews']>;
  };
  defaultBranch: { name: string; sha: string };
  /** The org's `.github` repository; undefined when the answer has no word on it. */
  orgPolicy: SnapshotAnswer['orgPolicy'];
}

/**
 * Sends the snapshot query; with the app's id it also reads the app's check runs on the head
 * commit. Throws, saying what is missing, when the repository, the pull request, the default
 * branch, the labels or the reviews are not in the answer.
 */
export async function readFirstQuery(at: PullRequestAt, appId?: number): Promise<FirstAnswer> {
  const { owner, repo, number, ref } = at;
  const withCheckRuns = appId !== undefined;
  const answer = await reading(`pull request ${ref}`, () =>
    acceptMissingOrgRepository(
      at.gh.graphql<SnapshotAnswer>(pullRequestQuery({ withCheckRuns }), {
        ...(withCheckRuns ? { appId } : {}),
        owner,
        repo,
        number,
        policyExpression: `HEAD:${POLICY_PATH}`,
      }),
    ),
  );
  if (typeof answer !== 'object' || answer === null) {
    // Octokit hands back raw text when it cannot parse an answer (one of several megabytes).
    fail(`pull request ${ref}`, "GitHub's answer could not be read (too large, or not JSON)");
  }
  const repository = answer.repository;
  if (!repository) fail(`pull request ${ref}`, `repository ${owner}/${repo} not found`);
  const pr = repository.pullRequest;
  if (!pr) fail(`pull request ${ref}`, 'pull request not found');
  const defaultBranch = repository.defaultBranchRef;
  if (!defaultBranch?.target?.oid) {
    fail(`default branch of ${owner}/${repo}`, 'the repository has no default branch');
  }
  // Labels feed detection and reviews feed approvals: a missing list is an error, not "none".
  // (A missing file list is modelled instead: the files are then not complete.)
  const { labels, reviews } = pr;
  if (!labels) fail(`labels of ${ref}`, 'GitHub gave no label list');
  if (!reviews) fail(`reviews of ${ref}`, 'GitHub gave no review list');
  return {
    repository,
    pr: { ...pr, labels, reviews },
    defaultBranch: { name: defaultBranch.name, sha: defaultBranch.target.oid },
    orgPolicy: answer.orgPolicy,
  };
}

/**
 * The snapshot's answer even when the org's `.github` repository does not exist (or the app cannot
 * see it): GitHub then answers the rest and reports NOT_FOUND on `orgPolicy` alone, which Octokit
 * throws. Any other error is passed on.
 */
async function acceptMissingOrgRepository(query: Promise<SnapshotAnswer>): Promise<SnapshotAnswer> {
  try {
    return await query;
  } catch (err) {
    const e = err as { errors?: unknown; data?: SnapshotAnswer };
    const onlyOrgMissing =
      Array.isArray(e?.errors) &&
      e.errors.length > 0 &&
      e.errors.every((x: { type?: unknown; path?: unknown }) => {
        return (
          x?.type === 'NOT_FOUND' &&
          Array.isArray(x.path) &&
          x.path.length === 1 &&
          x.path[0] === 'orgPolicy'
        );
      });
    if (onlyOrgMissing && e.data && typeof e.data === 'object')
      return { ...e.data, orgPolicy: null };
    throw err;
  }
}
