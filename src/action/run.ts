/**
 * The GitHub Action mode, for organisations that cannot install a GitHub App: a workflow step
 * hands the event that started the workflow to the same app code, authenticated with the
 * workflow's token instead of an installation token. The check run and the audit comment then
 * belong to the GitHub Actions app (`github-actions[bot]`), or to whichever app issued the token.
 */
import { readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { pino, type Logger } from 'pino';
import { Probot } from 'probot';
import { aiGovernance } from '../app.js';
import { describeError, errorStatus } from '../github/client.js';
import type { AppIdentity } from '../github/evaluate-pr.js';

/** The GitHub Actions app on github.com: what owns check runs written with a workflow's token. */
export const GITHUB_ACTIONS_APP: AppIdentity = { id: 15368, slug: 'github-actions' };

/** Events the app acts on, by the name a workflow sees them under. */
export const ACTION_EVENTS: Readonly<Record<string, string>> = {
  pull_request: 'pull_request',
  // Same payload as pull_request, but the workflow runs from the base branch with a token that can
  // write, also for pull requests from forks. The app only reads the PR through the API; it never
  // checks out or runs the PR's code.
  pull_request_target: 'pull_request',
  pull_request_review: 'pull_request_review',
  merge_group: 'merge_group',
  push: 'push',
  check_run: 'check_run',
  check_suite: 'check_suite',
};

export interface ActionSettings {
  /** The event name the app sees (`pull_request_target` becomes `pull_request`). */
  event: string;
  /** The event name the workflow saw. */
  workflowEvent: string;
  payload: Record<string, unknown>;
  token: string;
  apiUrl: string;
  identity: AppIdentity;
  deliveryId: string;
  logLevel: string;
}

/** A setting of the workflow step is missing or wrong; the message says how to fix it. */
export class ActionSettingsError extends Error {
  override name = 'ActionSettingsError';
}

/** What the step should do with an event: run the app on it, or skip it with a reason. */
export type ActionPlan = { run: ActionSettings } | { skip: string };

/** An action input as the runner passes it (`with: { app-id: … }` becomes `INPUT_APP-ID`). */
function input(env: NodeJS.ProcessEnv, name: string): string {
  return (env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] ?? '').trim();
}

/** Reads the step's environment: the event, its payload, the token and whose writes they are. */
export function readActionSettings(env: NodeJS.ProcessEnv): ActionPlan {
  const workflowEvent = (env.GITHUB_EVENT_NAME ?? '').trim();
  if (!workflowEvent) {
    throw new ActionSettingsError(
      'GITHUB_EVENT_NAME is not set; run this as a step of a GitHub Actions workflow',
    );
  }
  const event = ACTION_EVENTS[workflowEvent];
  if (!event) {
    return {
      skip:
        `the workflow ran on "${workflowEvent}", which AI Governance does not act on; ` +
        `trigger it on ${Object.keys(ACTION_EVENTS).join(', ')}`,
    };
  }

  const token = input(env, 'github-token') || (env.GITHUB_TOKEN ?? '').trim();
  if (!token) {
    throw new ActionSettingsError(
      'no token: pass `github-token: ${{ secrets.GITHUB_TOKEN }}` to the step ' +
        '(or set GITHUB_TOKEN in its env)',
    );
  }

  const path = (env.GITHUB_EVENT_PATH ?? '').trim();
  if (!path) {
    throw new ActionSettingsError(
      'GITHUB_EVENT_PATH is not set; run this as a step of a GitHub Actions workflow',
    );
  }
  let payload: unknown;
  try {
    payload = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new ActionSettingsError(
      `cannot read the event payload at ${path}: ${describeError(err)}; ` +
        'GITHUB_EVENT_PATH must name the JSON file the runner wrote',
    );
  }
  if (!payload || typeof payload !== 'object' || Array.isArray(payload)) {
    throw new ActionSettingsError(`the event payload at ${path} is not a JSON object`);
  }
  const p = payload as Record<string, unknown>;
  if (!p.repository || typeof p.repository !== 'object') {
    throw new ActionSettingsError(`the event payload at ${path} names no repository`);
  }

  const apiUrl = ((env.GITHUB_API_URL ?? '').trim() || 'https://api.github.com').replace(
    /\/+$/,
    '',
  );
  let api: URL;
  try {
    api = new URL(apiUrl);
  } catch {
    throw new ActionSettingsError(`GITHUB_API_URL is not a URL: ${apiUrl}`);
  }

  const identity = readIdentity(env, api);
  const runId = (env.GITHUB_RUN_ID ?? '').trim();
  const attempt = (env.GITHUB_RUN_ATTEMPT ?? '').trim() || '1';
  return {
    run: {
      event,
      workflowEvent,
      payload: p,
      token,
      apiUrl,
      identity,
      deliveryId: runId ? `actions-${runId}-${attempt}` : `actions-${randomUUID()}`,
      logLevel: input(env, 'log-level') || (env.LOG_LEVEL ?? '').trim() || 'info',
    },
  };
}

