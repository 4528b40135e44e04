import nock from 'nock';
import { afterEach, describe, expect, it } from 'vitest';
import { readPullRequest } from '../../src/github/facts.js';
import { listOrgTeams, readTeams } from '../../src/github/teams.js';
import { describeError } from '../../src/github/client.js';
import { API, nockClient as client } from '../support/rest-nock.js';

interface GqlCall {
  query: string;
  variables: Record<string, any>;
}

/** Answers GraphQL requests in order from `answers`; records what each request asked. */
function graphqlQueue(answers: (object | ((call: GqlCall) => object | [number, object]))[]) {
  const calls: GqlCall[] = [];
  if (answers.length === 0) return calls;
  nock(API)
    .post('/graphql')
    .times(answers.length)
    .reply((_uri, body) => {
      const call = (typeof body === 'string' ? JSON.parse(body) : body) as GqlCall;
      calls.push(call);
      const a = answers[calls.length - 1]!;
      const out = typeof a === 'function' ? a(call) : a;
      return Array.isArray(out) ? out : [200, out];
    });
  return calls;
}

afterEach(() => {
  nock.cleanAll();
});

// ---------------------------------------------------------------------------------------------
// Fixtures in the shape of GitHub's GraphQL schema

const sha = (n: number) => `c${n.toString(16).padStart(39, '0')}`;
const HEAD = 'f'.repeat(40);
const BASE_TIP = 'b'.repeat(40);
const DEFAULT_SHA = 'd'.repeat(40);

const fwd = <T>(nodes: T[], endCursor: string | null = null) => ({
  pageInfo: { hasNextPage: endCursor !== null, endCursor },
  nodes,
});
const back = <T>(nodes: T[], startCursor: string | null = null) => ({
  pageInfo: { hasPreviousPage: startCursor !== null, startCursor },
  nodes,
});

const person = (name: string, email: string, login: string | null = null) => ({
  name,
  email,
  user: login ? { login } : null,
});

function commit(
  n: number,
  extra: Partial<{ message: string; authors: object; committer: object }> = {},
) {
  return {
    oid: sha(n),
    message: extra.message ?? `Change ${n}`,
    authors: extra.authors ?? fwd([person('Alice', 'alice@example.com', 'alice')]),
    committer: extra.committer ?? person('GitHub', 'noreply@github.com', 'web-flow'),
  };
}

const commitNode = (n: number) => ({ commit: commit(n) });
const fileNode = (path: string, changeType = 'MODIFIED') => ({ path, changeType });
const labeled = (label: string, actor: object | null, createdAt = '2025-01-01T00:00:00Z') => ({
  createdAt,
  actor,
  label: { name: label },
});
const user = (login: string) => ({ __typename: 'User', login });

function pullRequest(over: Record<string, unknown> = {}) {
  return {
    number: 12,
    title: 'Add login throttling',
    body: 'Generated with help.',
    headRefName: 'feature/throttle',
    headRefOid: HEAD,
    baseRefName: 'main',
    baseRefOid: 'a'.repeat(40),
    baseRef: { target: { oid: BASE_TIP } },
    author: user('alice'),
    changedFiles: 1,
    commits: { totalCount: 1, ...fwd([commitNode(1)]) },
    files: fwd([fileNode('src/auth/login.ts')]),
    labels: fwd([]),
    labelEvents: back([]),
    reviews: fwd([]),
    forcePushes: back([]),
    ...over,
  };
}

function snapshot(pr: object | null, repoOver: Record<string, unknown> = {}) {
  return {
    data: {
      repository: {
        owner: { __typename: 'Organization', login: 'acme' },
        defaultBranchRef: { name: 'main', target: { oid: DEFAULT_SHA } },
        policyFile: {
          __typename: 'Blob',
          text: 'version: 1\n',
          isTruncated: false,
          isBinary: false,
          byteSize: 11,
        },
        pullRequest: pr,
        ...repoOver,
      },
    },
  };
}

const page = (pr: Record<string, unknown>) => ({
  data: { repository: { pullRequest: { headRefOid: HEAD, ...pr } } },
});

/** The answer to the head check that follows files read by REST pages. */
const headNow = (oid = HEAD) => page({ headRefOid: oid });

/** A file as REST lists a pull request's files; a bare name is a modified file. */
type RestFile = string | { filename: string; status: string; previous_filename?: string };

/**
 * Answers the REST file list of acme/api#12, one page per entry of `pages`, with the Link header
 * GitHub sends: `prev` and `first` after page 1, `next` and `last` before page `last`.
 */
function restFilePages(pages: Record<number, RestFile[]>, last: number) {
  const url = (p: number) => `<${API}/repositories/1/pulls/12/files?per_page=100&page=${p}>`;
  const scope = nock(API);
  for (const [n, files] of Object.entries(pages)) {
    const p = Number(n);
    const links = [
      ...(p > 1 ? [`${url(p - 1)}; rel="prev"`] : []),
      ...(p < last ? [`${url(p + 1)}; rel="next"`, `${url(last)}; rel="last"`] : []),
      ...(p > 1 ? [`${url(1)}; rel="first"`] : []),
    ];
    scope
      .get('/repos/acme/api/pulls/12/files')
      .query({ per_page: '100', page: String(p) })
      .reply(
        200,
        files.map((f) => (typeof f === 'string' ? { filename: f, status: 'modified' } : f)),
        links.length ? { link: links.join(', ') } : {},
      );
  }
  return scope;
}

// ---------------------------------------------------------------------------------------------

