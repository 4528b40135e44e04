/**
 * A stateful fake of the GitHub API on loopback, for running the real app (Probot with
 * `GHE_HOST=127.0.0.1:PORT` and `GHE_PROTOCOL=http`) without GitHub: REST under `/api/v3`,
 * GraphQL at `/api/graphql`, answered from a {@link FakeGitHubState} in GitHub's shapes, with its
 * status codes, pagination links, ETags and limits. Every request is recorded, so a benchmark can
 * count reads, writes and 304s per evaluation.
 */

import { createHash, createVerify, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { SecondaryLimits } from './secondary-limits.js';
import {
  graphqlCost,
  PrimaryLimits,
  type PrimaryLimitOptions,
  type RateState,
} from './primary-limits.js';
import type { AddressInfo } from 'node:net';
import { FakeDeliveries } from './deliveries.js';
import { installationRoutes } from './installations.js';
import { answer } from './graphql.js';
import { PR_COMMITS_LIMIT, PR_FILES_LIMIT, queryRoot } from './schema.js';
import {
  appJson,
  blobSha,
  checkRunJson,
  commentJson,
  commitJson,
  fileJson,
  labelJson,
  pullJson,
  pullSimpleJson,
  repoJson,
  reviewJson,
  type Hosts,
} from './shapes.js';
import type {
  FakeAnnotation,
  FakeCheckRun,
  FakeCheckRunAction,
  FakeGitHubState,
  FakePullRequest,
  FakeRepo,
} from './state.js';

/** GitHub's limit on check run `output.summary` and `output.text`, in characters. */
export const CHECK_OUTPUT_LIMIT = 65_535;
/** GitHub takes at most this many annotations per check run request. */
export const ANNOTATIONS_LIMIT = 50;
/** GitHub's limit on an issue comment body, in characters. */
export const COMMENT_BODY_LIMIT = 65_536;
/** Above this size the contents API leaves `content` empty (encoding "none"). */
export const CONTENTS_INLINE_LIMIT = 1024 * 1024;
/** The compare endpoint lists this many commits when no page is asked for. */
export const COMPARE_UNPAGED_LIMIT = 250;
/** The compare endpoint lists at most this many files. */
export const COMPARE_FILES_LIMIT = 300;

export type RequestKind = 'read' | 'write' | 'not-modified' | 'token';

export interface RequestRecord {
  method: string;
  /** The path as sent, without the query. */
  path: string;
  /** The route template, e.g. `GET /repos/{owner}/{repo}/pulls/{pull_number}/files`; null when none matched. */
  route: string | null;
  /** The GraphQL operation name, for GraphQL requests. */
  operation: string | null;
  status: number;
  kind: RequestKind;
  durationMs: number;
  /** When the answer was sent (ms since the epoch). */
  at: number;
  /** The commit the answer is about, when it names one (`head_sha`, as check runs do). */
  headSha?: string;
}

/** Counts of the requests served since the last reset. The token request counts apart. */
export class RequestStats {
  reads = 0;
  writes = 0;
  notModified = 0;
  tokens = 0;
  /** Requests no route answered (each one is a gap in the fake or a wrong request). */
  unmatched = 0;
  readonly requests: RequestRecord[] = [];
  /** Records kept at most (the counters keep counting past it). */
  maxRecords = 100_000;

  record(r: RequestRecord): void {
    if (r.kind === 'read') this.reads++;
    else if (r.kind === 'write') this.writes++;
    else if (r.kind === 'not-modified') this.notModified++;
    else this.tokens++;
    if (r.route === null) this.unmatched++;
    if (this.requests.length < this.maxRecords) this.requests.push(r);
  }

  reset(): void {
    this.reads = 0;
    this.writes = 0;
    this.notModified = 0;
    this.tokens = 0;
    this.unmatched = 0;
    this.requests.length = 0;
  }

  /** How many requests each route or GraphQL operation got, e.g. `graphql PullRequestSnapshot`. */
  byRoute(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const r of this.requests) {
      const key = r.operation ? `graphql ${r.operation}` : (r.route ?? `${r.method} ${r.path}`);
      out[key] = (out[key] ?? 0) + 1;
    }
    return out;
  }
}

/** A failure to serve instead of the real answer, for tests of how the app copes. */
export interface FaultRule {
  method?: string;
  /** Matches the route template or the path. */
  route?: string | RegExp;
  operation?: string;
  status: number;
  message?: string;
  /** How many matching requests fail; default 1. */
  times?: number;
}

export interface StartOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Delay added to every answer, to model the network. */
  latencyMs?: number;
  /** Enforce GitHub's documented secondary rate limits per installation (see secondary-limits.ts). */
  secondaryLimits?: boolean;
  /** The primary rate limit's budget (counted always; refused past it with `enforce`). */
  primaryLimits?: PrimaryLimitOptions;
  /**
   * Tokens accepted besides the installation tokens the fake issues, each with the login it acts
   * as (for a workflow token, say). Writes made with them are that account's.
   */
  tokens?: Record<string, string>;
}

