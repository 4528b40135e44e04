import { Octokit } from '@octokit/rest';
import { createSign, generateKeyPairSync } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { readPullRequest, type GitHubClient } from '../../src/github/facts.js';
import { listOrgTeams, readTeams } from '../../src/github/teams.js';
import { loadPolicySource } from '../../src/github/policy-source.js';
import { commitAuthorsQuery, commitsByOidQuery } from '../../src/github/queries/commits.js';
import { PULL_REQUEST_QUERY, pullRequestPageQuery } from '../../src/github/queries/pull-request.js';
import { ORG_TEAMS_QUERY, teamMembersQuery } from '../../src/github/queries/teams.js';
import { readExtends } from '../../src/policy/load.js';
import { COMMENT_MARKER } from '../../src/model/names.js';
import { encodeCursor } from '../../src/fake-github/schema.js';
import { startFakeGitHub, type FakeGitHub } from '../../src/fake-github/server.js';
import { FakeGitHubState } from '../../src/fake-github/state.js';
import type { FileSpec } from '../../src/fake-github/model.js';

const TOKEN = 'ghs_test_token';
const quiet = { debug() {}, info() {}, warn() {}, error() {} };
const POLICY = 'version: 1\n';
const REPO = 'acme/api';

let fake: FakeGitHub | null = null;

afterEach(async () => {
  await fake?.close();
  fake = null;
});

function world(): FakeGitHubState {
  const s = new FakeGitHubState();
  s.addOrg('acme');
  s.addTeam('acme', 'seniors', ['sam', 'pat']);
  s.addUser('dana');
  s.addUser('copilot-pull-request-reviewer[bot]', { type: 'Bot' });
  s.addRepo({
    owner: 'acme',
    name: 'api',
    files: { '.github/ai-governance.yml': POLICY, 'src/a.ts': 'a', 'src/lib/b.ts': 'b' },
  });
  return s;
}

async function serve(state: FakeGitHubState) {
  fake = await startFakeGitHub(state, { tokens: { [TOKEN]: state.botLogin } });
  const gh = new Octokit({
    auth: TOKEN,
    baseUrl: fake.apiUrl,
    request: { retries: 0 },
    log: quiet,
  });
  return { fake, gh, client: gh as GitHubClient };
}

const files = (n: number, prefix = 'src/f'): FileSpec[] =>
  Array.from({ length: n }, (_, i) => `${prefix}${i}.ts`);
const commits = (n: number) =>
  Array.from({ length: n }, (_, i) => ({ message: `Change ${i + 1}` }));

function openPr(
  s: FakeGitHubState,
  over: Partial<Parameters<FakeGitHubState['openPullRequest']>[1]> = {},
) {
  return s.openPullRequest(REPO, {
    author: 'dana',
    title: 'Change',
    commits: commits(1),
    files: ['src/a.ts'],
    ...over,
  });
}

async function status(p: Promise<unknown>): Promise<number> {
  try {
    const r = (await p) as { status: number };
    return r.status;
  } catch (err) {
    return (err as { status: number }).status;
  }
}

async function gql(client: GitHubClient, query: string, vars: Record<string, unknown>) {
  try {
    return { data: await client.graphql<any>(query, vars), errors: undefined as any[] | undefined };
  } catch (err) {
    return { data: (err as { data?: any }).data, errors: (err as { errors?: any[] }).errors };
  }
}

// ---------------------------------------------------------------------------------------------

