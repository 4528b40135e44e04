/**
 * The CLI as a new user first meets it: init, validate pointing at init, --version everywhere,
 * --fail-on for hooks and CI, trying an override offline, and --json when the policy is invalid.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { repoPerTest } from '../support/cli.js';
import { runCliIn } from '../support/run-cli.js';
import { ROOT } from '../support/fixtures.js';

const POLICY = `version: 1
critical_paths:
  - name: payments
    paths: ["services/payments/**"]
    approvals: 2
    reviewers: { teams: [payments-seniors] }
override: { label: ai-governance-override, users: [carol], teams: [incident-commanders] }
`;
const version = (
  JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
    version: string;
  }
).version;

const repo = repoPerTest('aig-first-');
const { git, write, commit, cli } = repo;

describe('ai-governance init', () => {
  it('writes the minimal example with the schema comment, and validate accepts it', async () => {
    commit('Initial\n', { 'README.md': 'x\n' });
    const r = await cli('init');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Wrote \.github\/ai-governance\.yml from the minimal example/);
    const text = readFileSync(join(repo.path, '.github/ai-governance.yml'), 'utf8');
    expect(text.split('\n')[0]).toBe(
      '# yaml-language-server: $schema=https://raw.githubusercontent.com/ai-governance/ai-governance/main/policies/ai-governance.schema.json',
    );
    expect(text).toBe(readFileSync(join(ROOT, 'policies/minimal.yml'), 'utf8'));
    const v = await cli('validate');
    expect(v.code).toBe(0);
    expect(v.stdout).toMatch(/valid \(version 1/);
  });

  it('writes the strict example when asked, from a subdirectory too', async () => {
    commit('Initial\n', { 'src/a.ts': 'x\n' });
    const { code, stdout } = await runCliIn(join(repo.path, 'src'), 'init', '--example', 'strict');
    expect(code).toBe(0);
    expect(stdout).toMatch(/strict example/);
    expect(readFileSync(join(repo.path, '.github/ai-governance.yml'), 'utf8')).toBe(
      readFileSync(join(ROOT, 'policies/strict.yml'), 'utf8'),
    );
  });

  it('refuses to overwrite an existing policy and leaves it as it was', async () => {
    write('.github/ai-governance.yml', POLICY);
    const r = await cli('init', '--example', 'strict');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/already exists; init never overwrites it/);
    expect(readFileSync(join(repo.path, '.github/ai-governance.yml'), 'utf8')).toBe(POLICY);
  });

  it('refuses an unknown example', async () => {
    const r = await cli('init', '--example', 'lax');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no example 'lax'; choose --example minimal or --example strict/);
  });

  it('is what validate points at when there is no policy', async () => {
    const r = await cli('validate');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /\.github\/ai-governance\.yml: no such file; 'ai-governance init' writes one/,
    );
  });
});

describe('--version', () => {
  it('prints the package version on its own and on every command', async () => {
    for (const args of [
      ['--version'],
      ['init', '--version'],
      ['validate', '--version'],
      ['check', '--version'],
      ['demo', '--version'],
    ]) {
      const r = await cli(...args);
      expect(r).toEqual({ code: 0, stdout: `ai-governance ${version}\n`, stderr: '' });
    }
    expect(readFileSync(join(ROOT, 'package.json'), 'utf8')).toContain(`"version": "${version}"`);
  });
});

describe('ai-governance check', () => {
  beforeEach(() => {
    commit('Initial\n', { 'README.md': 'x\n', '.github/ai-governance.yml': POLICY });
    git('checkout', '-q', '-b', 'feature');
  });

  it('--fail-on approval_required exits 1 when approvals are missing, 0 otherwise', async () => {
    commit('Refunds\n\nAssisted-by: Claude\n', { 'services/payments/r.ts': 'x\n' });
    const held = await cli('check', '--fail-on', 'approval_required');
    expect(held.code).toBe(1);
    expect(held.stderr).toMatch(/the verdict is approval_required \(--fail-on\)/);
    const json = await cli('check', '--json', '--fail-on', 'approval_required,error');
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout).outcome).toBe('approval_required');
    // Without the option the verdict is still exit 0, as before.
    expect((await cli('check')).code).toBe(0);
    // A verdict the option does not name exits 0.
    git('checkout', '-q', 'main');
    expect((await cli('check', '--fail-on', 'approval_required')).code).toBe(0);
  });

  it('refuses --fail-on values it does not know', async () => {
    const r = await cli('check', '--fail-on', 'pass');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--fail-on pass: choose approval_required or error/);
  });

  it('--label-by tries an override offline: allowed users and stated team members override', async () => {
    commit('Refunds\n\nAssisted-by: Claude\n', { 'services/payments/r.ts': 'x\n' });
    const label = ['--label', 'ai-governance-override'];
    const unknown = JSON.parse((await cli('check', '--json', ...label)).stdout);
    expect(unknown.outcome).toBe('approval_required');
    expect(unknown.override).toMatchObject({ allowed: false, appliedBy: null });

    const carol = JSON.parse(
      (await cli('check', '--json', ...label, '--label-by', 'carol')).stdout,
    );
    expect(carol.outcome).toBe('overridden');
    expect(carol.override).toMatchObject({ allowed: true, appliedBy: 'carol' });

    const dave = JSON.parse(
      (
        await cli(
          'check',
          '--json',
          ...label,
          '--label-by',
          'dave',
          '--team',
          'incident-commanders=erin',
        )
      ).stdout,
    );
    expect(dave.outcome).toBe('approval_required');
    expect(dave.override.detail).toMatch(/@dave applied the label but is not allowed to override/);

    const erin = await cli(
      'check',
      ...label,
      '--label-by',
      '@erin',
      '--team',
      'acme/incident-commanders=dave,erin',
    );
    expect(erin.code).toBe(0);
    expect(erin.stdout).toMatch(/overrid/i);
  });

  it('--label-by without --label, and a malformed --team, are usage errors', async () => {
    expect((await cli('check', '--label-by', 'carol')).code).toBe(2);
    const r = await cli('check', '--team', 'nobody');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--team nobody: write it as SLUG=LOGIN,LOGIN/);
  });

  it('--json prints the errors with positions and fixes when the policy is invalid, exit 2', async () => {
    write('bad.yml', 'version: 1\ncritical_paths:\n  - name: x\n    pathz: ["a/**"]\n');
    const r = await cli('check', '--json', '--policy', 'bad.yml');
    expect(r.code).toBe(2);
    const out = JSON.parse(r.stdout);
    expect(out.outcome).toBe('error');
    expect(out.policy).toEqual({ kind: 'file', file: 'bad.yml' });
    expect(out.errors.length).toBeGreaterThan(0);
    for (const e of out.errors) {
      expect(Object.keys(e).sort()).toEqual(['column', 'file', 'fix', 'line', 'message']);
      expect(e.file).toBe('bad.yml');
      expect(e.message.length).toBeGreaterThan(0);
      expect(e.fix.length).toBeGreaterThan(0);
    }
    expect(out.errors).toContainEqual(
      expect.objectContaining({ line: 4, column: 5, message: expect.stringMatching(/pathz/) }),
    );
    // The human-readable lines still go to stderr.
    expect(r.stderr).toMatch(/^bad\.yml:4:5: /m);
  });
});
