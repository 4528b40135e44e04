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
  type PolicyFileCache,
  type ReadExtends,
} from '../../src/github/policy-source.js';
import { TeamCache } from '../../src/github/team-cache.js';
import { readExtends } from '../../src/policy/load.js';
import { POLICY_PATH } from '../../src/model/names.js';
import { askedSlugs, teamMembersAnswer } from '../support/teams-answer.js';
import { API, contentsRoute, fileAnswer, nockClient, quiet } from '../support/rest-nock.js';

const noExtends: ReadExtends = () => ({ ok: true, target: null });

/** One read of a policy file: what GitHub answers, and the If-None-Match it must be asked with. */
interface PolicyRead {
  /** 200 by default. */
  status?: number;
  /** A file with this text; otherwise `body`, or nothing. */
  text?: string;
  body?: object;
  etag?: string;
  ifNoneMatch?: string;
}

/**
 * Answers the reads of a repository's policy file in order, and gives the If-None-Match header
 * each read was sent with (undefined for an unconditional read).
 */
function policyReads(fullName: string, ...reads: PolicyRead[]): (string | undefined)[] {
  const sent: (string | undefined)[] = [];
  const route = contentsRoute(fullName, POLICY_PATH);
  for (const read of reads) {
    const asked = nock(API).get(route);
    if (read.ifNoneMatch) asked.matchHeader('if-none-match', read.ifNoneMatch);
    asked.reply(function () {
      const header = this.req.headers['if-none-match'];
      sent.push(Array.isArray(header) ? header[0] : header);
      const body = read.text === undefined ? (read.body ?? '') : fileAnswer(POLICY_PATH, read.text);
      return [read.status ?? 200, body, read.etag ? { ETag: read.etag } : {}];
    });
  }
  return sent;
}

