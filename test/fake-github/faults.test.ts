/**
 * The fake GitHub's faults: errors with GitHub's rate-limit headers or a body of their own, and
 * requests that hang until released or until the client gives up. And the request log's bodies.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { startFakeGitHub, type FakeGitHub } from '../../src/fake-github/server.js';
import { FakeGitHubState } from '../../src/fake-github/state.js';

const TOKEN = 'ghs_faults_token';
const SNAPSHOT = 'query PullRequestSnapshot { viewer { login } }';

let fake: FakeGitHub | null = null;

afterEach(async () => {
  await fake?.close();
  fake = null;
});

async function serve(options: { recordBodies?: boolean } = {}) {
  const state = new FakeGitHubState();
  state.addOrg('acme');
  state.addRepo({ owner: 'acme', name: 'api', files: { 'README.md': '# api\n' } });
  fake = await startFakeGitHub(state, { tokens: { [TOKEN]: 'dana' }, ...options });
  return fake;
}

function call(
  f: FakeGitHub,
  path: string,
  init: { method?: string; body?: unknown; signal?: AbortSignal } = {},
) {
  return fetch(`${f.apiUrl}${path}`, {
    method: init.method ?? 'GET',
    headers: { authorization: `token ${TOKEN}`, 'content-type': 'application/json' },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
    ...(init.signal ? { signal: init.signal } : {}),
  });
}

const graphql = (f: FakeGitHub, signal?: AbortSignal) =>
  call(f, '/graphql', { method: 'POST', body: { query: SNAPSHOT, variables: {} }, signal });

describe('a fault with headers and a body', () => {
  it('sends the headers GitHub sends with a rate limit, over the fake’s own', async () => {
    const f = await serve();
    const reset = String(Math.floor(Date.now() / 1000) + 5);
    f.fail({
      route: 'GET /repos/{owner}/{repo}',
      status: 403,
      message: 'API rate limit exceeded for installation ID 777.',
      headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': reset },
    });
    const res = await call(f, '/repos/acme/api');
    expect(res.status).toBe(403);
    expect(res.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(res.headers.get('x-ratelimit-reset')).toBe(reset);
    // The fake's own headers are still there.
    expect(res.headers.get('x-github-request-id')).toMatch(/^FAKE:/);
    expect(await res.json()).toEqual({
      message: 'API rate limit exceeded for installation ID 777.',
      documentation_url: expect.stringContaining('docs.github.com'),
      status: '403',
    });
    // Once only (times defaults to 1).
    expect((await call(f, '/repos/acme/api')).status).toBe(200);
  });

  it('answers with its own body and status: a GraphQL RATE_LIMITED error with a 200', async () => {
    const f = await serve();
    const body = { errors: [{ type: 'RATE_LIMITED', message: 'API rate limit exceeded' }] };
    const fault = f.fail({ operation: 'PullRequestSnapshot', status: 200, body, times: 2 });
    for (let i = 0; i < 2; i++) {
      const res = await graphql(f);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual(body);
    }
    expect(fault.hits).toBe(2);
    expect(await (await graphql(f)).json()).toEqual({ data: { viewer: { login: 'dana' } } });
    expect(fault.hits).toBe(2);
  });

  it('a rule needs a status or a hang', async () => {
    const f = await serve();
    expect(() => f.fail({ route: '/repos/acme/api' } as never)).toThrow(/needs a status/);
  });
});

describe('a hang', () => {
  it('holds a request until released, then gives the real answer; the next is not held', async () => {
    const f = await serve();
    const stuck = f.fail({ route: 'GET /repos/{owner}/{repo}', hang: true, times: 5 });
    let answered = false;
    const pending = call(f, '/repos/acme/api').then((r) => {
      answered = true;
      return r;
    });
    await vi.waitFor(() => expect(stuck.waiting).toBe(1));
    // Other routes are answered meanwhile.
    expect((await call(f, '/repos/acme/api/pulls')).status).toBe(200);
    expect(answered).toBe(false);
    stuck.release();
    const res = await pending;
    expect(res.status).toBe(200);
    expect(((await res.json()) as { full_name: string }).full_name).toBe('acme/api');
    expect(stuck).toMatchObject({ hits: 1, waiting: 0 });
    // Released means ended: the rule's other four times are not used.
    expect((await call(f, '/repos/acme/api')).status).toBe(200);
    expect(stuck.hits).toBe(1);
    expect(f.stats.requests.map((r) => [r.route, r.status])).toEqual([
      ['GET /repos/{owner}/{repo}/pulls', 200],
      ['GET /repos/{owner}/{repo}', 200],
      ['GET /repos/{owner}/{repo}', 200],
    ]);
  });

  it('ends when the client gives up: recorded with status 499, nothing answered', async () => {
    const f = await serve();
    const stuck = f.fail({ operation: 'PullRequestSnapshot', hang: true, times: 2 });
    for (let i = 0; i < 2; i++) {
      const client = new AbortController();
      const pending = graphql(f, client.signal);
      await vi.waitFor(() => expect(stuck.waiting).toBe(1));
      client.abort();
      await expect(pending).rejects.toThrow();
      await vi.waitFor(() => expect(f.stats.requests).toHaveLength(i + 1));
      expect(stuck.waiting).toBe(0);
    }
    expect(stuck.hits).toBe(2);
    expect(f.stats.requests.map((r) => [r.operation, r.status, r.kind])).toEqual([
      ['PullRequestSnapshot', 499, 'read'],
      ['PullRequestSnapshot', 499, 'read'],
    ]);
    // Its times used up, the next request is answered.
    expect((await graphql(f)).status).toBe(200);
  });

  it('does not keep the fake from closing', async () => {
    const f = await serve();
    const stuck = f.fail({ route: /\/pulls$/, hang: true });
    const pending = call(f, '/repos/acme/api/pulls').catch((err: Error) => err);
    await vi.waitFor(() => expect(stuck.waiting).toBe(1));
    await f.close();
    fake = null;
    expect(await pending).toBeInstanceOf(Error);
    expect(stuck.waiting).toBe(0);
  });
});

describe('the request log', () => {
  it('keeps the query always and the JSON body when asked', async () => {
    const f = await serve({ recordBodies: true });
    await call(f, '/repos/acme/api/pulls?state=open&per_page=5');
    await graphql(f);
    expect(f.stats.requests.map((r) => [r.query, r.body])).toEqual([
      ['?state=open&per_page=5', undefined],
      ['', { query: SNAPSHOT, variables: {} }],
    ]);
  });

  it('keeps no body by default', async () => {
    const f = await serve();
    await graphql(f);
    expect(f.stats.requests[0]).not.toHaveProperty('body');
  });
});
