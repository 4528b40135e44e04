/**
 * The GitHub App manifest the set-up page posts to GitHub: app.yml, plus the webhook URL GitHub
 * must deliver to. That URL is where this app listens, seen from GitHub: the smee channel in
 * `WEBHOOK_PROXY_URL` (Probot forwards it to the webhook path), else `PUBLIC_URL` followed by the
 * webhook path (`WEBHOOK_PATH`, Probot's default /api/github/webhooks).
 */
import { parse } from 'yaml';

/** Where Probot listens for webhooks unless `WEBHOOK_PATH` says otherwise. */
export const DEFAULT_WEBHOOK_PATH = '/api/github/webhooks';

export type SetupEnv = Partial<
  Record<
    'WEBHOOK_PROXY_URL' | 'PUBLIC_URL' | 'WEBHOOK_PATH' | 'GHE_HOST' | 'GHE_PROTOCOL' | 'GH_ORG',
    string
  >
>;

export function webhookPath(env: SetupEnv): string {
  const p = env.WEBHOOK_PATH?.trim() || DEFAULT_WEBHOOK_PATH;
  return p.startsWith('/') ? p : `/${p}`;
}

export interface HookTarget {
  url: string;
  /** Which setting gave the URL; `local` means GitHub cannot reach it. */
  source: 'WEBHOOK_PROXY_URL' | 'PUBLIC_URL' | 'local';
}

/** The webhook URL to register, given the URL the set-up page was opened at. */
export function hookTarget(env: SetupEnv, pageBaseUrl: string): HookTarget {
  const proxy = env.WEBHOOK_PROXY_URL?.trim();
  if (proxy) return { url: proxy, source: 'WEBHOOK_PROXY_URL' };
  const pub = env.PUBLIC_URL?.trim();
  if (pub) return { url: `${pub.replace(/\/+$/, '')}${webhookPath(env)}`, source: 'PUBLIC_URL' };
  return { url: `${pageBaseUrl.replace(/\/+$/, '')}${webhookPath(env)}`, source: 'local' };
}

/** The manifest: app.yml's name, permissions and events, with the hook and redirect URLs. */
export function buildManifest(
  appYml: string,
  env: SetupEnv,
  pageBaseUrl: string,
): Record<string, unknown> {
  const fromFile = (parse(appYml) ?? {}) as Record<string, unknown>;
  const hook = hookTarget(env, pageBaseUrl);
  return {
    ...fromFile,
    hook_attributes: { url: hook.url, active: true },
    // GitHub sends the browser back here with a code the page exchanges for the app's keys.
    redirect_url: `${pageBaseUrl.replace(/\/+$/, '')}/probot/setup`,
  };
}

/** Where the browser registers the app: the user's account, or `GH_ORG`'s, on github.com or GHE. */
export function createAppUrl(env: SetupEnv): string {
  const host = env.GHE_HOST?.trim() || 'github.com';
  const org = env.GH_ORG?.trim();
  return `${env.GHE_PROTOCOL || 'https'}://${host}${org ? `/organizations/${encodeURIComponent(org)}` : ''}/settings/apps/new`;
}

/** GitHub's REST API root for the manifest code exchange. */
export function apiBaseUrl(env: SetupEnv): string {
  const host = env.GHE_HOST?.trim();
  return host ? `${env.GHE_PROTOCOL || 'https'}://${host}/api/v3` : 'https://api.github.com';
}
