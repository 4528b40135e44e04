import { readFileSync } from 'node:fs';
import { buildClientSchema, type GraphQLSchema, type IntrospectionQuery } from 'graphql';

/**
 * GitHub's published GraphQL schema (`@octokit/graphql-schema`), built once per test file. Built
 * from the introspection answer rather than the SDL file, which names two fields twice and so is
 * not valid SDL.
 */
let built: GraphQLSchema | undefined;

export function githubSchema(): GraphQLSchema {
  if (!built) {
    const file = new URL('./schema.json', import.meta.resolve('@octokit/graphql-schema'));
    const introspection = JSON.parse(readFileSync(file, 'utf8')) as IntrospectionQuery;
    built = buildClientSchema(introspection);
  }
  return built;
}
