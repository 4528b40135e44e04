/**
 * The set-up page `npm start` serves while the app has no credentials: it registers the GitHub
 * App from app.yml with a webhook URL GitHub can reach (see manifest.ts), then writes the app's
 * id, key and webhook secret to .env. It replaces Probot's own set-up page, whose manifest points
 * the webhook at the page's own address and path (`http://localhost:3000/`), where no webhook is
 * received.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { apiBaseUrl, buildManifest, createAppUrl, hookTarget, type SetupEnv } from './manifest.js';
import { updateEnvFile } from './env-file.js';

export interface SetupOptions {
  env: SetupEnv;
  /** The text of app.yml. */
  appYml: string;
  /** The .env file the credentials are written to. */
  envFile: string;
  log?: (line: string) => void;
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The address the browser used, as the page's own base URL (behind a proxy, its forwarded one). */
function pageBaseUrl(req: IncomingMessage): string {
  const first = (h: string | string[] | undefined) =>
    (Array.isArray(h) ? h[0] : h)?.split(',')[0]?.trim();
  const proto = first(req.headers['x-forwarded-proto']) || 'http';
  const host = first(req.headers['x-forwarded-host']) || req.headers.host || 'localhost';
  return `${proto}://${host}`;
}

export function setupPage(opts: SetupOptions, baseUrl: string): string {
  const manifest = JSON.stringify(buildManifest(opts.appYml, opts.env, baseUrl));
  const hook = hookTarget(opts.env, baseUrl);
  const warning =
    hook.source === 'local'
      ? `<p class="warn">GitHub cannot deliver webhooks to ${escapeHtml(hook.url)}. Stop the app and set
PUBLIC_URL to the address GitHub reaches it at (e.g. https://governance.example.com), or
WEBHOOK_PROXY_URL to a smee.io channel when trying it on a laptop, then start it again.</p>`
      : '';
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Register AI Governance</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem}
.warn{background:#fff8c5;border:1px solid #d4a72c;padding:.75rem;border-radius:6px}
code{background:#f6f8fa;padding:0 .25rem}</style></head>
<body><h1>Register AI Governance</h1>
<p>This registers a GitHub App from app.yml. GitHub will send its webhooks to
<code id="hook-url">${escapeHtml(hook.url)}</code> (from ${hook.source === 'local' ? 'this page’s address' : hook.source}).</p>
${warning}
<form action="${escapeHtml(createAppUrl(opts.env))}" method="post">
<input type="hidden" name="manifest" id="manifest" value="${escapeHtml(manifest)}">
<button type="submit">Register the GitHub App</button></form>
</body></html>
`;
}

interface Conversion {
  id: number;
  pem: string;
  webhook_secret: string;
  client_id?: string;
  client_secret?: string;
  html_url: string;
}

/** Exchanges the code GitHub returned for the new app's credentials, and writes them to .env. */
async function convert(opts: SetupOptions, code: string): Promise<string> {
  const res = await fetch(
    `${apiBaseUrl(opts.env)}/app-manifests/${encodeURIComponent(code)}/conversions`,
    { method: 'POST', headers: { accept: 'application/vnd.github+json' } },
  );
  if (!res.ok) throw new Error(`GitHub answered ${res.status} to the manifest code exchange`);
  const app = (await res.json()) as Conversion;
  updateEnvFile(opts.envFile, {
    APP_ID: String(app.id),
    PRIVATE_KEY: app.pem,
    WEBHOOK_SECRET: app.webhook_secret,
    ...(app.client_id ? { GITHUB_CLIENT_ID: app.client_id } : {}),
    ...(app.client_secret ? { GITHUB_CLIENT_SECRET: app.client_secret } : {}),
  });
  return app.html_url;
}

export function createSetupServer(opts: SetupOptions): Server {
  const log = opts.log ?? (() => {});
  return createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://setup.invalid');
    if (req.method !== 'GET') {
      res.writeHead(405, { allow: 'GET' }).end();
    } else if (url.pathname === '/') {
      res.writeHead(302, { location: '/probot' }).end();
    } else if (url.pathname === '/probot') {
      res
        .writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
        .end(setupPage(opts, pageBaseUrl(req)));
    } else if (url.pathname === '/probot/setup') {
      const code = url.searchParams.get('code');
      if (!code) {
        res.writeHead(400, { 'content-type': 'text/plain' }).end('code missing');
        return;
      }
      convert(opts, code).then(
        (htmlUrl) => {
          log(
            `Registered the app; its credentials are in ${opts.envFile}. Restart the app to run it.`,
          );
          res.writeHead(302, { location: `${htmlUrl}/installations/new` }).end();
        },
        (err: unknown) => {
          res
            .writeHead(502, { 'content-type': 'text/plain' })
            .end(
              `Could not finish the registration: ${err instanceof Error ? err.message : String(err)}`,
            );
        },
      );
    } else {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('Not found');
    }
  });
}
