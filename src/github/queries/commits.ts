/** Commits read by sha, and further pages of their co-authors, many commits a query. */
import {
  COMMIT_AUTHORS_PAGE,
  FORWARD,
  GIT_ACTOR,
  PAGE_SIZE,
  aliased,
  inRepository,
  type ForwardPage,
  type RawGitActor,
} from './common.js';

export type RawCommitAuthors = ForwardPage<RawGitActor>;

export interface RawCommit {
  oid: string;
  message: string;
  authors: RawCommitAuthors;
  committer: RawGitActor | null;
}

/** The facts of a commit every document that reads commits asks for. */
export const COMMIT_FRAGMENT = `fragment CommitFacts on Commit {
  oid
  message
  authors(first: ${COMMIT_AUTHORS_PAGE}) { ${FORWARD} nodes ${GIT_ACTOR} }
  committer ${GIT_ACTOR}
}`;

/** Answer to {@link commitsByOidQuery} and {@link commitAuthorsQuery}: aliases c0, c1, ... */
export interface CommitObjectsAnswer {
  repository: Record<string, (Partial<RawCommit> & { __typename?: string }) | null> | null;
}

/** Reads commits by sha (aliases c0..c{n-1}, variables $o0..), for commits the PR list did not hold. */
export function commitsByOidQuery(count: number): string {
  const { vars, fields } = aliased(
    count,
    'commitsByOidQuery needs at least one commit',
    (i) => `$o${i}: GitObjectID!`,
    (i) => `c${i}: object(oid: $o${i}) { __typename ...CommitFacts }`,
  );
  return `query CommitsByOid($owner: String!, $repo: String!, ${vars}) {
  ${inRepository(fields)}
}
${COMMIT_FRAGMENT}`;
}

/** Reads further pages of co-authors of several commits at once (variables $o{i} sha, $a{i} cursor). */
export function commitAuthorsQuery(count: number): string {
  const { vars, fields } = aliased(
    count,
    'commitAuthorsQuery needs at least one commit',
    (i) => `$o${i}: GitObjectID!, $a${i}: String!`,
    (i) =>
      `c${i}: object(oid: $o${i}) { __typename ... on Commit { oid authors(first: ${PAGE_SIZE}, after: $a${i}) { ${FORWARD} nodes ${GIT_ACTOR} } } }`,
  );
  return `query CommitAuthors($owner: String!, $repo: String!, ${vars}) {
  ${inRepository(fields)}
}`;
}
