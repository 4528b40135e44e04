/**
 * Registering the app: the manifest the set-up page posts to GitHub names a webhook URL at the
 * path the running app listens on. `npm start` (dist/src/start.js, built by `npm test`) is run
 * as a user runs it: once with no credentials (the set-up page), once with them (the app).
 */
import { createHmac, randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseEnv } from 'node:util';
import webhooks from '@octokit/webhooks-examples';
import nock from 'nock';
import { parse } from 'yaml';
import { afterEach, describe, expect, it } from 'vitest';
import { createSetupServer } from '../../src/setup/server.js';
import { DEFAULT_WEBHOOK_PATH, hookTarget } from '../../src/setup/manifest.js';
import { freePort } from '../../src/fake-github/ports.js';
import { appKeys } from '../support/app-on-fake.js';
import { ROOT } from '../support/fixtures.js';
import { folderPerTest, npmStart } from './npm-start.js';

const APP_YML = readFileSync(join(ROOT, 'app.yml'), 'utf8');
const SECRET = 'registration-test-secret';
const privateKey = () => appKeys().privateKey;
/** GitHub's example of the `ping` a new hook receives. */
const PING = (webhooks as unknown as { name: string; examples: unknown[] }[]).find(
  (w) => w.name === 'ping',
)!.examples[0];

const dir = folderPerTest('aig-setup-');
afterEach(() => {
  nock.cleanAll();
});

const start = (env: Record<string, string>, port: number) => npmStart(dir.path, env, port);

/** The manifest in the set-up page's form, as the browser posts it to GitHub. */
function manifestOf(html: string): Record<string, any> {
  const value = /name="manifest" id="manifest" value="([^"]*)"/.exec(html)?.[1];
  if (value === undefined) throw new Error(`no manifest in the page:\n${html}`);
  const text = value.replace(/&#(\d+);/g, (_, n: string) => String.fromCharCode(Number(n)));
  return JSON.parse(text) as Record<string, any>;
}

function signedPing(url: string) {
  const body = JSON.stringify(PING);
  return fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-github-event': 'ping',
      'x-github-delivery': randomUUID(),
      'x-hub-signature-256': `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`,
    },
    body,
  });
}

