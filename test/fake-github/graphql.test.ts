import { describe, expect, it } from 'vitest';
import {
  FieldError,
  execute,
  parseDocument,
  type GqlObject,
} from '../../src/fake-github/graphql.js';
import { connection, encodeCursor } from '../../src/fake-github/schema.js';

const root: GqlObject = {
  __typename: 'Query',
  hello: (a: Record<string, unknown>) => `hello ${String(a.name ?? 'world')}`,
  thing: () => ({ __typename: 'Cat', name: 'Tom', lives: 9 }),
  things: () => [
    { __typename: 'Cat', name: 'Tom', lives: 9 },
    { __typename: 'Dog', name: 'Rex', good: true },
  ],
  broken: () => {
    throw new FieldError('NOT_FOUND', 'nothing here');
  },
  list: (a: Record<string, unknown>) =>
    connection('IntConnection', 'list', [1, 2, 3, 4, 5], a, (n) => ({ __typename: 'Int', n })),
};
const abstractTypes = { Animal: ['Cat', 'Dog'] };
const run = (query: string, variables: Record<string, unknown> = {}, operationName?: string) =>
  execute({ document: parseDocument(query), variables, root, abstractTypes, operationName });

describe('the fake GitHub GraphQL engine', () => {
  it('resolves aliases, arguments, variables, escapes and __typename', () => {
    const r = run(
      'query Q($n: String!) { a: hello(name: $n) b: hello(name: "x\\"y\\u0041") hello __typename }',
      {
        n: 'you',
      },
    );
    expect(r).toEqual({
      operation: expect.objectContaining({ name: 'Q' }),
      data: { a: 'hello you', b: 'hello x"yA', hello: 'hello world', __typename: 'Query' },
    });
  });

  it('applies named and inline fragments by type, including abstract types', () => {
    const r = run(`
      # a comment
      query { things { __typename ...Named ... on Cat { lives } ... on Animal { n2: name } } }
      fragment Named on Dog { name good }
    `);
    expect(r.data).toEqual({
      things: [
        { __typename: 'Cat', lives: 9, n2: 'Tom' },
        { __typename: 'Dog', name: 'Rex', good: true, n2: 'Rex' },
      ],
    });
  });

  it('nulls a failing field and reports it with its path', () => {
    const r = run('{ hello broken }');
    expect(r.data).toEqual({ hello: 'hello world', broken: null });
    expect(r.errors).toEqual([
      {
        type: 'NOT_FOUND',
        path: ['broken'],
        locations: [{ line: 1, column: 9 }],
        message: 'nothing here',
      },
    ]);
  });

  it('rejects whole documents GitHub would not run', () => {
    expect(run('{ nope }').errors![0]!.message).toBe("Field 'nope' doesn't exist on type 'Query'");
    expect(run('{ thing }').errors![0]!.message).toMatch(/must have selections/);
    expect(run('{ hello { x } }').errors![0]!.message).toMatch(/scalars/);
    expect(run('query ($a: Int!) { hello }', {}).errors![0]!.message).toMatch(/\$a of type Int!/);
    expect(run('query ($a: Int!) { hello }', { a: 'x' }).errors![0]!.message).toMatch(
      /invalid value/,
    );
    expect(run('{ hello(name: $x) }').errors![0]!.message).toMatch(/\$x is used/);
    expect(run('{ thing { ...Missing } }').errors![0]!.message).toMatch(
      /Missing was used, but not defined/,
    );
    expect(() => parseDocument('{ hello ')).toThrow(/Parse error on end of file/);
    expect(run('query A { hello } query B { hello }').errors![0]!.message).toMatch(
      /operation name/,
    );
    expect(run('query A { hello } query B { hello }', {}, 'B').data).toEqual({
      hello: 'hello world',
    });
  });

  it('pages connections forward and backward with opaque cursors', () => {
    const page = (args: string) =>
      run(
        `{ list(${args}) { totalCount nodes { n } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }`,
      ).data!.list as any;
    expect(page('first: 2')).toEqual({
      totalCount: 5,
      nodes: [{ n: 1 }, { n: 2 }],
      pageInfo: {
        hasNextPage: true,
        hasPreviousPage: false,
        startCursor: encodeCursor(1),
        endCursor: encodeCursor(2),
      },
    });
    expect(page(`first: 2, after: "${encodeCursor(4)}"`).nodes).toEqual([{ n: 5 }]);
    expect(page('last: 2').nodes).toEqual([{ n: 4 }, { n: 5 }]);
    const back = page(`last: 2, before: "${encodeCursor(4)}"`);
    expect(back.nodes).toEqual([{ n: 2 }, { n: 3 }]);
    expect(back.pageInfo).toMatchObject({
      hasPreviousPage: true,
      hasNextPage: true,
      startCursor: encodeCursor(2),
    });
    expect(page(`first: 2, after: "${encodeCursor(5)}"`)).toMatchObject({
      nodes: [],
      pageInfo: { endCursor: null, hasNextPage: false },
    });
  });
});
