/**
 * How the commands that read live GitHub (`simulate`, `audit`) get a client: as an installation of
 * the app (APP_ID with PRIVATE_KEY or PRIVATE_KEY_PATH) or with a token (GITHUB_TOKEN, GH_TOKEN),
 * against github.com or the API given by `--api-url` / GITHUB_API_URL (GitHub Enterprise Server,
 * or the loopback fake GitHub, where no pacing applies).
 */
import { readFileSync } from 'node:fs';
import { pino } from 'pino';
import { ProbotOctokit, Probot } from 'probot';
import type { GitHubClient } from '../github/client.js';
import { PAGE_MAX } from '../model/github.js';
import { CheckUsageError } from './check.js';

export const DEFAULT_API_URL = 'https://api.github.com';

/** The credentials paragraph every command that reads GitHub puts in its help. */
export const CREDENTIALS_HELP = `Credentials, from the environment: APP_ID with PRIVATE_KEY (or PRIVATE_KEY_PATH) to read as the
app's installation, or GITHUB_TOKEN. GITHUB_API_URL is read when --api-url is not given.`;

export interface Connection {
  /** A client that can read `owner`'s repositories. */
  clientFor(owner: string): Promise<GitHubClient>;
  /**
   * The repositories of `owner` this connection can list; archived ones only with
   * `{ archived: true }` (an audit looks back at them, a look at open PRs does not).
   */
  repos(gh: GitHubClient, owner: string, opts?: { archived?: boolean }): Promise<string[]>;
  app: { id: number; slug: string };
  /** How it reads: as an installation of the app, or with a token. */
  kind: 'app' | 'token';
}

/** What a command may watch on every response (request counts, the rate limit left). */
export type ResponseObserver = (res: { status: number; headers: Record<string, unknown> }) => void;

export interface ConnectOptions {
  apiUrl: string;
  env: NodeJS.ProcessEnv;
  /** The command's name, for messages: `ai-governance simulate`. */
  command: string;
  /** Called with every response and every error response GitHub sends. */
  observe?: ResponseObserver;
  /**
   * Told of every wait for one of GitHub's rate limits (`retry-after`, or the primary limit's
   * reset): the request is sent again after `seconds`, up to {@link RATE_LIMIT_RETRIES} times.
   */
  onWait?: (seconds: number, limit: 'primary' | 'secondary') => void;
}

/** Times one request is sent again after a rate limit, waiting each time as GitHub says. */
export const RATE_LIMIT_RETRIES = 5;

/** `--api-url`, else GITHUB_API_URL, else github.com; without a trailing slash. */
export function apiUrlFrom(flag: string | undefined, env: NodeJS.ProcessEnv): string {
  return (flag ?? env.GITHUB_API_URL ?? DEFAULT_API_URL).replace(/\/+$/, '');
}

export function isLoopback(apiUrl: string): boolean {
  return /^https?:\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d+)?\//.test(`${apiUrl}/`);
}

/**
 * No pacing against a loopback server (the fake GitHub): GitHub's rate limits are not there.
 * Elsewhere, with `onWait`, a request that meets a rate limit waits as GitHub says and is sent
 * again (the throttling plugin does the waiting), and the caller is told of each wait.
 */
function octokitFor(apiUrl: string, onWait: ConnectOptions['onWait']) {
  if (isLoopback(apiUrl))
    return ProbotOctokit.defaults((o: Record<string, unknown>) => ({
      ...o,
      throttle: { ...(o.throttle as object), enabled: false },
    }));
  if (!onWait) return ProbotOctokit;
  const waitThenRetry =
    (limit: 'primary' | 'secondary') =>
    (seconds: number, request: { request?: { retryCount?: number } }) => {
      if ((request.request?.retryCount ?? 0) >= RATE_LIMIT_RETRIES) return false;
      onWait(seconds, limit);
      return true;
    };
  return ProbotOctokit.defaults((o: Record<string, unknown>) => ({
    ...o,
    throttle: {
      ...(o.throttle as object),
      onRateLimit: waitThenRetry('primary'),
      onSecondaryRateLimit: waitThenRetry('secondary'),
    },
  }));
}

/** Probot's own log lines would mix with the report: only errors, to stderr. */
const quiet = () => pino({ level: 'error' }, pino.destination(2));

interface Hookable {
  hook?: {
    after: (name: string, fn: (res: { status: number; headers: object }) => void) => void;
    error: (name: string, fn: (err: unknown) => never) => void;
  };
}

