#!/usr/bin/env node
import { runCli } from './run.js';

runCli(process.argv.slice(2), {
  cwd: process.cwd(),
  stdout: (s) => process.stdout.write(s),
  stderr: (s) => process.stderr.write(s),
  color: Boolean(process.stdout.isTTY) && !process.env.NO_COLOR,
}).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`ai-governance: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
