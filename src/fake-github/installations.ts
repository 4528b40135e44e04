/**
 * The app's installations, as GitHub lists them: the fake has one installation
 * (`state.app.installationId`) with access to every repository in the state.
 * `GET /app/installations` needs the app's JWT; `GET /installation/repositories` an installation
 * token. Both are paged with `per_page` (at most 100) and `page`, with GitHub's `Link` header.
 * `GET /orgs/{org}/repos` lists an organisation's repositories to any token (404 for an org the
 * fake does not have, as GitHub answers for one the token cannot see).
 */

import type { components } from '@octokit/openapi-types';
import { PAGE_MAX } from '../model/github.js';
import { appJson, nodeId, repoJson, userJson, type Hosts } from './shapes.js';
import type { FakeGitHubState } from './state.js';

type Installation = components['schemas']['installation'];

export interface InstallationRoute {
  method: 'GET';
  template: string;
  auth: 'app' | 'installation';
  handler: (ctx: { query: URLSearchParams; selfUrl: string; params: Record<string, string> }) => {
    status: number;
    body: unknown;
    headers: Record<string, string>;
  };
}

function page<T>(items: readonly T[], ctx: { query: URLSearchParams; selfUrl: string }) {
  const perPage = Math.min(PAGE_MAX, Math.max(1, Number(ctx.query.get('per_page') ?? 30) || 30));
  const n = Math.max(1, Number(ctx.query.get('page') ?? 1) || 1);
  const last = Math.max(1, Math.ceil(items.length / perPage));
  const at = (p: number) => {
    const q = new URLSearchParams(ctx.query);
    q.set('per_page', String(perPage));
    q.set('page', String(p));
    return `<${ctx.selfUrl}?${q.toString()}>`;
  };
  const links: string[] = [];
  if (n < last) links.push(`${at(n + 1)}; rel="next"`, `${at(last)}; rel="last"`);
  if (n > 1) links.push(`${at(n - 1)}; rel="prev"`, `${at(1)}; rel="first"`);
  return {
    items: items.slice((n - 1) * perPage, n * perPage),
    headers: links.length > 0 ? { link: links.join(', ') } : ({} as Record<string, string>),
  };
}

export function installationJson(state: FakeGitHubState, h: Hosts): Installation {
  const id = state.app.installationId;
  const owner = [...state.orgs.keys()][0] ?? state.app.owner;
  const app = appJson(state, h);
  const org = state.org(owner) !== undefined;
  return {
    id,
    account: userJson(state, owner, h) as Installation['account'],
    repository_selection: 'all',
    access_tokens_url: `${h.api}/app/installations/${id}/access_tokens`,
    repositories_url: `${h.api}/installation/repositories`,
    html_url: `${h.web}/${org ? `organizations/${owner}/` : ''}settings/installations/${id}`,
    app_id: state.app.id,
    app_slug: state.app.slug,
    target_id: org ? state.org(owner)!.id : state.account(owner).id,
    target_type: org ? 'Organization' : 'User',
    permissions: app.permissions as Installation['permissions'],
    events: app.events as string[],
    created_at: '2025-01-01T00:00:00Z',
    updated_at: '2025-01-01T00:00:00Z',
    single_file_name: null,
    suspended_by: null,
    suspended_at: null,
    node_id: nodeId('IN', id),
  } as Installation;
}

export function installationRoutes(state: FakeGitHubState, hosts: Hosts): InstallationRoute[] {
  return [
    {
      method: 'GET',
      template: '/app/installations',
      auth: 'app',
      handler: (ctx) => {
        const { items, headers } = page([installationJson(state, hosts)], ctx);
        return { status: 200, body: items, headers };
      },
    },
    {
      method: 'GET',
      template: '/installation/repositories',
      auth: 'installation',
      handler: (ctx) => {
        const all = [...state.repos.values()].sort((a, b) => a.id - b.id);
        const { items, headers } = page(all, ctx);
        return {
          status: 200,
          body: {
            total_count: all.length,
            repository_selection: 'all',
            repositories: items.map((r) => repoJson(state, r, hosts)),
          },
          headers,
        };
      },
    },
    {
      method: 'GET',
      template: '/orgs/{org}/repos',
      auth: 'installation',
      handler: (ctx) => {
        const org = state.org(ctx.params.org ?? '');
        if (!org) return { status: 404, body: { message: 'Not Found' }, headers: {} };
        const all = [...state.repos.values()]
          .filter((r) => r.owner.toLowerCase() === org.login.toLowerCase())
          .sort((a, b) => a.id - b.id);
        const { items, headers } = page(all, ctx);
        return { status: 200, body: items.map((r) => repoJson(state, r, hosts)), headers };
      },
    },
  ];
}
