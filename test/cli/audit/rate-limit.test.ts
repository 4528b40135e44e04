/**
 * `ai-governance audit` meets GitHub's primary rate limit (the fake enforcing a small budget): it
 * waits until the reset, says so, resumes, and reports the same records as a run that never waited.
 * The hour passes on the test's clock: each wait moves it on instead of sleeping.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { AuditRecord } from '../../../src/audit/model.js';
import { auditCommand, type AuditDeps } from '../../../src/cli/audit/command.js';
import {
  startFakeGitHub,
  type FakeGitHub,
  type StartOptions,
} from '../../../src/fake-github/server.js';
import { buildWorld, NOW, ORG, SINCE, UNTIL } from './world.js';

const TOKEN = 'ghp_audit_rate_limit_token';
let fake: FakeGitHub | null = null;

afterEach(async () => {
  await fake?.close();
  fake = null;
});

async function audit(options: StartOptions, deps: AuditDeps = {}) {
  fake = await startFakeGitHub(buildWorld().state, { ...options, tokens: { [TOKEN]: 'dana' } });
  const dir = mkdtempSync(join(tmpdir(), 'audit-limit-'));
  let out = '';
  let err = '';
  const code = await auditCommand(
    ['--org', ORG, '--since', SINCE, '--until', UNTIL, '--out', 'report', '--api-url', fake.apiUrl],
    { cwd: dir, stdout: (s) => void (out += s), stderr: (s) => void (err += s), color: false },
    { env: { GITHUB_TOKEN: TOKEN }, now: NOW, ...deps },
  );
  if (code !== 0) throw new Error(`audit exited ${code}: ${err}`);
  const records = readFileSync(join(dir, 'report', 'prs.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as AuditRecord);
  const refused = fake.primary.refused;
  await fake.close();
  fake = null;
  return {
    code,
    out,
    err,
    refused,
    classes: records.map((r) => [r.repository, r.number, r.class]),
  };
}

describe('ai-governance audit and the primary rate limit', () => {
  it('waits for the reset when the budget is spent, says so, resumes and reports everything', async () => {
    const unlimited = await audit({});
    expect(unlimited.code).toBe(0);
    expect(unlimited.refused).toBe(0);
    expect(unlimited.err).not.toContain('Waiting');

    let clock = Date.parse('2026-12-01T10:00:00.500Z');
    const slept: number[] = [];
    const limited = await audit(
      { primaryLimits: { limit: 8, enforce: true, now: () => clock } },
      {
        clock: () => clock,
        sleep: async (ms) => {
          slept.push(ms);
          clock += ms;
        },
      },
    );
    expect(limited.code).toBe(0);
    expect(limited.refused).toBeGreaterThan(0);
    // Each refusal was waited out, until a second past the hour's reset, and shown.
    expect(slept).toHaveLength(limited.refused);
    expect(slept[0]).toBe(3602_000);
    const shown = limited.err.match(
      /Waiting [^\n]* for GitHub's rate limit \(primary limit\), then resuming\./g,
    );
    expect(shown).toHaveLength(limited.refused);
    // Nothing lost to the waits: the same records as the run that never waited.
    expect(limited.classes).toEqual(unlimited.classes);
    expect(limited.classes.length).toBeGreaterThan(0);
    const summary = (out: string) => out.replace(/^Report: .*$/m, '');
    expect(summary(limited.out)).toBe(summary(unlimited.out));
    // The refused requests are counted among the requests made.
    const requests = (out: string) => Number(/ (\d+) requests to GitHub\./.exec(out)?.[1]);
    expect(requests(limited.out)).toBe(requests(unlimited.out) + limited.refused);
  });
});
