/**
 * Test helper: ask the real `git interpret-trailers --parse` (and `--parse --no-divider`, how
 * git reads a commit's own trailers) what the trailers of a message are, so the parser can be
 * checked against git itself.
 *
 * Git runs outside any repository, with no system config and an empty HOME, so no
 * `trailer.*` or `core.commentChar` setting can change its answer.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

let sandbox: string | undefined;

function sandboxDir(): string {
  if (sandbox === undefined) {
    const dir = mkdtempSync(join(tmpdir(), 'ai-governance-git-oracle-'));
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
    sandbox = dir;
  }
  return sandbox;
}

function gitEnv(): NodeJS.ProcessEnv {
  const dir = sandboxDir();
  const env: NodeJS.ProcessEnv = {};
  // Keep only what git needs to start; drop every GIT_* variable of the caller.
  for (const name of ['PATH', 'LANG', 'LC_ALL', 'SYSTEMROOT']) {
    const value = process.env[name];
    if (value !== undefined) env[name] = value;
  }
  env.HOME = dir;
  env.XDG_CONFIG_HOME = dir;
  env.GIT_CONFIG_NOSYSTEM = '1';
  env.GIT_CONFIG_GLOBAL = join(dir, 'no-such-gitconfig');
  env.GIT_CEILING_DIRECTORIES = tmpdir();
  return env;
}

/** The `git --version` line, or undefined when git cannot be run. */
export function gitVersion(): string | undefined {
  const result = spawnSync('git', ['--version'], { encoding: 'utf8', env: gitEnv() });
  if (result.error || result.status !== 0) return undefined;
  return result.stdout.trim();
}

/**
 * The lines git prints for `git interpret-trailers --parse` on `message` (with `--no-divider`
 * when asked): one `key: value` string per trailer, in order. Throws when git fails or takes
 * too long.
 */
export function gitParseTrailers(message: string, opts: { noDivider?: boolean } = {}): string[] {
  const args = ['interpret-trailers', '--parse', ...(opts.noDivider ? ['--no-divider'] : [])];
  const result = spawnSync('git', args, {
    input: message,
    encoding: 'utf8',
    cwd: sandboxDir(),
    env: gitEnv(),
    timeout: 10_000,
  });
  if (result.error) throw result.error;
  if (result.status !== 0) {
    throw new Error(`git interpret-trailers exited with ${result.status}: ${result.stderr}`);
  }
  // Unfolded values never hold a line feed, so each output line is one trailer.
  const lines = result.stdout.split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines;
}
