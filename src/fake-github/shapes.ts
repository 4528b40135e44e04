/**
 * REST JSON in GitHub's shapes, built from the fake's state. Used by the REST routes and by the
 * webhook payloads, which carry the same objects.
 */

import { createHash } from 'node:crypto';
import type { FakeGitHubState } from './state.js';
import type {
  FakeCheckRun,
  FakeComment,
  FakeCommit,
  FakeLabel,
  FakePullRequest,
  FakeRepo,
  FakeReview,
  FakeTeam,
  GitPerson,
  ReviewerRef,
} from './model.js';

/** Where links in the JSON point: GitHub's own hosts unless a server says otherwise. */
export interface Hosts {
  /** REST root, e.g. `https://api.github.com` or `http://127.0.0.1:8080/api/v3`. */
  api: string;
  /** Web root, e.g. `https://github.com`. */
  web: string;
}

export const GITHUB_HOSTS: Hosts = { api: 'https://api.github.com', web: 'https://github.com' };

/** A repository's full name and the API and web addresses its resources' links start with. */
export function repoLinks(repo: FakeRepo, h: Hosts): { full: string; api: string; web: string } {
  const full = `${repo.owner}/${repo.name}`;
  return { full, api: `${h.api}/repos/${full}`, web: `${h.web}/${full}` };
}

/** GitHub-style node ids: a type prefix and an opaque tail. */
export function nodeId(prefix: string, id: number | string): string {
  return `${prefix}_${Buffer.from(`fake:${id}`).toString('base64url')}`;
}

export function userJson(state: FakeGitHubState, login: string, h: Hosts): Record<string, unknown> {
  const org = state.org(login);
  const user = org ? null : state.account(login);
  const id = org?.id ?? user!.id;
  const name = org?.login ?? user!.login;
  const type = org ? 'Organization' : user!.type;
  const api = `${h.api}/users/${encodeURIComponent(name)}`;
  return {
    login: name,
    id,
    node_id: nodeId(org ? 'O' : type === 'Bot' ? 'BOT' : 'U', id),
    avatar_url: `https://avatars.githubusercontent.com/u/${id}?v=4`,
    gravatar_id: '',
    url: api,
    html_url: `${h.web}/${name}`,
    followers_url: `${api}/followers`,
    following_url: `${api}/following{/other_user}`,
    gists_url: `${api}/gists{/gist_id}`,
    starred_url: `${api}/starred{/owner}{/repo}`,
    subscriptions_url: `${api}/subscriptions`,
    organizations_url: `${api}/orgs`,
    repos_url: `${api}/repos`,
    events_url: `${api}/events{/privacy}`,
    received_events_url: `${api}/received_events`,
    type,
    user_view_type: 'public',
    site_admin: false,
  };
}

export function orgJson(state: FakeGitHubState, login: string, h: Hosts): Record<string, unknown> {
  const org = state.org(login)!;
  const api = `${h.api}/orgs/${org.login}`;
  return {
    login: org.login,
    id: org.id,
    node_id: nodeId('O', org.id),
    url: api,
    repos_url: `${api}/repos`,
    events_url: `${api}/events`,
    hooks_url: `${api}/hooks`,
    issues_url: `${api}/issues`,
    members_url: `${api}/members{/member}`,
    public_members_url: `${api}/public_members{/member}`,
    avatar_url: `https://avatars.githubusercontent.com/u/${org.id}?v=4`,
    description: '',
  };
}

