/**
 * The policy lookup's caches: files kept with their ETags and read again conditionally, parse
 * results shared by text (one frozen Policy object per text), `_extends` lookups, the bounds, and
 * fail-closed behaviour when GitHub answers with an error.
 */
import { Octokit } from '@octokit/rest';
import nock from 'nock';
import { afterEach, describe, expect, it } from 'vitest';
import { startFakeGitHub, type FakeGitHub } from '../../src/fake-github/server.js';
import { FakeGitHubState } from '../../src/fake-github/state.js';
import type { GitHubClient } from '../../src/github/client.js';
import {
  newPolicyCaches,
  parsePolicyLayersCached,
  policyForRepo,
  sharedPolicyCaches,
} from '../../src/github/policy-for-repo.js';
import {
  BoundedCache,
  loadPolicySource,
  newPolicyFileCache,
  type ReadExtends,
} from '../../src/github/policy-source.js';
import { TeamCache } from '../../src/github/team-cache.js';
import { readExtends } from '../../src/policy/load.js';
import { POLICY_PATH } from '../../src/model/names.js';

const API = 'https://api.github.com';
const PATH = '.github%2Fai-governance.yml';
const quiet = { debug() {}, info() {}, warn() {}, error() {} };

function client(): GitHubClient {
  return new Octokit({ auth: 'x', baseUrl: API, request: { retries: 0 }, log: quiet });
}

function fileAnswer(text: string) {
  return {
    type: 'file',
    encoding: 'base64',
    size: Buffer.byteLength(text),
    name: 'ai-governance.yml',
    path: POLICY_PATH,
    content: Buffer.from(text, 'utf8').toString('base64'),
    sha: '3d21ec53a331a6f037a91c368710b99387d012c1',
  };
}

const noExtends: ReadExtends = () => ({ ok: true, target: null });

/** Records the If-None-Match header of every contents request nock answers. */
function conditional(): { seen: (string | undefined)[]; header: (v: string | string[]) => void } {
  const seen: (string | undefined)[] = [];
  return { seen, header: (v) => seen.push(Array.isArray(v) ? v[0] : v) };
}

afterEach(() => {
  nock.cleanAll();
});

describe('BoundedCache', () => {
  it('forgets the least recently used entry first, reading counts as use', () => {
    const c = new BoundedCache<string>({ maxEntries: 2, maxWeight: Infinity });
    c.set('a', 'A');
    c.set('b', 'B');
    expect(c.get('a')).toBe('A');
    c.set('c', 'C');
    expect(c.get('b')).toBeUndefined();
    expect(c.get('a')).toBe('A');
    expect(c.get('c')).toBe('C');
    expect(c.size).toBe(2);
  });

  it('keeps the total weight within its bound and refuses an entry heavier than the bound', () => {
    const c = new BoundedCache<string>({ maxEntries: 100, maxWeight: 10, weigh: (v) => v.length });
    c.set('a', 'xxxx');
    c.set('b', 'yyyy');
    expect(c.weight).toBe(8);
    c.set('c', 'zzzz');
    expect(c.get('a')).toBeUndefined();
    expect(c.weight).toBe(8);
    c.set('huge', 'x'.repeat(11));
    expect(c.get('huge')).toBeUndefined();
    expect(c.weight).toBe(8);
  });

  it('replaces an entry in place, deletes and clears', () => {
    const c = new BoundedCache<string>({ maxEntries: 3, maxWeight: 100, weigh: (v) => v.length });
    c.set('a', 'xx');
    c.set('a', 'xxxxx');
    expect(c.size).toBe(1);
    expect(c.weight).toBe(5);
    c.delete('a');
    c.delete('missing');
    expect(c.size).toBe(0);
    expect(c.weight).toBe(0);
    c.set('b', 'y');
    c.clear();
    expect(c.get('b')).toBeUndefined();
    expect(c.weight).toBe(0);
  });

  it('keeps nothing when it may keep no entries', () => {
    const c = new BoundedCache<string>({ maxEntries: 0, maxWeight: 100 });
    c.set('a', 'A');
    expect(c.get('a')).toBeUndefined();
  });
});