export interface FakeGitHub {
  /** `http://127.0.0.1:PORT` */
  url: string;
  /** `127.0.0.1:PORT`, for `GHE_HOST`. */
  host: string;
  /** `http://127.0.0.1:PORT/api/v3`, for Octokit's `baseUrl`. */
  apiUrl: string;
  state: FakeGitHubState;
  stats: RequestStats;
  /** The webhook deliveries sent to the app, and GitHub's API over them. */
  deliveries: FakeDeliveries;
  /** Makes matching requests fail with the given status. */
  fail(rule: FaultRule): void;
  /** The secondary limits, when enforced. */
  limits: SecondaryLimits | null;
  /** The primary limits (hourly budgets per installation). */
  primary: PrimaryLimits;
  close(): Promise<void>;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly errors?: unknown[],
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

interface Answer {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

interface RequestContext {
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

type Handler = (ctx: RequestContext) => Answer;

interface Route {
  method: string;
  template: string;
  pattern: RegExp;
  keys: string[];
  handler: Handler;
  /** 'app': needs the app's JWT; 'installation': needs a token; 'token': the token request. */
  auth: 'app' | 'installation' | 'token';
}

const DOCS = 'https://docs.github.com/rest';

export async function startFakeGitHub(
  state: FakeGitHubState,
  options: StartOptions = {},
): Promise<FakeGitHub> {
  const stats = new RequestStats();
  const tokens = new Map<string, string>(Object.entries(options.tokens ?? {}));
  /** The installation each issued token belongs to. */
  const tokenInstallations = new Map<string, string>();
  const limits = options.secondaryLimits ? new SecondaryLimits() : null;
  const faults: (FaultRule & { left: number })[] = [];
  const hosts: Hosts = { api: '', web: '' };
  let requestCounter = 0;
  const primary = new PrimaryLimits(options.primaryLimits);

  const routes: Route[] = [];
  const route = (
    method: string,
    template: string,
    handler: Handler,
    auth: Route['auth'] = 'installation',
  ) => {
    const keys: string[] = [];
    const source = template
      .split('/')
      .map((seg) => {
        const m = /^\{(\w+)(\*?)\}$/.exec(seg);
        if (!m) return seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
        keys.push(m[1]!);
        return m[2] ? '(.+)' : '([^/]+)';
      })
      .join('/');
    routes.push({ method, template, pattern: new RegExp(`^${source}$`), keys, handler, auth });
  };

  // --- helpers over the state ---------------------------------------------------------------

  const repoOf = (p: Record<string, string>): FakeRepo => {
    const repo = state.repo(`${p.owner}/${p.repo}`);
    if (!repo) throw new HttpError(404, 'Not Found');
    return repo;
  };
  const pullOf = (repo: FakeRepo, n: string | undefined): FakePullRequest => {
    const pr = repo.pulls.get(Number(n));
    if (!pr || !/^\d+$/.test(n ?? '')) throw new HttpError(404, 'Not Found');
    return pr;
  };
  const full = (repo: FakeRepo) => `${repo.owner}/${repo.name}`;

  // --- the app ------------------------------------------------------------------------------

  route('GET', '/app', () => ({ status: 200, body: appJson(state, hosts) }), 'app');

  const deliveries = new FakeDeliveries();
  for (const r of deliveries.routes()) route(r.method, r.template, r.handler, r.auth);
  for (const r of installationRoutes(state, hosts)) route(r.method, r.template, r.handler, r.auth);

  route(
    'POST',
    '/app/installations/{installation_id}/access_tokens',
    (ctx) => {
      if (!state.isInstallation(Number(ctx.params.installation_id)))
        throw new HttpError(404, 'Not Found');
      const token = `ghs_${randomBytes(18).toString('base64url')}`;
      tokens.set(token, state.botLogin);
      tokenInstallations.set(token, ctx.params.installation_id!);
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

  // --- repositories and files ---------------------------------------------------------------

  route('GET', '/repos/{owner}/{repo}', (ctx) => ({
    status: 200,
    body: repoJson(state, repoOf(ctx.params), hosts),
  }));

  route('GET', '/repos/{owner}/{repo}/contents/{path*}', (ctx) => {
    const repo = repoOf(ctx.params);
    const ref = ctx.query.get('ref') ?? repo.defaultBranch;
    const sha = state.resolveRef(repo, ref);
    if (!sha) throw new HttpError(404, `No commit found for the ref ${ref}`);
    const tree = state.treeAt(repo, sha) ?? new Map<string, string>();
    const path = decodeURIComponent(ctx.params.path!).replace(/^\/+|\/+$/g, '');
    const api = `${hosts.api}/repos/${full(repo)}`;
    const entry = (p: string, type: 'file' | 'dir', text: string | null) => {
      const s =
        text === null ? createHash('sha1').update(`tree:${sha}:${p}`).digest('hex') : blobSha(text);
      const enc = p.split('/').map(encodeURIComponent).join('/');
      const self = `${api}/contents/${enc}?ref=${encodeURIComponent(ref)}`;
      const html = `${hosts.web}/${full(repo)}/${type === 'file' ? 'blob' : 'tree'}/${ref}/${enc}`;
      const git = `${api}/git/${type === 'file' ? 'blobs' : 'trees'}/${s}`;
      return {
        name: p.split('/').pop()!,
        path: p,
        sha: s,
        size: text === null ? 0 : Buffer.byteLength(text),
        url: self,
        html_url: html,
        git_url: git,
        download_url: type === 'file' ? `${hosts.web}/${full(repo)}/raw/${ref}/${enc}` : null,
        type,
        _links: { self, git, html },
      };
    };
    const text = tree.get(path);
    if (text !== undefined) {
      const size = Buffer.byteLength(text);
      const inline = size <= CONTENTS_INLINE_LIMIT;
      const content = inline
        ? (
            Buffer.from(text)
              .toString('base64')
              .match(/.{1,60}/g) ?? []
          ).join('\n')
        : '';
      return {
        status: 200,
        body: {
          ...entry(path, 'file', text),
          content: inline ? `${content}\n` : '',
          encoding: inline ? 'base64' : 'none',
        },
      };
    }
    const prefix = path === '' ? '' : `${path}/`;
    const names = new Map<string, 'file' | 'dir'>();
    for (const p of tree.keys()) {
      if (!p.startsWith(prefix)) continue;
      const rest = p.slice(prefix.length).split('/');
      names.set(rest[0]!, rest.length > 1 ? 'dir' : 'file');
    }
    if (names.size === 0) throw new HttpError(404, 'Not Found');
    const list = [...names.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([n, type]) =>
        entry(`${prefix}${n}`, type, type === 'file' ? tree.get(`${prefix}${n}`)! : null),
      );
    return { status: 200, body: list };
  });

  route('GET', '/repos/{owner}/{repo}/compare/{basehead*}', (ctx) => {
    const repo = repoOf(ctx.params);
    const basehead = decodeURIComponent(ctx.params.basehead!);
    const m = /^(.+?)\.\.\.?(.+)$/.exec(basehead);
    if (!m) throw new HttpError(404, 'Not Found');
    const strip = (r: string) => r.replace(/^[^:]+:/, '');
    const base = state.resolveRef(repo, strip(m[1]!));
    const head = state.resolveRef(repo, strip(m[2]!));
    if (!base || !head) throw new HttpError(404, 'Not Found');
    const cmp = state.compare(repo, base, head);
    if (!cmp.mergeBase) throw new HttpError(404, `No common ancestor between ${m[1]} and ${m[2]}.`);
    const all = cmp.commits;
    const paged = ctx.query.has('page') || ctx.query.has('per_page');
    const { items, link } = paged
      ? paginate(all, ctx, 30)
      : { items: all.slice(0, COMPARE_UNPAGED_LIMIT), link: null };
    const pr = [...repo.pulls.values()].find((p) => p.headSha === head);
    const files =
      pr && (!paged || Number(ctx.query.get('page') ?? '1') <= 1)
        ? pr.files.slice(0, COMPARE_FILES_LIMIT)
        : [];
    const api = `${hosts.api}/repos/${full(repo)}`;
    const html = `${hosts.web}/${full(repo)}/compare/${basehead}`;
    const status =
      all.length === 0 && cmp.behindBy === 0
        ? 'identical'
        : all.length === 0
          ? 'behind'
          : cmp.behindBy === 0
            ? 'ahead'
            : 'diverged';
    return {
      status: 200,
      headers: linkHeader(link),
      body: {
        url: `${api}/compare/${basehead}`,
        html_url: html,
        permalink_url: `${hosts.web}/${full(repo)}/compare/${repo.owner}:${base.slice(0, 7)}...${repo.owner}:${head.slice(0, 7)}`,
        diff_url: `${html}.diff`,
        patch_url: `${html}.patch`,
        base_commit: commitJson(state, repo, repo.commits.get(base)!, hosts),
        merge_base_commit: commitJson(state, repo, repo.commits.get(cmp.mergeBase)!, hosts),
        status,
        ahead_by: all.length,
        behind_by: cmp.behindBy,
        total_commits: all.length,
        commits: items.map((sha) => commitJson(state, repo, repo.commits.get(sha)!, hosts)),
        files: files.map((f) => fileJson(repo, head, f, hosts)),
      },
    };
  });

  // --- pull requests ------------------------------------------------------------------------

  route('GET', '/repos/{owner}/{repo}/pulls', (ctx) => {
    const repo = repoOf(ctx.params);
    const want = ctx.query.get('state') ?? 'open';
    if (!['open', 'closed', 'all'].includes(want)) {
      throw new HttpError(422, 'Validation Failed', [
        { resource: 'Issue', field: 'state', code: 'invalid' },
      ]);
    }
    const sort = ctx.query.get('sort') ?? 'created';
    const direction = ctx.query.get('direction') ?? (sort === 'created' ? 'desc' : 'asc');
    const head = ctx.query.get('head');
    const base = ctx.query.get('base');
    let list = [...repo.pulls.values()].filter((p) => want === 'all' || p.state === want);
    if (head)
      list = list.filter(
        (p) =>
          `${repo.owner}:${p.headRef}`.toLowerCase() === head.toLowerCase() || p.headRef === head,
      );
    if (base) list = list.filter((p) => p.baseRef === base);
    const key = (p: FakePullRequest) => (sort === 'updated' ? p.updatedAt : p.createdAt);
    list.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : a.number - b.number));
    if (direction === 'desc') list.reverse();
    const { items, link } = paginate(list, ctx, 30);
    return {
      status: 200,
      headers: linkHeader(link),
      body: items.map((p) => pullSimpleJson(state, repo, p, hosts)),
    };
  });

  route('GET', '/repos/{owner}/{repo}/pulls/{pull_number}', (ctx) => {
    const repo = repoOf(ctx.params);
    return {
      status: 200,
      body: pullJson(state, repo, pullOf(repo, ctx.params.pull_number), hosts),
    };
  });

  route('GET', '/repos/{owner}/{repo}/pulls/{pull_number}/files', (ctx) => {
    const repo = repoOf(ctx.params);
    const pr = pullOf(repo, ctx.params.pull_number);
    const { items, link } = paginate(pr.files.slice(0, PR_FILES_LIMIT), ctx, 30);
    return {
      status: 200,
      headers: linkHeader(link),
      body: items.map((f) => fileJson(repo, pr.headSha, f, hosts)),
    };
  });

  route('GET', '/repos/{owner}/{repo}/pulls/{pull_number}/commits', (ctx) => {
    const repo = repoOf(ctx.params);
    const pr = pullOf(repo, ctx.params.pull_number);
    const { items, link } = paginate(pr.commits.slice(0, PR_COMMITS_LIMIT), ctx, 30);
    return {
      status: 200,
      headers: linkHeader(link),
      body: items.map((sha) => commitJson(state, repo, repo.commits.get(sha)!, hosts)),
    };
  });

  route('GET', '/repos/{owner}/{repo}/pulls/{pull_number}/reviews', (ctx) => {
    const repo = repoOf(ctx.params);
    const pr = pullOf(repo, ctx.params.pull_number);
    const { items, link } = paginate(pr.reviews, ctx, 30);
    return {
      status: 200,
      headers: linkHeader(link),
      body: items.map((r) => reviewJson(state, repo, pr, r, hosts)),
    };
  });

  route('POST', '/repos/{owner}/{repo}/pulls/{pull_number}/requested_reviewers', (ctx) => {
    const repo = repoOf(ctx.params);
    const pr = pullOf(repo, ctx.params.pull_number);
    const body = objectBody(ctx.body);
    const users = stringList(body.reviewers, 'reviewers');
    const teams = stringList(body.team_reviewers, 'team_reviewers');
    if (users.length === 0 && teams.length === 0) {
      throw new HttpError(
        422,
        'Invalid request.\n\n"reviewers" or "team_reviewers" must be given.',
      );
    }
    if (users.some((u) => u.toLowerCase() === pr.author.toLowerCase())) {
      throw new HttpError(422, 'Review cannot be requested from pull request author.');
    }
    const notCollaborator = () =>
      new HttpError(
        422,
        `Reviews may only be requested from collaborators. One or more of the users or teams you specified is not a collaborator of the ${full(repo)} repository.`,
      );
    for (const u of users) if (state.user(u)?.type !== 'User') throw notCollaborator();
    for (const t of teams) if (!state.team(repo.owner, t)) throw notCollaborator();
    state.requestReviews(full(repo), pr.number, { users, teams }, ctx.actor);
    return { status: 201, body: pullSimpleJson(state, repo, pr, hosts) };
  });

  route('GET', '/repos/{owner}/{repo}/commits/{commit_sha}/pulls', (ctx) => {
    const repo = repoOf(ctx.params);
    const sha = state.resolveRef(repo, ctx.params.commit_sha!);
    if (!sha) throw new HttpError(422, `No commit found for SHA: ${ctx.params.commit_sha}`);
    const list = state.pullsWithCommit(repo, sha).sort((a, b) => b.number - a.number);
    const { items, link } = paginate(list, ctx, 30);
    return {
      status: 200,
      headers: linkHeader(link),
      body: items.map((p) => pullSimpleJson(state, repo, p, hosts)),
    };
  });

  // --- check runs ---------------------------------------------------------------------------

  route('GET', '/repos/{owner}/{repo}/commits/{ref}/check-runs', (ctx) => {
    const repo = repoOf(ctx.params);
    const ref = decodeURIComponent(ctx.params.ref!);
    const sha = state.resolveRef(repo, ref);
    if (!sha) throw new HttpError(422, `No commit found for SHA: ${ref}`);
    const name = ctx.query.get('check_name');
    const status = ctx.query.get('status');
    const appId = ctx.query.get('app_id');
    const filter = ctx.query.get('filter') ?? 'latest';
    if (filter !== 'latest' && filter !== 'all') {
      throw new HttpError(422, 'Validation Failed', [
        { resource: 'CheckRun', field: 'filter', code: 'invalid' },
      ]);
    }
    let runs = repo.checkRuns.filter(
      (r) =>
        r.headSha === sha &&
        (name === null || r.name === name) &&
        (status === null || r.status === status) &&
        (appId === null || String(r.appId) === appId),
    );
    if (filter === 'latest') {
      const newest = new Map<string, FakeCheckRun>();
      for (const r of runs) {
        const key = `${r.appId}\0${r.name}`;
        if ((newest.get(key)?.id ?? -1) < r.id) newest.set(key, r);
      }
      runs = [...newest.values()];
    }
    runs.sort((a, b) => b.id - a.id);
    const { items, link } = paginate(runs, ctx, 30);
    return {
      status: 200,
      headers: linkHeader(link),
      body: {
        total_count: runs.length,
        check_runs: items.map((r) => checkRunJson(state, repo, r, hosts)),
      },
    };
  });

  route('GET', '/repos/{owner}/{repo}/check-runs/{check_run_id}', (ctx) => {
    const repo = repoOf(ctx.params);
    const run = repo.checkRuns.find((r) => String(r.id) === ctx.params.check_run_id);
    if (!run) throw new HttpError(404, 'Not Found');
    return { status: 200, body: checkRunJson(state, repo, run, hosts) };
  });

  route('POST', '/repos/{owner}/{repo}/check-runs', (ctx) => {
    const repo = repoOf(ctx.params);
    const body = objectBody(ctx.body);
    if (typeof body.name !== 'string' || body.name === '')
      throw invalid('"name" wasn\'t supplied.');
    if (typeof body.head_sha !== 'string') throw invalid('"head_sha" wasn\'t supplied.');
    const sha =
      /^[0-9a-f]{40}$/.test(body.head_sha) && repo.commits.has(body.head_sha)
        ? body.head_sha
        : null;
    if (!sha) throw new HttpError(422, `No commit found for SHA: ${body.head_sha}`);
    const fields = checkRunFields(body, null);
    const run = state.createCheckRun(full(repo), {
      name: body.name,
      headSha: sha,
      status: fields.status ?? 'queued',
      conclusion: fields.conclusion ?? null,
      completedAt: fields.completedAt ?? null,
      output: fields.output ?? { title: null, summary: null, text: null },
      annotations: fields.annotations ?? [],
      actions: fields.actions ?? [],
      appId: state.app.id,
      externalId: typeof body.external_id === 'string' ? body.external_id : '',
      detailsUrl: typeof body.details_url === 'string' ? body.details_url : null,
      ...(typeof body.started_at === 'string' ? { startedAt: body.started_at } : {}),
    });
    return { status: 201, body: checkRunJson(state, repo, run, hosts) };
  });

  route('PATCH', '/repos/{owner}/{repo}/check-runs/{check_run_id}', (ctx) => {
    const repo = repoOf(ctx.params);
    const run = repo.checkRuns.find((r) => String(r.id) === ctx.params.check_run_id);
    if (!run) throw new HttpError(404, 'Not Found');
    if (run.appId !== state.app.id || ctx.actor !== state.botLogin) {
      throw new HttpError(
        403,
        'Invalid app_id - check run can only be modified by the GitHub App that created it.',
      );
    }
    const body = objectBody(ctx.body);
    if (body.name !== undefined && (typeof body.name !== 'string' || body.name === ''))
      throw invalid('"name" is not a string.');
    const f = checkRunFields(body, run);
    if (typeof body.name === 'string') run.name = body.name;
    if (f.status) run.status = f.status;
    if (f.conclusion !== undefined) run.conclusion = f.conclusion;
    if (f.completedAt !== undefined) run.completedAt = f.completedAt;
    if (f.output) run.output = f.output;
    if (f.annotations) run.annotations.push(...f.annotations);
    if (f.actions) run.actions = f.actions;
    if (typeof body.details_url === 'string') run.detailsUrl = body.details_url;
    if (typeof body.external_id === 'string') run.externalId = body.external_id;
    if (run.status === 'completed' && !run.completedAt) run.completedAt = state.now();
    run.updatedAt = state.now();
    return { status: 200, body: checkRunJson(state, repo, run, hosts) };
  });

  // --- issue comments and labels ------------------------------------------------------------

  route('GET', '/repos/{owner}/{repo}/issues/{issue_number}/comments', (ctx) => {
    const repo = repoOf(ctx.params);
    const pr = pullOf(repo, ctx.params.issue_number);
    const { items, link } = paginate(pr.comments, ctx, 30);
    return {
      status: 200,
      headers: linkHeader(link),
      body: items.map((c) => commentJson(state, repo, pr, c, hosts)),
    };
  });

  route('POST', '/repos/{owner}/{repo}/issues/{issue_number}/comments', (ctx) => {
    const repo = repoOf(ctx.params);
    const pr = pullOf(repo, ctx.params.issue_number);
    const body = commentBody(objectBody(ctx.body));
    const c = state.addComment(full(repo), pr.number, { author: ctx.actor, body });
    return { status: 201, body: commentJson(state, repo, pr, c, hosts) };
  });

  route('PATCH', '/repos/{owner}/{repo}/issues/comments/{comment_id}', (ctx) => {
    const repo = repoOf(ctx.params);
    const found = state.findComment(full(repo), Number(ctx.params.comment_id));
    if (!found) throw new HttpError(404, 'Not Found');
    const body = commentBody(objectBody(ctx.body));
    const c = state.editComment(full(repo), found.comment.id, body);
    return { status: 200, body: commentJson(state, repo, found.pr, c, hosts) };
  });

  route('GET', '/repos/{owner}/{repo}/issues/{issue_number}/labels', (ctx) => {
    const repo = repoOf(ctx.params);
    const pr = pullOf(repo, ctx.params.issue_number);
    const { items, link } = paginate(pr.labels, ctx, 30);
    return {
      status: 200,
      headers: linkHeader(link),
      body: items.map((n) => labelJson(repo, state.label(repo, n), hosts)),
    };
  });

  route('POST', '/repos/{owner}/{repo}/issues/{issue_number}/labels', (ctx) => {
    const repo = repoOf(ctx.params);
    const pr = pullOf(repo, ctx.params.issue_number);
    const raw = Array.isArray(ctx.body) ? ctx.body : objectBody(ctx.body).labels;
    const names = stringList(raw, 'labels').map((l) => l.trim());
    if (names.length === 0) {
      throw new HttpError(
        422,
        'Invalid request.\n\nNo subschema in "anyOf" matched.\n"labels" wasn\'t supplied.',
      );
    }
    for (const n of names) {
      if (n === '' || n.length > 50) {
        throw new HttpError(422, 'Validation Failed', [
          { resource: 'Label', code: 'invalid', field: 'name', value: n },
        ]);
      }
    }
    for (const n of names) state.addLabel(full(repo), pr.number, n, ctx.actor);
    return {
      status: 200,
      body: pr.labels.map((n) => labelJson(repo, state.label(repo, n), hosts)),
    };
  });

  route('DELETE', '/repos/{owner}/{repo}/issues/{issue_number}/labels/{name}', (ctx) => {
    const repo = repoOf(ctx.params);
    const pr = pullOf(repo, ctx.params.issue_number);
    if (
      !state.removeLabel(full(repo), pr.number, decodeURIComponent(ctx.params.name!), ctx.actor)
    ) {
      throw new HttpError(404, 'Label does not exist');
    }
    return {
      status: 200,
      body: pr.labels.map((n) => labelJson(repo, state.label(repo, n), hosts)),
    };
  });

  // --- GraphQL ------------------------------------------------------------------------------

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

  // --- the HTTP server ----------------------------------------------------------------------

  function checkRunFields(body: Record<string, unknown>, existing: FakeCheckRun | null) {
    const out: {
      status?: string;
      conclusion?: string | null;
      completedAt?: string | null;
      output?: FakeCheckRun['output'];
      annotations?: FakeAnnotation[];
      actions?: FakeCheckRunAction[];
    } = {};
    const STATUSES = ['queued', 'in_progress', 'completed'];
    const CONCLUSIONS = [
      'action_required',
      'cancelled',
      'failure',
      'neutral',
      'success',
      'skipped',
      'timed_out',
    ];
    if (body.status !== undefined) {
      if (typeof body.status !== 'string' || !STATUSES.includes(body.status)) {
        throw invalid(
          `${JSON.stringify(body.status)} is not a member of ${JSON.stringify(STATUSES)}.`,
        );
      }
      out.status = body.status;
    }
    if (body.conclusion !== undefined) {
      if (typeof body.conclusion !== 'string' || !CONCLUSIONS.includes(body.conclusion)) {
        throw invalid(
          `${JSON.stringify(body.conclusion)} is not a member of ${JSON.stringify(CONCLUSIONS)}.`,
        );
      }
      out.conclusion = body.conclusion;
      if (out.status && out.status !== 'completed') {
        throw invalid('"status" must be "completed" when a "conclusion" is given.');
      }
      out.status = 'completed';
    }
    if (body.completed_at !== undefined) {
      if (typeof body.completed_at !== 'string' || Number.isNaN(Date.parse(body.completed_at))) {
        throw invalid('"completed_at" is not a timestamp.');
      }
      out.completedAt = body.completed_at;
    }
    const completing = out.status === 'completed' || out.completedAt !== undefined;
    if (completing && out.conclusion === undefined && !existing?.conclusion) {
      throw invalid('"conclusion" wasn\'t supplied.');
    }
    if (out.status === 'completed' && out.completedAt === undefined && !existing?.completedAt) {
      out.completedAt = state.now();
    }
    if (body.output !== undefined) {
      const o = body.output as Record<string, unknown> | null;
      if (!o || typeof o !== 'object' || Array.isArray(o))
        throw invalid('"output" is not an object.');
      if (typeof o.title !== 'string') throw invalid('"title" wasn\'t supplied.');
      if (typeof o.summary !== 'string') throw invalid('"summary" wasn\'t supplied.');
      for (const k of ['summary', 'text'] as const) {
        const v = o[k];
        if (v === undefined || v === null) continue;
        if (typeof v !== 'string') throw invalid(`"${k}" is not a string.`);
        if (v.length > CHECK_OUTPUT_LIMIT) {
          throw invalid(
            `Only ${CHECK_OUTPUT_LIMIT} characters are allowed; ${v.length} were supplied.`,
          );
        }
      }
      out.output = {
        title: o.title,
        summary: o.summary,
        text: typeof o.text === 'string' ? o.text : null,
      };
      if (o.annotations !== undefined) {
        if (!Array.isArray(o.annotations)) throw invalid('"annotations" is not an array.');
        if (o.annotations.length > ANNOTATIONS_LIMIT) {
          throw invalid(
            `Only ${ANNOTATIONS_LIMIT} annotations are allowed per request; ${o.annotations.length} were supplied.`,
          );
        }
        out.annotations = o.annotations.map((a, i) => annotation(a, i));
      }
    }
    if (body.actions !== undefined) {
      if (!Array.isArray(body.actions)) throw invalid('"actions" is not an array.');
      if (body.actions.length > 3)
        throw invalid(`Only 3 actions are allowed; ${body.actions.length} were supplied.`);
      out.actions = body.actions.map((a, i) => {
        const x = (a ?? {}) as Record<string, unknown>;
        const limits = { label: 20, description: 40, identifier: 20 } as const;
        for (const [k, max] of Object.entries(limits)) {
          const v = x[k];
          if (typeof v !== 'string' || v === '')
            throw invalid(`actions[${i}]: "${k}" wasn't supplied.`);
          if (v.length > max) {
            throw invalid(
              `actions[${i}].${k} is too long (maximum is ${max} characters); "${v}" has ${v.length}.`,
            );
          }
        }
        return {
          label: x.label as string,
          description: x.description as string,
          identifier: x.identifier as string,
        };
      });
    }
    return out;
  }

  function annotation(a: unknown, i: number): FakeAnnotation {
    const x = (a ?? {}) as Record<string, unknown>;
    const where = `annotations[${i}]`;
    if (typeof x.path !== 'string' || x.path === '')
      throw invalid(`${where}: "path" wasn't supplied.`);
    for (const k of ['start_line', 'end_line'] as const) {
      if (!Number.isInteger(x[k]) || (x[k] as number) < 1)
        throw invalid(`${where}: "${k}" must be a positive integer.`);
    }
    if (!['notice', 'warning', 'failure'].includes(x.annotation_level as string)) {
      throw invalid(`${where}: "annotation_level" must be notice, warning or failure.`);
    }
    if (typeof x.message !== 'string' || x.message === '')
      throw invalid(`${where}: "message" wasn't supplied.`);
    if (
      (x.start_column !== undefined || x.end_column !== undefined) &&
      x.start_line !== x.end_line
    ) {
      throw invalid(
        `${where}: columns are only allowed when start_line and end_line are the same.`,
      );
    }
    return x as unknown as FakeAnnotation;
  }

  function paginate<T>(items: readonly T[], ctx: RequestContext, defaultPerPage: number) {
    const perPageRaw = Number(ctx.query.get('per_page') ?? defaultPerPage);
    const perPage = Math.min(
      100,
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

  function authorise(r: Route, req: IncomingMessage): string {
    const header = req.headers.authorization ?? '';
    const m = /^(?:token|bearer)\s+(\S+)$/i.exec(header);
    if (r.auth === 'app' || r.auth === 'token') {
      if (!m || !verifyJwt(m[1]!)) {
        throw new HttpError(401, 'A JSON web token could not be decoded');
      }
      return state.botLogin;
    }
    const actor = m ? tokens.get(m[1]!) : undefined;
    if (!actor) throw new HttpError(401, 'Bad credentials');
    return actor;
  }

  /** The installation a request's token belongs to (the token itself for other tokens). */
  function installationKey(req: IncomingMessage): string {
    const token = /^(?:token|bearer)\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1] ?? '';
    return tokenInstallations.get(token) ?? token;
  }

  /**
   * Spends the request's cost from its installation's primary budget (a GraphQL query's points,
   * one REST request); past the budget, when enforced, the answer GitHub gives instead.
   */
  function spendPrimary(
    r: Route,
    req: IncomingMessage,
    body: unknown,
    ctx: RequestContext,
  ): { state: RateState | null; refused: Answer | null } {
    if (r.auth === 'token') return { state: null, refused: null };
    const graphql = r.template === '/graphql';
    const resource = graphql ? 'graphql' : 'core';
    const cost = graphql ? graphqlCost(body) : 1;
    const key = r.auth === 'app' ? 'app' : installationKey(req);
    const { ok, state: after } = primary.spend(key, resource, cost);
    if (ok) {
      if (graphql) ctx.rate = { ...after, cost };
      return { state: after, refused: null };
    }
    const message = `API rate limit exceeded for installation ID ${key}.`;
    const headers = { 'retry-after': String(primary.retryAfter(after)) };
    if (graphql) {
      return {
        state: after,
        refused: { status: 200, body: { errors: [{ type: 'RATE_LIMITED', message }] }, headers },
      };
    }
    return {
      state: after,
      refused: {
        status: primary.status,
        body: { message, documentation_url: DOCS, status: String(primary.status) },
        headers,
      },
    };
  }

  function verifyJwt(jwt: string): boolean {
    const parts = jwt.split('.');
    if (parts.length !== 3) return false;
    let payload: { iss?: unknown; exp?: unknown; iat?: unknown };
    try {
      payload = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8'));
    } catch {
      return false;
    }
    if (String(payload.iss) !== String(state.app.id)) return false;
    const now = Math.floor(Date.now() / 1000);
    if (typeof payload.exp !== 'number' || payload.exp < now - 60) return false;
    if (state.app.publicKey) {
      const v = createVerify('RSA-SHA256');
      v.update(`${parts[0]}.${parts[1]}`);
      if (!v.verify(state.app.publicKey, Buffer.from(parts[2]!, 'base64url'))) return false;
    }
    return true;
  }

  function takeFault(
    method: string,
    r: Route | null,
    path: string,
    operation: string | null,
  ): FaultRule | null {
    for (const f of faults) {
      if (f.left <= 0) continue;
      if (f.method && f.method.toUpperCase() !== method) continue;
      if (f.operation && f.operation !== operation) continue;
      if (f.route) {
        const target = r ? `${r.method} ${r.template}` : `${method} ${path}`;
        const hit =
          typeof f.route === 'string'
            ? f.route === target || f.route === path
            : f.route.test(target) || f.route.test(path);
        if (!hit) continue;
      }
      f.left--;
      return f;
    }
    return null;
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = performance.now();
    const method = (req.method ?? 'GET').toUpperCase();
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const rawPath = url.pathname;
    const path = rawPath.replace(/^\/api\/v3(?=\/)/, '').replace(/^\/api\/graphql$/, '/graphql');
    let matched: Route | null = null;
    let operation: string | null = null;
    let answer: Answer;
    let limited: string | null = null;
    let rate: RateState | null = null;
    try {
      const raw = await readBody(req);
      let body: unknown = null;
      if (raw.length > 0) {
        try {
          body = JSON.parse(raw.toString('utf8'));
        } catch {
          throw new HttpError(400, 'Problems parsing JSON');
        }
      }
      let params: Record<string, string> = {};
      for (const r of routes) {
        if (r.method !== method) continue;
        const m = r.pattern.exec(path);
        if (!m) continue;
        matched = r;
        params = Object.fromEntries(r.keys.map((k, i) => [k, m[i + 1]!]));
        break;
      }
      if (!matched) throw new HttpError(404, 'Not Found');
      const actor = authorise(matched, req);
      const ctx: RequestContext = {
        method,
        params,
        query: url.searchParams,
        body,
        actor,
        selfUrl: `${hosts.web}${rawPath}`,
        operation: null,
      };
      if (
        matched.template === '/graphql' &&
        body &&
        typeof (body as { query?: unknown }).query === 'string'
      ) {
        const q = (body as { query: string; operationName?: unknown }).query;
        const op = (body as { operationName?: unknown }).operationName;
        operation =
          typeof op === 'string' ? op : (/^\s*(?:query|mutation)\s+(\w+)/m.exec(q)?.[1] ?? null);
      }
      if (limits && matched.auth === 'installation') {
        const token =
          /^(?:token|bearer)\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1] ?? '';
        const key = tokenInstallations.get(token) ?? token;
        const graphql = matched.template === '/graphql';
        const write = graphql
          ? /^\s*mutation\b/.test(String((body as { query?: unknown })?.query))
          : method !== 'GET' && method !== 'HEAD';
        const over = limits.admit(key, { graphql, write });
        if (over) {
          throw new HttpError(
            403,
            `You have exceeded a secondary rate limit (${over}). Please wait a few minutes before you try again.`,
            undefined,
            { 'retry-after': '60' },
          );
        }
        limited = key;
      }
      const spent = spendPrimary(matched, req, body, ctx);
      rate = spent.state;
      const fault = spent.refused ? null : takeFault(method, matched, path, operation);
      if (fault) throw new HttpError(fault.status, fault.message ?? 'Injected failure');
      answer = spent.refused ?? matched.handler(ctx);
      operation = ctx.operation ?? operation;
    } catch (err) {
      if (!(err instanceof HttpError)) {
        answer = {
          status: 500,
          body: { message: `fake GitHub failed: ${(err as Error).message}` },
        };
      } else {
        const body: Record<string, unknown> = {
          message: err.message,
          documentation_url: DOCS,
          status: String(err.status),
        };
        if (err.errors) body.errors = err.errors;
        answer = { status: err.status, body, headers: err.headers };
      }
    }

    const isGraphql = matched?.template === '/graphql';
    const resource = isGraphql ? 'graphql' : 'core';
    rate ??= primary.spend(installationKey(req), resource, 0).state;
    const headers: Record<string, string> = {
      'content-type': 'application/json; charset=utf-8',
      'x-github-media-type': 'github.v3; format=json',
      'x-github-request-id': `FAKE:${(++requestCounter).toString(16).toUpperCase()}`,
      ...primary.headers(rate, resource),
      ...(answer.headers ?? {}),
    };
    let payload = answer.body === undefined ? '' : JSON.stringify(answer.body);
    let status = answer.status;
    if (method === 'GET' && status === 200) {
      const etag = `W/"${createHash('sha256').update(payload).digest('hex')}"`;
      headers.etag = etag;
      const inm = req.headers['if-none-match'];
      if (typeof inm === 'string' && inm.split(',').some((t) => weak(t.trim()) === weak(etag))) {
        status = 304;
        payload = '';
      }
    }
    if (options.latencyMs) await new Promise((r) => setTimeout(r, options.latencyMs));
    if (status === 304) {
      delete headers['content-type'];
      res.writeHead(304, headers);
      res.end();
    } else {
      headers['content-length'] = String(Buffer.byteLength(payload));
      res.writeHead(status, headers);
      res.end(payload);
    }
    const kind: RequestKind =
      matched?.auth === 'token'
        ? 'token'
        : status === 304
          ? 'not-modified'
          : method === 'GET' || isGraphql
            ? 'read'
            : 'write';
    if (limited !== null) limits?.done(limited);
    const about = (answer.body as { head_sha?: unknown } | undefined)?.head_sha;
    stats.record({
      method,
      path: rawPath,
      route: matched ? `${matched.method} ${matched.template}` : null,
      operation,
      status,
      kind,
      durationMs: performance.now() - started,
      at: Date.now(),
      ...(typeof about === 'string' ? { headSha: about } : {}),
    });
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ message: `fake GitHub failed: ${(err as Error).message}` }));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port: options.port ?? 0, host: '127.0.0.1' }, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  hosts.api = `${url}/api/v3`;
  hosts.web = url;

