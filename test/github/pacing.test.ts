/**
 * Pacing per installation (src/github/pacing.ts), with Probot's Octokit and its throttling as
 * shipped, against the loopback fake GitHub. What is asserted is the order and overlap of requests
 * as the fake received them, and lower bounds on waits GitHub asks for; no speed goal is tested.
 */
import { pino } from 'pino';
import { Probot } from 'probot';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateOrg } from '../../src/fake-github/generate.js';
import { startFakeGitHub, type FakeGitHub } from '../../src/fake-github/server.js';
import type { FakeGitHubState } from '../../src/fake-github/state.js';
import type { GitHubClient } from '../../src/github/client.js';
import { Pacing, isMutation, isRead } from '../../src/github/pacing.js';
import { appKeys, newFakeState } from '../support/app-on-fake.js';

const SECONDARY =
  'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.';
const QUERY = `query Repo($owner: String!, $name: String!) { repository(owner: $owner, name: $name) { name } }`;

interface Seen {
  owner: string;
  method: string;
  graphql: boolean;
  start: number;
  end: number;
}

let state: FakeGitHubState;
let fake: FakeGitHub;
let probot: Probot;
const seen: Seen[] = [];
/** Answers the next GraphQL request for this owner with a secondary rate limit. */
const tripNext = new Set<string>();
let tripped: { owner: string; at: number } | null = null;
let ids: { acme: number; beta: number; gamma: number };
let sha: { acme: string; beta: string };

/** The owner a request is about: from the REST path, or the GraphQL variables. */
function ownerOf(url: string, body: unknown): string {
  const m = /\/repos\/([^/]+)\//.exec(url);
  if (m) return m[1]!;
  try {
    return (JSON.parse(String(body)) as { variables?: { owner?: string } }).variables?.owner ?? '';
  } catch {
    return '';
  }
}

const tracking: typeof fetch = async (input, init) => {
  const url = String(input instanceof Request ? input.url : input);
  const method = (init?.method ?? 'GET').toUpperCase();
  const owner = ownerOf(url, init?.body);
  const graphql = url.endsWith('/graphql');
  const entry: Seen = { owner, method, graphql, start: Date.now(), end: 0 };
  if (graphql && tripNext.delete(owner)) {
    entry.end = Date.now();
    seen.push(entry);
    tripped = { owner, at: Date.now() };
    return new Response(JSON.stringify({ message: SECONDARY }), {
      status: 403,
      headers: { 'content-type': 'application/json', 'retry-after': '1' },
    });
  }
  try {
    return await fetch(input, init);
  } finally {
    entry.end = Date.now();
    if (!url.includes('/access_tokens')) seen.push(entry);
  }
};

beforeAll(async () => {
  state = newFakeState();
  for (const owner of ['acme', 'beta', 'gamma']) generateOrg(state, { owner });
  ids = {
    acme: state.installOn('acme'),
    beta: state.installOn('beta'),
    gamma: state.installOn('gamma'),
  };
  const head = (o: string) => {
    const repo = state.repo(`${o}/service`)!;
    return state.resolveRef(repo, repo.defaultBranch)!;
  };
  sha = { acme: head('acme'), beta: head('beta') };
  fake = await startFakeGitHub(state, { latencyMs: 150 });
  // Probot's own Octokit class, throttling on as shipped; only fetch is watched.
  probot = new Probot({
    appId: state.app.id,
    privateKey: appKeys().privateKey,
    baseUrl: fake.apiUrl,
    log: pino({ level: 'silent' }) as never,
    request: { fetch: tracking },
  });
});

afterAll(() => fake?.close());

/** A client as a webhook of this installation would get it. */
async function client(pacing: Pacing, installation: number): Promise<GitHubClient> {
  const octokit = await probot.auth();
  return pacing.client({ octokit, payload: { installation: { id: installation } } });
}

const read = (gh: GitHubClient, owner: string) => gh.graphql(QUERY, { owner, name: 'service' });
const write = (gh: GitHubClient, owner: 'acme' | 'beta') =>
  gh.request('POST /repos/{owner}/{repo}/check-runs', {
    owner,
    repo: 'service',
    name: 'pacing',
    head_sha: sha[owner],
  });

function maxOverlap(list: Seen[]): number {
  let most = 0;
  for (const a of list) {
    const at = list.filter((b) => b.start <= a.start && b.end > a.start).length;
    most = Math.max(most, at);
  }
  return most;
}

