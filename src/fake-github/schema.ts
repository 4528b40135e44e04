/**
 * The fake's data for GitHub's GraphQL schema: the objects and fields the app reads, resolved
 * from the fake's state (graphql.ts checks every answer against GitHub's real types). Lists are
 * connections with GitHub's rules: `first` or `last` between 1 and 100, opaque cursors, and the
 * caps GitHub applies to pull requests (250 commits; 3,000 files, whose `totalCount` is capped
 * too, while `changedFiles` keeps the real count).
 */

import { PAGE_MAX, PR_COMMITS_CAP, PR_FILES_CAP } from '../model/github.js';
import { FieldError, type GqlObject } from './graphql.js';
import { historyFields, mergeFields, readyForReviewItems } from './merged.js';
import { nodeId } from './shapes.js';
import type { FakeGitHubState } from './state.js';
import type {
  FakeCheckRun,
  FakeCommit,
  FakePullRequest,
  FakeRepo,
  GitPerson,
  ReviewerRef,
} from './model.js';

/**
 * Above this size a blob's `text` is cut short and `isTruncated` is true. GitHub does not document
 * the figure; the fake uses 512 KiB.
 */
export const BLOB_TEXT_LIMIT = 512 * 1024;

// ---------------------------------------------------------------------------------------------
// Connections

export function encodeCursor(position: number): string {
  return Buffer.from(`cursor:v2:${position}`).toString('base64');
}

function decodeCursor(cursor: unknown): number {
  if (typeof cursor !== 'string') throw invalidCursor(cursor);
  const text = Buffer.from(cursor, 'base64').toString('utf8');
  const m = /^cursor:v2:(\d+)$/.exec(text);
  if (!m || encodeCursor(Number(m[1])) !== cursor) throw invalidCursor(cursor);
  return Number(m[1]);
}

function invalidCursor(cursor: unknown): FieldError {
  return new FieldError(
    'INVALID_CURSOR_ARGUMENTS',
    `\`${String(cursor)}\` does not appear to be a valid cursor.`,
  );
}

export interface ConnectionOptions {
  /** Items past this position are not listed at all (GitHub's caps). */
  cap?: number;
  /** What `totalCount` says; defaults to the number of listable items. */
  totalCount?: number;
}

/**
 * A connection over `items` with GitHub's argument rules. Cursors are positions (1-based) in the
 * full list, so they stay valid while later items are added.
 */