describe('GraphQL: PullRequestSnapshot', () => {
  it('answers the app query with GitHub shapes', async () => {
    const s = world();
    const pr = openPr(s, {
      author: 'copilot-swe-agent[bot]',
      body: 'Made by an agent.',
      commits: [
        {
          message: 'Add thing',
          author: 'dana',
          coAuthors: [{ name: 'Claude', email: 'noreply@anthropic.com' }],
        },
      ],
      files: ['src/a.ts', { path: 'src/new.ts', previousPath: 'src/old.ts' }],
      labels: [{ name: 'ai-assisted', by: 'dana' }],
    });
    s.submitReview(REPO, pr.number, { user: 'sam', state: 'APPROVED' });
    s.submitReview(REPO, pr.number, {
      user: 'copilot-pull-request-reviewer[bot]',
      state: 'COMMENTED',
    });
    s.addComment(REPO, pr.number, { author: 'dana', body: `${COMMENT_MARKER} pasted by a person` });
    s.addComment(REPO, pr.number, { author: s.botLogin, body: `${COMMENT_MARKER}\nthe audit` });
    s.requestReviews(REPO, pr.number, { teams: ['seniors'], users: ['pat'] }, s.botLogin);
    const { client, fake } = await serve(s);

    const { data, errors } = await gql(client, PULL_REQUEST_QUERY, {
      owner: 'acme',
      repo: 'api',
      number: pr.number,
      policyExpression: 'HEAD:.github/ai-governance.yml',
    });
    // The org has no .github repository: GitHub reports that on the org policy's field alone.
    expect(errors).toEqual([expect.objectContaining({ type: 'NOT_FOUND', path: ['orgPolicy'] })]);
    const repo = data.repository;
    expect(repo.owner).toEqual({ __typename: 'Organization', login: 'acme' });
    expect(repo.defaultBranchRef).toEqual({
      name: 'main',
      target: { oid: s.repo(REPO)!.branches.get('main') },
    });
    expect(repo.policyFile).toEqual({
      __typename: 'Blob',
      text: POLICY,
      isTruncated: false,
      isBinary: false,
      byteSize: POLICY.length,
    });
    const p = repo.pullRequest;
    expect(p).toMatchObject({
      number: pr.number,
      title: 'Change',
      body: 'Made by an agent.',
      state: 'OPEN',
      isCrossRepository: false,
      headRefOid: pr.headSha,
      baseRefOid: pr.baseSha,
      baseRef: { target: { oid: pr.baseSha } },
      // GraphQL drops the [bot] suffix that REST shows.
      author: { __typename: 'Bot', login: 'copilot-swe-agent' },
      changedFiles: 2,
    });
    expect(p.commits.totalCount).toBe(1);
    const commit = p.commits.nodes[0].commit;
    expect(commit.message).toContain('Co-authored-by: Claude <noreply@anthropic.com>');
    expect(commit.authors.nodes).toEqual([
      { name: 'Dana', email: s.user('dana')!.email, user: { login: 'dana' } },
      { name: 'Claude', email: 'noreply@anthropic.com', user: null },
    ]);
    expect(commit.committer).toEqual({
      name: 'GitHub',
      email: 'noreply@github.com',
      user: { login: 'web-flow' },
    });
    expect(p.files.nodes).toEqual([
      { path: 'src/a.ts', changeType: 'MODIFIED' },
      { path: 'src/new.ts', changeType: 'RENAMED' },
    ]);
    expect(p.labels.nodes).toEqual([{ name: 'ai-assisted' }]);
    expect(p.labelEvents.nodes).toEqual([
      {
        __typename: 'LabeledEvent',
        id: expect.stringMatching(/^LE_/),
        createdAt: expect.any(String),
        actor: { __typename: 'User', login: 'dana' },
        label: { name: 'ai-assisted' },
      },
    ]);
    expect(p.reviews.nodes.map((r: any) => [r.author, r.state, r.commit?.oid])).toEqual([
      [{ __typename: 'User', login: 'sam' }, 'APPROVED', pr.headSha],
      [{ __typename: 'Bot', login: 'copilot-pull-request-reviewer' }, 'COMMENTED', pr.headSha],
    ]);
    expect(p.comments.nodes.map((c: any) => c.viewerDidAuthor)).toEqual([false, true]);
    expect(p.reviewRequests.nodes).toEqual([
      { requestedReviewer: { __typename: 'User', login: 'pat' } },
      { requestedReviewer: { __typename: 'Team', slug: 'seniors' } },
    ]);
    expect(p.reviewRequestEvents.nodes).toHaveLength(2);
    expect(fake.stats.byRoute()).toEqual({ 'graphql PullRequestSnapshot': 1 });
  });

  it("feeds the app's reader: facts from one query for a small PR", async () => {
    const s = world();
    const pr = openPr(s, {
      commits: [
        { message: 'Work', coAuthors: [{ name: 'Claude', email: 'noreply@anthropic.com' }] },
      ],
      labels: [{ name: 'copilot', by: 'sam' }],
    });
    s.addComment(REPO, pr.number, { author: s.botLogin, body: `${COMMENT_MARKER}\nhello` });
    const { client, fake } = await serve(s);
    const snap = await readPullRequest(client, 'acme', 'api', pr.number);
    expect(snap.facts.commitsComplete).toBe(true);
    expect(snap.facts.filesComplete).toBe(true);
    expect(snap.facts.commits[0]!.authors.map((a) => a.email)).toContain('noreply@anthropic.com');
    expect(snap.facts.labels).toEqual([
      {
        name: 'copilot',
        appliedBy: { login: 'sam', type: 'User' },
        eventId: expect.stringMatching(/^LE_/),
      },
    ]);
    expect(snap.policyText).toBe(POLICY);
    expect(snap.baseRepoOwnerType).toBe('Organization');
    expect(snap.auditComment).toEqual({ id: pr.comments[0]!.id, body: `${COMMENT_MARKER}\nhello` });
    expect(fake.stats.reads).toBe(1);
  });

  it('reports a missing repository and pull request as GitHub does', async () => {
    const s = world();
    const { client } = await serve(s);
    const vars = { owner: 'acme', repo: 'nope', number: 1, policyExpression: 'HEAD:x' };
    const a = await gql(client, PULL_REQUEST_QUERY, vars);
    expect(a.data).toEqual({ repository: null, orgPolicy: null });
    expect(a.errors).toEqual([
      expect.objectContaining({ type: 'NOT_FOUND', path: ['repository'] }),
      expect.objectContaining({ type: 'NOT_FOUND', path: ['orgPolicy'] }),
    ]);
    const b = await gql(client, PULL_REQUEST_QUERY, { ...vars, repo: 'api', number: 99 });
    expect(b.data.repository.pullRequest).toBeNull();
    expect(b.errors![0]).toMatchObject({ type: 'NOT_FOUND', path: ['repository', 'pullRequest'] });
    await expect(readPullRequest(client, 'acme', 'api', 99)).rejects.toThrow(/could not read/);
  });

  it('gives a null policy file when there is none, and a truncated one when it is huge', async () => {
    const s = world();
    const pr = openPr(s);
    const { client } = await serve(s);
    const vars = { owner: 'acme', repo: 'api', number: pr.number };
    const none = await gql(client, PULL_REQUEST_QUERY, {
      ...vars,
      policyExpression: 'HEAD:missing.yml',
    });
    expect(none.data.repository.policyFile).toBeNull();
    s.setDefaultBranchFile(
      REPO,
      '.github/ai-governance.yml',
      `# ${'x'.repeat(600 * 1024)}\nversion: 1\n`,
    );
    const big = await gql(client, PULL_REQUEST_QUERY, {
      ...vars,
      policyExpression: 'HEAD:.github/ai-governance.yml',
    });
    expect(big.data.repository.policyFile).toMatchObject({ __typename: 'Blob', isTruncated: true });
    const tree = await gql(client, PULL_REQUEST_QUERY, {
      ...vars,
      policyExpression: 'HEAD:.github',
    });
    expect(tree.data.repository.policyFile).toEqual({ __typename: 'Tree' });
  });
});