export function repoJson(
  state: FakeGitHubState,
  repo: FakeRepo,
  h: Hosts,
): Record<string, unknown> {
  const { full, api, web: html } = repoLinks(repo, h);
  const open = [...repo.pulls.values()].filter((p) => p.state === 'open').length;
  const pushed = repo.commits.get(repo.branches.get(repo.defaultBranch) ?? '')?.committer.date;
  return {
    id: repo.id,
    node_id: nodeId('R', repo.id),
    name: repo.name,
    full_name: full,
    private: repo.private,
    owner: userJson(state, repo.owner, h),
    html_url: html,
    description: null,
    fork: false,
    url: api,
    forks_url: `${api}/forks`,
    keys_url: `${api}/keys{/key_id}`,
    collaborators_url: `${api}/collaborators{/collaborator}`,
    teams_url: `${api}/teams`,
    hooks_url: `${api}/hooks`,
    issue_events_url: `${api}/issues/events{/number}`,
    events_url: `${api}/events`,
    assignees_url: `${api}/assignees{/user}`,
    branches_url: `${api}/branches{/branch}`,
    tags_url: `${api}/tags`,
    blobs_url: `${api}/git/blobs{/sha}`,
    git_tags_url: `${api}/git/tags{/sha}`,
    git_refs_url: `${api}/git/refs{/sha}`,
    trees_url: `${api}/git/trees{/sha}`,
    statuses_url: `${api}/statuses/{sha}`,
    languages_url: `${api}/languages`,
    stargazers_url: `${api}/stargazers`,
    contributors_url: `${api}/contributors`,
    subscribers_url: `${api}/subscribers`,
    subscription_url: `${api}/subscription`,
    commits_url: `${api}/commits{/sha}`,
    git_commits_url: `${api}/git/commits{/sha}`,
    comments_url: `${api}/comments{/number}`,
    issue_comment_url: `${api}/issues/comments{/number}`,
    contents_url: `${api}/contents/{+path}`,
    compare_url: `${api}/compare/{base}...{head}`,
    merges_url: `${api}/merges`,
    archive_url: `${api}/{archive_format}{/ref}`,
    downloads_url: `${api}/downloads`,
    issues_url: `${api}/issues{/number}`,
    pulls_url: `${api}/pulls{/number}`,
    milestones_url: `${api}/milestones{/number}`,
    notifications_url: `${api}/notifications{?since,all,participating}`,
    labels_url: `${api}/labels{/name}`,
    releases_url: `${api}/releases{/id}`,
    deployments_url: `${api}/deployments`,
    created_at: repo.createdAt,
    updated_at: repo.createdAt,
    pushed_at: pushed ?? repo.createdAt,
    git_url: `git://${new URL(h.web).host}/${full}.git`,
    ssh_url: `git@${new URL(h.web).hostname}:${full}.git`,
    clone_url: `${html}.git`,
    svn_url: html,
    homepage: null,
    size: 0,
    stargazers_count: 0,
    watchers_count: 0,
    language: 'TypeScript',
    has_issues: true,
    has_projects: true,
    has_downloads: true,
    has_wiki: true,
    has_pages: false,
    has_discussions: false,
    forks_count: 0,
    mirror_url: null,
    archived: false,
    disabled: false,
    open_issues_count: open,
    license: null,
    allow_forking: true,
    is_template: false,
    topics: [],
    visibility: repo.private ? 'private' : 'public',
    forks: 0,
    open_issues: open,
    watchers: 0,
    default_branch: repo.defaultBranch,
    allow_squash_merge: true,
    allow_merge_commit: true,
    allow_rebase_merge: true,
    allow_auto_merge: false,
    delete_branch_on_merge: false,
    web_commit_signoff_required: false,
    custom_properties: {},
  };
}

export function labelJson(repo: FakeRepo, label: FakeLabel, h: Hosts): Record<string, unknown> {
  return {
    id: label.id,
    node_id: nodeId('LA', label.id),
    url: `${repoLinks(repo, h).api}/labels/${encodeURIComponent(label.name)}`,
    name: label.name,
    color: label.color,
    default: false,
    description: label.description,
  };
}

export function teamJson(
  state: FakeGitHubState,
  org: string,
  team: FakeTeam,
  h: Hosts,
): Record<string, unknown> {
  const o = state.org(org)!;
  const api = `${h.api}/organizations/${o.id}/team/${team.id}`;
  return {
    name: team.name,
    id: team.id,
    node_id: nodeId('T', team.id),
    slug: team.slug,
    description: null,
    privacy: 'closed',
    notification_setting: 'notifications_enabled',
    url: api,
    html_url: `${h.web}/orgs/${o.login}/teams/${team.slug}`,
    members_url: `${api}/members{/member}`,
    repositories_url: `${api}/repos`,
    permission: 'pull',
    parent: null,
  };
}

export function appJson(state: FakeGitHubState, h: Hosts): Record<string, unknown> {
  const a = state.app;
  return {
    id: a.id,
    slug: a.slug,
    client_id: `Iv1.${createHash('sha1').update(String(a.id)).digest('hex').slice(0, 16)}`,
    node_id: nodeId('A', a.id),
    owner: userJson(state, a.owner, h),
    name: a.name,
    description:
      'Holds AI-assisted pull requests that touch critical paths until the right people approve.',
    external_url: `${h.web}/${a.owner}`,
    html_url: `${h.web}/apps/${a.slug}`,
    created_at: '2025-01-01T00:00:00Z',
    updated_at: '2025-01-01T00:00:00Z',
    permissions: {
      checks: 'write',
      contents: 'read',
      issues: 'write',
      members: 'read',
      metadata: 'read',
      pull_requests: 'write',
    },
    events: [
      'check_run',
      'check_suite',
      'membership',
      'merge_group',
      'organization',
      'pull_request',
      'pull_request_review',
      'push',
      'team',
    ],
    installations_count: 1,
  };
}