describe('readPullRequest: a typical pull request', () => {
  it('reads all facts, the default branch head and the policy text in one GraphQL query', async () => {
    const pr = pullRequest({
      author: { __typename: 'Bot', login: 'copilot-swe-agent' },
      changedFiles: 2,
      commits: {
        totalCount: 2,
        ...fwd([
          {
            commit: commit(1, {
              message: 'Add throttle\n\nCo-authored-by: Claude <noreply@anthropic.com>',
              authors: fwd([
                person('Alice', 'alice@example.com', 'alice'),
                person('Claude', 'noreply@anthropic.com'),
              ]),
            }),
          },
          {
            commit: commit(2, {
              authors: fwd([
                person(
                  'github-actions[bot]',
                  '41898282+github-actions[bot]@users.noreply.github.com',
                ),
              ]),
              committer: person('GitHub', 'noreply@github.com'),
            }),
          },
        ]),
      },
      files: fwd([fileNode('src/auth/login.ts'), fileNode('docs/new.md', 'ADDED')]),
      labels: fwd([{ name: 'ai-assisted' }, { name: 'Security' }]),
      // Oldest first within a page; the page is the last 100, and there are older events.
      labelEvents: back(
        [
          labeled('ai-assisted', user('bob'), '2025-01-01T00:00:00Z'),
          labeled(
            'security',
            { __typename: 'Bot', login: 'github-actions' },
            '2025-01-02T00:00:00Z',
          ),
          labeled('ai-assisted', user('carol'), '2025-01-03T00:00:00Z'),
        ],
        'Y3Vyc29yOnYyOpPPAAABk',
      ),
      reviews: fwd([
        {
          id: 'PRR_kwDOA1',
          databaseId: 2001,
          author: user('dave'),
          authorCanPushToRepository: true,
          state: 'APPROVED',
          submittedAt: '2025-01-04T00:00:00Z',
          commit: { oid: sha(2) },
        },
        {
          id: 'PRR_kwDOA2',
          databaseId: 2002,
          author: null,
          state: 'COMMENTED',
          submittedAt: '2025-01-05T00:00:00Z',
          commit: null,
        },
        {
          id: 'PRR_kwDOA3',
          databaseId: 2003,
          author: user('ghost'),
          authorCanPushToRepository: false,
          state: 'CHANGES_REQUESTED',
          submittedAt: '2025-01-06T00:00:00Z',
          commit: { oid: sha(1) },
        },
      ]),
    });
    const calls = graphqlQueue([snapshot(pr)]);

    const snap = await readPullRequest(client(), 'acme', 'api', 12);

    expect(calls).toHaveLength(1);
    expect(calls[0]!.variables).toEqual({
      owner: 'acme',
      repo: 'api',
      number: 12,
      policyExpression: 'HEAD:.github/ai-governance.yml',
    });
    expect(calls[0]!.query).toContain('object(expression: $policyExpression)');
    expect(calls[0]!.query).toContain('defaultBranchRef');
    expect(snap.defaultBranch).toBe('main');
    expect(snap.defaultBranchSha).toBe(DEFAULT_SHA);
    expect(snap.policyText).toBe('version: 1\n');
    expect(snap.policyTruncated).toBe(false);
    expect(snap.baseRepoOwnerType).toBe('Organization');
    expect(snap.facts).toEqual({
      repository: 'acme/api',
      number: 12,
      title: 'Add login throttling',
      body: 'Generated with help.',
      author: { login: 'copilot-swe-agent[bot]', type: 'Bot' },
      headRef: 'feature/throttle',
      headSha: HEAD,
      baseRef: 'main',
      commits: [
        {
          sha: sha(1),
          message: 'Add throttle\n\nCo-authored-by: Claude <noreply@anthropic.com>',
          authors: [
            { name: 'Alice', email: 'alice@example.com', login: 'alice', bot: false },
            { name: 'Claude', email: 'noreply@anthropic.com', login: null, bot: false },
          ],
          committer: { name: 'GitHub', email: 'noreply@github.com', login: 'web-flow', bot: false },
        },
        {
          sha: sha(2),
          message: 'Change 2',
          authors: [
            {
              name: 'github-actions[bot]',
              email: '41898282+github-actions[bot]@users.noreply.github.com',
              login: null,
              bot: true,
            },
          ],
          committer: { name: 'GitHub', email: 'noreply@github.com', login: null, bot: false },
        },
      ],
      commitsComplete: true,
      files: [{ path: 'src/auth/login.ts' }, { path: 'docs/new.md' }],
      filesComplete: true,
      changedFilesCount: 2,
      labels: [
        { name: 'ai-assisted', appliedBy: { login: 'carol', type: 'User' } },
        { name: 'Security', appliedBy: { login: 'github-actions[bot]', type: 'Bot' } },
      ],
      reviews: [
        {
          id: 2001,
          user: { login: 'dave', type: 'User' },
          state: 'APPROVED',
          commitId: sha(2),
          submittedAt: '2025-01-04T00:00:00Z',
          authorCanPush: true,
        },
        {
          id: 2002,
          user: null,
          state: 'COMMENTED',
          commitId: null,
          submittedAt: '2025-01-05T00:00:00Z',
          authorCanPush: null,
        },
        {
          id: 2003,
          user: null,
          state: 'CHANGES_REQUESTED',
          commitId: sha(1),
          submittedAt: '2025-01-06T00:00:00Z',
          authorCanPush: false,
        },
      ],
      teams: {},
      earlierHeads: [],
      labelRemovals: [],
    });
  });

  describe("the app's own check run on the head commit", () => {
    const run = (id: number, conclusion: string | null, annotations = 2) => ({
      databaseId: id,
      status: 'COMPLETED',
      conclusion,
      title: 'Needs 2 approvals',
      summary: 'summary',
      text: 'text',
      annotations: { totalCount: annotations },
    });
    const headCommit = (oid: string, runs: object[]) => ({
      nodes: [{ commit: { oid, checkSuites: { nodes: [{ checkRuns: { nodes: runs } }] } } }],
    });

    it('is read in the same query when the app id is known (the newest run wins)', async () => {
      const calls = graphqlQueue([
        snapshot(
          pullRequest({
            headCommit: headCommit(HEAD, [run(5, 'ACTION_REQUIRED'), run(9, 'SUCCESS', 0)]),
          }),
        ),
      ]);
      const snap = await readPullRequest(client(), 'acme', 'api', 12, { appId: 42 });
      expect(calls).toHaveLength(1);
      expect(calls[0]!.variables.appId).toBe(42);
      expect(calls[0]!.query).toContain('checkSuites(first: 10, filterBy: { appId: $appId })');
      expect(snap.ownCheckRun).toEqual({
        id: 9,
        status: 'completed',
        conclusion: 'success',
        title: 'Needs 2 approvals',
        summary: 'summary',
        text: 'text',
        annotationsCount: 0,
      });
    });

    it('is null when the head has no run of the app, and not asked for without an app id', async () => {
      graphqlQueue([snapshot(pullRequest({ headCommit: headCommit(HEAD, []) }))]);
      expect((await readPullRequest(client(), 'acme', 'api', 12, { appId: 1 })).ownCheckRun).toBe(
        null,
      );
      const calls = graphqlQueue([snapshot(pullRequest())]);
      const snap = await readPullRequest(client(), 'acme', 'api', 12);
      expect(calls[0]!.query).not.toContain('checkSuites');
      expect(snap.ownCheckRun).toBeUndefined();
    });

    it('is unknown (undefined) for a fork, or when the last listed commit is not the head', async () => {
      graphqlQueue([
        snapshot(
          pullRequest({ isCrossRepository: true, headCommit: headCommit(HEAD, [run(5, null)]) }),
        ),
        snapshot(pullRequest({ headCommit: headCommit(sha(7), [run(5, null)]) })),
      ]);
      const fork = await readPullRequest(client(), 'acme', 'api', 12, { appId: 1 });
      expect(fork.ownCheckRun).toBeUndefined();
      const long = await readPullRequest(client(), 'acme', 'api', 12, { appId: 1 });
      expect(long.ownCheckRun).toBeUndefined();
    });
  });

  it('reports a user-owned repository, no policy file, and a deleted PR author', async () => {
    const calls = graphqlQueue([
      snapshot(pullRequest({ author: null, body: null }), {
        owner: { __typename: 'User', login: 'alice' },
        policyFile: null,
      }),
    ]);
    const snap = await readPullRequest(client(), 'alice', 'tool', 12);
    expect(calls).toHaveLength(1);
    expect(snap.baseRepoOwnerType).toBe('User');
    expect(snap.policyText).toBeNull();
    expect(snap.policyTruncated).toBe(false);
    expect(snap.facts.author).toEqual({ login: 'ghost', type: 'Unknown' });
    expect(snap.facts.body).toBe('');
  });

  it.each([
    [
      'truncated',
      {
        __typename: 'Blob',
        text: 'version: 1',
        isTruncated: true,
        isBinary: false,
        byteSize: 600000,
      },
    ],
    [
      'too big for text',
      { __typename: 'Blob', text: null, isTruncated: false, isBinary: false, byteSize: 20000000 },
    ],
    [
      'binary',
      { __typename: 'Blob', text: null, isTruncated: false, isBinary: true, byteSize: 12 },
    ],
    ['a directory', { __typename: 'Tree' }],
  ])('marks a policy file that is %s as truncated, with no text', async (_name, policyFile) => {
    graphqlQueue([snapshot(pullRequest(), { policyFile })]);
    const snap = await readPullRequest(client(), 'acme', 'api', 12);
    expect(snap.policyText).toBeNull();
    expect(snap.policyTruncated).toBe(true);
  });

  describe("the org's policy file, read in the same query", () => {
    const orgBlob = { __typename: 'Blob', text: 'version: 1\n# org\n', isTruncated: false };
    const withOrg = (orgPolicy: unknown) => {
      const a = snapshot(pullRequest());
      return { data: { ...a.data, orgPolicy } };
    };

    it('asks for it once, beside the pull request', async () => {
      const calls = graphqlQueue([withOrg({ policyFile: orgBlob })]);
      const snap = await readPullRequest(client(), 'acme', 'api', 12);
      expect(calls).toHaveLength(1);
      expect(calls[0]!.query).toMatch(/orgPolicy: repository\(owner: \$owner, name: "\.github"\)/);
      expect(snap.orgPolicyText).toBe('version: 1\n# org\n');
    });

    it('knows there is none when the org has the repository but not the file', async () => {
      graphqlQueue([withOrg({ policyFile: null })]);
      const snap = await readPullRequest(client(), 'acme', 'api', 12);
      expect(snap.orgPolicyText).toBeNull();
    });

    it("takes GitHub's NOT_FOUND on the org repository alone as 'none', and the rest of the answer", async () => {
      const answer = {
        ...withOrg(null),
        errors: [
          {
            type: 'NOT_FOUND',
            path: ['orgPolicy'],
            message: "Could not resolve to a Repository with the name 'acme/.github'.",
          },
        ],
      };
      graphqlQueue([answer]);
      const snap = await readPullRequest(client(), 'acme', 'api', 12);
      expect(snap.orgPolicyText).toBeNull();
      expect(snap.policyText).toBe('version: 1\n');
      expect(snap.facts.headSha).toBe(HEAD);
    });

    it.each([
      ['another field', ['repository', 'pullRequest']],
      ['a field inside the org repository', ['orgPolicy', 'policyFile']],
    ])('fails on a NOT_FOUND on %s', async (_name, path) => {
      graphqlQueue([
        {
          ...withOrg(null),
          errors: [{ type: 'NOT_FOUND', path, message: 'Could not resolve' }],
        },
      ]);
      await expect(readPullRequest(client(), 'acme', 'api', 12)).rejects.toThrow(
        /could not read pull request acme\/api#12/,
      );
    });

    it('fails on any other error beside the NOT_FOUND', async () => {
      graphqlQueue([
        {
          ...withOrg(null),
          errors: [
            { type: 'NOT_FOUND', path: ['orgPolicy'], message: 'Could not resolve' },
            { type: 'FORBIDDEN', path: ['repository', 'pullRequest'], message: 'no' },
          ],
        },
      ]);
      await expect(readPullRequest(client(), 'acme', 'api', 12)).rejects.toThrow(
        /could not read pull request acme\/api#12/,
      );
    });

    it('leaves a truncated org file to be read again (not "none")', async () => {
      graphqlQueue([withOrg({ policyFile: { ...orgBlob, isTruncated: true } })]);
      const snap = await readPullRequest(client(), 'acme', 'api', 12);
      expect(snap.orgPolicyText).toBeUndefined();
    });
  });

  it('maps every actor type GitHub uses', async () => {
    graphqlQueue([
      snapshot(
        pullRequest({
          reviews: fwd(
            ['User', 'Bot', 'Organization', 'Mannequin', 'EnterpriseUserAccount'].map((t, i) => ({
              id: `PRR_${i}`,
              databaseId: null,
              author: { __typename: t, login: `a${i}` },
              state: 'COMMENTED',
              submittedAt: null,
              commit: null,
            })),
          ),
        }),
      ),
    ]);
    const snap = await readPullRequest(client(), 'acme', 'api', 12);
    expect(snap.facts.reviews.map((r) => [r.id, r.user])).toEqual([
      ['PRR_0', { login: 'a0', type: 'User' }],
      ['PRR_1', { login: 'a1[bot]', type: 'Bot' }],
      ['PRR_2', { login: 'a2', type: 'Organization' }],
      ['PRR_3', { login: 'a3', type: 'Mannequin' }],
      ['PRR_4', { login: 'a4', type: 'Unknown' }],
    ]);
  });
});

