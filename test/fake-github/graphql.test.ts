import { describe, expect, it } from 'vitest';
import { answer, type GqlObject } from '../../src/fake-github/graphql.js';
import { encodeCursor, queryRoot } from '../../src/fake-github/schema.js';
import { FakeGitHubState } from '../../src/fake-github/state.js';

/** The fake's GraphQL: GitHub's schema, executed against the fake's state. */

function world(): FakeGitHubState {
  const s = new FakeGitHubState();
  s.addOrg('acme');
  for (const slug of ['a-team', 'b-team', 'c-team', 'd-team', 'e-team']) s.addTeam('acme', slug);
  s.addTeam('acme', 'seniors', ['sam']);
  s.addUser('dana');
  s.addRepo({ owner: 'acme', name: 'api', files: { 'src/a.ts': 'a' } });
  const pr = s.openPullRequest('acme/api', {
    author: 'dana',
    title: 'Change',
    commits: [{ message: 'One' }],
    files: ['src/b.ts'],
  });
  s.requestReviews('acme/api', pr.number, { users: ['sam'], teams: ['seniors'] }, 'dana');
  return s;
}

const state = world();
const run = (query: string, variables: Record<string, unknown> = {}, operationName?: string) =>
  answer({ query, variables, operationName, root: queryRoot(state, { viewer: 'dana' }) });
const firstError = (query: string, variables: Record<string, unknown> = {}) => {
  const r = run(query, variables);
  expect(r.data).toBeUndefined(); // rejected as a whole: nothing ran
  return r.errors![0]!.message;
};