describe('GraphQL: pagination and caps', () => {
  it('pages every connection by 100 and the app reads them in follow-up rounds', async () => {
    const s = world();
    const pr = openPr(s, { commits: commits(120), files: files(230) });
    for (let i = 0; i < 105; i++)
      s.submitReview(REPO, pr.number, { user: i % 2 ? 'sam' : 'pat', state: 'COMMENTED' });
    for (let i = 0; i < 130; i++) s.addLabel(REPO, pr.number, `l${i}`, 'dana');
    const { client, fake } = await serve(s);
    const snap = await readPullRequest(client, 'acme', 'api', pr.number);
    expect(snap.facts.commits).toHaveLength(120);
    expect(snap.facts.commits.map((c) => c.sha)).toEqual(pr.commits);
    expect(snap.facts.files).toHaveLength(230);
    expect(snap.facts.reviews).toHaveLength(105);
    expect(snap.facts.labels).toHaveLength(130);
    expect(snap.facts.labels.every((l) => l.appliedBy?.login === 'dana')).toBe(true);
    expect(snap.facts.commitsComplete && snap.facts.filesComplete).toBe(true);
    // One snapshot, one round for commits, reviews and labels, files' pages 2 and 3 from REST
    // by number, then the head checked once the REST pages are in.
    expect(fake.stats.byRoute()).toEqual({
      'graphql PullRequestSnapshot': 1,
      'graphql PullRequestPage': 1,
      'GET /repos/{owner}/{repo}/pulls/{pull_number}/files': 2,
      'graphql PullRequestHead': 1,
    });
  });

  it('serves a follow-up page query for each connection from its cursor', async () => {
    const s = world();
    const pr = openPr(s, { commits: commits(150), files: files(150) });
    const { client } = await serve(s);
    const cursor = encodeCursor(100);
    const { data, errors } = await gql(
      client,
      pullRequestPageQuery(['commits', 'files', 'labels', 'labelEvents', 'reviews']),
      {
        owner: 'acme',
        repo: 'api',
        number: pr.number,
        commitsCursor: cursor,
        filesCursor: cursor,
        labelsCursor: encodeCursor(0),
        labelEventsCursor: encodeCursor(1),
        reviewsCursor: encodeCursor(0),
      },
    );
    expect(errors).toBeUndefined();
    const p = data.repository.pullRequest;
    expect(p.headRefOid).toBe(pr.headSha);
    expect(p.commits.nodes).toHaveLength(50);
    expect(p.commits.nodes[0].commit.oid).toBe(pr.commits[100]);
    expect(p.commits.pageInfo).toEqual({ hasNextPage: false, endCursor: encodeCursor(150) });
    expect(p.files.nodes[0].path).toBe('src/f100.ts');
    expect(p.labelEvents).toEqual({
      pageInfo: { hasPreviousPage: false, startCursor: null },
      nodes: [],
    });
  });

  it('stops PR commits at 250 with the real totalCount, and the app walks the rest', async () => {
    const s = world();
    const pr = openPr(s, { commits: commits(260) });
    const { client, fake } = await serve(s);
    const q = `query C($owner: String!, $repo: String!, $number: Int!, $after: String) {
      repository(owner: $owner, name: $repo) { pullRequest(number: $number) {
        commits(first: 100, after: $after) { totalCount pageInfo { hasNextPage endCursor } nodes { commit { oid } } } } } }`;
    const page3 = await gql(client, q, {
      owner: 'acme',
      repo: 'api',
      number: pr.number,
      after: encodeCursor(200),
    });
    expect(page3.data.repository.pullRequest.commits.totalCount).toBe(260);
    expect(page3.data.repository.pullRequest.commits.nodes).toHaveLength(50);
    expect(page3.data.repository.pullRequest.commits.pageInfo.hasNextPage).toBe(false);

    fake.stats.reset();
    const snap = await readPullRequest(client, 'acme', 'api', pr.number);
    expect(snap.facts.commitsComplete).toBe(true);
    expect(snap.facts.commits.map((c) => c.sha)).toEqual(pr.commits);
    const routes = fake.stats.byRoute();
    expect(routes['GET /repos/{owner}/{repo}/compare/{basehead*}']).toBe(3);
    expect(routes['graphql CommitsByOid']).toBe(1);
  });

  it('stops PR files at 3,000 while changedFiles keeps the real count', async () => {
    const s = world();
    const pr = openPr(s, { files: files(3050) });
    const { client } = await serve(s);
    const q = `query F($owner: String!, $repo: String!, $number: Int!, $after: String) {
      repository(owner: $owner, name: $repo) { pullRequest(number: $number) {
        changedFiles files(first: 100, after: $after) { totalCount pageInfo { hasNextPage } nodes { path } } } } }`;
    const last = await gql(client, q, {
      owner: 'acme',
      repo: 'api',
      number: pr.number,
      after: encodeCursor(2900),
    });
    const p = last.data.repository.pullRequest;
    expect(p.changedFiles).toBe(3050);
    expect(p.files.totalCount).toBe(3000);
    expect(p.files.nodes).toHaveLength(100);
    expect(p.files.pageInfo.hasNextPage).toBe(false);
    const snap = await readPullRequest(client, 'acme', 'api', pr.number);
    expect(snap.facts.files).toHaveLength(3000);
    expect(snap.facts.filesComplete).toBe(false);
    expect(snap.facts.changedFilesCount).toBe(3050);
  });

  it('reads renamed files from REST with their previous paths', async () => {
    const s = world();
    const pr = openPr(s, {
      files: [...files(150), { path: 'src/new.ts', previousPath: 'src/old.ts' }],
    });
    const { client, fake } = await serve(s);
    const snap = await readPullRequest(client, 'acme', 'api', pr.number);
    expect(snap.facts.files).toHaveLength(151);
    expect(snap.facts.files.at(-1)).toEqual({ path: 'src/new.ts', previousPath: 'src/old.ts' });
    // The rename is on the second page: GraphQL's first page is kept, REST reads the second.
    expect(fake.stats.byRoute()['GET /repos/{owner}/{repo}/pulls/{pull_number}/files']).toBe(1);
  });

  it('refuses pages over 100, missing bounds and bad cursors', async () => {
    const s = world();
    const pr = openPr(s);
    const { client } = await serve(s);
    const q = (args: string) => `query X($owner: String!, $repo: String!, $number: Int!) {
      repository(owner: $owner, name: $repo) { pullRequest(number: $number) { files(${args}) { nodes { path } } } } }`;
    const vars = { owner: 'acme', repo: 'api', number: pr.number };
    const over = await gql(client, q('first: 101'), vars);
    expect(over.errors![0]).toMatchObject({
      type: 'EXCESSIVE_PAGINATION',
      path: ['repository', 'pullRequest', 'files'],
    });
    expect(over.data.repository.pullRequest.files).toBeNull();
    const none = await gql(client, q('after: null'), vars);
    expect(none.errors![0].type).toBe('MISSING_PAGINATION_BOUNDARIES');
    const bad = await gql(client, q('first: 10, after: "bm9wZQ=="'), vars);
    expect(bad.errors![0].type).toBe('INVALID_CURSOR_ARGUMENTS');
  });

  it('rejects unknown fields and missing variables without data', async () => {
    const s = world();
    const { client } = await serve(s);
    const unknown = await gql(
      client,
      'query U($owner: String!) { repository(owner: $owner, name: "api") { nope } }',
      {
        owner: 'acme',
      },
    );
    expect(unknown.data).toBeUndefined();
    expect(unknown.errors![0].message).toBe("Field 'nope' doesn't exist on type 'Repository'");
    const missing = await gql(
      client,
      'query M($owner: String!) { repository(owner: $owner, name: "api") { name } }',
      {},
    );
    expect(missing.errors![0].message).toMatch(
      /Variable \$owner of type String! was provided invalid value/,
    );
  });

  it('reads commits by sha and further co-author pages', async () => {
    const s = world();
    const co = Array.from({ length: 25 }, (_, i) => ({
      name: `Pair ${i}`,
      email: `pair${i}@example.com`,
    }));
    const pr = openPr(s, { commits: [{ message: 'Pairing', coAuthors: co }] });
    const { client, fake } = await serve(s);
    const sha = pr.commits[0]!;
    const byOid = await gql(client, commitsByOidQuery(2), {
      owner: 'acme',
      repo: 'api',
      o0: sha,
      o1: 'f'.repeat(40),
    });
    expect(byOid.data.repository.c0).toMatchObject({
      __typename: 'Commit',
      oid: sha,
      message: expect.stringContaining('Pairing'),
    });
    expect(byOid.data.repository.c0.authors.nodes).toHaveLength(20);
    expect(byOid.data.repository.c0.authors.pageInfo.hasNextPage).toBe(true);
    expect(byOid.data.repository.c1).toBeNull();
    const more = await gql(client, commitAuthorsQuery(1), {
      owner: 'acme',
      repo: 'api',
      o0: sha,
      a0: byOid.data.repository.c0.authors.pageInfo.endCursor,
    });
    expect(more.data.repository.c0.authors.nodes).toHaveLength(6);
    fake.stats.reset();
    const snap = await readPullRequest(client, 'acme', 'api', pr.number);
    expect(snap.facts.commits[0]!.authors).toHaveLength(26);
    expect(fake.stats.byRoute()).toEqual({
      'graphql PullRequestSnapshot': 1,
      'graphql CommitAuthors': 1,
    });
  });
});