describe('readPullRequest: pagination', () => {
  it('asks follow-up queries only for the connections that still have pages', async () => {
    const labels = Array.from({ length: 102 }, (_, i) => ({ name: `L${i}` }));
    const events = labels.map((l, i) => labeled(l.name, user(`u${i}`)));
    const review = (i: number) => ({
      id: `PRR_${i}`,
      databaseId: 3000 + i,
      author: user(`r${i}`),
      state: 'APPROVED',
      submittedAt: '2025-01-04T00:00:00Z',
      commit: { oid: HEAD },
    });
    const calls = graphqlQueue([
      snapshot(
        pullRequest({
          changedFiles: 250,
          commits: {
            totalCount: 150,
            ...fwd(
              Array.from({ length: 100 }, (_, i) => commitNode(i)),
              'commits-1',
            ),
          },
          files: fwd(
            Array.from({ length: 100 }, (_, i) => fileNode(`f/${i}`)),
            'files-1',
          ),
          labels: fwd(labels.slice(0, 100), 'labels-1'),
          labelEvents: back(events.slice(2), 'events-1'),
          reviews: fwd(
            Array.from({ length: 100 }, (_, i) => review(i)),
            'reviews-1',
          ),
        }),
      ),
      page({
        commits: {
          totalCount: 150,
          ...fwd(Array.from({ length: 50 }, (_, i) => commitNode(100 + i))),
        },
        labels: fwd(labels.slice(100)),
        labelEvents: back(events.slice(0, 2)),
        reviews: fwd([review(100)]),
      }),
      headNow(),
    ]);
    // Files past the first page come from REST by page number, the first page kept from GraphQL.
    const name = (i: number) => `f/${i}`;
    const rest = restFilePages(
      {
        2: Array.from({ length: 100 }, (_, i) => name(100 + i)),
        3: Array.from({ length: 50 }, (_, i) => name(200 + i)),
      },
      3,
    );

    const snap = await readPullRequest(client(), 'acme', 'api', 12);

    expect(rest.isDone()).toBe(true);
    expect(calls).toHaveLength(3);
    expect(calls[1]!.variables).toEqual({
      owner: 'acme',
      repo: 'api',
      number: 12,
      commitsCursor: 'commits-1',
      labelsCursor: 'labels-1',
      labelEventsCursor: 'events-1',
      reviewsCursor: 'reviews-1',
    });
    expect(calls[1]!.query).toContain('after: $commitsCursor');
    expect(calls[1]!.query).toContain('before: $labelEventsCursor');
    expect(calls[1]!.query).not.toContain('files(');
    // Then the head is checked, since REST pages name no commit.
    expect(calls[2]!.query).toMatch(/^query PullRequestHead\b/);
    for (const other of [
      'commits(',
      'files(',
      'labels(',
      'timelineItems(',
      'reviews(',
      'policyFile',
      'defaultBranchRef',
    ]) {
      expect(calls[2]!.query).not.toContain(other);
    }

    expect(snap.facts.commits.map((c) => c.sha)).toEqual(
      Array.from({ length: 150 }, (_, i) => sha(i)),
    );
    expect(snap.facts.commitsComplete).toBe(true);
    expect(snap.facts.files.map((f) => f.path)).toEqual(
      Array.from({ length: 250 }, (_, i) => `f/${i}`),
    );
    expect(snap.facts.filesComplete).toBe(true);
    expect(snap.facts.reviews).toHaveLength(101);
    expect(snap.facts.labels).toHaveLength(102);
    expect(snap.facts.labels[0]).toEqual({ name: 'L0', appliedBy: { login: 'u0', type: 'User' } });
    expect(snap.facts.labels[101]).toEqual({
      name: 'L101',
      appliedBy: { login: 'u101', type: 'User' },
    });
  });

  it('stops reading label events once every label has its most recent applier', async () => {
    const calls = graphqlQueue([
      snapshot(
        pullRequest({
          labels: fwd([{ name: 'ai-assisted' }]),
          labelEvents: back([labeled('ai-assisted', user('carol'))], 'older-events'),
        }),
      ),
    ]);
    const snap = await readPullRequest(client(), 'acme', 'api', 12);
    expect(calls).toHaveLength(1);
    expect(snap.facts.labels).toEqual([
      { name: 'ai-assisted', appliedBy: { login: 'carol', type: 'User' } },
    ]);
  });

  it('reads older label events back to the start, and leaves appliedBy null when none is found', async () => {
    const calls = graphqlQueue([
      snapshot(
        pullRequest({
          labels: fwd([{ name: 'ai-assisted' }, { name: 'old' }, { name: 'never' }]),
          labelEvents: back([labeled('ai-assisted', user('carol'))], 'events-2'),
        }),
      ),
      page({ labelEvents: back([labeled('old', null), labeled('x', user('z'))], 'events-1') }),
      page({ labelEvents: back([labeled('old', user('earlier'))]) }),
    ]);
    const snap = await readPullRequest(client(), 'acme', 'api', 12);
    expect(calls).toHaveLength(3);
    expect(calls[1]!.variables.labelEventsCursor).toBe('events-2');
    expect(calls[2]!.variables.labelEventsCursor).toBe('events-1');
    expect(snap.facts.labels).toEqual([
      { name: 'ai-assisted', appliedBy: { login: 'carol', type: 'User' } },
      // The most recent event for "old" had a deleted actor: that, not the earlier one, counts.
      { name: 'old', appliedBy: null },
      { name: 'never', appliedBy: null },
    ]);
  });

  it('marks files incomplete when GitHub stops listing them (3,500 changed, 3,000 listed)', async () => {
    const files = (p: number) =>
      Array.from({ length: 100 }, (_, i) => fileNode(`dir/${p * 100 + i}.ts`));
    const calls = graphqlQueue([
      snapshot(pullRequest({ changedFiles: 3500, files: fwd(files(0), 'files-1') })),
      headNow(),
    ]);
    // GitHub's REST list stops at page 30 (3,000 files) with no next link.
    const pages: Record<number, string[]> = {};
    for (let p = 2; p <= 30; p++) pages[p] = files(p - 1).map((f) => f.path);
    const rest = restFilePages(pages, 30);

    const snap = await readPullRequest(client(), 'acme', 'api', 12);

    expect(rest.isDone()).toBe(true);
    expect(calls).toHaveLength(2);
    expect(snap.facts.files).toHaveLength(3000);
    expect(new Set(snap.facts.files.map((f) => f.path)).size).toBe(3000);
    expect(snap.facts.changedFilesCount).toBe(3500);
    expect(snap.facts.filesComplete).toBe(false);
  });

  it('reads previous paths from REST when a file was renamed', async () => {
    const calls = graphqlQueue([
      snapshot(
        pullRequest({
          changedFiles: 3,
          files: fwd([
            fileNode('lib/session.ts', 'RENAMED'),
            fileNode('src/auth/login.ts'),
            fileNode('src/old.ts', 'DELETED'),
          ]),
        }),
      ),
      headNow(),
    ]);
    const rest = restFilePages(
      {
        1: [
          {
            filename: 'lib/session.ts',
            status: 'renamed',
            previous_filename: 'src/auth/session.ts',
          },
          'src/auth/login.ts',
        ],
        2: [{ filename: 'src/old.ts', status: 'removed' }],
      },
      2,
    );

    const snap = await readPullRequest(client(), 'acme', 'api', 12);

    expect(calls).toHaveLength(2); // the snapshot, then the head check after the REST pages
    expect(rest.isDone()).toBe(true);
    expect(snap.facts.files).toEqual([
      { path: 'lib/session.ts', previousPath: 'src/auth/session.ts' },
      { path: 'src/auth/login.ts' },
      { path: 'src/old.ts' },
    ]);
    expect(snap.facts.filesComplete).toBe(true);
  });

  it('stops GraphQL file pages as soon as a rename shows, and reads REST instead', async () => {
    const calls = graphqlQueue([
      snapshot(
        pullRequest({
          changedFiles: 2,
          files: fwd([fileNode('b.ts', 'RENAMED')], 'files-1'),
          reviews: fwd([], null),
        }),
      ),
      headNow(),
    ]);
    restFilePages(
      {
        1: [
          { filename: 'b.ts', status: 'renamed', previous_filename: 'a.ts' },
          { filename: 'c.ts', status: 'added' },
        ],
      },
      1,
    );
    const snap = await readPullRequest(client(), 'acme', 'api', 12);
    expect(calls).toHaveLength(2);
    expect(calls[1]!.query).toMatch(/^query PullRequestHead\b/);
    expect(snap.facts.files).toEqual([{ path: 'b.ts', previousPath: 'a.ts' }, { path: 'c.ts' }]);
    expect(snap.facts.filesComplete).toBe(true);
  });

  it('reads further co-authors of commits in one batched follow-up', async () => {
    const many = Array.from({ length: 20 }, (_, i) => person(`P${i}`, `p${i}@example.com`));
    const calls = graphqlQueue([
      snapshot(
        pullRequest({
          commits: {
            totalCount: 2,
            ...fwd([
              { commit: commit(1, { authors: fwd(many, 'authors-1') }) },
              { commit: commit(2) },
            ]),
          },
        }),
      ),
      {
        data: {
          repository: {
            c0: {
              __typename: 'Commit',
              oid: sha(1),
              authors: fwd([
                person('Claude', 'noreply@anthropic.com'),
                person('Bob', 'bob@example.com', 'bob'),
              ]),
            },
          },
        },
      },
    ]);
    const snap = await readPullRequest(client(), 'acme', 'api', 12);
    expect(calls).toHaveLength(2);
    expect(calls[1]!.variables).toEqual({
      owner: 'acme',
      repo: 'api',
      o0: sha(1),
      a0: 'authors-1',
    });
    expect(calls[1]!.query).toContain('authors(first: 100, after: $a0)');
    expect(snap.facts.commits[0]!.authors).toHaveLength(22);
    expect(snap.facts.commits[0]!.authors[21]).toEqual({
      name: 'Bob',
      email: 'bob@example.com',
      login: 'bob',
      bot: false,
    });
    expect(snap.facts.commits[1]!.authors).toHaveLength(1);
  });
});

