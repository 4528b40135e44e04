/**
 * The `demo` command: options, `--step` pauses, and a clean stop on Ctrl-C (both servers closed,
 * exit status 130).
 */

import { createInterface } from 'node:readline/promises';
import { commandArgsOrHelp } from '../cli/args.js';
import { formatPolicyError } from '../model/policy.js';
import { DEMO_POLICY, DemoInterrupted, DemoPolicyError, runDemo } from './demo.js';

export interface DemoIo {
  cwd: string;
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  color: boolean;
}

export const DEMO_HELP = `Usage: ai-governance demo [--policy FILE] [--step] [--out DIR]

Plays a short story against the real app and a fake GitHub on this machine: no account, token
or network. Six steps on a sample organisation's pull requests (a human change, an AI-assisted
one, approvals that do not count, approvals that do, a new push, an override). After each step
it prints the app's check run and audit comment, and writes a page that shows them as GitHub
would.

Options:
  --policy FILE   Play the story under this policy (default: ${DEMO_POLICY})
  --step          Wait for Enter between steps
  --out DIR       Where to write index.html (default: demo-output)
  -h, --help      Show this help

Exit status: 0 when the story was played, 2 on a usage error or an invalid policy, 130 on Ctrl-C.
`;

export const EXIT_INTERRUPTED = 130;

/**
 * Waits for Enter on a terminal; returns at once when standard input is not one. Rejects when
 * `signal` aborts.
 */
async function waitForEnter(
  prompt: string,
  onInterrupt: () => void,
  signal: AbortSignal,
): Promise<void> {
  if (!process.stdin.isTTY) return;
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  // With readline reading the terminal, Ctrl-C reaches the interface, not the process.
  rl.on('SIGINT', onInterrupt);
  try {
    await rl.question(prompt, { signal });
  } finally {
    rl.close();
  }
}

export async function demoCommand(args: string[], io: DemoIo): Promise<number> {
  const parsed = commandArgsOrHelp(
    args,
    io,
    DEMO_HELP,
    { policy: { type: 'string' }, step: { type: 'boolean' }, out: { type: 'string' } },
    true,
  );
  if (!parsed) return 0;
  const { values, positionals } = parsed;
  if (positionals.length > 0) {
    io.stderr(`ai-governance demo: unexpected argument '${positionals[0]}'\n\n${DEMO_HELP}`);
    return 2;
  }

  const controller = new AbortController();
  let interrupted = false;
  let finished: Promise<unknown> = Promise.resolve();
  const onInterrupt = () => {
    if (interrupted) process.exit(EXIT_INTERRUPTED);
    interrupted = true;
    io.stderr('\nInterrupted: stopping the servers.\n');
    controller.abort();
    // Whatever is still running, leave once the servers are closed (or after 3 s at most).
    const deadline = new Promise((r) => setTimeout(r, 3000).unref());
    void Promise.race([finished.catch(() => undefined), deadline]).then(() =>
      process.exit(EXIT_INTERRUPTED),
    );
  };
  process.on('SIGINT', onInterrupt);
  process.on('SIGTERM', onInterrupt);
  try {
    const run = runDemo({
      cwd: io.cwd,
      outDir: values.out ?? 'demo-output',
      ...(values.policy ? { policyFile: values.policy } : {}),
      write: io.stdout,
      color: io.color,
      width: Math.min(process.stdout.columns || 100, 120),
      signal: controller.signal,
      ...(values.step
        ? {
            pause: (n: number) =>
              waitForEnter(
                `\nPress Enter for step ${n} (Ctrl-C stops)… `,
                onInterrupt,
                controller.signal,
              ),
          }
        : {}),
    });
    finished = run;
    await run;
    return 0;
  } catch (err) {
    if (err instanceof DemoInterrupted) return EXIT_INTERRUPTED;
    if (err instanceof DemoPolicyError) {
      io.stderr(err.errors.map((e) => `${formatPolicyError(e)}\n`).join(''));
      io.stderr(`${err.file}: the policy is not valid; the demo needs a valid one\n`);
      return 2;
    }
    throw err;
  } finally {
    process.off('SIGINT', onInterrupt);
    process.off('SIGTERM', onInterrupt);
  }
}
