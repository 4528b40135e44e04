/**
 * End-to-end harness for the Probot app: a real Probot instance whose GitHub is a small stateful
 * fake served through nock. The fake answers the installation token, the GraphQL queries (built
 * from a compact pull request scenario in GitHub's GraphQL shapes) and the REST routes the app
 * uses, records every request, applies the app's writes to its state (so that the next event sees
 * them, as on GitHub), and records any request it does not know as unexpected.
 */
import { createHash, createHmac, generateKeyPairSync, randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import nock from 'nock';
import { expect } from 'vitest';
import { pino } from 'pino';
import { Probot, ProbotOctokit } from 'probot';
import type { WebhookDefinition } from '@octokit/webhooks-examples';
import { aiGovernance, type AppOptions } from '../../src/app.js';
import type { RawCommit } from '../../src/github/queries/commits.js';
import type {
  RawPullRequest,
  RawReview,
  SnapshotAnswer,
} from '../../src/github/queries/pull-request.js';
import type { TeamMembersAnswer } from '../../src/github/queries/teams.js';
import { POLICY_PATH } from '../../src/model/names.js';

export { POLICY_PATH };
export const API = 'https://api.github.com';
export const OWNER = 'acme';
export const REPO = 'payments-api';
export const INSTALLATION_ID = 4242;
export const APP = { id: 1, slug: 'ai-governance' } as const;
export const BOT_LOGIN = `${APP.slug}[bot]`;
export const WEBHOOK_SECRET = 'it-is-a-secret';
export const CHECK_NAME = 'AI Governance';
export const REPO_PATH = `/repos/${OWNER}/${REPO}`;

/**
 * The org's policy file, read on every evaluation of a repository with its own policy: it may set
 * a floor the repository's policy cannot loosen.
 */
export const ORG_POLICY_READ = `GET /repos/${OWNER}/.github/contents/${encodeURIComponent(POLICY_PATH)}`;

/**
 * The reads of an evaluation, in order, before its writes (the nock fake does not answer the
 * head commit's check runs in the snapshot, so the app looks its run up by REST).
 */
export function evaluationReads(headSha: string): string[] {
  return [
    'POST /graphql PullRequestSnapshot',
    ORG_POLICY_READ,
    'POST /graphql TeamMembers',
    `GET ${REPO_PATH}/commits/${headSha}/check-runs`,
  ];
}

/** A 40-hex commit sha derived from a name, so tests can say `sha('head-2')`. */
export function sha(name: string): string {
  return createHash('sha1').update(name).digest('hex');
}

// ---------------------------------------------------------------------------------------------
// Scenario: a compact description of a repository and its pull requests

export interface Person {
  name: string;
  email: string;
  login?: string | null;
}

export interface CommitSpec {
  sha: string;
  message: string;
  author?: Person;
}

export type ReviewStateSpec = 'APPROVED' | 'CHANGES_REQUESTED' | 'COMMENTED' | 'DISMISSED';

export interface ReviewSpec {
  by: string;
  state: ReviewStateSpec;
  /** The commit the review was made on. */
  commit: string;
  at?: string;
  type?: 'User' | 'Bot';
  /** GraphQL `authorCanPushToRepository`: whether the reviewer has write access (default true). */
  canPush?: boolean;
}

export interface LabelSpec {
  name: string;
  /** Who applied it; GraphQL gives bot logins without `[bot]`. */
  by: string | null;
  byType?: 'User' | 'Bot';
  /** The LabeledEvent's node id; a label applied again gets a new one. */
  eventId?: string;
}

export interface CommentSpec {
  id: number;
  body: string;
  /** Written by this app (GraphQL `viewerDidAuthor` for the installation). */
  byApp: boolean;
}

export interface FileSpec {
  path: string;
  /** GraphQL's PatchStatus: ADDED, MODIFIED, DELETED, RENAMED, COPIED, CHANGED. */
  changeType: string;
  /** Only REST gives it, for renames and copies. */
  previousPath?: string;
}

export interface PrSpec {
  number: number;
  title: string;
  body: string;
  author: string;
  headRef: string;
  headSha: string;
  baseRef: string;
  state: 'OPEN' | 'CLOSED' | 'MERGED';
  isCrossRepository: boolean;
  commits: CommitSpec[];
  files: FileSpec[];
  /** The real number of changed files (GraphQL `changedFiles`); defaults to the files listed. */
  changedFiles: number;
  labels: LabelSpec[];
  reviews: ReviewSpec[];
  comments: CommentSpec[];
  /** Reviews requested now (GraphQL `reviewRequests`). */
  reviewRequests: { users: string[]; teams: string[] };
  /** Reviews requested at some point (the timeline's ReviewRequestedEvents). */
  requestedBefore: { users: string[]; teams: string[] };
}

export const ALICE: Person = { name: 'Alice Doe', email: 'alice@acme.test', login: 'alice' };
export const CLAUDE_TRAILER = 'Co-Authored-By: Claude <noreply@anthropic.com>';

export function pullRequest(
  number: number,
  over: Partial<Omit<PrSpec, 'files'>> & { files?: (string | FileSpec)[] } = {},
): PrSpec {
  const files = (over.files ?? ['src/index.ts']).map((f) =>
    typeof f === 'string' ? { path: f, changeType: 'MODIFIED' } : f,
  );
  const headSha = over.headSha ?? sha(`pr-${number}-head`);
  return {
    number,
    title: `Change ${number}`,
    body: '',
    author: 'alice',
    headRef: `feature/change-${number}`,
    baseRef: 'main',
    state: 'OPEN',
    isCrossRepository: false,
    commits: [{ sha: headSha, message: `Change ${number}`, author: ALICE }],
    labels: [],
    reviews: [],
    comments: [],
    reviewRequests: { users: [], teams: [] },
    requestedBefore: { users: [], teams: [] },
    ...over,
    headSha,
    files,
    changedFiles: over.changedFiles ?? files.length,
  };
}

export interface RepoSpec {
  owner: string;
  repo: string;
  ownerType: 'Organization' | 'User';
  defaultBranch: string;
  defaultSha: string;
  /** The policy file on the default branch (what `HEAD:.github/ai-governance.yml` resolves to). */
  policyText: string | null;
  /** Files served by the contents API, keyed `owner/repo:path` (default branch). */
  contents: Record<string, string>;
  /** Team slug → member logins. */
  teams: Record<string, string[]>;
  prs: Map<number, PrSpec>;
  /** The default branch's merge queue: pull request numbers, first in line first. */
  mergeQueue?: number[];
}

/** GitHub stops listing a pull request's files here (REST and GraphQL alike). */
export const FILES_LIST_CAP = 3000;
const PAGE = 100;

// ---------------------------------------------------------------------------------------------
// GraphQL answers in GitHub's shapes

function fwd<T>(list: T[], name: string, after: unknown, cap = Infinity) {
  const start = typeof after === 'string' ? Number(after.split(':')[1]) : 0;
  const stop = Math.min(list.length, cap);
  const end = Math.min(start + PAGE, stop);
  return {
    pageInfo: { hasNextPage: end < stop, endCursor: end > start ? `${name}:${end}` : null },
    nodes: list.slice(start, end),
  };
}

function actor(login: string, type: 'User' | 'Bot' = 'User') {
  // GraphQL names bot accounts without the `[bot]` suffix.
  return { __typename: type, login: type === 'Bot' ? login.replace(/\[bot\]$/, '') : login };
}

function gitActor(p: Person) {
  return { name: p.name, email: p.email, user: p.login ? { login: p.login } : null };
}

const CO_AUTHOR = /^co-authored-by:\s*(.*?)\s*<([^>]*)>\s*$/gim;

/** A commit as GraphQL gives it: `authors` holds the author and every Co-authored-by. */
export function rawCommit(c: CommitSpec): RawCommit {
  const author = c.author ?? ALICE;
  const people = [gitActor(author)];
  for (const m of c.message.matchAll(CO_AUTHOR)) {
    people.push({ name: m[1]!, email: m[2]!, user: null });
  }
  return {
    oid: c.sha,
    message: c.message,
    authors: { pageInfo: { hasNextPage: false, endCursor: null }, nodes: people },
    committer: gitActor(author),
  };
}

function rawReviews(pr: PrSpec): RawReview[] {
  return pr.reviews.map((r, i) => ({
    id: `PRR_${pr.number}_${i}`,
    databaseId: 9000 + i,
    author: actor(r.by, r.type),
    authorCanPushToRepository: r.canPush ?? true,
    state: r.state,
    submittedAt: r.at ?? new Date(Date.UTC(2025, 0, 1, 12, i)).toISOString(),
    commit: { oid: r.commit },
  }));
}

function connections(pr: PrSpec, vars: Record<string, unknown>) {
  return {
    commits: {
      totalCount: pr.commits.length,
      ...fwd(
        pr.commits.map((c) => ({ commit: rawCommit(c) })),
        'commits',
        vars.commitsCursor,
      ),
    },
    files: fwd(
      pr.files.map((f) => ({ path: f.path, changeType: f.changeType })),
      'files',
      vars.filesCursor,
      FILES_LIST_CAP,
    ),
    labels: fwd(
      pr.labels.map((l) => ({ name: l.name })),
      'labels',
      vars.labelsCursor,
    ),
    labelEvents: {
      pageInfo: { hasPreviousPage: false, startCursor: null },
      nodes: pr.labels.map((l, i) => ({
        id: l.eventId ?? `LE_${pr.number}_${l.name}`,
        createdAt: new Date(Date.UTC(2025, 0, 1, 10, i)).toISOString(),
        actor: l.by === null ? null : actor(l.by, l.byType),
        label: { name: l.name },
      })),
    },
    reviews: fwd(rawReviews(pr), 'reviews', vars.reviewsCursor),
  };
}

/** The answer to the app's `PullRequestSnapshot` query for one pull request of `repo`. */
export function snapshotAnswer(repo: RepoSpec, pr: PrSpec): SnapshotAnswer {
  const c = connections(pr, {});
  const requested = (list: { users: string[]; teams: string[] }) => [
    ...list.users.map((u) => ({ requestedReviewer: { __typename: 'User', login: u } })),
    ...list.teams.map((t) => ({ requestedReviewer: { __typename: 'Team', slug: t } })),
  ];
  const raw: RawPullRequest = {
    number: pr.number,
    title: pr.title,
    body: pr.body,
    headRefName: pr.headRef,
    headRefOid: pr.headSha,
    baseRefName: pr.baseRef,
    baseRefOid: sha('merge-base'),
    baseRef: { target: { oid: repo.defaultSha } },
    state: pr.state,
    isCrossRepository: pr.isCrossRepository,
    author: actor(pr.author),
    changedFiles: pr.changedFiles,
    comments: fwd(
      pr.comments.map((cm) => ({
        databaseId: cm.id,
        body: cm.body,
        viewerDidAuthor: cm.byApp,
      })),
      'comments',
      null,
    ),
    reviewRequests: { nodes: requested(pr.reviewRequests) },
    reviewRequestEvents: { nodes: requested(pr.requestedBefore) },
    forcePushes: { pageInfo: { hasPreviousPage: false, startCursor: null }, nodes: [] },
    ...c,
  };
  return {
    repository: {
      owner: { __typename: repo.ownerType, login: repo.owner },
      defaultBranchRef: { name: repo.defaultBranch, target: { oid: repo.defaultSha } },
      policyFile:
        repo.policyText === null
          ? null
          : {
              __typename: 'Blob',
              text: repo.policyText,
              isTruncated: false,
              isBinary: false,
              byteSize: Buffer.byteLength(repo.policyText),
            },
      pullRequest: raw,
    },
  };
}

/** The answer to a `PullRequestPage` follow-up query: only the connections it asks for. */
export function pageAnswer(pr: PrSpec, query: string, vars: Record<string, unknown>) {
  const c = connections(pr, vars);
  const out: Record<string, unknown> = { headRefOid: pr.headSha };
  for (const name of ['commits', 'files', 'labels', 'labelEvents', 'reviews'] as const) {
    if (new RegExp(`\\b${name === 'labelEvents' ? 'labelEvents:' : `${name}\\(`}`).test(query)) {
      out[name] = c[name];
    }
  }
  return { repository: { pullRequest: out } };
}

/** The answer to a `TeamMembers` query: aliases t0.., null for a team that does not exist. */
export function teamsAnswer(
  teams: Record<string, string[]>,
  vars: Record<string, unknown>,
): TeamMembersAnswer {
  const org: Record<string, unknown> = {};
  for (let i = 0; typeof vars[`s${i}`] === 'string'; i++) {
    const slug = vars[`s${i}`] as string;
    const members = teams[slug];
    org[`t${i}`] = members
      ? {
          slug,
          members: fwd(
            members.map((login) => ({ login })),
            'members',
            vars[`c${i}`],
          ),
        }
      : null;
  }
  return { organization: org as TeamMembersAnswer['organization'] };
}

// ---------------------------------------------------------------------------------------------
// The fake GitHub

export interface RecordedRequest {
  method: string;
  /** The path without the query string, as sent. */
  path: string;
  query: Record<string, string>;
  body: any;
  /** The GraphQL operation name, for POST /graphql. */
  op?: string;
}

export interface CheckRunState {
  id: number;
  name: string;
  head_sha: string;
  status: string;
  conclusion: string | null;
  output: { title: string | null; summary: string | null; text: string | null };
  annotations: unknown[];
  app: { id: number };
}

type Reply = [number, unknown] | [number, unknown, Record<string, string>];

interface Failure {
  key: string;
  status: number;
  body: unknown;
  times: number;
}

export class FakeGitHub {
  readonly repo: RepoSpec;
  readonly requests: RecordedRequest[] = [];
  readonly unexpected: string[] = [];
  readonly checkRuns: CheckRunState[] = [];
  tokens = 0;
  private nextId = 500;
  private failures: Failure[] = [];

  constructor(over: Partial<Omit<RepoSpec, 'prs'>> & { prs?: PrSpec[] } = {}) {
    this.repo = {
      owner: OWNER,
      repo: REPO,
      ownerType: 'Organization',
      defaultBranch: 'main',
      defaultSha: sha('main'),
      policyText: null,
      contents: {},
      teams: {},
      ...over,
      prs: new Map((over.prs ?? []).map((p) => [p.number, p])),
    };
    this.intercept();
  }

  pr(number: number): PrSpec {
    const p = this.repo.prs.get(number);
    if (!p) throw new Error(`no PR #${number} in the scenario`);
    return p;
  }

  addPr(p: PrSpec): PrSpec {
    this.repo.prs.set(p.number, p);
    return p;
  }

  /** The next `times` requests whose `METHOD /path[ op]` starts with `key` are answered `status`. */
  fail(key: string, status: number, body: unknown = { message: 'Server Error' }, times = 1): void {
    this.failures.push({ key, status, body, times });
  }

  /** Every request as `METHOD /path` (GraphQL: `POST /graphql Operation`), tokens left out. */
  calls(): string[] {
    return this.requests.map((r) => `${r.method} ${r.path}${r.op ? ` ${r.op}` : ''}`);
  }

  /** Requests that change something on GitHub. */
  writes(): RecordedRequest[] {
    return this.requests.filter((r) => r.method !== 'GET' && r.path !== '/graphql');
  }

  writeCalls(): string[] {
    return this.writes().map((r) => `${r.method} ${r.path}`);
  }

  find(method: string, path: string): RecordedRequest[] {
    return this.requests.filter((r) => r.method === method && r.path === path);
  }

  one(method: string, path: string): RecordedRequest {
    const found = this.find(method, path);
    if (found.length !== 1) {
      throw new Error(
        `expected one ${method} ${path}, got ${found.length}:\n${this.calls().join('\n')}`,
      );
    }
    return found[0]!;
  }

  reset(): void {
    this.requests.length = 0;
  }

  /** The app's check run on a commit (the latest). */
  checkRun(headSha: string): CheckRunState | undefined {
    return this.checkRuns.filter((r) => r.head_sha === headSha).sort((a, b) => b.id - a.id)[0];
  }

  private intercept(): void {
    const scope = nock(API).persist();
    for (const method of ['GET', 'POST', 'PATCH', 'PUT', 'DELETE'] as const) {
      scope.intercept(() => true, method).reply((uri, body) => this.handle(method, uri, body));
    }
  }

  private handle(method: string, uri: string, rawBody: unknown): Reply {
    const url = new URL(uri, API);
    const body: any =
      typeof rawBody === 'string' && rawBody !== '' ? safeJson(rawBody) : (rawBody ?? null);
    const path = url.pathname;
    const query = Object.fromEntries(url.searchParams);
    if (method === 'POST' && /^\/app\/installations\/\d+\/access_tokens$/.test(path)) {
      this.tokens++;
      if (path !== `/app/installations/${INSTALLATION_ID}/access_tokens`) {
        this.unexpected.push(`${method} ${path}`);
        return [404, { message: 'Not Found' }];
      }
      return [
        201,
        {
          token: 'ghs_fake_installation_token',
          expires_at: new Date(Date.now() + 3_600_000).toISOString(),
          permissions: { checks: 'write', pull_requests: 'write', contents: 'read' },
          repository_selection: 'all',
        },
      ];
    }
    const rec: RecordedRequest = { method, path, query, body };
    if (path === '/graphql') rec.op = /^\s*query\s+(\w+)/.exec(String(body?.query))?.[1] ?? '?';
    this.requests.push(rec);
    const key = `${method} ${path}${rec.op ? ` ${rec.op}` : ''}`;
    const failure = this.failures.find((f) => f.times > 0 && key.startsWith(f.key));
    if (failure) {
      failure.times--;
      return [failure.status, failure.body];
    }
    try {
      const answer = this.route(method, path, query, body, rec);
      if (answer) return answer;
    } catch (err) {
      this.unexpected.push(`${key}: ${(err as Error).message}`);
      return [500, { message: String(err) }];
    }
    this.unexpected.push(key);
    return [404, { message: 'Not Found' }];
  }

  private route(
    method: string,
    path: string,
    query: Record<string, string>,
    body: any,
    rec: RecordedRequest,
  ): Reply | null {
    if (path === '/graphql' && method === 'POST') return this.graphql(rec.op!, body);
    const invalid = limitProblem(body);
    if (invalid) return [422, { message: 'Validation Failed', errors: [invalid] }];

    let m: RegExpExecArray | null;
    if (method === 'GET' && (m = /^\/repos\/([^/]+)\/([^/]+)\/contents\/(.+)$/.exec(path))) {
      const file = `${m[1]}/${m[2]}:${decodeURIComponent(m[3]!)}`;
      const text = this.repo.contents[file];
      if (text === undefined) return [404, { message: 'Not Found' }];
      return [
        200,
        {
          type: 'file',
          encoding: 'base64',
          name: file.split('/').pop(),
          path: decodeURIComponent(m[3]!),
          content: Buffer.from(text).toString('base64'),
        },
      ];
    }
    if (method === 'GET' && path === '/app') {
      return [200, { id: APP.id, slug: APP.slug, name: 'AI Governance' }];
    }
    if (!path.startsWith(`${REPO_PATH}/`)) return null;
    const rest = path.slice(REPO_PATH.length);

    if (method === 'GET' && (m = /^\/commits\/([0-9a-f]{40})\/check-runs$/.exec(rest))) {
      const runs = this.checkRuns.filter(
        (r) =>
          r.head_sha === m![1] &&
          (!query.check_name || r.name === query.check_name) &&
          (!query.app_id || String(r.app.id) === query.app_id),
      );
      return [200, { total_count: runs.length, check_runs: runs.map(publicRun) }];
    }
    if (method === 'POST' && rest === '/check-runs') {
      const run: CheckRunState = {
        id: this.nextId++,
        name: body.name,
        head_sha: body.head_sha,
        status: body.status ?? 'queued',
        conclusion: body.conclusion ?? null,
        output: {
          title: body.output?.title ?? null,
          summary: body.output?.summary ?? null,
          text: body.output?.text ?? null,
        },
        annotations: [...(body.output?.annotations ?? [])],
        app: { id: APP.id },
      };
      this.checkRuns.push(run);
      return [201, publicRun(run)];
    }
    if (method === 'PATCH' && (m = /^\/check-runs\/(\d+)$/.exec(rest))) {
      const run = this.checkRuns.find((r) => r.id === Number(m![1]));
      if (!run) return [404, { message: 'Not Found' }];
      if (body.status) run.status = body.status;
      if (body.conclusion) run.conclusion = body.conclusion;
      if (body.output) {
        // A partial update: what the request leaves out stays; annotations are appended.
        run.output = {
          title: body.output.title ?? run.output.title,
          summary: body.output.summary ?? run.output.summary,
          text: body.output.text ?? run.output.text,
        };
        run.annotations.push(...(body.output.annotations ?? []));
      }
      return [200, publicRun(run)];
    }
    if ((m = /^\/issues\/(\d+)\/comments$/.exec(rest))) {
      const pr = this.pr(Number(m[1]));
      if (method === 'GET') {
        const page = Number(query.page ?? 1);
        const per = Number(query.per_page ?? 30);
        return [200, pr.comments.slice((page - 1) * per, page * per).map(publicComment)];
      }
      if (method === 'POST') {
        const c: CommentSpec = { id: this.nextId++, body: body.body, byApp: true };
        pr.comments.push(c);
        return [201, publicComment(c)];
      }
    }
    if (method === 'PATCH' && (m = /^\/issues\/comments\/(\d+)$/.exec(rest))) {
      for (const pr of this.repo.prs.values()) {
        const c = pr.comments.find((x) => x.id === Number(m![1]));
        if (c) {
          if (!c.byApp) return [403, { message: 'Resource not accessible by integration' }];
          c.body = body.body;
          return [200, publicComment(c)];
        }
      }
      return [404, { message: 'Not Found' }];
    }
    if (method === 'POST' && (m = /^\/issues\/(\d+)\/labels$/.exec(rest))) {
      const pr = this.pr(Number(m[1]));
      for (const name of body.labels as string[]) {
        if (!pr.labels.some((l) => l.name.toLowerCase() === name.toLowerCase())) {
          pr.labels.push({ name, by: APP.slug, byType: 'Bot' });
        }
      }
      return [200, pr.labels.map((l) => ({ name: l.name }))];
    }
    if (method === 'POST' && (m = /^\/pulls\/(\d+)\/requested_reviewers$/.exec(rest))) {
      const pr = this.pr(Number(m[1]));
      for (const list of [pr.reviewRequests, pr.requestedBefore]) {
        list.users.push(...(body.reviewers ?? []));
        list.teams.push(...(body.team_reviewers ?? []));
      }
      return [201, { number: pr.number }];
    }
    if (method === 'GET' && rest === '/pulls') {
      const open = [...this.repo.prs.values()].filter((p) => p.state === 'OPEN');
      const page = Number(query.page ?? 1);
      const per = Number(query.per_page ?? 30);
      return [
        200,
        open
          .sort((a, b) => b.number - a.number)
          .slice((page - 1) * per, page * per)
          .map((p) => publicPull(p)),
      ];
    }
    if (method === 'GET' && (m = /^\/pulls\/(\d+)\/files$/.exec(rest))) {
      // REST lists at most 3,000 files, with a Link header while more pages remain.
      const pr = this.pr(Number(m[1]));
      const page = Number(query.page ?? 1);
      const per = Number(query.per_page ?? 30);
      const listed = pr.files.slice(0, FILES_LIST_CAP);
      const files = listed.slice((page - 1) * per, page * per).map((f) => ({
        filename: f.path,
        status: f.changeType.toLowerCase(),
        ...(f.previousPath ? { previous_filename: f.previousPath } : {}),
      }));
      const headers: Record<string, string> = {};
      if (page * per < listed.length) {
        headers.link = `<${API}${path}?per_page=${per}&page=${page + 1}>; rel="next"`;
      }
      return [200, files, headers];
    }
    if (method === 'GET' && (m = /^\/commits\/([0-9a-f]{40})\/pulls$/.exec(rest))) {
      const prs = [...this.repo.prs.values()].filter((p) => p.commits.some((c) => c.sha === m![1]));
      return [200, prs.map(publicPull)];
    }
    return null;
  }

  private graphql(op: string, body: any): Reply | null {
    const vars = (body?.variables ?? {}) as Record<string, unknown>;
    const prOf = () => {
      if (vars.owner !== OWNER || vars.repo !== REPO)
        throw new Error(`repository ${vars.owner}/${vars.repo}`);
      return this.pr(Number(vars.number));
    };
    switch (op) {
      case 'PullRequestSnapshot':
        if (vars.policyExpression !== `HEAD:${POLICY_PATH}`) {
          throw new Error(`policy read from ${String(vars.policyExpression)}`);
        }
        return [200, { data: snapshotAnswer(this.repo, prOf()) }];
      case 'PullRequestPage':
        return [200, { data: pageAnswer(prOf(), String(body.query), vars) }];
      case 'PullRequestHead':
        return [200, { data: { repository: { pullRequest: { headRefOid: prOf().headSha } } } }];
      case 'MergeQueueEntries': {
        if (vars.owner !== OWNER || vars.repo !== REPO || vars.branch !== this.repo.defaultBranch)
          throw new Error(`merge queue of ${vars.owner}/${vars.repo}@${vars.branch}`);
        const queue = this.repo.mergeQueue ?? [];
        const nodes = queue.map((number, i) => ({
          position: i + 1,
          pullRequest: { number },
        }));
        const entries = { totalCount: nodes.length, pageInfo: { hasNextPage: false }, nodes };
        return [200, { data: { repository: { mergeQueue: { entries } } } }];
      }
      case 'TeamMembers':
        if (vars.org !== OWNER) throw new Error(`teams of ${String(vars.org)}`);
        return [200, { data: teamsAnswer(this.repo.teams, vars) }];
      default:
        return null;
    }
  }
}

/** GitHub's documented limits on what the app writes. */
function limitProblem(body: any): string | null {
  const out = body?.output;
  if (out) {
    if (typeof out.summary === 'string' && out.summary.length > 65_535) return 'summary too long';
    if (typeof out.text === 'string' && out.text.length > 65_535) return 'text too long';
    if (Array.isArray(out.annotations) && out.annotations.length > 50) {
      return 'more than 50 annotations in one request';
    }
  }
  if (typeof body?.body === 'string' && body.body.length > 65_536) return 'Body is too long';
  return null;
}

function safeJson(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    return s;
  }
}

function publicRun(r: CheckRunState) {
  return {
    id: r.id,
    name: r.name,
    head_sha: r.head_sha,
    status: r.status,
    conclusion: r.conclusion,
    output: { ...r.output, annotations_count: r.annotations.length },
    app: { id: r.app.id, slug: APP.slug },
  };
}

function publicComment(c: CommentSpec) {
  return {
    id: c.id,
    body: c.body,
    user: c.byApp ? { login: BOT_LOGIN, type: 'Bot' } : { login: 'mallory', type: 'User' },
    performed_via_github_app: c.byApp ? { id: APP.id, slug: APP.slug } : null,
  };
}

function publicPull(p: PrSpec) {
  return {
    number: p.number,
    state: p.state === 'OPEN' ? 'open' : 'closed',
    head: { sha: p.headSha, ref: p.headRef },
    base: { ref: p.baseRef },
  };
}

// ---------------------------------------------------------------------------------------------
// Webhook payloads: GitHub's own examples, moved to the scenario's repository

const require = createRequire(import.meta.url);
const EXAMPLES = require('@octokit/webhooks-examples') as WebhookDefinition[];

/** A deep copy of one of GitHub's example payloads for `name`, the first that `pick` accepts. */
export function example(name: string, pick: (p: any) => boolean = () => true): any {
  const def = EXAMPLES.find((d) => d.name === name);
  const found = def?.examples.find((p) => pick(p));
  if (!found) throw new Error(`no example payload for ${name}`);
  return retarget(structuredClone(found));
}

/** Only what the scenario needs: owner, repository, default branch and installation. */
function retarget(p: any): any {
  p.repository.name = REPO;
  p.repository.full_name = `${OWNER}/${REPO}`;
  p.repository.owner.login = OWNER;
  p.repository.owner.type = 'Organization';
  p.repository.default_branch = 'main';
  p.installation = { ...(p.installation ?? {}), id: INSTALLATION_ID };
  if (p.organization) p.organization.login = OWNER;
  return p;
}

const withInstallation = (action: string) => (p: any) => p.action === action && !!p.installation;

export function pullRequestEvent(action: string, pr: PrSpec): any {
  const p = example('pull_request', withInstallation(action));
  p.number = pr.number;
  p.pull_request.number = pr.number;
  p.pull_request.head.sha = pr.headSha;
  p.pull_request.head.ref = pr.headRef;
  p.pull_request.base.ref = pr.baseRef;
  return p;
}

export function reviewEvent(pr: PrSpec, review: { by: string; state: string; commit: string }) {
  const p = example('pull_request_review', withInstallation('submitted'));
  p.pull_request.number = pr.number;
  p.pull_request.head.sha = pr.headSha;
  p.review.user.login = review.by;
  p.review.state = review.state.toLowerCase();
  p.review.commit_id = review.commit;
  return p;
}

// ---------------------------------------------------------------------------------------------
// The app under test

let key: string | undefined;

/** An RSA key for the app's JWTs, made once per test file. */
export function privateKey(): string {
  key ??= generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  }).privateKey;
  return key;
}