/**
 * GitHub's GraphQL answer when a top-level field does not resolve (a missing repository, a login
 * that is not an organization): null there, and one NOT_FOUND error naming it.
 */
function unresolved(field: string, message: string) {
  return {
    data: { [field]: null },
    errors: [{ type: 'NOT_FOUND', path: [field], locations: [{ line: 2, column: 3 }], message }],
  };
}

/** A commit as the compare endpoint lists it. */
const compareCommit = (n: number) => ({ sha: sha(n), commit: { message: `Change ${n}` } });

/**
 * Answers the pages of `base...head` from the compare endpoint in order: page i lists `sizes[i]`
 * commits, numbered on from the page before, and every page says GitHub counts `total`.
 */
function compareAnswers(
  total: number,
  sizes: number[],
  { base = BASE_TIP, status = 'diverged', mergeBase = 'e'.repeat(40) } = {},
) {
  const scope = nock(API);
  let first = 0;
  sizes.forEach((size, i) => {
    const from = first;
    scope
      .get(`/repos/acme/api/compare/${base}...${HEAD}`)
      .query({ per_page: '100', page: String(i + 1) })
      .reply(200, {
        status,
        total_commits: total,
        merge_base_commit: { sha: mergeBase },
        commits: Array.from({ length: size }, (_, j) => compareCommit(from + j)),
        files: [],
      });
    first += size;
  });
  return scope;
}