describe('loadPolicySource with a file cache: conditional reads', () => {
  it('reads the org file once, then asks with If-None-Match and uses the text on a 304', async () => {
    const cache = newPolicyFileCache();
    const inm = conditional();
    const scope = nock(API)
      .get(`/repos/acme/.github/contents/${PATH}`)
      .reply(200, fileAnswer('version: 1 # org\n'), { ETag: 'W/"v1"' })
      .get(`/repos/acme/.github/contents/${PATH}`)
      .matchHeader('if-none-match', (v) => (inm.header(v), v === 'W/"v1"'))
      .reply(304, '', { ETag: 'W/"v1"' });
    const opts = { repoText: null, readExtends: noExtends, cache };
    const first = await loadPolicySource(client(), 'acme', 'api', opts);
    const second = await loadPolicySource(client(), 'acme', 'web', opts);
    expect(scope.isDone()).toBe(true);
    expect(inm.seen).toEqual(['W/"v1"']);
    const layers = [{ file: 'acme/.github:.github/ai-governance.yml', text: 'version: 1 # org\n' }];
    expect(first).toEqual({ kind: 'layers', layers });
    expect(second).toEqual({ kind: 'layers', layers });
  });

  it('takes the new text and ETag when the file changed', async () => {
    const cache = newPolicyFileCache();
    nock(API)
      .get(`/repos/acme/.github/contents/${PATH}`)
      .reply(200, fileAnswer('version: 1 # old\n'), { ETag: '"v1"' })
      .get(`/repos/acme/.github/contents/${PATH}`)
      .matchHeader('if-none-match', '"v1"')
      .reply(200, fileAnswer('version: 1 # new\n'), { ETag: '"v2"' })
      .get(`/repos/acme/.github/contents/${PATH}`)
      .matchHeader('if-none-match', '"v2"')
      .reply(304, '');
    const opts = { repoText: null, readExtends: noExtends, cache };
    await loadPolicySource(client(), 'acme', 'api', opts);
    const changed = await loadPolicySource(client(), 'acme', 'api', opts);
    const same = await loadPolicySource(client(), 'acme', 'api', opts);
    expect(nock.isDone()).toBe(true);
    expect(changed).toMatchObject({ layers: [{ text: 'version: 1 # new\n' }] });
    expect(same).toEqual(changed);
  });

  it('forgets a file that is gone (404): none, and the next read is unconditional', async () => {
    const cache = newPolicyFileCache();
    const inm = conditional();
    nock(API)
      .get(`/repos/acme/.github/contents/${PATH}`)
      .reply(200, fileAnswer('version: 1\n'), { ETag: '"v1"' })
      .get(`/repos/acme/.github/contents/${PATH}`)
      .reply(404, { message: 'Not Found' })
      .get(`/repos/acme/.github/contents/${PATH}`)
      .matchHeader('if-none-match', (v) => (inm.header(v), true))
      .reply(404, { message: 'Not Found' });
    const opts = { repoText: null, readExtends: noExtends, cache };
    await loadPolicySource(client(), 'acme', 'api', opts);
    expect(await loadPolicySource(client(), 'acme', 'api', opts)).toEqual({ kind: 'none' });
    expect(cache.size).toBe(0);
    expect(await loadPolicySource(client(), 'acme', 'api', opts)).toEqual({ kind: 'none' });
    expect(inm.seen).toEqual([undefined]);
  });

  it('fails closed on a server error even with a cached copy, and drops the copy', async () => {
    const cache = newPolicyFileCache();
    nock(API)
      .get(`/repos/acme/.github/contents/${PATH}`)
      .reply(200, fileAnswer('version: 1\n'), { ETag: '"v1"' })
      .get(`/repos/acme/.github/contents/${PATH}`)
      .reply(500, { message: 'Internal Server Error' })
      .get(`/repos/acme/.github/contents/${PATH}`)
      .reply(403, { message: 'Resource not accessible by integration' });
    const opts = { repoText: null, readExtends: noExtends, cache };
    await loadPolicySource(client(), 'acme', 'api', opts);
    expect(await loadPolicySource(client(), 'acme', 'api', opts)).toEqual({
      kind: 'error',
      message:
        'could not read acme/.github:.github/ai-governance.yml: HTTP 500: Internal Server Error',
    });
    expect(cache.size).toBe(0);
    expect(await loadPolicySource(client(), 'acme', 'api', opts)).toMatchObject({
      kind: 'error',
      message: expect.stringContaining('HTTP 403'),
    });
  });

  it('keeps nothing without an ETag, and nothing for an answer that is not a file', async () => {
    const cache = newPolicyFileCache();
    const inm = conditional();
    nock(API)
      .get(`/repos/acme/.github/contents/${PATH}`)
      .reply(200, fileAnswer('version: 1\n'))
      .get(`/repos/acme/.github/contents/${PATH}`)
      .matchHeader('if-none-match', (v) => (inm.header(v), true))
      .reply(200, { type: 'symlink', target: 'x' }, { ETag: '"s"' });
    const opts = { repoText: null, readExtends: noExtends, cache };
    expect(await loadPolicySource(client(), 'acme', 'api', opts)).toMatchObject({
      kind: 'layers',
    });
    expect(cache.size).toBe(0);
    expect(await loadPolicySource(client(), 'acme', 'api', opts)).toMatchObject({
      kind: 'error',
      message: expect.stringContaining('symlink'),
    });
    expect(inm.seen).toEqual([undefined]);
    expect(cache.size).toBe(0);
  });

  it('reads _extends targets conditionally too, and never the repository text it was given', async () => {
    const cache = newPolicyFileCache();
    const ext: ReadExtends = (text) => {
      const m = /^_extends:\s*(.+)$/m.exec(text);
      return { ok: true, target: m ? m[1]!.trim() : null };
    };
    nock(API)
      .get(`/repos/acme/shared/contents/${PATH}`)
      .reply(200, fileAnswer('version: 1 # base\n'), { ETag: '"b1"' })
      .get(`/repos/acme/shared/contents/${PATH}`)
      .matchHeader('if-none-match', '"b1"')
      .reply(304, '');
    const opts = { repoText: '_extends: shared\nversion: 1\n', readExtends: ext, cache };
    const a = await loadPolicySource(client(), 'acme', 'api', opts);
    const b = await loadPolicySource(client(), 'acme', 'api', opts);
    expect(nock.isDone()).toBe(true);
    expect(b).toEqual(a);
    expect(a).toMatchObject({ layers: [{ text: 'version: 1 # base\n' }, {}] });
  });

  it('keys files by owner and repository without case', async () => {
    const cache = newPolicyFileCache();
    nock(API)
      .get(`/repos/Acme/.github/contents/${PATH}`)
      .reply(200, fileAnswer('version: 1\n'), { ETag: '"v1"' })
      .get(`/repos/acme/.github/contents/${PATH}`)
      .matchHeader('if-none-match', '"v1"')
      .reply(304, '');
    const opts = { repoText: null, readExtends: noExtends, cache };
    await loadPolicySource(client(), 'Acme', 'api', opts);
    expect(await loadPolicySource(client(), 'acme', 'web', opts)).toMatchObject({
      kind: 'layers',
    });
    expect(nock.isDone()).toBe(true);
  });
});