describe('GraphQL: teams', () => {
  it('lists members with child teams, pages of 100, and null for a missing team', async () => {
    const s = world();
    const many = Array.from({ length: 150 }, (_, i) => `member-${i}`);
    s.addTeam('acme', 'big', many);
    s.addTeam('acme', 'child', ['kid'], { parent: 'seniors' });
    const { client } = await serve(s);
    const raw = await gql(client, teamMembersQuery(2), {
      org: 'acme',
      s0: 'seniors',
      c0: null,
      s1: 'ghost-team',
      c1: null,
    });
    expect(raw.errors).toBeUndefined();
    expect(raw.data.organization.t0.members.nodes).toEqual([
      { login: 'sam' },
      { login: 'pat' },
      { login: 'kid' },
    ]);
    expect(raw.data.organization.t1).toBeNull();
    const teams = await readTeams(client, 'acme', ['seniors', 'big', 'ghost-team']);
    expect(teams.seniors).toEqual(['sam', 'pat', 'kid']);
    expect(teams.big).toHaveLength(150);
    expect(teams['ghost-team']).toBeNull();
  });

  it('reports a missing organization with NOT_FOUND on its path', async () => {
    const s = world();
    const { client } = await serve(s);
    const raw = await gql(client, teamMembersQuery(1), { org: 'nobody', s0: 'x', c0: null });
    expect(raw.errors![0]).toMatchObject({ type: 'NOT_FOUND', path: ['organization'] });
    expect(await readTeams(client, 'nobody', ['x'])).toEqual({ x: null });
  });

  it('lists org teams in pages', async () => {
    const s = world();
    for (let i = 0; i < 120; i++) s.addTeam('acme', `team-${String(i).padStart(3, '0')}`);
    const { client, fake } = await serve(s);
    const first = await gql(client, ORG_TEAMS_QUERY, { org: 'acme', cursor: null });
    expect(first.data.organization.teams.nodes).toHaveLength(100);
    expect(first.data.organization.teams.pageInfo.hasNextPage).toBe(true);
    fake.stats.reset();
    const all = await listOrgTeams(client, 'acme');
    expect(all.size).toBe(121);
    expect(fake.stats.reads).toBe(2);
  });
});