describe('readPullRequest: more than 250 commits', () => {
  function prPages(total: number) {
    return [
      snapshot(
        pullRequest({
          commits: {
            totalCount: total,
            ...fwd(
              Array.from({ length: 100 }, (_, i) => commitNode(i)),
              'c-1',
            ),
          },
        }),
      ),
      page({
        commits: {
          totalCount: total,
          ...fwd(
            Array.from({ length: 100 }, (_, i) => commitNode(100 + i)),
            'c-2',
          ),
        },
      }),
      // GitHub stops the PR list at 250.
      page({
        commits: {
          totalCount: total,
          ...fwd(Array.from({ length: 50 }, (_, i) => commitNode(200 + i))),
        },
      }),
    ];
  }

  it('walks base...head with the compare endpoint to the merge base and reads the rest by sha', async () => {
    const calls = graphqlQueue([
      ...prPages(300),
      (call: GqlCall) => {
        const repository: Record<string, object> = {};
        for (let i = 0; i < 50; i++) {
          expect(call.variables[`o${i}`]).toBe(sha(250 + i));
          repository[`c${i}`] = { __typename: 'Commit', ...commit(250 + i) };
        }
        return { data: { repository } };
      },
    ]);
    const compare = compareAnswers(300, [100, 100, 100]);

    const snap = await readPullRequest(client(), 'acme', 'api', 12);

    expect(compare.isDone()).toBe(true);
    expect(calls).toHaveLength(4);
    expect(calls[3]!.query).toContain('c49: object(oid: $o49)');
    expect(snap.facts.commitsComplete).toBe(true);
    expect(snap.facts.commits).toHaveLength(300);
    expect(snap.facts.commits.map((c) => c.sha)).toEqual(
      Array.from({ length: 300 }, (_, i) => sha(i)),
    );
    expect(snap.facts.commits[299]!.message).toBe('Change 299');
  });

  it('marks commits incomplete without walking when the range is larger than the walk allows', async () => {
    const calls = graphqlQueue(prPages(12_000));
    const compare = compareAnswers(12_000, [100]);
    const snap = await readPullRequest(client(), 'acme', 'api', 12);
    expect(compare.isDone()).toBe(true);
    expect(calls).toHaveLength(3);
    expect(snap.facts.commitsComplete).toBe(false);
    expect(snap.facts.commits).toHaveLength(250);
  });

  it('marks commits incomplete when the walk does not reach every commit GitHub counts', async () => {
    graphqlQueue(prPages(300));
    compareAnswers(300, [40]);
    const snap = await readPullRequest(client(), 'acme', 'api', 12);
    expect(snap.facts.commitsComplete).toBe(false);
    expect(snap.facts.commits).toHaveLength(250);
  });

  it('uses the PR base sha when the base branch is gone, and accepts exactly 250 commits', async () => {
    const pages = prPages(250);
    (pages[0] as any).data.repository.pullRequest.baseRef = null;
    graphqlQueue(pages);
    const compare = compareAnswers(250, [100, 100, 50], {
      base: 'a'.repeat(40),
      status: 'ahead',
      mergeBase: 'a'.repeat(40),
    });
    const snap = await readPullRequest(client(), 'acme', 'api', 12);
    expect(compare.isDone()).toBe(true);
    expect(snap.facts.commitsComplete).toBe(true);
    expect(snap.facts.commits).toHaveLength(250);
  });
});