export interface LogRecord {
  level: number;
  msg: string;
  [k: string]: unknown;
}

export interface TestApp {
  probot: Probot;
  logs: LogRecord[];
  receive(name: string, payload: unknown): Promise<void>;
  /** Error-level log lines (an evaluation that failed logs one). */
  errors(): string[];
}

/**
 * Probot's Octokit without retries or throttling. The defaults must be a function: Probot passes
 * its own `throttle` options to every instance, and an object given to `defaults` would be
 * overwritten by them (leaving the throttle on, which spaces writes a second or more apart).
 */
export const TestOctokit = ProbotOctokit.defaults((options: Record<string, any>) => ({
  ...options,
  retry: { ...options.retry, enabled: false },
  throttle: { ...options.throttle, enabled: false },
}));

export function newProbot(logs: LogRecord[]): Probot {
  const log = pino({ level: 'info' }, { write: (s: string) => void logs.push(JSON.parse(s)) });
  return new Probot({
    appId: APP.id,
    privateKey: privateKey(),
    secret: WEBHOOK_SECRET,
    log: log as any,
    Octokit: TestOctokit,
  });
}

export async function startApp(options: AppOptions = {}): Promise<TestApp> {
  const logs: LogRecord[] = [];
  const probot = newProbot(logs);
  await probot.load(aiGovernance({ teamTtlMs: 0, identity: { ...APP }, ...options }));
  return {
    probot,
    logs,
    receive: async (name, payload) => {
      await probot.receive({ id: randomUUID(), name, payload } as any);
    },
    errors: () => logs.filter((l) => l.level >= 50).map((l) => l.msg),
  };
}