/** acme/<repo>'s policy source, known to have no file of its own, through `cache`. */
function loadOrgPolicy(cache: PolicyFileCache, repo = 'api', owner = 'acme') {
  return loadPolicySource(nockClient(), owner, repo, {
    repoText: null,
    readExtends: noExtends,
    cache,
  });
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
    const sent = policyReads(
      'acme/.github',
      { text: 'version: 1 # org\n', etag: 'W/"v1"' },
      { ifNoneMatch: 'W/"v1"', status: 304, etag: 'W/"v1"' },
    );
    const first = await loadOrgPolicy(cache, 'api');
    const second = await loadOrgPolicy(cache, 'web');
    expect(nock.isDone()).toBe(true);
    expect(sent).toEqual([undefined, 'W/"v1"']);
    const layers = [{ file: 'acme/.github:.github/ai-governance.yml', text: 'version: 1 # org\n' }];
    expect(first).toEqual({ kind: 'layers', layers });
    expect(second).toEqual({ kind: 'layers', layers });
  });

  it('takes the new text and ETag when the file changed', async () => {
    const cache = newPolicyFileCache();
    policyReads(
      'acme/.github',
      { text: 'version: 1 # old\n', etag: '"v1"' },
      { ifNoneMatch: '"v1"', text: 'version: 1 # new\n', etag: '"v2"' },
      { ifNoneMatch: '"v2"', status: 304 },
    );
    await loadOrgPolicy(cache);
    const changed = await loadOrgPolicy(cache);
    const same = await loadOrgPolicy(cache);
    expect(nock.isDone()).toBe(true);
    expect(changed).toMatchObject({ layers: [{ text: 'version: 1 # new\n' }] });
    expect(same).toEqual(changed);
  });

  it('forgets a file that is gone (404): none, and the next read is unconditional', async () => {
    const cache = newPolicyFileCache();
    const sent = policyReads(
      'acme/.github',
      { text: 'version: 1\n', etag: '"v1"' },
      { status: 404, body: { message: 'Not Found' } },
      { status: 404, body: { message: 'Not Found' } },
    );
    await loadOrgPolicy(cache);
    expect(await loadOrgPolicy(cache)).toEqual({ kind: 'none' });
    expect(cache.size).toBe(0);
    expect(await loadOrgPolicy(cache)).toEqual({ kind: 'none' });
    expect(sent).toEqual([undefined, '"v1"', undefined]);
  });

  it('fails closed on a server error even with a cached copy, and drops the copy', async () => {
    const cache = newPolicyFileCache();
    policyReads(
      'acme/.github',
      { text: 'version: 1\n', etag: '"v1"' },
      { status: 500, body: { message: 'Internal Server Error' } },
      { status: 403, body: { message: 'Resource not accessible by integration' } },
    );
    await loadOrgPolicy(cache);
    expect(await loadOrgPolicy(cache)).toEqual({
      kind: 'error',
      message:
        'could not read acme/.github:.github/ai-governance.yml: HTTP 500: Internal Server Error',
    });
    expect(cache.size).toBe(0);
    expect(await loadOrgPolicy(cache)).toMatchObject({
      kind: 'error',
      message: expect.stringContaining('HTTP 403'),
    });
  });

  it('keeps nothing without an ETag, and nothing for an answer that is not a file', async () => {
    const cache = newPolicyFileCache();
    const sent = policyReads(
      'acme/.github',
      { text: 'version: 1\n' },
      { body: { type: 'symlink', target: 'x' }, etag: '"s"' },
    );
    expect(await loadOrgPolicy(cache)).toMatchObject({ kind: 'layers' });
    expect(cache.size).toBe(0);
    expect(await loadOrgPolicy(cache)).toMatchObject({
      kind: 'error',
      message: expect.stringContaining('symlink'),
    });
    expect(sent).toEqual([undefined, undefined]);
    expect(cache.size).toBe(0);
  });

  it('reads _extends targets conditionally too, and never the repository text it was given', async () => {
    const cache = newPolicyFileCache();
    const ext: ReadExtends = (text) => {
      const m = /^_extends:\s*(.+)$/m.exec(text);
      return { ok: true, target: m ? m[1]!.trim() : null };
    };
    policyReads(
      'acme/shared',
      { text: 'version: 1 # base\n', etag: '"b1"' },
      { ifNoneMatch: '"b1"', status: 304 },
    );
    const opts = { repoText: '_extends: shared\nversion: 1\n', readExtends: ext, cache };
    const a = await loadPolicySource(nockClient(), 'acme', 'api', opts);
    const b = await loadPolicySource(nockClient(), 'acme', 'api', opts);
    expect(nock.isDone()).toBe(true);
    expect(b).toEqual(a);
    expect(a).toMatchObject({ layers: [{ text: 'version: 1 # base\n' }, {}] });
  });

  it('keys files by owner and repository without case', async () => {
    const cache = newPolicyFileCache();
    policyReads('Acme/.github', { text: 'version: 1\n', etag: '"v1"' });
    policyReads('acme/.github', { ifNoneMatch: '"v1"', status: 304 });
    await loadOrgPolicy(cache, 'api', 'Acme');
    expect(await loadOrgPolicy(cache, 'web', 'acme')).toMatchObject({ kind: 'layers' });
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
    async graphql<T>(_query: string, vars?: Record<string, unknown>): Promise<T> {
      calls.push('graphql');
      return teamMembersAnswer(teams, askedSlugs(vars)) as T;
    },
    async request(route: string) {
      calls.push(route);
      throw Object.assign(new Error('Not Found'), { status: 404 });
    },
  };
  return { gh, calls };
}

/** A short-lived team cache, as the app keeps one. */
function newTeamCache() {
  return new TeamCache({ ttlMs: 60_000, maxEntries: 10 });
}

interface ForRepo {
  teams: TeamCache;
  caches?: ReturnType<typeof newPolicyCaches>;
  ownerIsOrg?: boolean;
}

