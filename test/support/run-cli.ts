/**
 * The command line run in-process, as `ai-governance …` would run in a folder, with what it prints
 * captured and colour off.
 */
import { runCli } from '../../src/cli/run.js';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `ai-governance <argv…>` in `cwd` and gives its exit code and output. */
export async function runCliIn(cwd: string, ...argv: string[]): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, {
    cwd,
    stdout: (s) => (stdout += s),
    stderr: (s) => (stderr += s),
    color: false,
  });
  return { code, stdout, stderr };
}
