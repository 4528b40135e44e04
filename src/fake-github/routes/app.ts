/**
 * The app itself: `GET /app` and the installation token request, both with the app's JWT.
 */

import { randomBytes } from 'node:crypto';
import { appJson } from '../shapes.js';
import { HttpError, routeList, type RouteDef, type RouteEnv } from '../router.js';

export function appRoutes(
  { state, hosts }: RouteEnv,
  /** Records a token the fake issued for an installation. */
  issued: (token: string, installationId: string) => void,
): RouteDef[] {
  const { routes, route } = routeList();

  route('GET', '/app', () => ({ status: 200, body: appJson(state, hosts) }), 'app');

  route(
    'POST',
    '/app/installations/{installation_id}/access_tokens',
    (ctx) => {
      if (!state.isInstallation(Number(ctx.params.installation_id)))
        throw new HttpError(404, 'Not Found');
      const token = `ghs_${randomBytes(18).toString('base64url')}`;
      issued(token, ctx.params.installation_id!);
      const expires = new Date(Date.now() + 3600_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
      return {
        status: 201,
        body: {
          token,
          expires_at: expires,
          permissions: appJson(state, hosts).permissions,
          repository_selection: 'all',
        },
      };
    },
    'token',
  );

  return routes;
}
