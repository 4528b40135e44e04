import type * as GitHub from '@octokit/graphql-schema';
import { describe, expectTypeOf, it } from 'vitest';
import type { CommitObjectsAnswer } from '../../src/github/queries/commits.js';
import type { ForcePushesPageAnswer } from '../../src/github/queries/force-pushes.js';
import type { MergeQueueAnswer } from '../../src/github/queries/merge-queue.js';
import type { ReconcileAnswer } from '../../src/github/queries/open-pull-requests.js';
import type {
  PullRequestHeadAnswer,
  PullRequestPageAnswer,
  SnapshotAnswer,
} from '../../src/github/queries/pull-request.js';
import type { OrgTeamsAnswer, RawTeam, TeamMembersAnswer } from '../../src/github/queries/teams.js';
import type {
  CommitAuthorsAnswer,
  FollowUpAnswer,
  MergedBatchAnswer,
  PolicyHistoriesAnswer,
  PolicyHistoryAnswer,
} from '../../src/github/queries/audit.js';

/**
 * The answer types in src/github/queries/, checked by the compiler against the types generated
 * from GitHub's schema (`@octokit/graphql-schema`): every field they name exists on GitHub's type
 * (or on one of a union's members), with a compatible type, and may be null wherever GitHub may
 * give null. A problem shows as a compile error naming its path, e.g.
 * `.repository.pullRequest.headRefSha: no such field`. `npm test` runs tsc over this file.
 */

/** The aliases the documents use, and the field each one reads. */
interface Aliases {
  policyFile: 'object';
  orgPolicy: 'repository';
  headCommit: 'commits';
  labelEvents: 'timelineItems';
  reviewRequestEvents: 'timelineItems';
  forcePushes: 'timelineItems';
  timeline: 'timelineItems';
}

type Defined<T> = Exclude<T, null | undefined>;
type IsAny<T> = 0 extends 1 & T ? true : false;
type Scalar = string | number | boolean;
type FieldName<K> = K extends keyof Aliases ? Aliases[K] : K;
/** The members of a (union) type that have field K, and that field's type across them. */
type FieldOf<S, K extends PropertyKey> = S extends unknown
  ? K extends keyof S
    ? S[K]
    : never
  : never;
type MissingOn<S, K extends PropertyKey> = S extends unknown
  ? K extends keyof S
    ? never
    : S
  : never;

/** Where Raw is not a selection of GitHub's type S: a union of paths with the problem; never if none. */
export type Problems<Raw, S, Path extends string = ''> =
  | (IsAny<S> extends true
      ? never // a custom scalar (DateTime, GitObjectID, ...): generated as any
      : null extends S
        ? null extends Raw
          ? never
          : `${Path}: GitHub may give null`
        : never)
  | DefinedProblems<Defined<Raw>, Defined<S>, Path>;

type DefinedProblems<R, S, Path extends string> = [R] extends [readonly (infer RE)[]]
  ? [S] extends [readonly (infer SE)[]]
    ? Problems<RE, SE, `${Path}[]`>
    : `${Path}: not a list on GitHub`
  : [R] extends [Scalar]
    ? [S] extends [R]
      ? never
      : `${Path}: GitHub's type does not fit`
    : ObjectProblems<R, S, Path>;

type ObjectProblems<R, S, Path extends string> = {
  [K in keyof R & string]-?: string extends K
    ? `${Path}: an index signature; check its values on their own`
    : [FieldOf<S, FieldName<K>>] extends [never]
      ? `${Path}.${K}: no such field`
      : // A field only some members of a union have may be absent: the raw type must say so.
        | ({} extends Pick<R, K>
            ? never
            : [MissingOn<S, FieldName<K>>] extends [never]
              ? never
              : `${Path}.${K}: only on some of GitHub's types; make it optional`)
        | Problems<R[K], FieldOf<S, FieldName<K>>, `${Path}.${K}`>;
}[keyof R & string];

type Repository = Defined<GitHub.Query['repository']>;