describe('readPullRequest: errors say what could not be read', () => {
  it('GraphQL errors on the main query', async () => {
    graphqlQueue([
      unresolved('repository', "Could not resolve to a Repository with the name 'acme/api'."),
    ]);
    await expect(readPullRequest(client(), 'acme', 'api', 12)).rejects.toThrow(
      "could not read pull request acme/api#12: NOT_FOUND: Could not resolve to a Repository with the name 'acme/api'.",
    );
  });

  it('an answer that is not JSON (too large for Octokit to parse)', async () => {
    nock(API).post('/graphql').reply(200, 'x'.repeat(1000), { 'content-type': 'text/plain' });
    await expect(readPullRequest(client(), 'acme', 'api', 12)).rejects.toThrow(
      "could not read pull request acme/api#12: GitHub's answer could not be read",
    );
  });

  it('a missing pull request', async () => {
    graphqlQueue([snapshot(null)]);
    await expect(readPullRequest(client(), 'acme', 'api', 12)).rejects.toThrow(
      'could not read pull request acme/api#12: pull request not found',
    );
  });

  it('a review list GitHub leaves out (the field is nullable): an error, never "no reviews"', async () => {
    graphqlQueue([snapshot(pullRequest({ reviews: null }))]);
    await expect(readPullRequest(client(), 'acme', 'api', 12)).rejects.toThrow(
      'could not read reviews of acme/api#12: GitHub gave no review list',
    );
  });

  it('an HTTP error on a follow-up page names the connection', async () => {
    graphqlQueue([
      snapshot(pullRequest({ reviews: fwd([], 'reviews-1') })),
      () => [502, { message: 'Server Error' }],
    ]);
    await expect(readPullRequest(client(), 'acme', 'api', 12)).rejects.toThrow(
      /^could not read reviews of acme\/api#12: HTTP 502: Server Error/,
    );
  });

  it('a push between pages', async () => {
    graphqlQueue([
      snapshot(pullRequest({ files: fwd([fileNode('a')], 'files-1'), changedFiles: 2 })),
      headNow('9'.repeat(40)),
    ]);
    restFilePages({ 2: ['b'] }, 2);
    await expect(readPullRequest(client(), 'acme', 'api', 12)).rejects.toThrow(
      /could not read changed files of acme\/api#12: the head moved/,
    );
  });

  it('a push between GraphQL pages', async () => {
    graphqlQueue([
      snapshot(pullRequest({ reviews: fwd([], 'reviews-1') })),
      page({ headRefOid: '9'.repeat(40), reviews: fwd([]) }),
    ]);
    await expect(readPullRequest(client(), 'acme', 'api', 12)).rejects.toThrow(
      /could not read reviews of acme\/api#12: the head moved/,
    );
  });

  it('GraphQL’s first page and REST’s later pages that do not line up: REST’s first page is read too', async () => {
    // 150 files; REST orders them differently, so its page 2 repeats 50 of GraphQL's page 1.
    const all = Array.from({ length: 150 }, (_, i) => `f/${String(i).padStart(3, '0')}`);
    const calls = graphqlQueue([
      snapshot(
        pullRequest({
          changedFiles: 150,
          files: fwd(
            all.slice(0, 100).map((p) => fileNode(p)),
            'files-1',
          ),
        }),
      ),
      headNow(),
    ]);
    const restOrder = [...all.slice(100), ...all.slice(0, 100)];
    const rest = restFilePages({ 1: restOrder.slice(0, 100), 2: restOrder.slice(100) }, 2);

    const snap = await readPullRequest(client(), 'acme', 'api', 12);

    expect(rest.isDone()).toBe(true);
    expect(calls).toHaveLength(2);
    expect(snap.facts.files.map((f) => f.path).sort()).toEqual(all);
    expect(snap.facts.filesComplete).toBe(true);
  });

  it('a label list GitHub did not give', async () => {
    graphqlQueue([snapshot(pullRequest({ labels: null }))]);
    await expect(readPullRequest(client(), 'acme', 'api', 12)).rejects.toThrow(
      'could not read labels of acme/api#12: GitHub gave no label list',
    );
  });

  it('a file list GitHub did not give is incomplete, not empty', async () => {
    graphqlQueue([snapshot(pullRequest({ files: null, changedFiles: 4 }))]);
    const snap = await readPullRequest(client(), 'acme', 'api', 12);
    expect(snap.facts.files).toEqual([]);
    expect(snap.facts.filesComplete).toBe(false);
    expect(snap.facts.changedFilesCount).toBe(4);
  });

  it('a review state it does not know', async () => {
    graphqlQueue([
      snapshot(
        pullRequest({
          reviews: fwd([
            {
              id: 'R',
              databaseId: 1,
              author: user('x'),
              state: 'SUPER_APPROVED',
              submittedAt: null,
              commit: null,
            },
          ]),
        }),
      ),
    ]);
    await expect(readPullRequest(client(), 'acme', 'api', 12)).rejects.toThrow(
      'could not read reviews of acme/api#12: unknown review state "SUPER_APPROVED"',
    );
  });

  it('a REST failure while reading renamed files', async () => {
    graphqlQueue([snapshot(pullRequest({ files: fwd([fileNode('b.ts', 'RENAMED')]) }))]);
    nock(API)
      .get('/repos/acme/api/pulls/12/files')
      .query(true)
      .reply(500, { message: 'Internal Server Error' });
    await expect(readPullRequest(client(), 'acme', 'api', 12)).rejects.toThrow(
      /^could not read changed files of acme\/api#12: HTTP 500/,
    );
  });

  it('a commit the walk lists but GraphQL cannot find', async () => {
    graphqlQueue([
      snapshot(
        pullRequest({
          commits: {
            totalCount: 101,
            ...fwd(Array.from({ length: 100 }, (_, i) => commitNode(i))),
          },
        }),
      ),
      { data: { repository: { c0: null } } },
    ]);
    compareAnswers(101, [100, 1]);
    await expect(readPullRequest(client(), 'acme', 'api', 12)).rejects.toThrow(
      `could not read commits of acme/api#12: commit ${sha(100)} was not found`,
    );
  });
});