/** policyForRepo for `owner/repo` given its own policy text; the owner is an org by default. */
function forRepo(gh: GitHubClient, fullName: string, repoText: string | null, ctx: ForRepo) {
  const [owner, repo] = fullName.split('/') as [string, string];
  return policyForRepo(gh, owner, repo, { repoText, ownerIsOrg: true, ...ctx });
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
    const ctx = { teams: newTeamCache(), caches: newPolicyCaches() };
    const a = await forRepo(gh, 'acme/api', POLICY, ctx);
    const b = await forRepo(gh, 'acme/api', POLICY, ctx);
    const c = await forRepo(gh, 'acme/web', POLICY, ctx);
    expect(a.kind).toBe('policy');
    if (a.kind !== 'policy' || b.kind !== 'policy' || c.kind !== 'policy') return;
    expect(b.policy).toBe(a.policy);
    expect(c.policy).toBe(a.policy);
    expect(c.layers).toEqual([{ file: 'acme/web:.github/ai-governance.yml', text: POLICY }]);
  });

  it('still reads team members through the team cache, and still rejects unknown teams', async () => {
    const { gh, calls } = teamClient({ 'payments-seniors': ['sam'] });
    const ctx = { teams: newTeamCache(), caches: newPolicyCaches() };
    const ok = await forRepo(gh, 'acme/api', TEAM_POLICY, ctx);
    expect(ok).toMatchObject({ kind: 'policy', teams: { 'payments-seniors': ['sam'] } });
    await forRepo(gh, 'acme/api', TEAM_POLICY, ctx);
    // The org's file is asked for each time (its floor applies; a 404 has no ETag), teams once.
    expect(calls).toEqual([
      'GET /repos/{owner}/{repo}/contents/{path}',
      'graphql',
      'GET /repos/{owner}/{repo}/contents/{path}',
    ]);

    const other = teamClient({});
    const missing = await forRepo(other.gh, 'other/api', TEAM_POLICY, ctx);
    expect(missing.kind).toBe('invalid');
    const user = await forRepo(other.gh, 'someone/api', TEAM_POLICY, { ...ctx, ownerIsOrg: false });
    expect(user.kind).toBe('invalid');
  });

  it('gives repositories without a policy one frozen default with no actions', async () => {
    const { gh, calls } = teamClient({});
    const ctx = { teams: newTeamCache(), caches: newPolicyCaches() };
    const a = await forRepo(gh, 'acme/api', null, ctx);
    const b = await forRepo(gh, 'acme/web', null, ctx);
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
    const ctx = { teams: newTeamCache(), caches: newPolicyCaches() };
    const a = await forRepo(gh, 'acme/api', 'version: 2\n', ctx);
    const b = await forRepo(gh, 'acme/api', 'version: 2\n', ctx);
    expect(a.kind).toBe('invalid');
    expect(b).toEqual(a);
  });

  it('remembers where _extends points, and reports a bad _extends for each file', async () => {
    const { gh } = teamClient({});
    const caches = newPolicyCaches();
    const ctx = { teams: newTeamCache(), caches };
    const bad = '_extends: 42\nversion: 1\n';
    const a = await forRepo(gh, 'acme/api', bad, ctx);
    const b = await forRepo(gh, 'acme/web', bad, ctx);
    expect(a).toMatchObject({ kind: 'unreadable', message: expect.stringContaining('acme/api:') });
    expect(b).toMatchObject({ kind: 'unreadable', message: expect.stringContaining('acme/web:') });
    await forRepo(gh, 'acme/api', POLICY, ctx);
    expect(caches.extends.size).toBe(3);
  });

  it('uses the process-wide caches when given none', async () => {
    const { gh } = teamClient({});
    const ctx = { teams: newTeamCache() };
    const text = `${POLICY}# shared\n`;
    const a = await forRepo(gh, 'acme/api', text, ctx);
    const b = await forRepo(gh, 'acme/api', text, ctx);
    expect(a.kind === 'policy' && b.kind === 'policy' && a.policy === b.policy).toBe(true);
    expect(sharedPolicyCaches.parsed.size).toBeGreaterThan(0);
  });
});