describe("the fake GitHub's GraphQL", () => {
  it('resolves aliases, arguments, variables, escapes and __typename', () => {
    const r = run(
      `query Q($o: String!) {
        a: repository(owner: $o, name: "api") { name }
        b: repository(owner: "acme", name: "api") { object(expression: "HEAD:src/\\u0061.ts") { ... on Blob { text } } }
        __typename
      }`,
      { o: 'acme' },
    );
    expect(r).toEqual({
      data: { a: { name: 'api' }, b: { object: { text: 'a' } }, __typename: 'Query' },
    });
  });

  it('applies named and inline fragments by type, on interfaces and unions', () => {
    const r = run(`
      # a comment
      query {
        repository(owner: "acme", name: "api") {
          owner { __typename ...Org ... on User { login } ... on RepositoryOwner { l2: login } }
          pullRequest(number: 1) {
            reviewRequests(first: 10) {
              nodes { requestedReviewer { __typename ... on User { login } ... on Team { slug } } }
            }
          }
        }
      }
      fragment Org on Organization { login }
    `);
    expect(r.errors).toBeUndefined();
    expect(r.data).toEqual({
      repository: {
        owner: { __typename: 'Organization', login: 'acme', l2: 'acme' },
        pullRequest: {
          reviewRequests: {
            nodes: [
              { requestedReviewer: { __typename: 'User', login: 'sam' } },
              { requestedReviewer: { __typename: 'Team', slug: 'seniors' } },
            ],
          },
        },
      },
    });
  });

  it('nulls a failing field and reports it with its path and GitHub’s type', () => {
    const r = run('{ viewer { login } repository(owner: "acme", name: "nope") { name } }');
    expect(r.data).toEqual({ viewer: { login: 'dana' }, repository: null });
    expect(r.errors).toEqual([
      {
        type: 'NOT_FOUND',
        path: ['repository'],
        locations: [{ line: 1, column: 20 }],
        message: "Could not resolve to a Repository with the name 'acme/nope'.",
      },
    ]);
  });

  it('rejects whole documents GitHub would not run', () => {
    const repo = 'repository(owner: "acme", name: "api")';
    expect(firstError(`{ ${repo} { nope } }`)).toBe(
      "Field 'nope' doesn't exist on type 'Repository'",
    );
    // A field of another type: GitHub's types decide, not what the fake's objects happen to hold.
    expect(firstError(`{ ${repo} { pullRequest(number: 1) { path } } }`)).toBe(
      "Field 'path' doesn't exist on type 'PullRequest'",
    );
    expect(firstError(`{ ${repo} { owner } }`)).toMatch(/must have a selection/);
    expect(firstError(`{ ${repo} { name { x } } }`)).toMatch(/must not have a selection/);
    expect(firstError(`{ ${repo} { pullRequest(numbr: 1) { title } } }`)).toMatch(
      /Unknown argument "numbr"/,
    );
    expect(firstError('query ($a: Int!) { viewer { login } }')).toMatch(
      /Variable "\$a" is never used/,
    );
    const needsOwner = 'query ($o: String!) { repository(owner: $o, name: "api") { name } }';
    expect(firstError(needsOwner)).toBe('Variable $o of type String! was provided invalid value');
    expect(firstError(needsOwner, { o: 5 })).toBe(
      'Variable $o of type String! was provided invalid value',
    );
    const byOid = `query ($oid: GitObjectID!) { ${repo} { object(oid: $oid) { oid } } }`;
    expect(firstError(byOid, { oid: 'not hex' })).toBe(
      'Variable $oid of type GitObjectID! was provided invalid value',
    );
    expect(firstError(`{ ${repo} { object(expression: $x) { oid } } }`)).toMatch(
      /Variable "\$x" is not defined/,
    );
    expect(firstError(`{ ${repo} { ...Missing } }`)).toMatch(/Unknown fragment "Missing"/);
    expect(firstError('{ viewer { login }')).toMatch(/Syntax Error/);
    expect(firstError('query A { viewer { login } } query B { viewer { login } }')).toMatch(
      /operation name/i,
    );
    expect(run('query A { viewer { login } } query B { viewer { id } }', {}, 'A').data).toEqual({
      viewer: { login: 'dana' },
    });
    expect(
      firstError('mutation { addStar(input: { starrableId: "x" }) { clientMutationId } }'),
    ).toBe('The fake GitHub answers queries only.');
  });

  it('refuses to hide its own bugs: an answer GitHub’s types do not allow throws', () => {
    const broken: GqlObject = { __typename: 'Query', viewer: () => ({ __typename: 'User' }) };
    expect(() => answer({ query: '{ viewer { login } }', root: broken })).toThrow(
      /Cannot return null for non-nullable field User.login/,
    );
  });

  it('pages connections forward and backward with opaque cursors', () => {
    const page = (args: string) => {
      const r = run(
        `{ organization(login: "acme") { teams(${args}) { totalCount nodes { slug } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } } }`,
      );
      expect(r.errors).toBeUndefined();
      return (r.data!.organization as { teams: any }).teams;
    };
    const slugs = (args: string) => page(args).nodes.map((n: { slug: string }) => n.slug);
    expect(page('first: 2')).toEqual({
      totalCount: 6,
      nodes: [{ slug: 'a-team' }, { slug: 'b-team' }],
      pageInfo: {
        hasNextPage: true,
        hasPreviousPage: false,
        startCursor: encodeCursor(1),
        endCursor: encodeCursor(2),
      },
    });
    expect(slugs(`first: 2, after: "${encodeCursor(4)}"`)).toEqual(['e-team', 'seniors']);
    expect(slugs('last: 2')).toEqual(['e-team', 'seniors']);
    const back = page(`last: 2, before: "${encodeCursor(4)}"`);
    expect(back.nodes).toEqual([{ slug: 'b-team' }, { slug: 'c-team' }]);
    expect(back.pageInfo).toMatchObject({
      hasPreviousPage: true,
      hasNextPage: true,
      startCursor: encodeCursor(2),
    });
    expect(page(`first: 2, after: "${encodeCursor(6)}"`)).toMatchObject({
      nodes: [],
      pageInfo: { endCursor: null, hasNextPage: false },
    });
  });
});