// ---------------------------------------------------------------------------------------------

describe('readTeams', () => {
  const members = (from: number, n: number) =>
    Array.from({ length: n }, (_, i) => ({ login: `Member${from + i}` }));

  it('reads every team in one query, then pages only the teams that have more members', async () => {
    const calls = graphqlQueue([
      {
        data: {
          organization: {
            t0: { slug: 'platform', members: fwd(members(0, 100), 'm-1') },
            t1: { slug: 'security', members: fwd([{ login: 'Eve' }, { login: 'mallory' }]) },
            t2: null,
          },
        },
      },
      { data: { organization: { t0: { slug: 'platform', members: fwd(members(100, 3)) } } } },
    ]);

    const teams = await readTeams(client(), 'acme', ['Platform', 'security', 'gone', 'platform']);

    expect(calls).toHaveLength(2);
    expect(calls[0]!.variables).toEqual({
      org: 'acme',
      s0: 'platform',
      c0: null,
      s1: 'security',
      c1: null,
      s2: 'gone',
      c2: null,
    });
    expect(calls[0]!.query).toContain('membership: ALL');
    expect(calls[1]!.variables).toEqual({ org: 'acme', s0: 'platform', c0: 'm-1' });
    expect(calls[1]!.query).not.toContain('t1:');
    expect(teams.platform).toHaveLength(103);
    expect(teams.platform![102]).toBe('member102');
    expect(teams.security).toEqual(['eve', 'mallory']);
    expect(teams.gone).toBeNull();
    expect(Object.keys(teams).sort()).toEqual(['gone', 'platform', 'security']);
  });

  it('gives null for every team when the owner is not an organization', async () => {
    graphqlQueue([
      unresolved('organization', "Could not resolve to an Organization with the login of 'alice'."),
    ]);
    expect(await readTeams(client(), 'alice', ['core', 'ops'])).toEqual({ core: null, ops: null });
  });

  it('gives null for a team it may not read and keeps the others', async () => {
    graphqlQueue([
      {
        data: { organization: { t0: null, t1: { slug: 'ops', members: fwd([{ login: 'Ann' }]) } } },
        errors: [
          {
            type: 'FORBIDDEN',
            path: ['organization', 't0'],
            message: 'Resource not accessible by integration',
          },
        ],
      },
    ]);
    expect(await readTeams(client(), 'acme', ['secret', 'ops'])).toEqual({
      secret: null,
      ops: ['ann'],
    });
  });

  it('throws on any other error', async () => {
    graphqlQueue([
      {
        data: null,
        errors: [
          { type: 'RATE_LIMITED', message: 'API rate limit exceeded for installation ID 1.' },
        ],
      },
    ]);
    await expect(readTeams(client(), 'acme', ['core'])).rejects.toThrow(
      'could not read the members of teams in acme: RATE_LIMITED: API rate limit exceeded for installation ID 1.',
    );
    nock.cleanAll();
    graphqlQueue([() => [503, { message: 'Service Unavailable' }]]);
    await expect(readTeams(client(), 'acme', ['core'])).rejects.toThrow(/HTTP 503/);
  });

  it('reads nothing when no team is named', async () => {
    const calls = graphqlQueue([]);
    expect(await readTeams(client(), 'acme', [])).toEqual({});
    expect(calls).toHaveLength(0);
  });
});