describe('loadPolicySource with a file cache against the fake GitHub', () => {
  let fake: FakeGitHub | undefined;
  afterEach(async () => {
    await fake?.close();
    fake = undefined;
  });

  it('gets a 304 while the file is unchanged and the new text once it changes', async () => {
    const state = new FakeGitHubState();
    state.addOrg('acme');
    state.addRepo({ owner: 'acme', name: 'api' });
    state.addRepo({ owner: 'acme', name: '.github', files: { [POLICY_PATH]: 'version: 1\n' } });
    fake = await startFakeGitHub(state, { tokens: { t: state.botLogin } });
    const gh = new Octokit({
      auth: 't',
      baseUrl: fake.apiUrl,
      request: { retries: 0 },
      log: quiet,
    });
    const cache = newPolicyFileCache();
    const opts = { repoText: null, readExtends, cache };

    await loadPolicySource(gh, 'acme', 'api', opts);
    expect(fake.stats.reads).toBe(1);
    const again = await loadPolicySource(gh, 'acme', 'api', opts);
    expect(again).toMatchObject({ layers: [{ text: 'version: 1\n' }] });
    expect(fake.stats.notModified).toBe(1);
    expect(fake.stats.reads).toBe(1);

    state.setDefaultBranchFile('acme/.github', POLICY_PATH, 'version: 1 # changed\n');
    const changed = await loadPolicySource(gh, 'acme', 'api', opts);
    expect(changed).toMatchObject({ layers: [{ text: 'version: 1 # changed\n' }] });
    expect(fake.stats.reads).toBe(2);
  });
});