export function connection<T>(
  typename: string,
  field: string,
  items: readonly T[],
  args: Record<string, unknown>,
  toNode: (item: T) => unknown,
  opts: ConnectionOptions = {},
): GqlObject {
  const { first, last, after, before } = args as {
    first?: number | null;
    last?: number | null;
    after?: string | null;
    before?: string | null;
  };
  if ((first === undefined || first === null) && (last === undefined || last === null)) {
    throw new FieldError(
      'MISSING_PAGINATION_BOUNDARIES',
      `You must provide a \`first\` or \`last\` value to properly paginate the \`${field}\` connection.`,
    );
  }
  for (const [name, value] of [
    ['first', first],
    ['last', last],
  ] as const) {
    if (value === undefined || value === null) continue;
    if (!Number.isInteger(value) || value < 0) {
      throw new FieldError(
        'INVALID_ARGUMENTS',
        `\`${name}\` on the \`${field}\` connection cannot be less than zero.`,
      );
    }
    if (value > PAGE_MAX) {
      throw new FieldError(
        'EXCESSIVE_PAGINATION',
        `Requesting ${value} records on the \`${field}\` connection exceeds the \`${name}\` limit of ${PAGE_MAX} records.`,
      );
    }
  }
  const listable = opts.cap !== undefined ? items.slice(0, opts.cap) : items;
  // Positions are 1-based; the window is (lo, hi] before first/last apply.
  let lo = 0;
  let hi = listable.length;
  if (after !== undefined && after !== null) lo = Math.min(decodeCursor(after), hi);
  if (before !== undefined && before !== null)
    hi = Math.max(Math.min(decodeCursor(before) - 1, hi), lo);
  let start = lo;
  let end = hi;
  if (first !== undefined && first !== null) end = Math.min(end, start + first);
  if (last !== undefined && last !== null) start = Math.max(start, end - last);
  const slice = listable.slice(start, end);
  const nodes = slice.map(toNode);
  return {
    __typename: typename,
    totalCount: opts.totalCount ?? listable.length,
    nodes,
    edges: slice.map((item, i) => ({
      __typename: typename.replace(/Connection$/, 'Edge'),
      cursor: encodeCursor(start + i + 1),
      node: nodes[i],
    })),
    pageInfo: {
      __typename: 'PageInfo',
      hasNextPage: end < listable.length,
      hasPreviousPage: start > 0,
      startCursor: slice.length > 0 ? encodeCursor(start + 1) : null,
      endCursor: slice.length > 0 ? encodeCursor(end) : null,
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Objects

/** What the GraphQL answer is for: the app's installation, which makes the app's bot the viewer. */
export interface ViewerContext {
  viewer: string;
  /** The GraphQL budget after this query (from the fake's primary limits), for `rateLimit`. */
  rate?: { cost: number; limit: number; remaining: number; used: number; reset: number };
}

export function queryRoot(state: FakeGitHubState, ctx: ViewerContext): GqlObject {
  return {
    __typename: 'Query',
    repository: (a: Record<string, unknown>) => {
      const owner = String(a.owner ?? '');
      const name = String(a.name ?? '');
      const repo = state.repo(`${owner}/${name}`);
      if (!repo) {
        throw new FieldError(
          'NOT_FOUND',
          `Could not resolve to a Repository with the name '${owner}/${name}'.`,
        );
      }
      return repositoryObject(state, repo, ctx);
    },
    organization: (a: Record<string, unknown>) => {
      const login = String(a.login ?? '');
      if (!state.org(login)) {
        throw new FieldError(
          'NOT_FOUND',
          `Could not resolve to an Organization with the login of '${login}'.`,
        );
      }
      return organizationObject(state, login);
    },
    viewer: () => actorObject(state, ctx.viewer),
    rateLimit: () => ({
      __typename: 'RateLimit',
      cost: ctx.rate?.cost ?? 1,
      limit: ctx.rate?.limit ?? 5000,
      remaining: ctx.rate?.remaining ?? 4999,
      used: ctx.rate?.used ?? 1,
      resetAt: ctx.rate
        ? new Date(ctx.rate.reset * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z')
        : '2099-01-01T00:00:00Z',
      nodeCount: 1,
    }),
  };
}

/** An account as GraphQL shows it: bots without the `[bot]` suffix REST and webhooks add. */
export function actorObject(state: FakeGitHubState, login: string): GqlObject {
  const org = state.org(login);
  if (org)
    return { __typename: 'Organization', login: org.login, id: nodeId('O', org.id), url: '' };
  const u = state.account(login);
  const shown = u.type === 'Bot' ? u.login.replace(/\[bot\]$/, '') : u.login;
  return {
    __typename: u.type,
    login: shown,
    id: nodeId(u.type === 'Bot' ? 'BOT' : 'U', u.id),
    databaseId: u.id,
    name: u.name,
    url: '',
  };
}

function organizationObject(state: FakeGitHubState, login: string): GqlObject {
  const org = state.org(login)!;
  const teams = [...org.teams.values()].sort((a, b) => a.slug.localeCompare(b.slug));
  return {
    __typename: 'Organization',
    login: org.login,
    id: nodeId('O', org.id),
    databaseId: org.id,
    teams: (a: Record<string, unknown>) =>
      connection('TeamConnection', 'teams', teams, a, (t) => teamObject(state, org.login, t.slug)),
    team: (a: Record<string, unknown>) => {
      const t = org.teams.get(String(a.slug ?? '').toLowerCase());
      return t ? teamObject(state, org.login, t.slug) : null;
    },
  };
}

function teamObject(state: FakeGitHubState, org: string, slug: string): GqlObject {
  const team = state.team(org, slug)!;
  return {
    __typename: 'Team',
    slug: team.slug,
    name: team.name,
    id: nodeId('T', team.id),
    databaseId: team.id,
    members: (a: Record<string, unknown>) => {
      const membership = a.membership ?? 'ALL';
      let logins: string[];
      if (membership === 'IMMEDIATE') logins = team.members;
      else if (membership === 'ALL') logins = state.teamMembersAll(org, slug);
      else if (membership === 'CHILD_TEAM') {
        const direct = new Set(team.members.map((m) => m.toLowerCase()));
        logins = state.teamMembersAll(org, slug).filter((m) => !direct.has(m.toLowerCase()));
      } else {
        throw new FieldError(
          'INVALID_ARGUMENTS',
          `Argument 'membership' has an invalid value (${String(membership)}).`,
        );
      }
      return connection('TeamMemberConnection', 'members', logins, a, (l) => actorObject(state, l));
    },
  };
}

function repositoryObject(state: FakeGitHubState, repo: FakeRepo, ctx: ViewerContext): GqlObject {
  return {
    __typename: 'Repository',
    id: nodeId('R', repo.id),
    databaseId: repo.id,
    name: repo.name,
    nameWithOwner: `${repo.owner}/${repo.name}`,
    isPrivate: repo.private,
    owner: () => actorObject(state, repo.owner),
    defaultBranchRef: () => refObject(state, repo, repo.defaultBranch),
    ref: (a: Record<string, unknown>) => {
      const name = String(a.qualifiedName ?? '').replace(/^refs\/heads\//, '');
      return repo.branches.has(name) ? refObject(state, repo, name) : null;
    },
    object: (a: Record<string, unknown>) => {
      if (typeof a.oid === 'string') {
        const c = repo.commits.get(a.oid);
        return c ? commitObject(state, repo, c) : null;
      }
      if (typeof a.expression === 'string') return objectByExpression(state, repo, a.expression);
      throw new FieldError('INVALID_ARGUMENTS', 'object needs an oid or an expression');
    },
    mergeQueue: (a: Record<string, unknown>) => {
      const branch = typeof a.branch === 'string' ? a.branch : repo.defaultBranch;
      if (!repo.branches.has(branch)) return null;
      const queue = repo.mergeQueues.get(branch) ?? [];
      return {
        __typename: 'MergeQueue',
        id: nodeId('MQ', `${repo.id}:${branch}`),
        entries: (args: Record<string, unknown>) =>
          connection('MergeQueueEntryConnection', 'entries', queue, args, (e) => ({
            __typename: 'MergeQueueEntry',
            id: nodeId('MQE', `${repo.id}:${e.number}`),
            position: queue.indexOf(e) + 1,
            state: 'AWAITING_CHECKS',
            solo: false,
            jump: false,
            enqueuedAt: e.enqueuedAt,
            headCommit: () => commitObject(state, repo, repo.commits.get(e.groupSha)!),
            baseCommit: () => commitObject(state, repo, repo.commits.get(e.baseSha)!),
            pullRequest: () => pullRequestObject(state, repo, repo.pulls.get(e.number)!, ctx),
          })),
      };
    },
    pullRequests: (a: Record<string, unknown>) => {
      const states = Array.isArray(a.states) ? new Set(a.states as string[]) : null;
      const order = (a.orderBy ?? { field: 'CREATED_AT', direction: 'ASC' }) as {
        field: string;
        direction: string;
      };
      const key = (p: FakePullRequest) =>
        order.field === 'UPDATED_AT' ? p.updatedAt : p.createdAt;
      const list = [...repo.pulls.values()]
        .filter((p) => !states || states.has(p.merged ? 'MERGED' : p.state.toUpperCase()))
        .sort((x, y) => (key(x) < key(y) ? -1 : key(x) > key(y) ? 1 : x.number - y.number));
      if (order.direction === 'DESC') list.reverse();
      return connection('PullRequestConnection', 'pullRequests', list, a, (p) =>
        pullRequestObject(state, repo, p, ctx),
      );
    },
    pullRequest: (a: Record<string, unknown>) => {
      const pr = repo.pulls.get(Number(a.number));
      if (!pr) {
        throw new FieldError(
          'NOT_FOUND',
          `Could not resolve to a PullRequest with the number of ${String(a.number)}.`,
        );
      }
      return pullRequestObject(state, repo, pr, ctx);
    },
  };
}

function refObject(state: FakeGitHubState, repo: FakeRepo, branch: string): GqlObject | null {
  const sha = repo.branches.get(branch);
  if (!sha) return null;
  return {
    __typename: 'Ref',
    name: branch,
    prefix: 'refs/heads/',
    id: nodeId('REF', `${repo.id}:${branch}`),
    target: () => commitObject(state, repo, repo.commits.get(sha)!),
  };
}

/** `rev:path` (a blob or tree) or `rev` (a commit), where rev is HEAD, a branch or a sha. */
function objectByExpression(
  state: FakeGitHubState,
  repo: FakeRepo,
  expression: string,
): GqlObject | null {
  const colon = expression.indexOf(':');
  const rev = colon < 0 ? expression : expression.slice(0, colon);
  const sha = state.resolveRef(repo, rev || 'HEAD');
  if (!sha) return null;
  if (colon < 0) return commitObject(state, repo, repo.commits.get(sha)!);
  const path = expression.slice(colon + 1).replace(/^\/+|\/+$/g, '');
  const tree = state.treeAt(repo, sha);
  if (!tree) return null;
  const text = tree.get(path);
  if (text !== undefined) return blobObject(text);
  const prefix = path === '' ? '' : `${path}/`;
  const entries = [...tree.keys()].filter((p) => p.startsWith(prefix));
  if (entries.length === 0) return null;
  const names = [...new Set(entries.map((p) => p.slice(prefix.length).split('/')[0]!))].sort();
  return {
    __typename: 'Tree',
    oid: nodeId('TREE', `${sha}:${path}`),
    entries: names.map((n) => ({
      __typename: 'TreeEntry',
      name: n,
      path: `${prefix}${n}`,
      type: tree.has(`${prefix}${n}`) ? 'blob' : 'tree',
    })),
  };
}

function blobObject(text: string): GqlObject {
  const bytes = Buffer.byteLength(text, 'utf8');
  const binary = text.includes('\u0000');
  const truncated = bytes > BLOB_TEXT_LIMIT;
  return {
    __typename: 'Blob',
    byteSize: bytes,
    isBinary: binary,
    isTruncated: truncated,
    text: binary
      ? null
      : truncated
        ? Buffer.from(text).subarray(0, BLOB_TEXT_LIMIT).toString('utf8')
        : text,
    oid: '',
  };
}

function gitActorObject(state: FakeGitHubState, p: GitPerson): GqlObject {
  return {
    __typename: 'GitActor',
    name: p.name,
    email: p.email,
    date: p.date,
    user: p.login && state.user(p.login)?.type !== 'Bot' ? actorObject(state, p.login) : null,
  };
}

export function commitObject(state: FakeGitHubState, repo: FakeRepo, c: FakeCommit): GqlObject {
  const authors = [c.author, ...c.coAuthors];
  const headline = c.message.split('\n')[0] ?? '';
  return {
    __typename: 'Commit',
    oid: c.sha,
    abbreviatedOid: c.sha.slice(0, 7),
    id: nodeId('C', c.sha),
    message: c.message,
    messageHeadline: headline,
    messageBody: c.message.slice(headline.length).replace(/^\n+/, ''),
    committedDate: c.committer.date,
    authoredDate: c.author.date,
    author: () => gitActorObject(state, c.author),
    committer: () => gitActorObject(state, c.committer),
    authors: (a: Record<string, unknown>) =>
      connection('GitActorConnection', 'authors', authors, a, (p) => gitActorObject(state, p)),
    parents: (a: Record<string, unknown>) =>
      connection('CommitConnection', 'parents', c.parents, a, (sha) => {
        const p = repo.commits.get(sha);
        return p ? commitObject(state, repo, p) : null;
      }),
    ...historyFields(state, repo, c, {
      commit: (x) => commitObject(state, repo, x),
      blob: blobObject,
      connection,
    }),
    checkSuites: (a: Record<string, unknown>) => {
      const filter = (a.filterBy ?? {}) as { appId?: number; checkName?: string };
      const runs = repo.checkRuns.filter(
        (r) => r.headSha === c.sha && (filter.appId === undefined || r.appId === filter.appId),
      );
      const suiteIds = [...new Set(runs.map((r) => r.suiteId))];
      return connection('CheckSuiteConnection', 'checkSuites', suiteIds, a, (suiteId) =>
        checkSuiteObject(
          runs.filter((r) => r.suiteId === suiteId),
          suiteId,
          state,
        ),
      );
    },
    url: '',
  };
}

/** A check suite: the runs one app made on one commit. */
function checkSuiteObject(
  runs: FakeCheckRun[],
  suiteId: number,
  state: FakeGitHubState,
): GqlObject {
  const appId = runs[0]?.appId;
  return {
    __typename: 'CheckSuite',
    id: nodeId('CS', suiteId),
    databaseId: suiteId,
    app:
      appId === undefined
        ? null
        : {
            __typename: 'App',
            id: nodeId('A', appId),
            databaseId: appId,
            slug: appId === state.app.id ? state.app.slug : `app-${appId}`,
            name: appId === state.app.id ? state.app.name : `App ${appId}`,
          },
    checkRuns: (a: Record<string, unknown>) => {
      const filter = (a.filterBy ?? {}) as { checkName?: string };
      const named = runs.filter(
        (r) => filter.checkName === undefined || r.name === filter.checkName,
      );
      return connection('CheckRunConnection', 'checkRuns', named, a, (r) => ({
        __typename: 'CheckRun',
        id: nodeId('CR', r.id),
        databaseId: r.id,
        name: r.name,
        status: r.status.toUpperCase(),
        conclusion: r.conclusion ? r.conclusion.toUpperCase() : null,
        startedAt: r.startedAt,
        completedAt: r.completedAt,
        title: r.output.title,
        summary: r.output.summary,
        text: r.output.text,
        annotations: (b: Record<string, unknown>) =>
          connection('CheckAnnotationConnection', 'annotations', r.annotations, b, () => ({
            __typename: 'CheckAnnotation',
          })),
      }));
    },
  };
}

function reviewerObject(state: FakeGitHubState, repo: FakeRepo, r: ReviewerRef): GqlObject {
  if (r.type === 'team') {
    const team = state.team(repo.owner, r.slug);
    return {
      __typename: 'Team',
      slug: team?.slug ?? r.slug,
      name: team?.name ?? r.slug,
      id: nodeId('T', team?.id ?? r.slug),
    };
  }
  return actorObject(state, r.login);
}

function pullRequestObject(
  state: FakeGitHubState,
  repo: FakeRepo,
  pr: FakePullRequest,
  ctx: ViewerContext,
): GqlObject {
  const viewer = ctx.viewer.toLowerCase();
  return {
    __typename: 'PullRequest',
    id: nodeId('PR', pr.id),
    databaseId: pr.id,
    number: pr.number,
    title: pr.title,
    body: pr.body,
    url: '',
    state: pr.merged ? 'MERGED' : pr.state === 'open' ? 'OPEN' : 'CLOSED',
    isDraft: pr.draft,
    merged: pr.merged,
    isCrossRepository: pr.crossRepository,
    headRefName: pr.headRef,
    headRefOid: pr.headSha,
    baseRefName: pr.baseRef,
    baseRefOid: pr.baseSha,
    baseRef: () => refObject(state, repo, pr.baseRef),
    headRef: () => (pr.crossRepository ? null : refObject(state, repo, pr.headRef)),
    author: () => actorObject(state, pr.author),
    createdAt: pr.createdAt,
    updatedAt: pr.updatedAt,
    lastEditedAt: pr.lastEditedAt ?? null,
    ...mergeFields(repo, pr, {
      actor: (l) => actorObject(state, l),
      commit: (c) => commitObject(state, repo, c),
    }),
    changedFiles: pr.files.length,
    additions: pr.files.reduce((n, f) => n + f.additions, 0),
    deletions: pr.files.reduce((n, f) => n + f.deletions, 0),
    commits: (a: Record<string, unknown>) =>
      connection(
        'PullRequestCommitConnection',
        'commits',
        pr.commits,
        a,
        (sha) => ({
          __typename: 'PullRequestCommit',
          id: nodeId('PRC', `${pr.id}:${sha}`),
          commit: commitObject(state, repo, repo.commits.get(sha)!),
        }),
        { cap: PR_COMMITS_CAP, totalCount: pr.commits.length },
      ),
    files: (a: Record<string, unknown>) =>
      connection(
        'PullRequestChangedFileConnection',
        'files',
        pr.files,
        a,
        (f) => ({
          __typename: 'PullRequestChangedFile',
          path: f.path,
          changeType: f.changeType,
          additions: f.additions,
          deletions: f.deletions,
        }),
        { cap: PR_FILES_CAP },
      ),
    labels: (a: Record<string, unknown>) =>
      connection('LabelConnection', 'labels', pr.labels, a, (name) => {
        const l = state.label(repo, name);
        return { __typename: 'Label', name: l.name, color: l.color, id: nodeId('LA', l.id) };
      }),
    reviews: (a: Record<string, unknown>) => {
      const states = Array.isArray(a.states) ? new Set(a.states as string[]) : null;
      const list = pr.reviews.filter((r) => !states || states.has(r.state));
      return connection('PullRequestReviewConnection', 'reviews', list, a, (r) => ({
        __typename: 'PullRequestReview',
        id: nodeId('PRR', r.id),
        databaseId: r.id,
        author: actorObject(state, r.user),
        authorCanPushToRepository: state.canPush(repo, r.user),
        state: r.state,
        body: r.body,
        submittedAt: r.submittedAt,
        commit:
          r.commitId && repo.commits.has(r.commitId)
            ? commitObject(state, repo, repo.commits.get(r.commitId)!)
            : null,
      }));
    },
    comments: (a: Record<string, unknown>) =>
      connection('IssueCommentConnection', 'comments', pr.comments, a, (c) => ({
        __typename: 'IssueComment',
        id: nodeId('IC', c.id),
        databaseId: c.id,
        body: c.body,
        author: actorObject(state, c.author),
        createdAt: c.createdAt,
        updatedAt: c.updatedAt,
        viewerDidAuthor: c.author.toLowerCase() === viewer,
      })),
    reviewRequests: (a: Record<string, unknown>) =>
      connection('ReviewRequestConnection', 'reviewRequests', pr.requestedReviewers, a, (r) => ({
        __typename: 'ReviewRequest',
        requestedReviewer: reviewerObject(state, repo, r),
      })),
    timelineItems: (a: Record<string, unknown>) => {
      const types = Array.isArray(a.itemTypes) ? new Set(a.itemTypes as string[]) : null;
      const items: { at: string; id: number; obj: GqlObject }[] = [];
      for (const e of pr.labelEvents) {
        const kind = e.action === 'labeled' ? 'LABELED_EVENT' : 'UNLABELED_EVENT';
        if (types && !types.has(kind)) continue;
        const l = state.label(repo, e.label);
        items.push({
          at: e.createdAt,
          id: e.id,
          obj: {
            __typename: e.action === 'labeled' ? 'LabeledEvent' : 'UnlabeledEvent',
            id: nodeId('LE', e.id),
            createdAt: e.createdAt,
            actor: actorObject(state, e.actor),
            label: { __typename: 'Label', name: l.name, color: l.color, id: nodeId('LA', l.id) },
          },
        });
      }
      for (const r of pr.reviews) {
        if (r.submittedAt && (!types || types.has('PULL_REQUEST_REVIEW'))) {
          items.push({
            at: r.submittedAt,
            id: r.id,
            obj: {
              __typename: 'PullRequestReview',
              id: nodeId('PRR', r.id),
              databaseId: r.id,
              state: r.state,
              submittedAt: r.submittedAt,
              author: actorObject(state, r.user),
            },
          });
        }
        if (r.dismissed && (!types || types.has('REVIEW_DISMISSED_EVENT'))) {
          items.push({
            at: r.dismissed.at,
            id: r.id,
            obj: {
              __typename: 'ReviewDismissedEvent',
              id: nodeId('RDE', r.id),
              createdAt: r.dismissed.at,
              actor: actorObject(state, r.dismissed.by),
            },
          });
        }
      }
      for (const e of pr.reviewRequestEvents) {
        const kind =
          e.action === 'requested' ? 'REVIEW_REQUESTED_EVENT' : 'REVIEW_REQUEST_REMOVED_EVENT';
        if (types && !types.has(kind)) continue;
        items.push({
          at: e.createdAt,
          id: e.id,
          obj: {
            __typename:
              e.action === 'requested' ? 'ReviewRequestedEvent' : 'ReviewRequestRemovedEvent',
            id: nodeId('RRE', e.id),
            createdAt: e.createdAt,
            actor: actorObject(state, e.actor),
            requestedReviewer: reviewerObject(state, repo, e.reviewer),
          },
        });
      }
      for (const e of pr.forcePushEvents) {
        if (types && !types.has('HEAD_REF_FORCE_PUSHED_EVENT')) continue;
        const commit = (sha: string) => {
          const c = repo.commits.get(sha);
          return c ? commitObject(state, repo, c) : null;
        };
        items.push({
          at: e.createdAt,
          id: e.id,
          obj: {
            __typename: 'HeadRefForcePushedEvent',
            id: nodeId('HRFPE', e.id),
            createdAt: e.createdAt,
            actor: actorObject(state, e.actor),
            beforeCommit: commit(e.before),
            afterCommit: commit(e.after),
            ref: () => (pr.crossRepository ? null : refObject(state, repo, pr.headRef)),
          },
        });
      }
      items.push(...readyForReviewItems(pr, types, (l) => actorObject(state, l)));
      items.sort((x, y) => (x.at < y.at ? -1 : x.at > y.at ? 1 : x.id - y.id));
      return connection(
        'PullRequestTimelineItemsConnection',
        'timelineItems',
        items,
        a,
        (i) => i.obj,
      );
    },
  };
}
