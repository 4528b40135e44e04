/**
 * A member who leaves a team stops counting at once: on GitHub's `membership` event the app
 * forgets the org's cached teams (kept 60 s otherwise) and re-evaluates the installation's open
 * pull requests, so an approval that counted only through that membership no longer passes.
 */
import webhooks from '@octokit/webhooks-examples';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHECK_NAME, POLICY_PATH } from '../../src/model/names.js';
import { TeamCache } from '../../src/github/team-cache.js';
import { clientDouble } from '../support/client-double.js';
import type { FakeGitHubState } from '../../src/fake-github/state.js';
import {
  membershipEvent,
  pullRequestEvent,
  pullRequestReviewEvent,
} from '../../src/fake-github/webhooks.js';
import { newFakeState, startAppOnFake, type AppOnFake } from '../support/app-on-fake.js';
import { addPaymentsOrg, openAiPullRequest, paymentsPolicy, REPO } from '../support/fixtures.js';

const OTHER = 'acme/ledger';

describe('a member who leaves the team', () => {
  let running: AppOnFake;
  let state: FakeGitHubState;

  beforeAll(async () => {
    state = newFakeState();
    addPaymentsOrg(state);
    state.addRepo({ owner: 'acme', name: 'ledger', files: { [POLICY_PATH]: paymentsPolicy() } });
    // The app as deployed: team members cached for 60 s.
    running = await startAppOnFake(state, { logLevel: 'warn' });
  });
  afterAll(() => running?.stop());

  it('stops counting on the membership event, in every repository of the installation', async () => {
    const prs = [REPO, OTHER].map((repo) => {
      const number = openAiPullRequest(state, ['services/payments/a.ts'], repo);
      return { repo, pr: state.requirePull(repo, number) };
    });
    for (const { repo, pr } of prs) {
      const review = state.submitReview(repo, pr.number, { user: 'sam-senior' });
      expect(await running.send(pullRequestEvent(state, repo, pr.number, 'opened'))).toBe(200);
      expect(await running.send(pullRequestReviewEvent(state, repo, pr.number, review.id))).toBe(
        200,
      );
      expect(state.checkRunsFor(repo, pr.headSha, CHECK_NAME).at(-1)?.conclusion).toBe('success');
    }

    state.setTeamMembers('acme', 'payments-seniors', ['pat-senior']);
    const event = membershipEvent(state, 'acme', 'payments-seniors', 'sam-senior', 'removed');
    expect(await running.send(event)).toBe(200);

    for (const { repo, pr } of prs) {
      const runs = state.checkRunsFor(repo, pr.headSha, CHECK_NAME);
      expect(runs).toHaveLength(1);
      expect(runs[0]).toMatchObject({ status: 'completed', conclusion: 'action_required' });
    }
    expect(running.errors()).toEqual([]);
  });

  it('sends the delivery in the shape of GitHub’s example', () => {
    const example = (webhooks as unknown as { name: string; examples: Record<string, unknown>[] }[])
      .find((w) => w.name === 'membership')!
      .examples.find((e) => 'installation' in e)!;
    const ours = membershipEvent(state, 'acme', 'payments-seniors', 'pat-senior', 'added').payload;
    expect(Object.keys(ours).sort()).toEqual(Object.keys(example).sort());
    expect(Object.keys(ours.team as object).sort()).toEqual(
      expect.arrayContaining(['id', 'slug', 'name']),
    );
  });
});

describe('TeamCache.dropOrg', () => {
  it('forgets the org’s teams, and a read under way does not refill them', async () => {
    let answer = ['sam'];
    let release: () => void = () => {};
    let calls = 0;
    const gh = clientDouble({
      graphql: async () => {
        calls++;
        const members = answer;
        if (calls === 2) await new Promise<void>((r) => (release = r));
        return {
          organization: {
            t0: {
              slug: 'seniors',
              members: {
                pageInfo: { hasNextPage: false, endCursor: null },
                nodes: members.map((login) => ({ login })),
              },
            },
          },
        };
      },
      request: async () => ({ data: {}, status: 200, headers: {} }),
    });
    const cache = new TeamCache({ ttlMs: 60_000, maxEntries: 10 });
    expect(await cache.members(gh, 'acme', ['seniors'])).toEqual({ seniors: ['sam'] });
    cache.dropOrg('ACME');
    // A read starts, then the org is dropped again while it runs.
    const during = cache.members(gh, 'acme', ['seniors']);
    await new Promise((r) => setTimeout(r, 10));
    cache.dropOrg('acme');
    answer = [];
    release();
    expect(await during).toEqual({ seniors: ['sam'] });
    expect(await cache.members(gh, 'acme', ['seniors'])).toEqual({ seniors: [] });
    expect(calls).toBe(3);
  });
});