describe('the hook URL the set-up page registers', () => {
  it('is PUBLIC_URL plus the webhook path, where the started app answers a signed webhook', async () => {
    const setupPort = await freePort();
    await start({ PUBLIC_URL: 'https://governance.example.com/' }, setupPort);
    const page = await fetch(`http://127.0.0.1:${setupPort}/probot`);
    expect(page.status).toBe(200);
    const html = await page.text();
    const manifest = manifestOf(html);
    expect(manifest.hook_attributes).toEqual({
      url: 'https://governance.example.com/api/github/webhooks',
      active: true,
    });
    expect(manifest.redirect_url).toBe(`http://127.0.0.1:${setupPort}/probot/setup`);
    // Everything app.yml says is registered as it says it.
    const appYml = parse(APP_YML) as Record<string, unknown>;
    for (const key of ['name', 'default_permissions', 'default_events', 'public', 'url']) {
      expect(manifest[key]).toEqual(appYml[key]);
    }
    expect(html).toContain('action="https://github.com/settings/apps/new"');
    expect(html).not.toMatch(/GitHub cannot deliver webhooks/);

    // The same entry with credentials runs the app: the registered path receives webhooks.
    const appPort = await freePort();
    await start({ APP_ID: '1', PRIVATE_KEY: privateKey(), WEBHOOK_SECRET: SECRET }, appPort);
    const path = new URL(manifest.hook_attributes.url).pathname;
    expect((await signedPing(`http://127.0.0.1:${appPort}${path}`)).status).toBe(200);
    // Probot's own page used to register the bare address: nothing is received there.
    expect((await signedPing(`http://127.0.0.1:${appPort}/`)).status).toBe(404);
  }, 60_000);

  it('follows WEBHOOK_PATH on both sides', async () => {
    const setupPort = await freePort();
    await start(
      { PUBLIC_URL: 'https://gov.example.com', WEBHOOK_PATH: '/hooks/github' },
      setupPort,
    );
    const manifest = manifestOf(await (await fetch(`http://127.0.0.1:${setupPort}/probot`)).text());
    expect(manifest.hook_attributes.url).toBe('https://gov.example.com/hooks/github');
    const appPort = await freePort();
    await start(
      {
        APP_ID: '1',
        PRIVATE_KEY: privateKey(),
        WEBHOOK_SECRET: SECRET,
        WEBHOOK_PATH: '/hooks/github',
      },
      appPort,
    );
    expect((await signedPing(`http://127.0.0.1:${appPort}/hooks/github`)).status).toBe(200);
    expect((await signedPing(`http://127.0.0.1:${appPort}${DEFAULT_WEBHOOK_PATH}`)).status).toBe(
      404,
    );
  }, 60_000);

  it('is the smee channel when WEBHOOK_PROXY_URL is set (Probot forwards it to the path)', () => {
    expect(
      hookTarget(
        { WEBHOOK_PROXY_URL: 'https://smee.io/abc123', PUBLIC_URL: 'https://gov.example.com' },
        'http://localhost:3000',
      ),
    ).toEqual({ url: 'https://smee.io/abc123', source: 'WEBHOOK_PROXY_URL' });
  });

  it('warns on the page when neither is set: GitHub cannot reach the local address', async () => {
    const server = createSetupServer({ env: {}, appYml: APP_YML, envFile: join(dir.path, '.env') });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const { port } = server.address() as { port: number };
      const html = await (await fetch(`http://127.0.0.1:${port}/probot`)).text();
      expect(manifestOf(html).hook_attributes.url).toBe(
        `http://127.0.0.1:${port}/api/github/webhooks`,
      );
      expect(html).toMatch(
        /GitHub cannot deliver webhooks to http:\/\/127\.0\.0\.1:\d+\/api\/github\/webhooks/,
      );
      expect(html).toMatch(/set\s+PUBLIC_URL/);
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});

describe('finishing the registration', () => {
  it('exchanges the code GitHub returns and writes the credentials to .env, keeping its lines', async () => {
    const pem = privateKey();
    writeFileSync(join(dir.path, '.env'), '# mine\nLOG_LEVEL=debug\nAPP_ID=\n');
    nock('https://api.github.com').post('/app-manifests/the-code/conversions').reply(201, {
      id: 4242,
      slug: 'ai-governance',
      pem,
      webhook_secret: 'whsec',
      client_id: 'Iv1.abc',
      client_secret: 'shh',
      html_url: 'https://github.com/apps/ai-governance',
    });
    const server = createSetupServer({ env: {}, appYml: APP_YML, envFile: join(dir.path, '.env') });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const { port } = server.address() as { port: number };
      const res = await fetch(`http://127.0.0.1:${port}/probot/setup?code=the-code`, {
        redirect: 'manual',
      });
      expect(res.status).toBe(302);
      expect(res.headers.get('location')).toBe(
        'https://github.com/apps/ai-governance/installations/new',
      );
    } finally {
      await new Promise((r) => server.close(r));
    }
    expect(nock.isDone()).toBe(true);
    const text = readFileSync(join(dir.path, '.env'), 'utf8');
    expect(text.startsWith('# mine\nLOG_LEVEL=debug\nAPP_ID=4242\n')).toBe(true);
    // Read back as Node's .env reader (the one `npm start` uses) reads it.
    const parsed = parseEnv(text);
    const env = Object.fromEntries(
      ['APP_ID', 'PRIVATE_KEY', 'WEBHOOK_SECRET', 'GITHUB_CLIENT_ID'].map((k) => [k, parsed[k]]),
    );
    expect(env).toEqual({
      APP_ID: '4242',
      PRIVATE_KEY: pem,
      WEBHOOK_SECRET: 'whsec',
      GITHUB_CLIENT_ID: 'Iv1.abc',
    });
  });
});