export function sign(body: string, secret = WEBHOOK_SECRET): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/** Requests nock saw that no interceptor answered (other hosts). */
export const unmatched: string[] = [];
nock.emitter.on('no match', (req: { method?: string; href?: string; path?: string }) => {
  const where = req.href ?? req.path ?? '?';
  // Loopback is open (test servers); everything else must be answered by an interceptor.
  if (/^https?:\/\/(127\.0\.0\.1|localhost|\[::1\])[:/]/.test(where)) return;
  unmatched.push(`${req.method ?? '?'} ${where}`);
});

// ---------------------------------------------------------------------------------------------
// Policies used by the scenarios

export const PAYMENTS_POLICY = `version: 1
critical_paths:
  - name: payments
    paths: ["services/payments/**"]
    exclude: ["**/*.md"]
    approvals: 2
    reviewers:
      teams: [payments-seniors]
policy_file:
  approvals: 1
  reviewers:
    teams: [platform-leads]
`;

export const TEAMS: Record<string, string[]> = {
  'payments-seniors': ['carol', 'dave', 'erin'],
  'platform-leads': ['paula'],
};

/** An AI-assisted PR (Claude co-author trailer) that touches the payments critical path. */
export function aiPaymentsPr(number = 7, headSha = sha(`pr-${number}-head`)): PrSpec {
  return pullRequest(number, {
    title: 'Retry failed refunds',
    headSha,
    commits: [
      {
        sha: headSha,
        message: `Retry failed refunds\n\nRetries with backoff.\n\n${CLAUDE_TRAILER}\n`,
        author: ALICE,
      },
    ],
    files: [
      'services/payments/refund.ts',
      'services/payments/retry.ts',
      'services/payments/README.md',
      'docs/refunds.md',
    ],
  });
}

/** Markdown written by the app, read back as text: escapes and ping-breakers removed. */
export function plain(markdown: string): string {
  return markdown.replace(/&#8203;/g, '').replace(/\\([!-/:-@[-`{-~])/g, '$1');
}

/** After each test: drop the interceptors first, then fail on anything nobody answered. */
export function finish(gh: FakeGitHub | undefined): void {
  nock.cleanAll();
  const missed = unmatched.splice(0);
  expect(gh?.unexpected ?? []).toEqual([]);
  expect(missed).toEqual([]);
}