/**
 * The app that wrote a check run: this app, or another one installed on the repository (the fake
 * knows only its id; its slug and name are made up from it, as schema.ts shows them too).
 */
export function checkRunAppJson(
  state: FakeGitHubState,
  appId: number,
  h: Hosts,
): Record<string, unknown> {
  const ours = appJson(state, h);
  if (appId === state.app.id) return ours;
  const slug = `app-${appId}`;
  return {
    ...ours,
    id: appId,
    slug,
    client_id: `Iv1.${createHash('sha1').update(String(appId)).digest('hex').slice(0, 16)}`,
    node_id: nodeId('A', appId),
    name: `App ${appId}`,
    description: null,
    html_url: `${h.web}/apps/${slug}`,
  };
}

function branchJson(
  state: FakeGitHubState,
  repo: FakeRepo,
  ref: string,
  sha: string,
  h: Hosts,
): Record<string, unknown> {
  return {
    label: `${repo.owner}:${ref}`,
    ref,
    sha,
    user: userJson(state, repo.owner, h),
    repo: repoJson(state, repo, h),
  };
}

function reviewerUsers(state: FakeGitHubState, pr: FakePullRequest, h: Hosts): unknown[] {
  return pr.requestedReviewers
    .filter((r): r is Extract<ReviewerRef, { type: 'user' }> => r.type === 'user')
    .map((r) => userJson(state, r.login, h));
}

function reviewerTeams(
  state: FakeGitHubState,
  repo: FakeRepo,
  pr: FakePullRequest,
  h: Hosts,
): unknown[] {
  return pr.requestedReviewers
    .filter((r): r is Extract<ReviewerRef, { type: 'team' }> => r.type === 'team')
    .map((r) => {
      const team = state.team(repo.owner, r.slug);
      return team ? teamJson(state, repo.owner, team, h) : { slug: r.slug, name: r.slug };
    });
}

/** A pull request as the list endpoint and review webhooks show it. */
export function pullSimpleJson(
  state: FakeGitHubState,
  repo: FakeRepo,
  pr: FakePullRequest,
  h: Hosts,
): Record<string, unknown> {
  const { api, web } = repoLinks(repo, h);
  const html = `${web}/pull/${pr.number}`;
  return {
    url: `${api}/pulls/${pr.number}`,
    id: pr.id,
    node_id: nodeId('PR', pr.id),
    html_url: html,
    diff_url: `${html}.diff`,
    patch_url: `${html}.patch`,
    issue_url: `${api}/issues/${pr.number}`,
    number: pr.number,
    state: pr.state,
    locked: false,
    title: pr.title,
    user: userJson(state, pr.author, h),
    body: pr.body === '' ? null : pr.body,
    created_at: pr.createdAt,
    updated_at: pr.updatedAt,
    closed_at: pr.closedAt,
    merged_at: pr.merged ? pr.closedAt : null,
    merge_commit_sha: null,
    assignee: null,
    assignees: [],
    requested_reviewers: reviewerUsers(state, pr, h),
    requested_teams: reviewerTeams(state, repo, pr, h),
    labels: pr.labels.map((n) => labelJson(repo, state.label(repo, n), h)),
    milestone: null,
    draft: pr.draft,
    commits_url: `${api}/pulls/${pr.number}/commits`,
    review_comments_url: `${api}/pulls/${pr.number}/comments`,
    review_comment_url: `${api}/pulls/comments{/number}`,
    comments_url: `${api}/issues/${pr.number}/comments`,
    statuses_url: `${api}/statuses/${pr.headSha}`,
    head: branchJson(state, repo, pr.headRef, pr.headSha, h),
    base: branchJson(state, repo, pr.baseRef, pr.baseSha, h),
    _links: {
      self: { href: `${api}/pulls/${pr.number}` },
      html: { href: html },
      issue: { href: `${api}/issues/${pr.number}` },
      comments: { href: `${api}/issues/${pr.number}/comments` },
      review_comments: { href: `${api}/pulls/${pr.number}/comments` },
      review_comment: { href: `${api}/pulls/comments{/number}` },
      commits: { href: `${api}/pulls/${pr.number}/commits` },
      statuses: { href: `${api}/statuses/${pr.headSha}` },
    },
    author_association: authorAssociation(state, repo, pr.author),
    auto_merge: null,
    active_lock_reason: null,
  };
}

