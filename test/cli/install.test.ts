/**
 * The README's install path, followed outside the project: `npm pack` (which runs `prepare`, the
 * build, and ships the lock as npm-shrinkwrap.json), then the tarball installed into a scratch
 * directory and its `ai-governance` command run in a scratch git repository.
 *
 * Offline: the tarball's own npm-shrinkwrap.json pins every dependency to a tarball that `npm ci`
 * already put in npm's cache, so `npm ci --offline` installs them with no registry request; the
 * package is then installed globally into a scratch prefix (`npm install -g --offline`), which
 * links its bin as a user's global install does. The build runs in a copy of the sources, never
 * in this checkout's dist/, which other tests read while this one runs.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commitIn, gitIn } from '../support/cli.js';
import { ROOT } from '../support/fixtures.js';

const pkg = JSON.parse(
  execFileSync('node', ['-p', 'JSON.stringify(require("./package.json"))'], {
    cwd: ROOT,
    encoding: 'utf8',
  }),
) as {
  name: string;
  version: string;
  bin: Record<string, string>;
  scripts: Record<string, string>;
};

let scratch: string;
let bin: string;
let repo: string;

/** The environment of a user's shell: none of the npm_* variables `npm test` sets for its children. */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!k.toLowerCase().startsWith('npm_') && v !== undefined) env[k] = v;
  }
  return { ...env, ...extra };
}

function npm(cwd: string, ...args: string[]): string {
  const r = spawnSync('npm', [...args, '--no-audit', '--no-fund', '--loglevel=error'], {
    cwd,
    encoding: 'utf8',
    env: cleanEnv(),
  });
  if (r.status !== 0) throw new Error(`npm ${args.join(' ')} failed:\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

const git = (...args: string[]) => gitIn(repo, args, cleanEnv());
const commit = (message: string, files: Record<string, string>) =>
  commitIn(repo, message, files, cleanEnv());

/** Runs the installed command by name, found on PATH as a user's shell finds it. */
function aig(...args: string[]) {
  const r = spawnSync('ai-governance', args, {
    cwd: repo,
    encoding: 'utf8',
    env: cleanEnv({ PATH: `${bin}:${process.env.PATH ?? ''}`, NO_COLOR: '1' }),
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'aig-install-'));
  // A copy of what the build reads, with this checkout's node_modules (for tsc) linked in.
  const src = join(scratch, 'src-copy');
  mkdirSync(src);
  for (const f of [
    'package.json',
    'package-lock.json',
    'tsconfig.json',
    'tsconfig.build.json',
    'README.md',
    'app.yml',
    'src',
    'policies',
  ]) {
    cpSync(join(ROOT, f), join(src, f), { recursive: true });
  }
  symlinkSync(join(ROOT, 'node_modules'), join(src, 'node_modules'), 'dir');
  npm(src, 'pack', '--pack-destination', scratch);
  const tarball = readdirSync(scratch).find((f) => f.endsWith('.tgz'));
  if (!tarball) throw new Error('npm pack wrote no tarball');

  const unpacked = join(scratch, 'package');
  execFileSync('tar', ['xzf', join(scratch, tarball), '-C', scratch]);
  npm(unpacked, 'ci', '--omit=dev', '--offline', '--ignore-scripts');
  const prefix = join(scratch, 'prefix');
  npm(
    scratch,
    'install',
    '--global',
    '--prefix',
    prefix,
    '--offline',
    '--ignore-scripts',
    unpacked,
  );
  bin = join(prefix, 'bin');

  repo = join(scratch, 'repo');
  mkdirSync(repo);
  git('init', '-q', '-b', 'main');
}, 180_000);

afterAll(() => {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

describe('the packed package, installed outside the project', () => {
  it('is a scoped package whose prepare and prepack scripts build dist/', () => {
    expect(pkg.name).toMatch(/^@[a-z0-9-]+\/ai-governance$/);
    // Installing from git builds dist/ (prepare, when it is missing: a clone never has it);
    // packing always builds afresh (prepack), then ships the lock as npm-shrinkwrap.json.
    expect(pkg.scripts.prepare).toMatch(
      /existsSync\('dist\/src\/cli\/main\.js'\).*\|\| npm run build$/,
    );
    expect(pkg.scripts.prepack).toMatch(/^npm run build && .*npm-shrinkwrap\.json/);
    expect(Object.keys(pkg.bin)).toEqual(['ai-governance']);
  });

  it('ships the lock as npm-shrinkwrap.json and no dev-only files', () => {
    const files = execFileSync(
      'tar',
      [
        'tzf',
        join(
          scratch,
          readdirSync(scratch).find((f) => f.endsWith('.tgz'))!,
        ),
      ],
      {
        encoding: 'utf8',
      },
    ).split('\n');
    expect(files).toContain('package/npm-shrinkwrap.json');
    expect(files).toContain('package/dist/src/cli/main.js');
    expect(files).toContain('package/policies/strict.yml');
    expect(files.some((f) => f.startsWith('package/test/') || f.startsWith('package/src/'))).toBe(
      false,
    );
  });

  it('answers --version with the packed version, read from its own package.json', () => {
    expect(aig('--version')).toEqual({
      code: 0,
      stdout: `ai-governance ${pkg.version}\n`,
      stderr: '',
    });
  });

  it('validates a policy and judges a branch in a repository that is not this project', () => {
    commit('Initial commit', {
      '.github/ai-governance.yml': `version: 1
critical_paths:
  - name: payments
    paths: ["services/payments/**"]
    approvals: 2
    reviewers: { users: [alice, bob] }
`,
      'README.md': '# scratch\n',
    });
    const valid = aig('validate');
    expect(valid.stderr).toBe('');
    expect(valid.stdout).toMatch(
      /\.github\/ai-governance\.yml: valid \(version 1, 1 critical path rule/,
    );
    expect(valid.code).toBe(0);

    git('checkout', '-q', '-b', 'feature');
    commit('Charge in cents\n\nCo-authored-by: Claude <noreply@anthropic.com>', {
      'services/payments/charge.ts': 'export const cents = 1;\n',
    });
    const checked = aig('check', '--json');
    expect(checked.stderr).toBe('');
    expect(checked.code).toBe(0);
    const verdict = JSON.parse(checked.stdout) as {
      outcome: string;
      aiAssisted: boolean;
      changedFiles: string[];
      requirements: { rule: string; missing: number }[];
    };
    expect(verdict.outcome).toBe('approval_required');
    expect(verdict.aiAssisted).toBe(true);
    expect(verdict.changedFiles).toEqual(['services/payments/charge.ts']);
    expect(verdict.requirements.map((r) => [r.rule, r.missing])).toEqual([['payments', 2]]);
  });
});
