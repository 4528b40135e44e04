import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { repoPerTest } from '../support/cli.js';
import { runCliIn } from '../support/run-cli.js';
import { ROOT } from '../support/fixtures.js';

const POLICY = `version: 1
critical_paths:
  - name: payments
    paths: ["services/payments/**"]
    exclude: ["**/*.md"]
    approvals: 2
    reviewers: { teams: [payments-seniors], users: [alice] }
`;

const repo = repoPerTest('aig-cli-');
const { git, write, commit, cli } = repo;

beforeEach(() => {
  commit('Initial\n', { 'README.md': 'hello\n', '.github/ai-governance.yml': POLICY });
  git('checkout', '-q', '-b', 'feature');
});

describe('ai-governance check', () => {
  it('finds a Claude co-author and the critical path, and says who must approve', async () => {
    commit('Fix refunds\n\nCo-Authored-By: Claude <noreply@anthropic.com>\n', {
      'services/payments/refund.ts': 'export {}\n',
    });
    const r = await cli('check', '--json');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.outcome).toBe('approval_required');
    expect(out.aiAssisted).toBe(true);
    expect(out.changedFiles).toEqual(['services/payments/refund.ts']);
    expect(out.evidence).toEqual([
      expect.objectContaining({
        source: 'trailer',
        commit: git('rev-parse', 'HEAD').trim(),
        detail: 'Co-Authored-By: Claude <noreply@anthropic.com>',
      }),
    ]);
    expect(out.requirements).toEqual([
      expect.objectContaining({
        rule: 'payments',
        files: ['services/payments/refund.ts'],
        approvals: 2,
        reviewers: { teams: ['payments-seniors'], users: ['alice'] },
      }),
    ]);
    expect(out.policy).toMatchObject({ kind: 'branch', ref: 'main' });
  });

  it('prints a readable verdict without --json', async () => {
    commit('Fix\n\nAssisted-by: Cursor\n', { 'services/payments/a.ts': 'x\n' });
    const r = await cli('check');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('payments');
    expect(r.stdout).toMatch(/Assisted-by: Cursor/);
    expect(r.stdout).toMatch(/2/);
  });

  it('passes a branch with no AI evidence', async () => {
    commit('Fix refunds by hand\n', { 'services/payments/refund.ts': 'x\n' });
    const out = JSON.parse((await cli('check', '--json')).stdout);
    expect(out.aiAssisted).toBe(false);
    expect(out.outcome).toBe('pass');
  });

  it('judges by the default branch policy, not the one the branch edits', async () => {
    commit('Exempt myself\n\nAssisted-by: Claude\n', {
      '.github/ai-governance.yml': 'version: 1\n',
      'services/payments/refund.ts': 'x\n',
    });
    const out = JSON.parse((await cli('check', '--json')).stdout);
    expect(out.requirements.map((r: { rule: string }) => r.rule)).toEqual([
      'payments',
      'policy file',
    ]);
  });

  it('takes labels and an explicit policy file', async () => {
    write('other.yml', 'version: 1\ndetection: { labels: [ai-assisted] }\n');
    commit('Plain change\n', { 'src/a.ts': 'x\n' });
    const out = JSON.parse(
      (await cli('check', '--json', '--policy', 'other.yml', '--label', 'ai-assisted')).stdout,
    );
    expect(out.aiAssisted).toBe(true);
    expect(out.evidence[0]).toMatchObject({ source: 'label', detail: 'ai-assisted' });
    expect(out.policy).toEqual({ kind: 'file', file: 'other.yml' });
  });

  it('honours --base and --head', async () => {
    commit('One\n\nAssisted-by: Claude\n', { 'services/payments/a.ts': 'x\n' });
    const first = git('rev-parse', 'HEAD').trim();
    commit('Two\n', { 'docs/b.md': 'x\n' });
    const out = JSON.parse((await cli('check', '--json', '--base', first)).stdout);
    expect(out.aiAssisted).toBe(false);
    expect(out.changedFiles).toEqual(['docs/b.md']);
    const upto = JSON.parse((await cli('check', '--json', '--head', first)).stdout);
    expect(upto.changedFiles).toEqual(['services/payments/a.ts']);
  });

  it('exits 2 with file:line:column errors when the policy is invalid', async () => {
    write('bad.yml', 'version: 1\ncritical_paths:\n  - name: x\n    pathz: ["a/**"]\n');
    const r = await cli('check', '--policy', 'bad.yml');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^bad\.yml:4:5: /m);
  });

  it('exits 2 on usage errors and outside a repository', async () => {
    expect((await cli('check', '--nope')).code).toBe(2);
    expect((await cli('frobnicate')).code).toBe(2);
    expect((await cli('check', '--base', 'no-such-rev')).code).toBe(2);
    const elsewhere = mkdtempSync(join(tmpdir(), 'aig-norepo-'));
    try {
      expect((await runCliIn(elsewhere, 'check')).code).toBe(2);
    } finally {
      rmSync(elsewhere, { recursive: true, force: true });
    }
  });

  it('has --help on every command', async () => {
    for (const args of [['--help'], ['check', '--help'], ['validate', '--help']]) {
      const r = await cli(...args);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/^Usage: ai-governance/);
    }
  });
});

describe('ai-governance validate', () => {
  it('accepts the repository policy by default', async () => {
    const r = await cli('validate');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/valid/);
  });

  it('reports every problem with its position and exits 2', async () => {
    write('bad.yml', 'version: 2\nfoo: 1\n');
    const r = await cli('validate', 'bad.yml');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^bad\.yml:1:10: /m);
    expect(r.stderr).toMatch(/^bad\.yml:2:1: /m);
  });

  it('exits 2 for a missing file', async () => {
    const r = await cli('validate', 'nope.yml');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/nope\.yml: no such file/);
  });
});

describe('the installed command', () => {
  it('is an executable file that runs by its shebang (npm test builds dist/ first)', () => {
    const bin = join(ROOT, 'dist/src/cli/main.js');
    const r = spawnSync(bin, ['--help'], { encoding: 'utf8' });
    expect(r.error).toBeUndefined();
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^Usage: ai-governance/);
  });
});
