/**
 * The README's quick start, as written: two commands, the first of which installs, builds and
 * judges this clone's last three commits with `npx ai-governance`. The install and build are what
 * `npm test` has just done; the judging command is run here as the README gives it (offline:
 * npx must find the command in this project, not on the registry).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../support/fixtures.js';

const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
const quickStart = /## Quick start[\s\S]*?```sh\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';

describe('the README quick start', () => {
  const lines = quickStart.trim().split('\n');

  it('is two commands: the main job, then the tests as CI runs them', () => {
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^npm ci && npm run build && npx ai-governance check /);
    expect(lines[1]).toBe('bash .ci/run');
  });

  it('judges the clone’s last commits with the command it gives', () => {
    const args = lines[0]!.replace(/^npm ci && npm run build && npx ai-governance /, '').split(' ');
    const env: NodeJS.ProcessEnv = {};
    for (const [k, v] of Object.entries(process.env)) {
      if (!k.toLowerCase().startsWith('npm_')) env[k] = v;
    }
    const r = spawnSync('npx', ['--offline', 'ai-governance', ...args], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...env, NO_COLOR: '1' },
    });
    expect(r.stderr).not.toMatch(/npm error/);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(
      /^Judging [0-9a-f]{12} against [0-9a-f]{12} \(\d+ commit\(s\), \d+ file\(s\)\); policy: policies\/strict\.yml/,
    );
  }, 120_000);
});
