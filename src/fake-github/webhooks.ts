/**
 * Webhook deliveries built from the fake's state in GitHub's shapes (the same objects the REST
 * routes return, plus `installation`, `repository`, `sender` and, for organisations,
 * `organization`), and a sender that signs them as GitHub does.
 */

import { createHash, createHmac } from 'node:crypto';
import { request } from 'node:http';
import {
  GITHUB_HOSTS,
  appJson,
  checkRunJson,
  labelJson,
  nodeId,
  orgJson,
  pullJson,
  pullRefJson,
  pullSimpleJson,
  repoJson,
  repoLinks,
  reviewJson,
  teamJson,
  userJson,
  type Hosts,
} from './shapes.js';
import type { FakeGitHubState } from './state.js';
import type { FakeCommit, FakeRepo } from './model.js';

export interface WebhookDelivery {
  /** The delivery GUID (`X-GitHub-Delivery`). */
  id: string;
  /** The event name (`X-GitHub-Event`). */
  name: string;
  payload: Record<string, unknown>;
  /** The app the delivery is for (`X-GitHub-Hook-Installation-Target-ID`). */
  appId?: number;
}

export interface EventOptions {
  /** Who caused the event; defaults to the person the event is about. */
  sender?: string;
  /** Where links point; GitHub's hosts by default. */
  hosts?: Hosts;
}

let deliveries = 0;

