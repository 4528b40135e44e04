/**
 * A stateful fake of the GitHub API on loopback, for running the real app (Probot with
 * `GHE_HOST=127.0.0.1:PORT` and `GHE_PROTOCOL=http`) without GitHub: REST under `/api/v3`,
 * GraphQL at `/api/graphql`, answered from a {@link FakeGitHubState} in GitHub's shapes, with its
 * status codes, pagination links, ETags and limits. Every request is recorded, so a benchmark can
 * count reads, writes and 304s per evaluation.
 */

import { createHash, createVerify } from 'node:crypto';
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
import { Faults, type Fault, type FaultRule } from './faults.js';
import { installationRoutes } from './installations.js';
import type { Hosts } from './shapes.js';
import type { FakeGitHubState } from './state.js';
import { DOCS, HttpError, type Answer, type RequestContext, type RouteDef } from './router.js';
import { appRoutes } from './routes/app.js';
import { checkRoutes } from './routes/checks.js';
import { graphqlRoutes } from './routes/graphql.js';
import { issueRoutes } from './routes/issues.js';
import { pullRoutes } from './routes/pulls.js';
import { repoRoutes } from './routes/repos.js';

export type { Fault, FaultRule, FailureFault, HangFault } from './faults.js';
export {
  COMPARE_FILES_LIMIT,
  COMPARE_UNPAGED_LIMIT,
  CONTENTS_INLINE_LIMIT,
} from './routes/repos.js';

export type RequestKind = 'read' | 'write' | 'not-modified' | 'token';

export interface RequestRecord {
  method: string;
  /** The path as sent, without the query. */
  path: string;
  /** The query string as sent (`?per_page=100`), `''` when none. */
  query: string;
  /** The request's JSON body, kept only with `StartOptions.recordBodies`. */
  body?: unknown;
  /** The route template, e.g. `GET /repos/{owner}/{repo}/pulls/{pull_number}/files`; null when none matched. */
  route: string | null;
  /** The GraphQL operation name, for GraphQL requests. */
  operation: string | null;
  /** The status answered; 499 when the client gave up before an answer (a hang, see faults.ts). */
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
  /** Keep each request's JSON body in its {@link RequestRecord} (what the app wrote, as sent). */
  recordBodies?: boolean;
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
  /**
   * Makes matching requests fail with the given status (and headers, and body), or hang until
   * released; see faults.ts.
   */
  fail(rule: FaultRule): Fault;
  /** The secondary limits, when enforced. */
  limits: SecondaryLimits | null;
  /** The primary limits (hourly budgets per installation). */
  primary: PrimaryLimits;
  close(): Promise<void>;
}

interface Route extends RouteDef {
  pattern: RegExp;
  keys: string[];
}

/** A route with its template turned into a pattern and the names of the parameters it captures. */
function compile(def: RouteDef): Route {
  const keys: string[] = [];
  const source = def.template
    .split('/')
    .map((seg) => {
      const m = /^\{(\w+)(\*?)\}$/.exec(seg);
      if (!m) return seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      keys.push(m[1]!);
      return m[2] ? '(.+)' : '([^/]+)';
    })
    .join('/');
  return { ...def, pattern: new RegExp(`^${source}$`), keys };
}

export async function startFakeGitHub(
  state: FakeGitHubState,
  options: StartOptions = {},
): Promise<FakeGitHub> {
  const stats = new RequestStats();
  const tokens = new Map<string, string>(Object.entries(options.tokens ?? {}));
  /** The installation each issued token belongs to. */
  const tokenInstallations = new Map<string, string>();
  const limits = options.secondaryLimits ? new SecondaryLimits() : null;
  const faults = new Faults();
  const hosts: Hosts = { api: '', web: '' };
  let requestCounter = 0;
  const primary = new PrimaryLimits(options.primaryLimits);

  const env = { state, hosts };
  const deliveries = new FakeDeliveries();
  const issued = (token: string, installationId: string) => {
    tokens.set(token, state.botLogin);
    tokenInstallations.set(token, installationId);
  };
  const defs: RouteDef[] = [
    ...appRoutes(env, issued),
    ...deliveries.routes(),
    ...installationRoutes(state, hosts),
    ...repoRoutes(env),
    ...pullRoutes(env),
    ...checkRoutes(env),
    ...issueRoutes(env),
    ...graphqlRoutes(env),
  ];
  const routes = defs.map(compile);

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
    let body: unknown = null;
    let abandoned = false;
    try {
      const raw = await readBody(req);
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
      const fault = spent.refused
        ? null
        : faults.take(method, `${matched.method} ${matched.template}`, path, operation);
      if (fault && 'hold' in fault) abandoned = (await fault.hold(res)) === 'abandoned';
      const injected = fault && 'answer' in fault ? fault.answer : null;
      answer = abandoned ? { status: 499 } : (injected ?? spent.refused ?? matched.handler(ctx));
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
    if (options.latencyMs && !abandoned) {
      await new Promise((r) => setTimeout(r, options.latencyMs));
    }
    if (abandoned) {
      // The client gave up: there is nobody to answer.
    } else if (status === 304) {
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
      query: url.search,
      ...(options.recordBodies && body !== null ? { body } : {}),
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
    fail: (rule) => faults.add(rule),
    limits,
    primary,
    close() {
      faults.abandonAll();
      return new Promise((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      });
    },
  };
}

function weak(tag: string): string {
  return tag.replace(/^W\//, '');
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