/** A pull request as the single-PR endpoint and pull_request webhooks show it. */
export function pullJson(
  state: FakeGitHubState,
  repo: FakeRepo,
  pr: FakePullRequest,
  h: Hosts,
): Record<string, unknown> {
  return {
    ...pullSimpleJson(state, repo, pr, h),
    merged: pr.merged,
    mergeable: pr.state === 'open' ? true : null,
    rebaseable: pr.state === 'open' ? true : null,
    mergeable_state: pr.state === 'open' ? 'blocked' : 'unknown',
    merged_by: null,
    comments: pr.comments.length,
    review_comments: 0,
    maintainer_can_modify: false,
    commits: pr.commits.length,
    additions: pr.files.reduce((n, f) => n + f.additions, 0),
    deletions: pr.files.reduce((n, f) => n + f.deletions, 0),
    changed_files: pr.files.length,
  };
}

export function authorAssociation(state: FakeGitHubState, repo: FakeRepo, login: string): string {
  if (login.toLowerCase() === repo.owner.toLowerCase()) return 'OWNER';
  const org = state.org(repo.owner);
  if (org) {
    for (const t of org.teams.values()) {
      if (t.members.some((m) => m.toLowerCase() === login.toLowerCase())) return 'MEMBER';
    }
  }
  return 'CONTRIBUTOR';
}

/** The short PR reference check runs and suites carry. */
export function pullRefJson(
  repo: FakeRepo,
  pr: FakePullRequest,
  h: Hosts,
): Record<string, unknown> {
  const { api } = repoLinks(repo, h);
  const repoRef = { id: repo.id, url: api, name: repo.name };
  return {
    url: `${api}/pulls/${pr.number}`,
    id: pr.id,
    number: pr.number,
    head: { ref: pr.headRef, sha: pr.headSha, repo: repoRef },
    base: { ref: pr.baseRef, sha: pr.baseSha, repo: repoRef },
  };
}

export function checkRunJson(
  state: FakeGitHubState,
  repo: FakeRepo,
  run: FakeCheckRun,
  h: Hosts,
): Record<string, unknown> {
  const { api, web } = repoLinks(repo, h);
  const prs = [...repo.pulls.values()].filter(
    (p) => p.headSha === run.headSha && !p.crossRepository,
  );
  const suiteHead =
    [...repo.branches.entries()].find(([, sha]) => sha === run.headSha)?.[0] ?? null;
  return {
    id: run.id,
    name: run.name,
    node_id: nodeId('CR', run.id),
    head_sha: run.headSha,
    external_id: run.externalId,
    url: `${api}/check-runs/${run.id}`,
    html_url: `${web}/runs/${run.id}`,
    details_url: run.detailsUrl ?? `${h.web}/apps/${state.app.slug}`,
    status: run.status,
    conclusion: run.conclusion,
    started_at: run.startedAt,
    completed_at: run.completedAt,
    output: {
      title: run.output.title,
      summary: run.output.summary,
      text: run.output.text,
      annotations_count: run.annotations.length,
      annotations_url: `${api}/check-runs/${run.id}/annotations`,
    },
    check_suite: {
      id: run.suiteId,
      node_id: nodeId('CS', run.suiteId),
      head_branch: suiteHead,
      head_sha: run.headSha,
      status: run.status,
      conclusion: run.conclusion,
      url: `${api}/check-suites/${run.suiteId}`,
      before: null,
      after: run.headSha,
      pull_requests: prs.map((p) => pullRefJson(repo, p, h)),
      app: checkRunAppJson(state, run.appId, h),
      created_at: run.createdAt,
      updated_at: run.updatedAt,
    },
    app: checkRunAppJson(state, run.appId, h),
    pull_requests: prs.map((p) => pullRefJson(repo, p, h)),
  };
}