/** Whose check runs and comments the app looks for (and writes): the app that issued the token. */
function readIdentity(env: NodeJS.ProcessEnv, api: URL): AppIdentity {
  const idText = input(env, 'app-id');
  const slug = input(env, 'app-slug');
  if (idText || slug) {
    const id = Number(idText);
    if (!/^\d+$/.test(idText) || !Number.isSafeInteger(id) || id <= 0) {
      throw new ActionSettingsError(
        `app-id must be the numeric id of the app that issued the token, not "${idText}"`,
      );
    }
    if (!/^[a-z0-9][a-z0-9-]*$/i.test(slug)) {
      throw new ActionSettingsError(
        `app-slug must be the slug of the app that issued the token (its bot is <slug>[bot]), not "${slug}"`,
      );
    }
    return { id, slug };
  }
  if (api.host === 'api.github.com') return GITHUB_ACTIONS_APP;
  throw new ActionSettingsError(
    `on ${api.host}, set the app-id and app-slug inputs: the GitHub Actions app's id differs from ` +
      "github.com's (any workflow job's check run shows it, as app.id and app.slug, under " +
      'GET /repos/{owner}/{repo}/commits/{sha}/check-runs)',
  );
}

export interface RunActionOptions {
  /** Where log lines go; defaults to a pino logger on stdout at the step's log level. */
  log?: Logger;
  /** Where workflow commands (`::error::`) go; defaults to stdout. */
  write?: (line: string) => void;
}

/** Runs the app once on the workflow's event; resolves with the step's exit code. */
export async function runAction(
  env: NodeJS.ProcessEnv = process.env,
  options: RunActionOptions = {},
): Promise<number> {
  const write = options.write ?? ((line: string) => void process.stdout.write(`${line}\n`));
  let plan: ActionPlan;
  try {
    plan = readActionSettings(env);
  } catch (err) {
    write(`::error title=AI Governance::${command(describeError(err))}`);
    return 1;
  }
  if ('skip' in plan) {
    write(`::warning title=AI Governance::${command(plan.skip)}`);
    return 0;
  }
  const s = plan.run;
  const log = options.log ?? pino({ name: 'ai-governance', level: s.logLevel });
  const probot = new Probot({ githubToken: s.token, baseUrl: s.apiUrl, log });
  await probot.load(aiGovernance({ identity: s.identity }));
  try {
    await probot.receive({ id: s.deliveryId, name: s.event, payload: s.payload } as never);
    return 0;
  } catch (err) {
    write(`::error title=AI Governance::${command(failureMessage(err, s))}`);
    return 1;
  }
}

/** What went wrong, with the likely fix when the token could not write. */
export function failureMessage(err: unknown, s: ActionSettings): string {
  const inner = err instanceof AggregateError && err.errors.length > 0 ? err.errors : [err];
  const text = inner.map((e) => describeError(e)).join('; ');
  const forbidden = inner.some((e) => {
    const status = errorStatus(e);
    return status === 403 || status === 404;
  });
  if (!forbidden) return `could not evaluate: ${text}`;
  const pr = s.payload.pull_request as
    { head?: { repo?: { full_name?: string } | null } | null } | undefined;
  const repo = (s.payload.repository as { full_name?: string } | undefined)?.full_name;
  const fromFork = Boolean(pr?.head?.repo?.full_name && repo && pr.head.repo.full_name !== repo);
  if (fromFork && s.workflowEvent !== 'pull_request_target') {
    return (
      `could not evaluate: ${text}. The workflow's token is read-only for pull requests from ` +
      'forks: run the workflow on pull_request_target (see docs/deployment.md)'
    );
  }
  return (
    `could not evaluate: ${text}. Give the workflow's token the permissions checks: write, ` +
    'pull-requests: write, issues: write and contents: read (see docs/deployment.md)'
  );
}

/** Workflow commands end at a newline and treat `%` specially. */
function command(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}