/** A GUID-shaped delivery id, counting up, so that runs are repeatable. */
export function deliveryId(): string {
  const h = createHash('sha1').update(`delivery:${++deliveries}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

function envelope(
  state: FakeGitHubState,
  repo: FakeRepo,
  sender: string,
  h: Hosts,
): Record<string, unknown> {
  return {
    repository: repoJson(state, repo, h),
    ...(state.ownerIsOrg(repo) ? { organization: orgJson(state, repo.owner, h) } : {}),
    sender: userJson(state, sender, h),
    installation: {
      id: state.installationFor(repo.owner),
      node_id: nodeId('IN', state.installationFor(repo.owner)),
    },
  };
}

export type PullRequestAction =
  | 'opened'
  | 'reopened'
  | 'synchronize'
  | 'edited'
  | 'labeled'
  | 'unlabeled'
  | 'ready_for_review'
  | 'closed'
  | 'review_requested';

/**
 * A `pull_request` delivery. `labeled`/`unlabeled` need `label`; `synchronize` takes `before`
 * (the previous head); `review_requested` takes a user or team reviewer.
 */
export function pullRequestEvent(
  state: FakeGitHubState,
  repoName: string,
  number: number,
  action: PullRequestAction,
  opts: EventOptions & {
    label?: string;
    before?: string;
    requestedReviewer?: string;
    requestedTeam?: string;
    changes?: Record<string, { from: string }>;
  } = {},
): WebhookDelivery {
  const h = opts.hosts ?? GITHUB_HOSTS;
  const repo = state.requireRepo(repoName);
  const pr = state.requirePull(repoName, number);
  const payload: Record<string, unknown> = {
    action,
    number: pr.number,
    pull_request: pullJson(state, repo, pr, h),
  };
  if (action === 'labeled' || action === 'unlabeled') {
    if (!opts.label) throw new Error(`pull_request.${action} needs a label`);
    payload.label = labelJson(repo, state.label(repo, opts.label), h);
  }
  if (action === 'synchronize') {
    payload.before = opts.before ?? pr.commits[pr.commits.length - 2] ?? pr.baseSha;
    payload.after = pr.headSha;
  }
  if (action === 'edited') payload.changes = opts.changes ?? {};
  if (action === 'review_requested') {
    if (opts.requestedTeam) {
      const t = state.team(repo.owner, opts.requestedTeam);
      payload.requested_team = t ? teamJson(state, repo.owner, t, h) : { slug: opts.requestedTeam };
    } else {
      payload.requested_reviewer = userJson(state, opts.requestedReviewer ?? pr.author, h);
    }
  }
  return {
    id: deliveryId(),
    appId: state.app.id,
    name: 'pull_request',
    payload: { ...payload, ...envelope(state, repo, opts.sender ?? pr.author, h) },
  };
}

/** A `pull_request_review` delivery for a review in the state. */
export function pullRequestReviewEvent(
  state: FakeGitHubState,
  repoName: string,
  number: number,
  reviewId: number,
  action: 'submitted' | 'edited' | 'dismissed' = 'submitted',
  opts: EventOptions = {},
): WebhookDelivery {
  const h = opts.hosts ?? GITHUB_HOSTS;
  const repo = state.requireRepo(repoName);
  const pr = state.requirePull(repoName, number);
  const review = pr.reviews.find((r) => r.id === reviewId);
  if (!review) throw new Error(`no review ${reviewId} on ${repoName}#${number}`);
  return {
    id: deliveryId(),
    appId: state.app.id,
    name: 'pull_request_review',
    payload: {
      action,
      review: reviewJson(state, repo, pr, review, h, { lowerCaseState: true }),
      pull_request: pullSimpleJson(state, repo, pr, h),
      ...envelope(state, repo, opts.sender ?? review.user, h),
    },
  };
}

/** A `check_run` delivery for a run in the state (`requested_action` takes the button's identifier). */
export function checkRunEvent(
  state: FakeGitHubState,
  repoName: string,
  checkRunId: number,
  action: 'created' | 'completed' | 'rerequested' | 'requested_action',
  opts: EventOptions & { identifier?: string } = {},
): WebhookDelivery {
  const h = opts.hosts ?? GITHUB_HOSTS;
  const repo = state.requireRepo(repoName);
  const run = state.checkRun(repoName, checkRunId);
  if (!run) throw new Error(`no check run ${checkRunId} in ${repoName}`);
  const payload: Record<string, unknown> = { action, check_run: checkRunJson(state, repo, run, h) };
  if (action === 'requested_action')
    payload.requested_action = { identifier: opts.identifier ?? '' };
  return {
    id: deliveryId(),
    appId: state.app.id,
    name: 'check_run',
    payload: { ...payload, ...envelope(state, repo, opts.sender ?? repo.owner, h) },
  };
}

function headCommitJson(c: FakeCommit): Record<string, unknown> {
  return {
    id: c.sha,
    tree_id: createHash('sha1').update(`tree:${c.sha}`).digest('hex'),
    message: c.message,
    timestamp: c.committer.date,
    author: { name: c.author.name, email: c.author.email },
    committer: { name: c.committer.name, email: c.committer.email },
  };
}

/** A `check_suite` delivery for the app's suite on a commit. */
export function checkSuiteEvent(
  state: FakeGitHubState,
  repoName: string,
  headSha: string,
  action: 'requested' | 'rerequested' | 'completed',
  opts: EventOptions & { headBranch?: string | null } = {},
): WebhookDelivery {
  const h = opts.hosts ?? GITHUB_HOSTS;
  const repo = state.requireRepo(repoName);
  const commit = repo.commits.get(headSha);
  if (!commit) throw new Error(`no commit ${headSha} in ${repoName}`);
  const runs = state.checkRunsFor(repoName, headSha).filter((r) => r.appId === state.app.id);
  const prs = [...repo.pulls.values()].filter((p) => p.headSha === headSha && !p.crossRepository);
  const branch =
    opts.headBranch !== undefined
      ? opts.headBranch
      : ([...repo.branches.entries()].find(([, s]) => s === headSha)?.[0] ?? null);
  const suiteId = runs[0]?.suiteId ?? state.nextId();
  const last = runs[runs.length - 1];
  const { api } = repoLinks(repo, h);
  return {
    id: deliveryId(),
    appId: state.app.id,
    name: 'check_suite',
    payload: {
      action,
      check_suite: {
        id: suiteId,
        node_id: nodeId('CS', suiteId),
        head_branch: branch,
        head_sha: headSha,
        status: last?.status ?? 'queued',
        conclusion: last?.conclusion ?? null,
        url: `${api}/check-suites/${suiteId}`,
        before: commit.parents[0] ?? null,
        after: headSha,
        pull_requests: prs.map((p) => pullRefJson(repo, p, h)),
        app: appJson(state, h),
        created_at: last?.createdAt ?? commit.committer.date,
        updated_at: last?.updatedAt ?? commit.committer.date,
        latest_check_runs_count: runs.length,
        check_runs_url: `${api}/check-suites/${suiteId}/check-runs`,
        head_commit: headCommitJson(commit),
      },
      ...envelope(state, repo, opts.sender ?? repo.owner, h),
    },
  };
}

/** A `merge_group.checks_requested` delivery; make the group with `state.createMergeGroup`. */
export function mergeGroupEvent(
  state: FakeGitHubState,
  repoName: string,
  group: { headSha: string; headRef: string; baseSha: string; baseRef: string },
  opts: EventOptions = {},
): WebhookDelivery {
  const h = opts.hosts ?? GITHUB_HOSTS;
  const repo = state.requireRepo(repoName);
  const commit = repo.commits.get(group.headSha);
  if (!commit) throw new Error(`no commit ${group.headSha} in ${repoName}`);
  return {
    id: deliveryId(),
    appId: state.app.id,
    name: 'merge_group',
    payload: {
      action: 'checks_requested',
      merge_group: {
        head_sha: group.headSha,
        head_ref: group.headRef,
        base_sha: group.baseSha,
        base_ref: group.baseRef,
        head_commit: headCommitJson(commit),
      },
      ...envelope(state, repo, opts.sender ?? repo.owner, h),
    },
  };
}

const ZERO_SHA = '0'.repeat(40);

/**
 * A `push` delivery for a branch moving from `before` to its current head. The commit list is the
 * commits between the two (at most 20, as GitHub sends), with the files each one touched; `forced`
 * when `before` is not an ancestor of the new head (commits were dropped). With `tag`, the push of
 * a new tag on the branch's head instead: `refs/tags/<tag>`, created, no commits, the branch as
 * `base_ref` (`before` is then unused).
 */
export function pushEvent(
  state: FakeGitHubState,
  repoName: string,
  branch: string,
  before: string,
  opts: EventOptions & { tag?: string } = {},
): WebhookDelivery {
  const h = opts.hosts ?? GITHUB_HOSTS;
  const repo = state.requireRepo(repoName);
  const after = repo.branches.get(branch);
  if (!after) throw new Error(`no branch ${branch} in ${repoName}`);
  if (opts.tag !== undefined) before = ZERO_SHA;
  const shas = opts.tag !== undefined ? [] : state.compare(repo, before, after).commits;
  const { web } = repoLinks(repo, h);
  const commitJson = (c: FakeCommit) => {
    const parent = c.parents[0] ? state.treeAt(repo, c.parents[0]) : null;
    const tree = c.tree;
    const added: string[] = [];
    const removed: string[] = [];
    const modified: string[] = [];
    if (tree) {
      for (const [p, text] of tree) {
        if (!parent?.has(p)) added.push(p);
        else if (parent.get(p) !== text) modified.push(p);
      }
      for (const p of parent?.keys() ?? []) if (!tree.has(p)) removed.push(p);
    }
    return {
      ...headCommitJson(c),
      distinct: true,
      url: `${web}/commit/${c.sha}`,
      author: {
        name: c.author.name,
        email: c.author.email,
        ...(c.author.login ? { username: c.author.login } : {}),
      },
      committer: {
        name: c.committer.name,
        email: c.committer.email,
        ...(c.committer.login ? { username: c.committer.login } : {}),
      },
      added,
      removed,
      modified,
    };
  };
  const commits = shas.slice(-20).map((s) => commitJson(repo.commits.get(s)!));
  const head = repo.commits.get(after)!;
  const sender = opts.sender ?? head.author.login ?? repo.owner;
  const pusher = state.account(sender);
  return {
    id: deliveryId(),
    appId: state.app.id,
    name: 'push',
    payload: {
      ref: opts.tag !== undefined ? `refs/tags/${opts.tag}` : `refs/heads/${branch}`,
      before,
      after,
      created: opts.tag !== undefined,
      deleted: false,
      forced: opts.tag === undefined && !state.ancestors(repo, after).has(before),
      base_ref: opts.tag !== undefined ? `refs/heads/${branch}` : null,
      compare:
        opts.tag !== undefined
          ? `${web}/compare/${opts.tag}`
          : `${web}/compare/${before.slice(0, 12)}...${after.slice(0, 12)}`,
      commits,
      head_commit: commitJson(head),
      pusher: { name: pusher.login, email: pusher.email },
      ...envelope(state, repo, sender, h),
      repository: pushRepositoryJson(state, repo, h),
    },
  };
}

/** Push deliveries show the repository the old way: times as Unix seconds, owner with name and email. */
function pushRepositoryJson(
  state: FakeGitHubState,
  repo: FakeRepo,
  h: Hosts,
): Record<string, unknown> {
  const base = repoJson(state, repo, h);
  const owner = state.org(repo.owner) ? null : state.account(repo.owner);
  const unix = (iso: unknown) => Math.floor(Date.parse(String(iso)) / 1000);
  return {
    ...base,
    owner: {
      name: repo.owner,
      email: owner?.email ?? null,
      ...(base.owner as Record<string, unknown>),
    },
    created_at: unix(base.created_at),
    pushed_at: unix(base.pushed_at),
    stargazers: 0,
    master_branch: repo.defaultBranch,
    ...(state.ownerIsOrg(repo) ? { organization: repo.owner } : {}),
  };
}

/** `sha256=<hex>`: the HMAC of the body with the webhook secret, as `X-Hub-Signature-256` carries it. */
export function signPayload(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/** The headers GitHub sends with a delivery of `body`, signed with `secret`. */
export function webhookHeaders(
  secret: string,
  delivery: WebhookDelivery,
  body: string,
): Record<string, string> {
  return {
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(body)),
    'user-agent': 'GitHub-Hookshot/fake',
    'x-github-event': delivery.name,
    'x-github-delivery': delivery.id,
    'x-github-hook-id': '1',
    'x-github-hook-installation-target-type': 'integration',
    ...(delivery.appId !== undefined
      ? { 'x-github-hook-installation-target-id': String(delivery.appId) }
      : {}),
    'x-hub-signature': `sha1=${createHmac('sha1', secret).update(body).digest('hex')}`,
    'x-hub-signature-256': signPayload(secret, body),
  };
}

/**
 * Signs and POSTs a delivery with GitHub's headers; resolves with the HTTP status. Probot answers
 * once its handlers have run (or 202 after 9 s), so a 200 means the evaluation is done.
 */
export function sendWebhook(
  url: string,
  secret: string,
  delivery: WebhookDelivery,
): Promise<number> {
  const body = JSON.stringify(delivery.payload);
  const target = new URL(url);
  if (target.protocol !== 'http:') {
    return Promise.reject(new Error(`sendWebhook posts to http:// URLs only, not ${url}`));
  }
  return new Promise((resolve, reject) => {
    const req = request(
      target,
      { method: 'POST', agent: false, headers: webhookHeaders(secret, delivery, body) },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * A `membership` delivery: `login` was added to or removed from team `slug` of `org` (make the
 * change in the state first). The same keys as GitHub's example payload.
 */
export function membershipEvent(
  state: FakeGitHubState,
  org: string,
  slug: string,
  login: string,
  action: 'added' | 'removed',
  opts: EventOptions = {},
): WebhookDelivery {
  const h = opts.hosts ?? GITHUB_HOSTS;
  const team = state.team(org, slug);
  if (!team) throw new Error(`no team ${org}/${slug}`);
  return {
    id: deliveryId(),
    appId: state.app.id,
    name: 'membership',
    payload: {
      action,
      scope: 'team',
      member: userJson(state, login, h),
      sender: userJson(state, opts.sender ?? org, h),
      team: teamJson(state, org, team, h),
      organization: orgJson(state, org, h),
      installation: {
        id: state.app.installationId,
        node_id: nodeId('IN', state.app.installationId),
      },
    },
  };
}
