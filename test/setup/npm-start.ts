/** Runs `npm start`'s entry (dist/src/start.js, built by `npm test`) as a user runs it. */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import { ROOT } from '../support/fixtures.js';

const START = join(ROOT, 'dist/src/start.js');
const children: ChildProcess[] = [];

/** Starts the entry in `cwd` with only the given settings, and resolves once it listens on `port`. */
export async function npmStart(
  cwd: string,
  env: Record<string, string>,
  port: number,
): Promise<ChildProcess> {
  const child = spawn(process.execPath, [START], {
    cwd,
    env: {
      PATH: process.env.PATH ?? '',
      HOST: '127.0.0.1',
      PORT: String(port),
      LOG_LEVEL: 'warn',
      // No redelivery or reconciliation round at start-up: each would ask GitHub for past
      // deliveries or open pull requests.
      REDELIVERY_INTERVAL: 'off',
      RECONCILE_ON_START: 'false',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`npm start exited ${child.exitCode}:\n${output}`);
    if (Date.now() > deadline) throw new Error(`npm start did not listen on ${port}:\n${output}`);
    const up = await fetch(`http://127.0.0.1:${port}/`, { redirect: 'manual' }).then(
      () => true,
      () => false,
    );
    if (up) return child;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Stops every process npmStart started. */
export async function stopAll(): Promise<void> {
  for (const c of children.splice(0)) {
    if (c.exitCode === null && c.signalCode === null) {
      const exited = new Promise((r) => c.once('exit', r));
      c.kill('SIGTERM');
      await exited;
    }
  }
}

/**
 * A fresh folder for each test of the file to run `npm start` in (its `.env`, say): made before
 * each test, removed after it once every process {@link npmStart} started is stopped.
 */
export function folderPerTest(prefix: string): { readonly path: string } {
  const folder = { path: '' };
  beforeEach(() => {
    folder.path = mkdtempSync(join(tmpdir(), prefix));
  });
  afterEach(async () => {
    await stopAll();
    rmSync(folder.path, { recursive: true, force: true });
  });
  return folder;
}