// ---------------------------------------------------------------------------------------------

describe('REST: contents and compare', () => {
  it('serves files in base64, directories as lists, and 404 for the rest', async () => {
    const s = world();
    const { gh } = await serve(s);
    const file = await gh.request('GET /repos/{owner}/{repo}/contents/{path}', {
      owner: 'acme',
      repo: 'api',
      path: '.github/ai-governance.yml',
    });
    expect(file.data).toMatchObject({
      type: 'file',
      encoding: 'base64',
      path: '.github/ai-governance.yml',
      size: POLICY.length,
    });
    expect(Buffer.from((file.data as any).content, 'base64').toString()).toBe(POLICY);
    const dir = await gh.request('GET /repos/{owner}/{repo}/contents/{path}', {
      owner: 'acme',
      repo: 'api',
      path: 'src',
    });
    expect((dir.data as any[]).map((e) => [e.name, e.type])).toEqual([
      ['a.ts', 'file'],
      ['lib', 'dir'],
    ]);
    expect(
      await status(
        gh.request('GET /repos/{owner}/{repo}/contents/{path}', {
          owner: 'acme',
          repo: 'api',
          path: 'nope.yml',
        }),
      ),
    ).toBe(404);
    expect(
      await status(
        gh.request('GET /repos/{owner}/{repo}/contents/{path}', {
          owner: 'acme',
          repo: 'gone',
          path: 'a',
        }),
      ),
    ).toBe(404);
    expect(
      await status(
        gh.request('GET /repos/{owner}/{repo}/contents/{path}', {
          owner: 'acme',
          repo: 'api',
          path: 'src/a.ts',
          ref: 'no-branch',
        }),
      ),
    ).toBe(404);
  });

  it("serves the app's policy lookup: the org .github repo and _extends", async () => {
    const s = world();
    s.addRepo({ owner: 'acme', name: 'web' });
    s.addRepo({
      owner: 'acme',
      name: '.github',
      files: { '.github/ai-governance.yml': '_extends: shared:base.yml\nversion: 1\n' },
    });
    s.addRepo({ owner: 'acme', name: 'shared', files: { 'base.yml': 'version: 1\n' } });
    const { client } = await serve(s);
    const source = await loadPolicySource(client, 'acme', 'web', {
      repoText: undefined,
      readExtends,
    });
    expect(source).toEqual({
      kind: 'layers',
      layers: [
        { file: 'acme/shared:base.yml', text: 'version: 1\n' },
        {
          file: 'acme/.github:.github/ai-governance.yml',
          text: '_extends: shared:base.yml\nversion: 1\n',
        },
      ],
    });
  });

  it('compares base...head with pages and Link headers', async () => {
    const s = world();
    const pr = openPr(s, { commits: commits(130) });
    s.setDefaultBranchFile(REPO, 'README.md', 'moved on');
    const { gh } = await serve(s);
    const tip = s.repo(REPO)!.branches.get('main')!;
    const p1 = await gh.request('GET /repos/{owner}/{repo}/compare/{basehead}', {
      owner: 'acme',
      repo: 'api',
      basehead: `${tip}...${pr.headSha}`,
      per_page: 100,
      page: 1,
    });
    const d = p1.data as any;
    expect(d).toMatchObject({
      status: 'diverged',
      ahead_by: 130,
      behind_by: 1,
      total_commits: 130,
    });
    expect(d.merge_base_commit.sha).toBe(pr.baseSha);
    expect(d.commits.map((c: any) => c.sha)).toEqual(pr.commits.slice(0, 100));
    expect(p1.headers.link).toMatch(/page=2>; rel="next"/);
    const p2 = await gh.request('GET /repos/{owner}/{repo}/compare/{basehead}', {
      owner: 'acme',
      repo: 'api',
      basehead: `main...${pr.headRef}`,
      per_page: 100,
      page: 2,
    });
    expect((p2.data as any).commits.map((c: any) => c.sha)).toEqual(pr.commits.slice(100));
    expect(p2.headers.link).not.toMatch(/rel="next"/);
  });
});