describe("the GraphQL answer types against GitHub's schema", () => {
  it('the snapshot, page, commit, team and reconcile answers select only what GitHub has', () => {
    expectTypeOf<Problems<SnapshotAnswer, GitHub.Query>>().toEqualTypeOf<never>();
    expectTypeOf<Problems<PullRequestPageAnswer, GitHub.Query>>().toEqualTypeOf<never>();
    expectTypeOf<Problems<PullRequestHeadAnswer, GitHub.Query>>().toEqualTypeOf<never>();
    expectTypeOf<Problems<ForcePushesPageAnswer, GitHub.Query>>().toEqualTypeOf<never>();
    expectTypeOf<Problems<OrgTeamsAnswer, GitHub.Query>>().toEqualTypeOf<never>();
    expectTypeOf<Problems<MergeQueueAnswer, GitHub.Query>>().toEqualTypeOf<never>();
    expectTypeOf<Problems<ReconcileAnswer, GitHub.Query>>().toEqualTypeOf<never>();
    // Aliased objects c0, c1, ... and teams t0, t1, ...
    // (their fields are read in fragments on Commit, their __typename on any GitObject)
    type CommitObject = Defined<CommitObjectsAnswer['repository']>[string];
    type Typename = Pick<Defined<CommitObject>, '__typename'> | null;
    expectTypeOf<Problems<Typename, Repository['object']>>().toEqualTypeOf<never>();
    type CommitFields = Omit<Defined<CommitObject>, '__typename'>;
    expectTypeOf<Problems<CommitFields, GitHub.Commit>>().toEqualTypeOf<never>();
    type TeamsOrg = Omit<Defined<TeamMembersAnswer['organization']>, string>;
    expectTypeOf<Problems<TeamsOrg, GitHub.Organization>>().toEqualTypeOf<never>();
    type AliasedTeam = Defined<TeamMembersAnswer['organization']>[string];
    expectTypeOf<AliasedTeam>().toEqualTypeOf<RawTeam | null>();
    expectTypeOf<Problems<AliasedTeam, GitHub.Organization['team']>>().toEqualTypeOf<never>();
  });

  it("the audit's batch, follow-up, co-author and history answers select only what GitHub has", () => {
    expectTypeOf<Problems<MergedBatchAnswer, GitHub.Query>>().toEqualTypeOf<never>();
    expectTypeOf<Problems<PolicyHistoryAnswer, GitHub.Query>>().toEqualTypeOf<never>();
    type AliasedRepository = PolicyHistoriesAnswer['r0'];
    expectTypeOf<Problems<AliasedRepository, GitHub.Query['repository']>>().toEqualTypeOf<never>();
    // Aliased pull requests p0, p1, ... and commits c0, c1, ...
    type Rate = Pick<FollowUpAnswer, 'rateLimit'>;
    expectTypeOf<Problems<Rate, GitHub.Query>>().toEqualTypeOf<never>();
    type AliasedPull = Defined<FollowUpAnswer['repository']>[string];
    expectTypeOf<Problems<AliasedPull, Repository['pullRequest']>>().toEqualTypeOf<never>();
    type AliasedCommit = Defined<CommitAuthorsAnswer['repository']>[string];
    type CommitTypename = Pick<Defined<AliasedCommit>, '__typename'> | null;
    expectTypeOf<Problems<CommitTypename, Repository['object']>>().toEqualTypeOf<never>();
    type AuthorFields = Omit<Defined<AliasedCommit>, '__typename'>;
    expectTypeOf<Problems<AuthorFields, GitHub.Commit>>().toEqualTypeOf<never>();
  });

  it('names the field a wrong type gets wrong (the check can fail)', () => {
    type Wrong = { repository: { pullRequest: { headRefSha: string; number: string } | null } };
    expectTypeOf<Problems<Wrong, GitHub.Query>>().toEqualTypeOf<
      | '.repository: GitHub may give null'
      | '.repository.pullRequest.headRefSha: no such field'
      | ".repository.pullRequest.number: GitHub's type does not fit"
    >();
    type NotNull = { repository: { pullRequest: { files: { totalCount: number } } } | null };
    expectTypeOf<Problems<NotNull, GitHub.Query>>().toEqualTypeOf<
      | '.repository.pullRequest: GitHub may give null'
      | '.repository.pullRequest.files: GitHub may give null'
    >();
    type Partial = { repository: { owner: { login: string; slug: string } } | null };
    expectTypeOf<
      Problems<Partial, GitHub.Query>
    >().toEqualTypeOf<'.repository.owner.slug: no such field'>();
  });
});