describe('pacing per installation', () => {
  it('tells reads from writes', () => {
    expect(isRead('GET /repos/{owner}/{repo}')).toBe(true);
    expect(isRead('HEAD /repos/{owner}/{repo}')).toBe(true);
    expect(isRead('/repos/{owner}/{repo}')).toBe(true);
    expect(isRead('POST /repos/{owner}/{repo}/check-runs')).toBe(false);
    expect(isRead('PATCH /repos/{owner}/{repo}/check-runs/{id}')).toBe(false);
    expect(isMutation('query Q { viewer { login } }')).toBe(false);
    expect(isMutation('{ viewer { login } }')).toBe(false);
    expect(isMutation('# note\n  mutation M { addStar(input: {}) { clientMutationId } }')).toBe(
      true,
    );
  });

  it('GraphQL queries go side by side, not one a second through the write queue', async () => {
    const gh = await client(new Pacing(), ids.acme);
    seen.length = 0;
    await Promise.all([1, 2, 3, 4].map(() => read(gh, 'acme')));
    const reads = seen.filter((s) => s.graphql);
    expect(reads).toHaveLength(4);
    expect(maxOverlap(reads)).toBeGreaterThanOrEqual(2);
  });

  it('more first reads than the bound, in an installation with no token yet, all complete', async () => {
    // The token request those reads make on the way is not a read: it must not wait for a slot.
    const gh = await client(new Pacing({ reads: { concurrency: 2 } }), ids.gamma);
    seen.length = 0;
    await Promise.all([1, 2, 3, 4, 5].map(() => read(gh, 'gamma')));
    expect(seen.filter((s) => s.graphql && s.owner === 'gamma')).toHaveLength(5);
    expect(maxOverlap(seen.filter((s) => s.graphql))).toBeLessThanOrEqual(2);
  });

  it('the Octokit Probot hands a handler would queue the same queries a second apart', async () => {
    // The control: with Probot's throttling as shipped, GraphQL queries are paced as writes.
    const octokit = await probot.auth(ids.acme);
    seen.length = 0;
    await Promise.all([1, 2].map(() => read(octokit, 'acme')));
    const [a, b] = seen.filter((s) => s.graphql).sort((x, y) => x.start - y.start);
    expect(b!.start - a!.start).toBeGreaterThanOrEqual(900);
  });

  it('writes of one installation go one at a time, a second apart; another installation does not wait', async () => {
    const pacing = new Pacing();
    const [a, b] = [await client(pacing, ids.acme), await client(pacing, ids.beta)];
    await Promise.all([read(a, 'acme'), read(b, 'beta')]); // tokens in hand
    seen.length = 0;
    await Promise.all([write(a, 'acme'), write(a, 'acme'), write(b, 'beta')]);
    const acme = seen.filter((s) => s.owner === 'acme').sort((x, y) => x.start - y.start);
    const beta = seen.filter((s) => s.owner === 'beta');
    expect(acme).toHaveLength(2);
    expect(beta).toHaveLength(1);
    expect(maxOverlap(acme)).toBe(1);
    // Bottleneck's minTime is a second between the limiter's starts; the first request may leave
    // its limiter a little later than the second does under load, hence the slack.
    expect(acme[1]!.start - acme[0]!.start).toBeGreaterThanOrEqual(900);
    // The other installation's write went while the first one's was still in flight.
    expect(beta[0]!.start).toBeLessThan(acme[0]!.end);
  });

  it('backs off on a secondary-limit answer: the installation’s reads wait the time GitHub names', async () => {
    const pacing = new Pacing({ secondaryRetry: { retries: 2, unitMs: 1000, maxWaitSeconds: 60 } });
    const [a, b] = [await client(pacing, ids.acme), await client(pacing, ids.beta)];
    await Promise.all([read(a, 'acme'), read(b, 'beta')]);
    seen.length = 0;
    tripped = null;
    tripNext.add('acme');
    const first = read(a, 'acme');
    while (!tripped) await new Promise((r) => setTimeout(r, 5));
    const at = (tripped as { at: number }).at;
    await new Promise((r) => setTimeout(r, 100)); // the answer reaches the app
    // Issued during the wait: another read of the same installation, and one of another.
    await Promise.all([first, read(a, 'acme'), read(b, 'beta')]);

    const acme = seen.filter((s) => s.owner === 'acme').sort((x, y) => x.start - y.start);
    const beta = seen.filter((s) => s.owner === 'beta');
    expect(acme).toHaveLength(3); // the refused attempt, its retry, the other read
    // Nothing of that installation went to GitHub during the second it was asked to wait.
    for (const later of acme.slice(1)) expect(later.start - at).toBeGreaterThanOrEqual(990);
    // The other installation was not held.
    expect(beta).toHaveLength(1);
    expect(beta[0]!.start - at).toBeLessThan(990);
  });
});