describe('REST: pull requests', () => {
  it('lists changed files 30 a page by default, up to 100, stopping at 3,000', async () => {
    const s = world();
    const pr = openPr(s, { files: files(3010) });
    const { gh } = await serve(s);
    const first = await gh.request('GET /repos/{owner}/{repo}/pulls/{pull_number}/files', {
      owner: 'acme',
      repo: 'api',
      pull_number: pr.number,
    });
    expect(first.data).toHaveLength(30);
    expect((first.data as any)[0]).toMatchObject({ filename: 'src/f0.ts', status: 'modified' });
    const last = await gh.request('GET /repos/{owner}/{repo}/pulls/{pull_number}/files', {
      owner: 'acme',
      repo: 'api',
      pull_number: pr.number,
      per_page: 100,
      page: 30,
    });
    expect(last.data).toHaveLength(100);
    expect(last.headers.link).toMatch(/rel="prev"/);
    expect(last.headers.link).not.toMatch(/rel="next"/);
    const all = await gh.paginate('GET /repos/{owner}/{repo}/pulls/{pull_number}/files', {
      owner: 'acme',
      repo: 'api',
      pull_number: pr.number,
      per_page: 100,
    });
    expect(all).toHaveLength(3000);
  });

  it('lists open PRs and the PRs that hold a commit', async () => {
    const s = world();
    const a = openPr(s);
    const b = openPr(s);
    s.closePullRequest(REPO, a.number);
    const { gh } = await serve(s);
    const open = await gh.request('GET /repos/{owner}/{repo}/pulls', {
      owner: 'acme',
      repo: 'api',
      state: 'open',
    });
    expect((open.data as any[]).map((p) => p.number)).toEqual([b.number]);
    const holding = await gh.request('GET /repos/{owner}/{repo}/commits/{commit_sha}/pulls', {
      owner: 'acme',
      repo: 'api',
      commit_sha: b.headSha,
    });
    expect((holding.data as any[]).map((p) => [p.number, p.state, p.head.sha])).toEqual([
      [b.number, 'open', b.headSha],
    ]);
    const one = await gh.request('GET /repos/{owner}/{repo}/pulls/{pull_number}', {
      owner: 'acme',
      repo: 'api',
      pull_number: b.number,
    });
    expect(one.data).toMatchObject({
      number: b.number,
      changed_files: 1,
      commits: 1,
      merged: false,
    });
  });

  it('requests reviews, refusing the author and strangers', async () => {
    const s = world();
    const pr = openPr(s);
    const { gh } = await serve(s);
    const ask = (body: Record<string, unknown>) =>
      gh.request('POST /repos/{owner}/{repo}/pulls/{pull_number}/requested_reviewers', {
        owner: 'acme',
        repo: 'api',
        pull_number: pr.number,
        ...body,
      });
    const ok = await ask({ reviewers: ['sam'], team_reviewers: ['seniors'] });
    expect(ok.status).toBe(201);
    expect((ok.data as any).requested_reviewers.map((u: any) => u.login)).toEqual(['sam']);
    expect((ok.data as any).requested_teams.map((t: any) => t.slug)).toEqual(['seniors']);
    expect(s.requirePull(REPO, pr.number).reviewRequestEvents.map((e) => e.actor)).toEqual([
      s.botLogin,
      s.botLogin,
    ]);
    expect(await status(ask({ reviewers: ['dana'] }))).toBe(422);
    expect(await status(ask({ team_reviewers: ['no-such-team'] }))).toBe(422);
    expect(await status(ask({ reviewers: ['nobody-here'] }))).toBe(422);
    expect(await status(ask({}))).toBe(422);
  });
});

