/**
 * `ai-governance redeliver --since 1h` against the loopback fake GitHub, authenticated as the app
 * from APP_ID and PRIVATE_KEY with GHE_HOST pointing at the fake: it asks for every failed
 * delivery in the window once, leaves older and successful ones alone, and says what it did.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli, type CliIo } from '../../src/cli/run.js';
import { redeliverCommand } from '../../src/cli/redeliver.js';
import { startFakeGitHub, type FakeGitHub } from '../../src/fake-github/server.js';
import type { FakeGitHubState } from '../../src/fake-github/state.js';
import { pullRequestEvent } from '../../src/fake-github/webhooks.js';
import { appKeys, newFakeState } from '../support/app-on-fake.js';
import { addApiRepoWithPullRequest } from '../support/fixtures.js';
import { startReceiver, type WebhookReceiver } from '../support/receiver.js';

const SECRET = 'cli-secret';
const REPO = 'acme/api';

function capture(): CliIo & { out: string; err: string } {
  const io = {
    cwd: process.cwd(),
    color: false,
    out: '',
    err: '',
    stdout: (s: string) => void (io.out += s),
    stderr: (s: string) => void (io.err += s),
  };
  return io;
}

describe('ai-governance redeliver', () => {
  let fake: FakeGitHub;
  let state: FakeGitHubState;
  let receiver: WebhookReceiver;
  let hookUrl: string;
  let env: NodeJS.ProcessEnv;

  beforeEach(async () => {
    state = newFakeState();
    addApiRepoWithPullRequest(state);
    fake = await startFakeGitHub(state);
    receiver = await startReceiver('/');
    hookUrl = receiver.url;
    env = {
      APP_ID: String(state.app.id),
      PRIVATE_KEY: appKeys().privateKey,
      GHE_HOST: fake.host,
      GHE_PROTOCOL: 'http',
    };
  });

  afterEach(async () => {
    await fake.close();
    await receiver.close();
  });

  /** The ids of the deliveries the app's endpoint received. */
  const received = () => receiver.received.map((r) => String(r.headers['x-github-delivery']));

  /** One delivery that failed two hours ago, one that failed now, one that succeeded now. */
  async function history() {
    fake.deliveries.configure('http://127.0.0.1:1/', SECRET);
    const old = await fake.deliveries.send(pullRequestEvent(state, REPO, 1, 'opened'));
    fake.deliveries.age(2 * 3600_000);
    const failed = await fake.deliveries.send(pullRequestEvent(state, REPO, 1, 'edited'));
    fake.deliveries.configure(hookUrl, SECRET);
    const ok = await fake.deliveries.send(pullRequestEvent(state, REPO, 1, 'reopened'));
    receiver.received.length = 0;
    return { old, failed, ok };
  }

  it('redelivers the deliveries that failed in the window, once', async () => {
    const { failed } = await history();
    const io = capture();
    expect(await redeliverCommand(['--since', '1h'], io, env)).toBe(0);
    await fake.deliveries.settle();
    expect(io.err).toBe('');
    expect(io.out).toContain('2 deliveries since');
    expect(io.out).toContain(`Redelivered 1:\n  ${failed.guid}  pull_request.edited`);
    expect(io.out).toContain('last: failed to connect');
    expect(received()).toEqual([failed.guid]);

    // Again: the redelivery succeeded, so there is nothing left to do.
    const again = capture();
    expect(await redeliverCommand(['--since', '1h'], again, env)).toBe(0);
    await fake.deliveries.settle();
    expect(again.out).toContain('Redelivered 0.');
    expect(received()).toEqual([failed.guid]);
  });

  it('looks further back when asked, and only lists in a dry run', async () => {
    const { old, failed } = await history();
    const io = capture();
    expect(await redeliverCommand(['--since', '3h', '--dry-run', '--json'], io, env)).toBe(0);
    const report = JSON.parse(io.out) as { redelivered: { guid: string }[] };
    expect(report.redelivered.map((e) => e.guid)).toEqual([old.guid, failed.guid]);
    await fake.deliveries.settle();
    expect(received()).toEqual([]);
  });

  it('refuses bad usage and missing credentials with exit status 2', async () => {
    const io = capture();
    expect(await redeliverCommand(['--since', 'soon'], io, env)).toBe(2);
    expect(io.err).toMatch(/--since: "soon" is not a duration/);
    const none = capture();
    expect(await redeliverCommand([], none, {})).toBe(2);
    expect(none.err).toMatch(/set APP_ID, and PRIVATE_KEY or PRIVATE_KEY_PATH/);
    const help = capture();
    expect(await runCli(['redeliver', '--help'], help)).toBe(0);
    expect(help.out).toMatch(/^Usage: ai-governance redeliver/);
  });

  it('exits 1 when GitHub will not list the deliveries', async () => {
    fake.fail({ route: 'GET /app/hook/deliveries', status: 403, message: 'Forbidden' });
    const io = capture();
    expect(await redeliverCommand([], io, env)).toBe(1);
    expect(io.err).toMatch(/could not read the app's deliveries: HTTP 403: Forbidden/);
  });
});