const POLICY = `version: 1
critical_paths:
  - name: payments
    paths: ["services/payments/**"]
    reviewers:
      users: [sam]
`;

describe('parsePolicyLayersCached', () => {
  it('gives the same frozen Policy object for the same texts, even from another file', () => {
    const cache = newPolicyCaches().parsed;
    const a = parsePolicyLayersCached([{ file: 'acme/a:x.yml', text: POLICY }], 'acme', cache);
    const b = parsePolicyLayersCached([{ file: 'acme/b:x.yml', text: POLICY }], 'acme', cache);
    expect(a.ok && b.ok).toBe(true);
    if (!a.ok || !b.ok) return;
    expect(b.policy).toBe(a.policy);
    expect(Object.isFrozen(a.policy)).toBe(true);
    expect(Object.isFrozen(a.policy.critical_paths[0]!.paths)).toBe(true);
    expect(() => {
      (a.policy.critical_paths as unknown[]).push({});
    }).toThrow(TypeError);
  });

  it('parses again for another org or other texts', () => {
    const cache = newPolicyCaches().parsed;
    const a = parsePolicyLayersCached([{ file: 'f', text: POLICY }], 'acme', cache);
    const b = parsePolicyLayersCached([{ file: 'f', text: POLICY }], 'other', cache);
    const c = parsePolicyLayersCached([{ file: 'f', text: `${POLICY}# x\n` }], 'acme', cache);
    const d = parsePolicyLayersCached(
      [
        { file: 'base', text: 'version: 1\n' },
        { file: 'f', text: POLICY },
      ],
      'acme',
      cache,
    );
    const policies = [a, b, c, d].map((r) => (r.ok ? r.policy : null));
    expect(policies.every((p) => p !== null)).toBe(true);
    expect(new Set(policies).size).toBe(4);
  });

  it('keeps errors per file, so each points into its own file', () => {
    const cache = newPolicyCaches().parsed;
    const bad = 'version: 1\ncritical_paths: 7\n';
    const a = parsePolicyLayersCached([{ file: 'acme/a:p.yml', text: bad }], 'acme', cache);
    const b = parsePolicyLayersCached([{ file: 'acme/b:p.yml', text: bad }], 'acme', cache);
    const a2 = parsePolicyLayersCached([{ file: 'acme/a:p.yml', text: bad }], 'acme', cache);
    expect(a.ok || b.ok).toBe(false);
    if (a.ok || b.ok) return;
    expect(a.errors[0]!.file).toBe('acme/a:p.yml');
    expect(b.errors[0]!.file).toBe('acme/b:p.yml');
    expect(a2).toBe(a);
  });

  it('is bounded: the least recently used result is parsed again', () => {
    const cache = newPolicyCaches({ parsed: 2 }).parsed;
    const parse = (i: number) =>
      parsePolicyLayersCached([{ file: 'f', text: `${POLICY}# ${i}\n` }], 'acme', cache);
    const first = parse(1);
    parse(2);
    parse(3);
    expect(cache.size).toBe(2);
    expect(parse(1)).not.toBe(first);
    expect(parse(1)).toBe(parse(1));
  });

  it('is bounded by the bytes of text behind the results', () => {
    const cache = newPolicyCaches({ parsedBytes: POLICY.length * 2 * 2 + 100 }).parsed;
    for (let i = 0; i < 5; i++) {
      parsePolicyLayersCached([{ file: 'f', text: `${POLICY}#${i}\n` }], 'acme', cache);
    }
    expect(cache.size).toBe(2);
  });
});