  return {
    url,
    host: `127.0.0.1:${port}`,
    apiUrl: hosts.api,
    state,
    stats,
    deliveries,
    fail(rule) {
      faults.push({ ...rule, left: rule.times ?? 1 });
    },
    limits,
    primary,
    close() {
      return new Promise((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      });
    },
  };
}

function linkHeader(link: string | null): Record<string, string> {
  return link ? { link } : {};
}

function weak(tag: string): string {
  return tag.replace(/^W\//, '');
}

function invalid(detail: string): HttpError {
  return new HttpError(422, `Invalid request.\n\n${detail}`);
}

function objectBody(body: unknown): Record<string, unknown> {
  if (body === null) return {};
  if (!body || typeof body !== 'object' || Array.isArray(body)) {
    throw new HttpError(400, 'Problems parsing JSON');
  }
  return body as Record<string, unknown>;
}

function stringList(v: unknown, field: string): string[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) {
    throw invalid(`For '${field}', ${JSON.stringify(v)} is not an array of strings.`);
  }
  return v as string[];
}

function commentBody(body: Record<string, unknown>): string {
  if (typeof body.body !== 'string' || body.body === '') {
    throw new HttpError(422, 'Validation Failed', [
      { resource: 'IssueComment', code: 'missing_field', field: 'body' },
    ]);
  }
  if (body.body.length > COMMENT_BODY_LIMIT) {
    throw new HttpError(422, 'Validation Failed', [
      {
        resource: 'IssueComment',
        code: 'custom',
        field: 'body',
        message: `body is too long (maximum is ${COMMENT_BODY_LIMIT} characters)`,
      },
    ]);
  }
  return body.body;
}

const MAX_BODY = 25 * 1024 * 1024;

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new HttpError(413, 'Payload too large'));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}