/** Watches every response of `client` (its Octokit hooks); hands the client back. */
function watched<T>(client: T, observe: ResponseObserver | undefined): T {
  const hook = (client as Hookable).hook;
  if (!observe || !hook) return client;
  hook.after('request', (res) => observe({ status: res.status, headers: { ...res.headers } }));
  hook.error('request', (err) => {
    const e = err as { status?: unknown; response?: { headers?: object } };
    if (typeof e.status === 'number')
      observe({ status: e.status, headers: { ...(e.response?.headers ?? {}) } });
    throw err;
  });
  return client;
}

function privateKeyFrom(env: NodeJS.ProcessEnv, command: string): string | undefined {
  if (env.PRIVATE_KEY) return env.PRIVATE_KEY.replace(/\\n/g, '\n');
  if (!env.PRIVATE_KEY_PATH) return undefined;
  try {
    return readFileSync(env.PRIVATE_KEY_PATH, 'utf8');
  } catch (err) {
    throw new CheckUsageError([
      `${command}: cannot read PRIVATE_KEY_PATH ${env.PRIVATE_KEY_PATH}: ${(err as Error).message}`,
    ]);
  }
}

async function asApp(
  o: ConnectOptions,
  appId: string,
  privateKey: string,
  Octokit: typeof ProbotOctokit,
): Promise<Connection> {
  const probot = new Probot({ appId, privateKey, baseUrl: o.apiUrl, Octokit, log: quiet() });
  const appGh = watched(await probot.auth(), o.observe);
  const { data: app } = await appGh.request('GET /app');
  const installations = await appGh.paginate('GET /app/installations', { per_page: PAGE_MAX });
  const clients = new Map<string, Promise<GitHubClient>>();
  return {
    kind: 'app',
    app: { id: app?.id ?? Number(appId), slug: app?.slug ?? 'ai-governance' },
    clientFor(owner) {
      const key = owner.toLowerCase();
      let c = clients.get(key);
      if (!c) {
        const inst = installations.find((i) => i.account?.login?.toLowerCase() === key);
        if (!inst) throw new Error(`the app is not installed on ${owner}`);
        c = probot.auth(inst.id).then((gh) => watched(gh, o.observe));
        clients.set(key, c);
      }
      return c;
    },
    async repos(gh, owner, opts) {
      const all: string[] = [];
      for (let page = 1; ; page++) {
        const { data } = await gh.request('GET /installation/repositories', {
          per_page: PAGE_MAX,
          page,
        });
        const list = data.repositories ?? [];
        for (const r of list)
          if (
            r.owner.login.toLowerCase() === owner.toLowerCase() &&
            (opts?.archived || !r.archived)
          )
            all.push(r.name);
        if (list.length < PAGE_MAX) return all;
      }
    },
  };
}

function withToken(o: ConnectOptions, token: string, Octokit: typeof ProbotOctokit): Connection {
  const probot = new Probot({ githubToken: token, baseUrl: o.apiUrl, Octokit, log: quiet() });
  const gh = probot.auth().then((c) => watched(c, o.observe));
  return {
    kind: 'token',
    app: { id: Number(o.env.APP_ID ?? 0), slug: o.env.APP_SLUG ?? 'ai-governance' },
    clientFor: () => gh,
    async repos(client, owner, opts) {
      const all: string[] = [];
      for (let page = 1; ; page++) {
        const { data } = await client.request('GET /orgs/{org}/repos', {
          org: owner,
          per_page: PAGE_MAX,
          page,
        });
        const list = data;
        for (const r of list) if (opts?.archived || !r.archived) all.push(r.name);
        if (list.length < PAGE_MAX) return all;
      }
    },
  };
}

/** A connection from the environment's credentials; a usage error when there are none. */
export async function connect(o: ConnectOptions): Promise<Connection> {
  const Octokit = octokitFor(o.apiUrl, o.onWait);
  const privateKey = privateKeyFrom(o.env, o.command);
  if (o.env.APP_ID && privateKey) return asApp(o, o.env.APP_ID, privateKey, Octokit);
  const token = o.env.GITHUB_TOKEN ?? o.env.GH_TOKEN;
  if (!token) {
    throw new CheckUsageError([
      `${o.command}: no credentials: set APP_ID and PRIVATE_KEY (the app) or GITHUB_TOKEN`,
    ]);
  }
  return withToken(o, token, Octokit);
}
