/**
 * `ai-governance simulate` against the loopback fake GitHub: it reads what the app reads, prints
 * the check the app would write, compares a candidate policy on every open PR, and writes nothing.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simulate } from '../../src/cli/simulate.js';
import { startFakeGitHub, type FakeGitHub } from '../../src/fake-github/server.js';
import type { FakeGitHubState } from '../../src/fake-github/state.js';
import { appKeys, newFakeState } from '../support/app-on-fake.js';
import { addPaymentsOrg, CLAUDE, DEVELOPER, paymentsPolicy, REPO } from '../support/fixtures.js';

const POLICY = paymentsPolicy();
const STRICTER = POLICY.replace('approvals: 1', 'approvals: 2').concat(
  '  - name: docs\n    paths: ["docs/**"]\n    reviewers: { teams: [payments-seniors] }\n',
);

let state: FakeGitHubState;
let fake: FakeGitHub;
let dir: string;
const TOKEN = 'ghp_simulate_test_token';

const claude = [CLAUDE];

beforeAll(async () => {
  state = newFakeState();
  addPaymentsOrg(state, POLICY);
  // 1: AI-assisted, payments, approved once: passes today, held under the stricter candidate.
  const a = state.openPullRequest(REPO, {
    author: DEVELOPER,
    title: 'Retry refunds',
    commits: [{ message: 'Retry refunds', coAuthors: claude }],
    files: ['services/payments/refunds.ts'],
  });
  state.submitReview(REPO, a.number, { user: 'sam-senior', commitId: a.headSha });
  // 2: AI-assisted docs change: passes today, held under the candidate's new docs rule.
  state.openPullRequest(REPO, {
    author: DEVELOPER,
    title: 'Docs',
    commits: [{ message: 'Docs', coAuthors: claude }],
    files: ['docs/refunds.md'],
  });
  // 3: human change elsewhere: passes both ways.
  state.openPullRequest(REPO, {
    author: DEVELOPER,
    title: 'Readme',
    commits: [{ message: 'Readme' }],
    files: ['README.md'],
  });
  fake = await startFakeGitHub(state, { tokens: { [TOKEN]: DEVELOPER } });
  dir = mkdtempSync(join(tmpdir(), 'simulate-'));
  writeFileSync(join(dir, 'stricter.yml'), STRICTER);
});

afterAll(async () => {
  await fake?.close();
});

async function run(args: string[], env: NodeJS.ProcessEnv) {
  let out = '';
  let err = '';
  fake.stats.reset();
  const code = await simulate(
    [...args, '--api-url', `http://${fake.host}/api/v3`],
    { cwd: dir, stdout: (s) => void (out += s), stderr: (s) => void (err += s), color: false },
    env,
  );
  return { code, out, err };
}

const asApp = () => ({ APP_ID: String(state.app.id), PRIVATE_KEY: appKeys().privateKey });

describe('ai-governance simulate', () => {
  it('prints one PR’s check as the app would write it, with a token, and writes nothing', async () => {
    const r = await run(['acme/payments-api#1'], { GITHUB_TOKEN: TOKEN });
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toContain('Check: success: AI-assisted: approved by @sam-senior');
    expect(fake.stats.writes).toBe(0);
  });

  it('judges by a candidate file, as if others approved, in JSON', async () => {
    const r = await run(
      [
        'acme/payments-api#1',
        '--policy',
        'stricter.yml',
        '--as-if-approved',
        'pat-senior',
        '--json',
      ],
      asApp(),
    );
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j).toMatchObject({ pr: 'acme/payments-api#1', conclusion: 'success', outcome: 'pass' });
    expect(j.requirements[0]).toMatchObject({ rule: 'payments', approvals: 2 });
    expect([...j.requirements[0].approvedBy].sort()).toEqual(['pat-senior', 'sam-senior']);
    const held = JSON.parse(
      (await run(['acme/payments-api#1', '--policy', 'stricter.yml', '--json'], asApp())).out,
    );
    expect(held).toMatchObject({
      conclusion: 'action_required',
      title: 'Needs 1 more approval from @acme/payments-seniors',
    });
    expect(fake.stats.writes).toBe(0);
  });

  it('compares every open PR of the org under a candidate policy', async () => {
    const r = await run(['--org', 'acme', '--open', '--policy', 'stricter.yml'], asApp());
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const lines = r.out.trim().split('\n');
    expect(lines[0]).toMatch(/^PR\s+Today\s+Under the candidate\s+What changes$/);
    expect(lines.slice(2)).toEqual([
      expect.stringMatching(
        /^acme\/payments-api#1\s+success\s+action_required\s+success → action_required; payments: 1 → 2$/,
      ),
      expect.stringMatching(
        /^acme\/payments-api#2\s+success\s+action_required\s+success → action_required; new requirement docs \(1\)$/,
      ),
      expect.stringMatching(/^acme\/payments-api#3\s+success\s+success\s+no change$/),
    ]);
    expect(fake.stats.writes).toBe(0);
  });

  it('refuses bad usage and missing credentials with exit status 2', async () => {
    await expect(run(['acme/payments-api'], { GITHUB_TOKEN: TOKEN })).rejects.toThrow(
      /OWNER\/REPO#NUMBER/,
    );
    await expect(run(['acme/payments-api#1'], {})).rejects.toThrow(/no credentials/);
  });

  it('fails (exit 1) and names the PR it could not read', async () => {
    const r = await run(['--org', 'acme', '--open', '--repo', 'nope'], asApp());
    expect(r.code).toBe(1);
    expect(r.err).toMatch(
      /^ai-governance simulate: acme\/nope: could not list its open pull requests: HTTP 404/,
    );
  });
});
