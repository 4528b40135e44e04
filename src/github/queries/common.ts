/**
 * What every GraphQL document the GitHub adapter sends has in common: GitHub's page size, the
 * shapes of a page and of an actor, and the selections that read them.
 *
 * The documents are grouped by what they read (a pull request, commits, force pushes, teams, the
 * merge queue, open pull requests); each module holds its documents and the shapes of their
 * answers (only the fields the documents ask for). Reads grow with the pages GitHub forces (100
 * items each), never per file or commit.
 */
import { PAGE_MAX } from '../../model/github.js';

/** Items per connection page: GitHub's largest. */
export const PAGE_SIZE = PAGE_MAX;

/** Co-authors read with each commit; more pages are read in batched follow-ups. */
export const COMMIT_AUTHORS_PAGE = 20;

export interface PageInfoForward {
  hasNextPage: boolean;
  endCursor: string | null;
}

export interface PageInfoBackward {
  hasPreviousPage: boolean;
  startCursor: string | null;
}

/** A page of a connection read forward: its nodes (GitHub may give null for any) and where it ends. */
export interface ForwardPage<T> {
  pageInfo: PageInfoForward;
  nodes: (T | null)[] | null;
}

/**
 * A pull request's last commit (`commits(last: 1)`) with the check runs of its check suites:
 * each suite's own fields are `Suite`, each run's `Run`.
 */
export interface HeadCheckRuns<Suite, Run> {
  nodes:
    | ({
        commit: {
          oid: string;
          checkSuites: {
            nodes:
              ((Suite & { checkRuns: { nodes: (Run | null)[] | null } | null }) | null)[] | null;
          } | null;
        };
      } | null)[]
    | null;
}

export interface RawActor {
  __typename: string;
  login: string;
}

export interface RawGitActor {
  name: string | null;
  email: string | null;
  user: { login: string } | null;
}

export const ACTOR = '{ __typename login }';
export const GIT_ACTOR = '{ name email user { login } }';
export const FORWARD = 'pageInfo { hasNextPage endCursor }';
export const BACKWARD = 'pageInfo { hasPreviousPage startCursor }';

/** 0, 1, ..., n-1: the aliases of a batched query. */
function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

/**
 * The variables and fields of a query that asks for `count` aliased copies of one field; `none`
 * is the error when there are none (a query without them would not be valid).
 */
export function aliased(
  count: number,
  none: string,
  variable: (i: number) => string,
  field: (i: number) => string,
): { vars: string; fields: string[] } {
  if (count < 1) throw new Error(none);
  return { vars: range(count).map(variable).join(', '), fields: range(count).map(field) };
}

/** The query's repository (variables `$owner` and `$repo`) with `fields` under it. */
export function inRepository(fields: readonly string[]): string {
  return `repository(owner: $owner, name: $repo) {
    ${fields.join('\n    ')}
  }`;
}