export function commentJson(
  state: FakeGitHubState,
  repo: FakeRepo,
  pr: FakePullRequest,
  c: FakeComment,
  h: Hosts,
): Record<string, unknown> {
  const { api, web } = repoLinks(repo, h);
  return {
    url: `${api}/issues/comments/${c.id}`,
    html_url: `${web}/pull/${pr.number}#issuecomment-${c.id}`,
    issue_url: `${api}/issues/${pr.number}`,
    id: c.id,
    node_id: nodeId('IC', c.id),
    user: userJson(state, c.author, h),
    created_at: c.createdAt,
    updated_at: c.updatedAt,
    author_association: c.viaApp ? 'NONE' : authorAssociation(state, repo, c.author),
    body: c.body,
    reactions: {
      url: `${api}/issues/comments/${c.id}/reactions`,
      total_count: 0,
      '+1': 0,
      '-1': 0,
      laugh: 0,
      hooray: 0,
      confused: 0,
      heart: 0,
      rocket: 0,
      eyes: 0,
    },
    performed_via_github_app: c.viaApp ? appJson(state, h) : null,
  };
}

/** A review; REST lists states in capitals, webhooks in lower case. */
export function reviewJson(
  state: FakeGitHubState,
  repo: FakeRepo,
  pr: FakePullRequest,
  r: FakeReview,
  h: Hosts,
  opts: { lowerCaseState?: boolean } = {},
): Record<string, unknown> {
  const { api, web } = repoLinks(repo, h);
  const html = `${web}/pull/${pr.number}#pullrequestreview-${r.id}`;
  return {
    id: r.id,
    node_id: nodeId('PRR', r.id),
    user: userJson(state, r.user, h),
    body: r.body === '' ? null : r.body,
    commit_id: r.commitId,
    submitted_at: r.submittedAt,
    state: opts.lowerCaseState ? r.state.toLowerCase() : r.state,
    html_url: html,
    pull_request_url: `${api}/pulls/${pr.number}`,
    author_association: authorAssociation(state, repo, r.user),
    _links: { html: { href: html }, pull_request: { href: `${api}/pulls/${pr.number}` } },
  };
}

function gitPersonJson(p: GitPerson): Record<string, unknown> {
  return { name: p.name, email: p.email, date: p.date };
}

export function commitJson(
  state: FakeGitHubState,
  repo: FakeRepo,
  c: FakeCommit,
  h: Hosts,
): Record<string, unknown> {
  const { api, web } = repoLinks(repo, h);
  const tree = createHash('sha1').update(`tree:${c.sha}`).digest('hex');
  return {
    sha: c.sha,
    node_id: nodeId('C', c.sha),
    commit: {
      author: gitPersonJson(c.author),
      committer: gitPersonJson(c.committer),
      message: c.message,
      tree: { sha: tree, url: `${api}/git/trees/${tree}` },
      url: `${api}/git/commits/${c.sha}`,
      comment_count: 0,
      verification: {
        verified: false,
        reason: 'unsigned',
        signature: null,
        payload: null,
        verified_at: null,
      },
    },
    url: `${api}/commits/${c.sha}`,
    html_url: `${web}/commit/${c.sha}`,
    comments_url: `${api}/commits/${c.sha}/comments`,
    author: c.author.login ? userJson(state, c.author.login, h) : null,
    committer: c.committer.login ? userJson(state, c.committer.login, h) : null,
    parents: c.parents.map((p) => ({
      sha: p,
      url: `${api}/commits/${p}`,
      html_url: `${web}/commit/${p}`,
    })),
  };
}

const REST_STATUS: Record<string, string> = {
  ADDED: 'added',
  DELETED: 'removed',
  MODIFIED: 'modified',
  RENAMED: 'renamed',
  COPIED: 'copied',
  CHANGED: 'changed',
};

export function fileJson(
  repo: FakeRepo,
  headSha: string,
  f: FakePullRequest['files'][number],
  h: Hosts,
): Record<string, unknown> {
  const { api, web } = repoLinks(repo, h);
  const path = f.path.split('/').map(encodeURIComponent).join('/');
  return {
    sha: createHash('sha1').update(`blob:${headSha}:${f.path}`).digest('hex'),
    filename: f.path,
    status: REST_STATUS[f.changeType] ?? 'modified',
    additions: f.additions,
    deletions: f.deletions,
    changes: f.additions + f.deletions,
    blob_url: `${web}/blob/${headSha}/${path}`,
    raw_url: `${web}/raw/${headSha}/${path}`,
    contents_url: `${api}/contents/${path}?ref=${headSha}`,
    patch: `@@ -1,${f.deletions} +1,${f.additions} @@`,
    ...(f.previousPath ? { previous_filename: f.previousPath } : {}),
  };
}

/** Git's blob id of a text. */
export function blobSha(text: string): string {
  const bytes = Buffer.from(text, 'utf8');
  return createHash('sha1')
    .update(Buffer.concat([Buffer.from(`blob ${bytes.length}\0`), bytes]))
    .digest('hex');
}
