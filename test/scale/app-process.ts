/**
 * The app as a deployment runs it: `probot run dist/src/index.js` (what `npm start` runs) in a
 * child process of its own, with only the settings a test gives it, against the loopback fake
 * GitHub. Runs the compiled `dist/`: `npm test` builds first; on its own, `npm run build`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { FakeGitHub } from '../../src/fake-github/server.js';
import type { FakeGitHubState } from '../../src/fake-github/state.js';
import { freePort } from '../../src/fake-github/ports.js';
import { appKeys, WEBHOOK_SECRET } from '../support/app-on-fake.js';
import { ROOT } from '../support/fixtures.js';
import { waitForPort } from './redis-server.js';

const ENTRY = join(ROOT, 'dist/src/index.js');
const PROBOT = join(ROOT, 'node_modules/probot/bin/probot.js');

export interface AppProcess {
  child: ChildProcess;
  /** The app's webhook URL. */
  url: string;
  /** Every line the process wrote, stdout and stderr. */
  output: string[];
}

/** Throws, saying what to do, unless the app is built. */
export function requireBuiltApp(): void {
  if (!existsSync(ENTRY)) {
    throw new Error(`${ENTRY} is missing: run \`npm run build\` first (npm test does)`);
  }
}

/**
 * The settings of an app process on `fake`, with its locks and throttling in the Redis at
 * `redisUrl`, signed by {@link appKeys}, logging JSON at `warn` and above. No redelivery or
 * reconciliation round: the start-up round (10 s in) would ask GitHub for past deliveries and
 * open pull requests, and hold a lock of its own, in the middle of a test that counts both.
 */
export function appProcessEnv(
  state: FakeGitHubState,
  fake: FakeGitHub,
  redisUrl: string,
): Record<string, string> {
  return {
    APP_ID: String(state.app.id),
    PRIVATE_KEY: appKeys().privateKey,
    WEBHOOK_SECRET,
    GHE_HOST: fake.host,
    GHE_PROTOCOL: 'http',
    REDIS_URL: redisUrl,
    LOG_LEVEL: 'warn',
    LOG_FORMAT: 'json',
    NODE_ENV: 'production',
    REDELIVERY_INTERVAL: 'off',
    RECONCILE_ON_START: 'false',
  };
}

/** Starts one app process in `cwd`; resolves once it listens on its own loopback port. */
export async function startAppProcess(
  env: Record<string, string>,
  cwd: string,
): Promise<AppProcess> {
  const port = await freePort();
  const output: string[] = [];
  const child = spawn(process.execPath, [PROBOT, 'run', ENTRY], {
    cwd,
    // Only what the app needs: nothing from the developer's shell (a webhook proxy, say).
    env: { PATH: process.env.PATH ?? '', ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const collect = (d: Buffer) => output.push(...d.toString().split('\n').filter(Boolean));
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  try {
    await waitForPort(port, 15_000);
  } catch (err) {
    child.kill('SIGKILL');
    throw new Error(`the app did not start: ${(err as Error).message}\n${output.join('\n')}`);
  }
  return { child, url: `http://127.0.0.1:${port}/api/github/webhooks`, output };
}

/** Stops the process (SIGTERM) and waits for it to exit; nothing when it is gone already. */
export async function stopAppProcess(app: AppProcess | undefined): Promise<void> {
  if (!app || app.child.exitCode !== null || app.child.signalCode !== null) return;
  const exited = new Promise((r) => app.child.once('exit', r));
  app.child.kill('SIGTERM');
  await exited;
}

/** The process's JSON log lines at error level or above. */
export function errorsIn(app: AppProcess): string[] {
  return app.output.filter((line) => {
    try {
      return (JSON.parse(line) as { level?: number }).level! >= 50;
    } catch {
      return false;
    }
  });
}