/** A client for policyForRepo: the org's teams over GraphQL, no REST reads expected. */
function teamClient(teams: Record<string, string[]>) {
  const calls: string[] = [];
  const gh: GitHubClient = {
    async graphql<T>(query: string, vars?: Record<string, unknown>): Promise<T> {
      calls.push('graphql');
      const organization: Record<string, unknown> = {};
      for (let i = 0; vars && `s${i}` in vars; i++) {
        const members = teams[String(vars[`s${i}`])];
        organization[`t${i}`] = members
          ? {
              slug: vars[`s${i}`],
              members: {
                pageInfo: { hasNextPage: false, endCursor: null },
                nodes: members.map((login) => ({ login })),
              },
            }
          : null;
      }
      void query;
      return { organization } as T;
    },
    async request(route: string) {
      calls.push(route);
      throw Object.assign(new Error('Not Found'), { status: 404 });
    },
  };
  return { gh, calls };
}

describe('policyForRepo with caches', () => {
  const TEAM_POLICY = `version: 1
critical_paths:
  - name: payments
    paths: ["services/payments/**"]
    reviewers:
      teams: [payments-seniors]
`;

  it('hands evaluate the same policy object for every evaluation of the same text', async () => {
    const { gh } = teamClient({});
    const caches = newPolicyCaches();
    const teams = new TeamCache({ ttlMs: 60_000, maxEntries: 10 });
    const opts = { repoText: POLICY, ownerIsOrg: true, teams, caches };
    const a = await policyForRepo(gh, 'acme', 'api', opts);
    const b = await policyForRepo(gh, 'acme', 'api', opts);
    const c = await policyForRepo(gh, 'acme', 'web', opts);
    expect(a.kind).toBe('policy');
    if (a.kind !== 'policy' || b.kind !== 'policy' || c.kind !== 'policy') return;
    expect(b.policy).toBe(a.policy);
    expect(c.policy).toBe(a.policy);
    expect(c.layers).toEqual([{ file: 'acme/web:.github/ai-governance.yml', text: POLICY }]);
  });

  it('still reads team members through the team cache, and still rejects unknown teams', async () => {
    const { gh, calls } = teamClient({ 'payments-seniors': ['sam'] });
    const caches = newPolicyCaches();
    const teams = new TeamCache({ ttlMs: 60_000, maxEntries: 10 });
    const ok = await policyForRepo(gh, 'acme', 'api', {
      repoText: TEAM_POLICY,
      ownerIsOrg: true,
      teams,
      caches,
    });
    expect(ok).toMatchObject({ kind: 'policy', teams: { 'payments-seniors': ['sam'] } });
    await policyForRepo(gh, 'acme', 'api', {
      repoText: TEAM_POLICY,
      ownerIsOrg: true,
      teams,
      caches,
    });
    // The org's file is asked for each time (its floor applies; a 404 has no ETag), teams once.
    expect(calls).toEqual([
      'GET /repos/{owner}/{repo}/contents/{path}',
      'graphql',
      'GET /repos/{owner}/{repo}/contents/{path}',
    ]);

    const other = teamClient({});
    const missing = await policyForRepo(other.gh, 'other', 'api', {
      repoText: TEAM_POLICY,
      ownerIsOrg: true,
      teams,
      caches,
    });
    expect(missing.kind).toBe('invalid');
    const user = await policyForRepo(other.gh, 'someone', 'api', {
      repoText: TEAM_POLICY,
      ownerIsOrg: false,
      teams,
      caches,
    });
    expect(user.kind).toBe('invalid');
  });

  it('gives repositories without a policy one frozen default with no actions', async () => {
    const { gh, calls } = teamClient({});
    const teams = new TeamCache({ ttlMs: 60_000, maxEntries: 10 });
    const opts = { repoText: null, ownerIsOrg: true, teams, caches: newPolicyCaches() };
    const a = await policyForRepo(gh, 'acme', 'api', opts);
    const b = await policyForRepo(gh, 'acme', 'web', opts);
    expect(a.kind).toBe('none');
    if (a.kind !== 'none' || b.kind !== 'none') return;
    expect(b.policy).toBe(a.policy);
    expect(a.policy.actions).toEqual({
      label: null,
      request_reviews: false,
      comment: false,
      while_evaluating: false,
    });
    expect(Object.isFrozen(a.policy.actions)).toBe(true);
    // The org's .github was asked each time (not cached: a 404 carries no ETag).
    expect(calls).toEqual([
      'GET /repos/{owner}/{repo}/contents/{path}',
      'GET /repos/{owner}/{repo}/contents/{path}',
    ]);
  });

  it('reports an invalid policy from the cache with its own errors', async () => {
    const { gh } = teamClient({});
    const teams = new TeamCache({ ttlMs: 60_000, maxEntries: 10 });
    const opts = {
      repoText: 'version: 2\n',
      ownerIsOrg: true,
      teams,
      caches: newPolicyCaches(),
    };
    const a = await policyForRepo(gh, 'acme', 'api', opts);
    const b = await policyForRepo(gh, 'acme', 'api', opts);
    expect(a.kind).toBe('invalid');
    expect(b).toEqual(a);
  });

  it('remembers where _extends points, and reports a bad _extends for each file', async () => {
    const { gh } = teamClient({});
    const teams = new TeamCache({ ttlMs: 60_000, maxEntries: 10 });
    const caches = newPolicyCaches();
    const bad = '_extends: 42\nversion: 1\n';
    const a = await policyForRepo(gh, 'acme', 'api', {
      repoText: bad,
      ownerIsOrg: true,
      teams,
      caches,
    });
    const b = await policyForRepo(gh, 'acme', 'web', {
      repoText: bad,
      ownerIsOrg: true,
      teams,
      caches,
    });
    expect(a).toMatchObject({ kind: 'unreadable', message: expect.stringContaining('acme/api:') });
    expect(b).toMatchObject({ kind: 'unreadable', message: expect.stringContaining('acme/web:') });
    await policyForRepo(gh, 'acme', 'api', { repoText: POLICY, ownerIsOrg: true, teams, caches });
    expect(caches.extends.size).toBe(3);
  });

  it('uses the process-wide caches when given none', async () => {
    const { gh } = teamClient({});
    const teams = new TeamCache({ ttlMs: 60_000, maxEntries: 10 });
    const text = `${POLICY}# shared\n`;
    const a = await policyForRepo(gh, 'acme', 'api', { repoText: text, ownerIsOrg: true, teams });
    const b = await policyForRepo(gh, 'acme', 'api', { repoText: text, ownerIsOrg: true, teams });
    expect(a.kind === 'policy' && b.kind === 'policy' && a.policy === b.policy).toBe(true);
    expect(sharedPolicyCaches.parsed.size).toBeGreaterThan(0);
  });
});
