/**
 * The GraphQL endpoint: the query is executed with graphql-js on GitHub's schema over the state.
 */

import { answer } from '../graphql.js';
import { queryRoot } from '../schema.js';
import { routeList, type RouteDef, type RouteEnv } from '../router.js';

export function graphqlRoutes({ state }: RouteEnv): RouteDef[] {
  const { routes, route } = routeList();

  route('POST', '/graphql', (ctx) => {
    const body = ctx.body as {
      query?: unknown;
      variables?: unknown;
      operationName?: unknown;
    } | null;
    if (!body || typeof body.query !== 'string') {
      return {
        status: 200,
        body: {
          errors: [{ message: 'A query attribute must be specified and must be a string.' }],
        },
      };
    }
    const name = /^\s*(?:query|mutation|subscription)\s+(\w+)/m.exec(body.query)?.[1] ?? null;
    ctx.operation = typeof body.operationName === 'string' ? body.operationName : name;
    const out = answer({
      query: body.query,
      operationName: typeof body.operationName === 'string' ? body.operationName : null,
      variables: (body.variables as Record<string, unknown> | undefined) ?? {},
      root: queryRoot(state, { viewer: ctx.actor, ...(ctx.rate ? { rate: ctx.rate } : {}) }),
    });
    return { status: 200, body: out };
  });

  return routes;
}