describe('REST: check runs', () => {
  // Some bodies are invalid on purpose: sent by method and url, unchecked by route.
  const create = (gh: Octokit, body: Record<string, unknown>) =>
    gh.request({
      method: 'POST',
      url: '/repos/{owner}/{repo}/check-runs',
      owner: 'acme',
      repo: 'api',
      ...body,
    });

  it('creates, lists (latest per name and app) and updates runs, appending annotations', async () => {
    const s = world();
    const pr = openPr(s);
    const { gh } = await serve(s);
    const annotation = {
      path: 'src/a.ts',
      start_line: 1,
      end_line: 1,
      annotation_level: 'warning' as const,
      message: 'm',
    };
    const made = await create(gh, {
      name: 'AI Governance',
      head_sha: pr.headSha,
      status: 'completed',
      conclusion: 'action_required',
      output: { title: 'T', summary: 'S', annotations: [annotation] },
      actions: [
        {
          label: 'Re-evaluate',
          description: 'Read the pull request again',
          identifier: 'reevaluate',
        },
      ],
    });
    expect(made.status).toBe(201);
    const run = made.data as any;
    expect(run).toMatchObject({
      name: 'AI Governance',
      head_sha: pr.headSha,
      status: 'completed',
      conclusion: 'action_required',
      app: { id: s.app.id, slug: s.app.slug },
      output: { title: 'T', summary: 'S', text: null, annotations_count: 1 },
      pull_requests: [{ number: pr.number }],
    });
    await create(gh, { name: 'AI Governance', head_sha: pr.headSha, status: 'in_progress' });
    const list = await gh.request('GET /repos/{owner}/{repo}/commits/{ref}/check-runs', {
      owner: 'acme',
      repo: 'api',
      ref: pr.headSha,
      check_name: 'AI Governance',
      app_id: s.app.id,
    });
    expect((list.data as any).total_count).toBe(1);
    expect((list.data as any).check_runs[0].status).toBe('in_progress');
    const all = await gh.request('GET /repos/{owner}/{repo}/commits/{ref}/check-runs', {
      owner: 'acme',
      repo: 'api',
      ref: pr.headSha,
      filter: 'all',
    });
    expect((all.data as any).total_count).toBe(2);

    const updated = await gh.request('PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}', {
      owner: 'acme',
      repo: 'api',
      check_run_id: run.id,
      conclusion: 'success',
      output: { title: 'T2', summary: 'S2', text: 'more', annotations: [annotation, annotation] },
    });
    expect(updated.data).toMatchObject({
      conclusion: 'success',
      output: { title: 'T2', text: 'more', annotations_count: 3 },
    });
    expect(s.checkRun(REPO, run.id)!.annotations).toHaveLength(3);
  });

  it('answers 422 where GitHub does', async () => {
    const s = world();
    const pr = openPr(s);
    const { gh } = await serve(s);
    const base = { name: 'AI Governance', head_sha: pr.headSha };
    const note = {
      path: 'a',
      start_line: 1,
      end_line: 1,
      annotation_level: 'notice',
      message: 'm',
    };
    const cases: Record<string, unknown>[] = [
      { ...base, head_sha: 'f'.repeat(40) },
      { ...base, status: 'completed' },
      { ...base, conclusion: 'maybe' },
      { ...base, conclusion: 'success', output: { title: 'T' } },
      { ...base, conclusion: 'success', output: { title: 'T', summary: 'x'.repeat(65_536) } },
      {
        ...base,
        conclusion: 'success',
        output: { title: 'T', summary: 'S', text: 'x'.repeat(65_536) },
      },
      {
        ...base,
        conclusion: 'success',
        output: { title: 'T', summary: 'S', annotations: Array(51).fill(note) },
      },
      {
        ...base,
        actions: [{ label: 'Re-evaluate', description: 'x'.repeat(41), identifier: 'r' }],
      },
      { ...base, actions: [{ label: 'x'.repeat(21), description: 'd', identifier: 'r' }] },
      { name: '', head_sha: pr.headSha },
    ];
    for (const c of cases)
      expect([JSON.stringify(c).slice(0, 80), await status(create(gh, c))]).toEqual([
        JSON.stringify(c).slice(0, 80),
        422,
      ]);
    expect(
      await status(
        create(gh, {
          ...base,
          conclusion: 'success',
          output: { title: 'T', summary: 'x'.repeat(65_535) },
        }),
      ),
    ).toBe(201);
    expect(
      await status(
        gh.request('PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}', {
          owner: 'acme',
          repo: 'api',
          check_run_id: 1,
        }),
      ),
    ).toBe(404);
  });
});

describe('REST: comments and labels', () => {
  it('creates, lists and edits comments as the app, with Link pagination', async () => {
    const s = world();
    const pr = openPr(s);
    for (let i = 0; i < 120; i++) s.addComment(REPO, pr.number, { author: 'dana', body: `c${i}` });
    const { gh } = await serve(s);
    const made = await gh.request('POST /repos/{owner}/{repo}/issues/{issue_number}/comments', {
      owner: 'acme',
      repo: 'api',
      issue_number: pr.number,
      body: `${COMMENT_MARKER}\nhi`,
    });
    expect(made.status).toBe(201);
    expect(made.data).toMatchObject({
      body: `${COMMENT_MARKER}\nhi`,
      user: { login: s.botLogin, type: 'Bot' },
      performed_via_github_app: { id: s.app.id },
    });
    const page2 = await gh.request('GET /repos/{owner}/{repo}/issues/{issue_number}/comments', {
      owner: 'acme',
      repo: 'api',
      issue_number: pr.number,
      per_page: 100,
      page: 2,
    });
    expect(page2.data).toHaveLength(21);
    expect((page2.data as any[])[0].performed_via_github_app).toBeNull();
    const edited = await gh.request('PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}', {
      owner: 'acme',
      repo: 'api',
      comment_id: (made.data as any).id,
      body: 'edited',
    });
    expect(edited.data).toMatchObject({ body: 'edited' });
    const post = (body: string) =>
      gh.request('POST /repos/{owner}/{repo}/issues/{issue_number}/comments', {
        owner: 'acme',
        repo: 'api',
        issue_number: pr.number,
        body,
      });
    expect(await status(post('x'.repeat(65_537)))).toBe(422);
    expect(await status(post(''))).toBe(422);
    expect(await status(post('x'.repeat(65_536)))).toBe(201);
    expect(
      await status(
        gh.request('PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}', {
          owner: 'acme',
          repo: 'api',
          comment_id: 1,
          body: 'x',
        }),
      ),
    ).toBe(404);
  });

  it('adds labels as the app, with a label event, once', async () => {
    const s = world();
    const pr = openPr(s);
    const { gh } = await serve(s);
    const add = () =>
      gh.request('POST /repos/{owner}/{repo}/issues/{issue_number}/labels', {
        owner: 'acme',
        repo: 'api',
        issue_number: pr.number,
        labels: ['ai-assisted'],
      });
    const res = await add();
    expect((res.data as any[]).map((l) => l.name)).toEqual(['ai-assisted']);
    await add();
    expect(s.requirePull(REPO, pr.number).labelEvents.map((e) => [e.label, e.actor])).toEqual([
      ['ai-assisted', s.botLogin],
    ]);
    expect(
      await status(
        gh.request('POST /repos/{owner}/{repo}/issues/{issue_number}/labels', {
          owner: 'acme',
          repo: 'api',
          issue_number: pr.number,
          labels: [],
        }),
      ),
    ).toBe(422);
  });
});

