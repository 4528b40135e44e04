import type { ProbotOctokit } from 'probot';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  DELIVERY_RETENTION_MS,
  type HookDelivery,
  type HookDeliveryItem,
} from '../../src/fake-github/deliveries.js';
import { startFakeGitHub, type FakeGitHub } from '../../src/fake-github/server.js';
import type { FakeGitHubState } from '../../src/fake-github/state.js';
import { pullRequestEvent, signPayload } from '../../src/fake-github/webhooks.js';
import { newFakeState, probotOnFake } from '../support/app-on-fake.js';
import { addApiRepoWithPullRequest } from '../support/fixtures.js';
import { startReceiver, type ReceivedRequest, type WebhookReceiver } from '../support/receiver.js';

const SECRET = 'deliveries-secret';
const REPO = 'acme/api';

/** The keys of GitHub's `hook-delivery-item` (openapi-types), every one of them required but one. */
const ITEM_KEYS: (keyof HookDeliveryItem)[] = [
  'id',
  'guid',
  'delivered_at',
  'redelivery',
  'duration',
  'status',
  'status_code',
  'event',
  'action',
  'installation_id',
  'repository_id',
];

describe('the fake GitHub records deliveries and redelivers them', () => {
  let fake: FakeGitHub;
  let state: FakeGitHubState;
  let receiver: WebhookReceiver;
  let received: ReceivedRequest[];
  let answers: number[];
  let appOctokit: InstanceType<typeof ProbotOctokit>;
  let hookUrl: string;

  beforeEach(async () => {
    state = newFakeState();
    addApiRepoWithPullRequest(state);
    fake = await startFakeGitHub(state);
    receiver = await startReceiver();
    ({ received, answers, url: hookUrl } = receiver);
    fake.deliveries.configure(hookUrl, SECRET);
    appOctokit = await probotOnFake(state, fake).auth();
  });

  afterEach(async () => {
    await fake.close();
    await receiver.close();
  });

  const event = () => pullRequestEvent(state, REPO, 1, 'opened');

  it('records what the app answered: OK only for a 2xx', async () => {
    answers.push(200, 500);
    const ok = await fake.deliveries.send(event());
    const error = await fake.deliveries.send(event());
    fake.deliveries.configure('http://127.0.0.1:1/api/github/webhooks', SECRET);
    const refused = await fake.deliveries.send(event());

    expect([ok.status, ok.statusCode]).toEqual(['OK', 200]);
    expect([error.status, error.statusCode]).toEqual(['Invalid HTTP Response: 500', 500]);
    expect(refused.status).toBe('failed to connect');
    expect(received).toHaveLength(2);
    // What the app got was signed with the secret, under the delivery's guid.
    expect(received[0]!.headers['x-github-delivery']).toBe(ok.guid);
    expect(received[0]!.headers['x-hub-signature-256']).toBe(
      signPayload(SECRET, received[0]!.body),
    );
  });

  it('lists deliveries newest first in GitHub’s shape, cursor-paged, as the app only', async () => {
    answers.push(200, 502, 200);
    const sent = [];
    for (let i = 0; i < 3; i++) sent.push(await fake.deliveries.send(event()));

    const first = await appOctokit.request('GET /app/hook/deliveries', { per_page: 2 });
    expect(first.data.map((d) => d.id)).toEqual([sent[2]!.id, sent[1]!.id]);
    expect(first.headers.link).toMatch(/[?&]cursor=v1_\d+.*rel="next"/);
    for (const key of ITEM_KEYS) expect(first.data[0]).toHaveProperty(key);
    expect(first.data[1]).toMatchObject({
      guid: sent[1]!.guid,
      status: 'Invalid HTTP Response: 502',
      status_code: 502,
      redelivery: false,
      event: 'pull_request',
      action: 'opened',
      installation_id: state.app.installationId,
      repository_id: state.requireRepo(REPO).id,
    });
    expect(Date.parse(first.data[0]!.delivered_at)).not.toBeNaN();

    const all = await appOctokit.paginate('GET /app/hook/deliveries', { per_page: 2 });
    expect(all.map((d) => d.id)).toEqual(sent.map((d) => d.id).reverse());

    const failures = await appOctokit.request('GET /app/hook/deliveries', { status: 'failure' });
    expect(failures.data.map((d) => d.id)).toEqual([sent[1]!.id]);

    const one = await appOctokit.request('GET /app/hook/deliveries/{delivery_id}', {
      delivery_id: sent[1]!.id,
    });
    const detail: HookDelivery = one.data;
    expect(detail.url).toBe(hookUrl);
    expect(detail.request.payload).toMatchObject({ action: 'opened', number: 1 });
    expect(detail.request.headers).toMatchObject({ 'x-github-event': 'pull_request' });
    expect(detail.response.payload).toBe('handled');

    // An installation token is not enough.
    const noJwt = await fetch(`${fake.apiUrl}/app/hook/deliveries`, {
      headers: { authorization: 'token ghs_nope' },
    });
    expect(noJwt.status).toBe(401);
  });

  it('redelivers on request: a new delivery, same guid and payload, marked as a redelivery', async () => {
    answers.push(503, 200);
    const failed = await fake.deliveries.send(event());
    const answer = await appOctokit.request('POST /app/hook/deliveries/{delivery_id}/attempts', {
      delivery_id: failed.id,
    });
    expect(answer.status).toBe(202);
    await fake.deliveries.settle();

    const [again, original] = fake.deliveries.all();
    expect(original!.id).toBe(failed.id);
    expect(again).toMatchObject({ guid: failed.guid, redelivery: true, status: 'OK' });
    expect(again!.id).not.toBe(failed.id);
    expect(received.map((r) => r.headers['x-github-delivery'])).toEqual([failed.guid, failed.guid]);
    expect(received[1]!.body).toBe(received[0]!.body);
  });

  it('forgets deliveries older than GitHub keeps them', async () => {
    answers.push(500);
    const old = await fake.deliveries.send(event());
    fake.deliveries.age(DELIVERY_RETENTION_MS + 60_000);
    const fresh = await fake.deliveries.send(event());

    const list = await appOctokit.paginate('GET /app/hook/deliveries', { per_page: 100 });
    expect(list.map((d) => d.id)).toEqual([fresh.id]);
    await expect(
      appOctokit.request('POST /app/hook/deliveries/{delivery_id}/attempts', {
        delivery_id: old.id,
      }),
    ).rejects.toMatchObject({ status: 404 });
    await fake.deliveries.settle();
    expect(fake.deliveries.all()).toHaveLength(2);
  });
});
