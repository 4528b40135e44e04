/** What every command gets: the directory it runs in, its two output streams, and colour. */
export interface CliIo {
  cwd: string;
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  color: boolean;
}

/**
 * Exit codes: 0 a verdict or a valid policy, 1 a verdict named by `check --fail-on` (or a crash),
 * 2 a usage error or an invalid policy.
 */
export const EXIT_OK = 0;
export const EXIT_FAIL_ON = 1;
export const EXIT_USAGE = 2;
