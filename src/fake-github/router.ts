/**
 * What the fake's routes share: the error a handler throws to answer with a GitHub error, the
 * context a handler gets, GitHub's page links, and the checks on request bodies that answer the
 * way GitHub does (422 with its messages, 400 for a body that is not an object).
 */

import { PAGE_MAX } from '../model/github.js';
import type { RateState } from './primary-limits.js';
import type { Hosts } from './shapes.js';
import type { FakeGitHubState } from './state.js';
import type { FakePullRequest, FakeRepo } from './model.js';

export const DOCS = 'https://docs.github.com/rest';

/** Thrown by a handler: the server answers with this status and GitHub's error body. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly errors?: unknown[],
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export interface Answer {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface RequestContext {
  method: string;
  params: Record<string, string>;
  query: URLSearchParams;
  body: unknown;
  /** The login the token acts as. */
  actor: string;
  /** The request's own URL without the query, for pagination links. */
  selfUrl: string;
  /** Set by the GraphQL route. */
  operation: string | null;
  /** The GraphQL budget after this query, for its `rateLimit` field. */
  rate?: RateState & { cost: number };
}

export type Handler = (ctx: RequestContext) => Answer;

/** 'app': needs the app's JWT; 'installation': needs a token; 'token': the token request. */
export type RouteAuth = 'app' | 'installation' | 'token';

/** A route as a resource module declares it; the server compiles the template. */
export interface RouteDef {
  method: string;
  /** e.g. `/repos/{owner}/{repo}/contents/{path*}` (`*`: the segment may hold slashes). */
  template: string;
  handler: Handler;
  auth: RouteAuth;
}

/** What a resource module's routes answer from. */
export interface RouteEnv {
  state: FakeGitHubState;
  /** Filled in once the server listens. */
  hosts: Hosts;
}

/** A list of routes and the function that adds to it, in the order routes are tried. */
export function routeList(): {
  routes: RouteDef[];
  route: (method: string, template: string, handler: Handler, auth?: RouteAuth) => void;
} {
  const routes: RouteDef[] = [];
  return {
    routes,
    route: (method, template, handler, auth = 'installation') => {
      routes.push({ method, template, handler, auth });
    },
  };
}

/** What a resource module writes its routes with: the state, the hosts, `route` and the lookups. */
export type RouteKit = RouteEnv &
  Pick<ReturnType<typeof routeList>, 'route'> &
  ReturnType<typeof lookups>;

/**
 * A resource module: `build` adds its routes, in the order they are tried, and the module gives
 * them to the server for an environment.
 */
export function routeModule(build: (kit: RouteKit) => void): (env: RouteEnv) => RouteDef[] {
  return (env) => {
    const { routes, route } = routeList();
    build({ ...env, route, ...lookups(env.state) });
    return routes;
  };
}

/** The repository and pull request a route's parameters name, or a 404. */
export function lookups(state: FakeGitHubState) {
  const repoOf = (p: Record<string, string>): FakeRepo => {
    const repo = state.repo(`${p.owner}/${p.repo}`);
    if (!repo) throw new HttpError(404, 'Not Found');
    return repo;
  };
  /** The pull request of `{pull_number}` or `{issue_number}`, with its repository. */
  const pullAt = (p: Record<string, string>): { repo: FakeRepo; pr: FakePullRequest } => {
    const repo = repoOf(p);
    const n = p.pull_number ?? p.issue_number;
    const pr = repo.pulls.get(Number(n));
    if (!pr || !/^\d+$/.test(n ?? '')) throw new HttpError(404, 'Not Found');
    return { repo, pr };
  };
  const full = (repo: FakeRepo) => `${repo.owner}/${repo.name}`;
  return { repoOf, pullAt, full };
}

/** One page of `items` by `per_page` (at most {@link PAGE_MAX}) and `page`, with GitHub's `Link` value. */
export function paginate<T>(items: readonly T[], ctx: RequestContext, defaultPerPage: number) {
  const perPageRaw = Number(ctx.query.get('per_page') ?? defaultPerPage);
  const perPage = Math.min(
    PAGE_MAX,
    Math.max(1, Number.isFinite(perPageRaw) ? Math.floor(perPageRaw) : defaultPerPage),
  );
  const pageRaw = Number(ctx.query.get('page') ?? 1);
  const page = Math.max(1, Number.isFinite(pageRaw) ? Math.floor(pageRaw) : 1);
  const lastPage = Math.max(1, Math.ceil(items.length / perPage));
  const slice = items.slice((page - 1) * perPage, page * perPage);
  const rels: string[] = [];
  const at = (p: number) => {
    const q = new URLSearchParams(ctx.query);
    q.set('per_page', String(perPage));
    q.set('page', String(p));
    return `<${ctx.selfUrl}?${q.toString()}>`;
  };
  if (page > 1) rels.push(`${at(Math.min(page - 1, lastPage))}; rel="prev"`);
  if (page < lastPage) rels.push(`${at(page + 1)}; rel="next"`, `${at(lastPage)}; rel="last"`);
  if (page > 1) rels.push(`${at(1)}; rel="first"`);
  return { items: slice, link: rels.length > 0 ? rels.join(', ') : null };
}

export function linkHeader(link: string | null): Record<string, string> {
  return link ? { link } : {};
}

/** A list answer as GitHub pages it (30 a page unless asked), each item in its JSON shape. */
export function pagedList<T>(
  ctx: RequestContext,
  all: readonly T[],
  json: (item: T) => unknown,
): Answer {
  const { items, link } = paginate(all, ctx, 30);
  return { status: 200, headers: linkHeader(link), body: items.map(json) };
}

export function invalid(detail: string): HttpError {
  return new HttpError(422, `Invalid request.\n\n${detail}`);
}

export function objectBody(body: unknown): Record<string, unknown> {
  if (body === null) return {};
  if (!body || typeof body !== 'object' || Array.isArray(body)) {
    throw new HttpError(400, 'Problems parsing JSON');
  }
  return body as Record<string, unknown>;
}

export function stringList(v: unknown, field: string): string[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) {
    throw invalid(`For '${field}', ${JSON.stringify(v)} is not an array of strings.`);
  }
  return v as string[];
}