describe('the server', () => {
  it('answers If-None-Match with 304 and counts it apart', async () => {
    const s = world();
    const pr = openPr(s);
    const { gh, fake } = await serve(s);
    const params = { owner: 'acme', repo: 'api', path: '.github/ai-governance.yml' };
    const first = await gh.request('GET /repos/{owner}/{repo}/contents/{path}', params);
    const etag = first.headers.etag!;
    expect(etag).toMatch(/^W\/"[0-9a-f]{64}"$/);
    expect(
      await status(
        gh.request('GET /repos/{owner}/{repo}/contents/{path}', {
          ...params,
          headers: { 'if-none-match': etag },
        }),
      ),
    ).toBe(304);
    s.setDefaultBranchFile(REPO, '.github/ai-governance.yml', 'version: 1\n# changed\n');
    expect(
      await status(
        gh.request('GET /repos/{owner}/{repo}/contents/{path}', {
          ...params,
          headers: { 'if-none-match': etag },
        }),
      ),
    ).toBe(200);
    expect(fake.stats).toMatchObject({ reads: 2, writes: 0, notModified: 1 });
    await gh.request('POST /repos/{owner}/{repo}/issues/{issue_number}/labels', {
      owner: 'acme',
      repo: 'api',
      issue_number: pr.number,
      labels: ['x'],
    });
    expect(fake.stats.writes).toBe(1);
    expect(fake.stats.requests.map((r) => [r.method, r.status, r.kind])).toEqual([
      ['GET', 200, 'read'],
      ['GET', 304, 'not-modified'],
      ['GET', 200, 'read'],
      ['POST', 200, 'write'],
    ]);
    fake.stats.reset();
    expect(fake.stats).toMatchObject({ reads: 0, writes: 0, notModified: 0, requests: [] });
  });

  it('needs a token it issued, and the app JWT for app routes', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', {
      modulusLength: 2048,
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
      publicKeyEncoding: { type: 'spki', format: 'pem' },
    });
    const s = new FakeGitHubState({ app: { publicKey } });
    s.addRepo({ owner: 'acme', name: 'api' });
    fake = await startFakeGitHub(s);
    const jwt = (key: string, iss: number) => {
      const enc = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
      const now = Math.floor(Date.now() / 1000);
      const head = `${enc({ alg: 'RS256', typ: 'JWT' })}.${enc({ iat: now - 30, exp: now + 540, iss })}`;
      return `${head}.${createSign('RSA-SHA256').update(head).sign(key, 'base64url')}`;
    };
    const call = (path: string, init: RequestInit = {}) => fetch(`${fake!.apiUrl}${path}`, init);
    expect((await call('/repos/acme/api')).status).toBe(401);
    expect((await call('/app')).status).toBe(401);
    const other = generateKeyPairSync('rsa', {
      modulusLength: 2048,
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
      publicKeyEncoding: { type: 'spki', format: 'pem' },
    });
    expect(
      (
        await call('/app', {
          headers: { authorization: `Bearer ${jwt(other.privateKey, s.app.id)}` },
        })
      ).status,
    ).toBe(401);
    expect(
      (await call('/app', { headers: { authorization: `Bearer ${jwt(privateKey, 1)}` } })).status,
    ).toBe(401);
    const app = await call('/app', {
      headers: { authorization: `Bearer ${jwt(privateKey, s.app.id)}` },
    });
    expect(await app.json()).toMatchObject({ id: s.app.id, slug: s.app.slug });
    const tokenRes = await call(`/app/installations/${s.app.installationId}/access_tokens`, {
      method: 'POST',
      headers: { authorization: `Bearer ${jwt(privateKey, s.app.id)}` },
    });
    expect(tokenRes.status).toBe(201);
    const { token } = (await tokenRes.json()) as { token: string };
    expect(
      (await call('/repos/acme/api', { headers: { authorization: `token ${token}` } })).status,
    ).toBe(200);
    expect(fake.stats).toMatchObject({ tokens: 1 });
  });

  it('records unknown routes and injected faults', async () => {
    const s = world();
    const pr = openPr(s);
    const { gh, fake } = await serve(s);
    expect(
      await status(
        gh.request('GET /repos/{owner}/{repo}/branches', { owner: 'acme', repo: 'api' }),
      ),
    ).toBe(404);
    expect(fake.stats.unmatched).toBe(1);
    fake.fail({ operation: 'PullRequestSnapshot', status: 502, times: 1 });
    await expect(readPullRequest(gh, 'acme', 'api', pr.number)).rejects.toThrow(/502/);
    await expect(readPullRequest(gh, 'acme', 'api', pr.number)).resolves.toBeTruthy();
    fake.fail({ route: 'POST /repos/{owner}/{repo}/check-runs', status: 500 });
    expect(
      await status(
        gh.request('POST /repos/{owner}/{repo}/check-runs', {
          owner: 'acme',
          repo: 'api',
          name: 'x',
          head_sha: pr.headSha,
        }),
      ),
    ).toBe(500);
  });
});