describe('listOrgTeams', () => {
  it('pages through the teams and gives lower-case slugs', async () => {
    const calls = graphqlQueue([
      {
        data: {
          organization: {
            teams: fwd(
              Array.from({ length: 100 }, (_, i) => ({ slug: `Team-${i}` })),
              'teams-1',
            ),
          },
        },
      },
      { data: { organization: { teams: fwd([{ slug: 'security' }]) } } },
    ]);
    const teams = await listOrgTeams(client(), 'acme');
    expect(calls).toHaveLength(2);
    expect(calls[0]!.variables).toEqual({ org: 'acme', cursor: null });
    expect(calls[1]!.variables).toEqual({ org: 'acme', cursor: 'teams-1' });
    expect(teams.size).toBe(101);
    expect(teams.has('team-7')).toBe(true);
    expect(teams.has('security')).toBe(true);
  });

  it('throws when the organization cannot be read', async () => {
    graphqlQueue([unresolved('organization', 'Could not resolve to an Organization')]);
    await expect(listOrgTeams(client(), 'alice')).rejects.toThrow(
      'could not read the teams of alice: NOT_FOUND: Could not resolve to an Organization',
    );
  });
});

describe('describeError', () => {
  it('says how many times Octokit retried before it gave up', () => {
    const err = Object.assign(new Error('Bad Gateway'), {
      status: 502,
      request: { request: { retryCount: 3 } },
    });
    expect(describeError(err)).toBe('HTTP 502: Bad Gateway (retried 3 times)');
    expect(describeError(Object.assign(new Error('Not Found'), { status: 404 }))).toBe(
      'HTTP 404: Not Found',
    );
  });
});

describe('readPullRequest: earlier heads and label removals (evidence that outlives a push)', () => {
  const record = (head: string) =>
    `Details\n<!-- ai-governance:record v1\n${JSON.stringify({
      pr: 12,
      head,
      overrideAtFirstSight: null,
      evidence: [
        {
          source: 'trailer',
          kind: 'co-author',
          commit: sha(7),
          detail: 'Co-authored-by: Claude <noreply@anthropic.com>',
          reason: 'built-in catalogue: Claude Code',
        },
      ],
    })}\n-->\n`;
  const forcePush = (n: number, at: string, text: string | null) => ({
    createdAt: at,
    beforeCommit: {
      ...commit(n),
      checkSuites: {
        nodes: [{ checkRuns: { nodes: text === null ? [] : [{ databaseId: n, text }] } }],
      },
    },
  });

  it('reads every replaced head with its record, older pages too, and the AI label removals', async () => {
    const pr = pullRequest({
      labelEvents: back([
        labeled('ai-assisted', user('carol')),
        {
          __typename: 'UnlabeledEvent',
          ...labeled('ai-assisted', user('ines'), '2025-01-09T00:00:00Z'),
        },
      ]),
      forcePushes: back([forcePush(3, '2025-01-05T00:00:00Z', record(sha(3)))], 'older-pushes'),
    });
    const older = {
      repository: {
        pullRequest: {
          headRefOid: HEAD,
          forcePushes: back([forcePush(2, '2025-01-03T00:00:00Z', null)]),
        },
      },
    };
    const calls = graphqlQueue([snapshot(pr), { data: older }]);

    const snap = await readPullRequest(client(), 'acme', 'api', 12, { appId: 5 });

    expect(calls.map((c) => /query (\w+)/.exec(c.query)?.[1])).toEqual([
      'PullRequestSnapshot',
      'EarlierHeads',
    ]);
    expect(calls[1]!.variables).toMatchObject({ cursor: 'older-pushes', appId: 5 });
    expect(
      snap.facts.earlierHeads!.map((h) => [h.sha, h.replacedAt, h.record?.head ?? null]),
    ).toEqual([
      [sha(2), '2025-01-03T00:00:00Z', null],
      [sha(3), '2025-01-05T00:00:00Z', sha(3)],
    ]);
    expect(snap.facts.earlierHeads![0]!.commit?.sha).toBe(sha(2));
    expect(snap.facts.labelRemovals).toEqual([
      { name: 'ai-assisted', by: { login: 'ines', type: 'User' }, at: '2025-01-09T00:00:00Z' },
    ]);
    // A removal is not the label's latest application.
    expect(snap.facts.labels).toEqual([]);
  });

  it('fails when GitHub gives no force-push list', async () => {
    const pr = pullRequest({ forcePushes: undefined });
    graphqlQueue([snapshot(pr)]);
    await expect(readPullRequest(client(), 'acme', 'api', 12)).rejects.toThrow(
      'could not read force pushes of acme/api#12: GitHub gave no force-push list',
    );
  });
});
