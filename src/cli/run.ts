import { checkCommand } from './check-command.js';
import { CheckUsageError } from './check.js';
import { init } from './init.js';
import { EXIT_OK, EXIT_USAGE, type CliIo } from './io.js';
import { packageVersion } from './package-info.js';
import { validate } from './validate.js';

export { EXIT_OK, EXIT_USAGE, type CliIo } from './io.js';

/**
 * The commands, in the order help lists them. To add one: a line here and its module (each
 * command parses its own options and has its own --help; `--version` works on all of them).
 */
const COMMANDS: Record<
  string,
  { summary: string; run: (args: string[], io: CliIo) => number | Promise<number> }
> = {
  init: { summary: 'Write .github/ai-governance.yml from an example policy', run: init },
  validate: {
    summary: 'Check a policy file (default: .github/ai-governance.yml here)',
    run: validate,
  },
  check: {
    summary: 'Judge the current branch offline, as the GitHub App would judge its PR',
    run: checkCommand,
  },
  redeliver: {
    summary: "Ask GitHub to send again the app's webhook deliveries that failed (cron, Actions)",
    run: async (args, io) => (await import('./redeliver.js')).redeliverCommand(args, io),
  },
  simulate: {
    summary: 'Judge live pull requests as the app would, today or under a candidate policy',
    // Loaded on demand: it brings Probot and the app's GitHub reading code.
    run: async (args, io) => (await import('./simulate.js')).simulate(args, io),
  },
  audit: {
    summary:
      'Look back at merged pull requests: AI-assisted, critical, approved? (audit verify DIR)',
    // Loaded on demand: it brings Probot, SQLite and the audit's reading code.
    run: async (args, io) =>
      (await import('./audit/command.js')).auditCommand(args, io, {
        ...(process.stderr.isTTY ? { tty: process.stderr } : {}),
      }),
  },
  demo: {
    summary: 'See the app at work on sample pull requests, against a fake GitHub (offline)',
    // Loaded on demand: it brings Probot and the fake GitHub, which the other commands do not need.
    run: async (args, io) => (await import('../demo/cli.js')).demoCommand(args, io),
  },
};

function mainHelp(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((c) => c.length)) + 2;
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}${c.summary}`);
  return `Usage: ai-governance <command> [options]

Commands:
${lines.join('\n')}

Run 'ai-governance <command> --help' for a command's options; '--version' prints the version.
`;
}

export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  // Before any command's own options: `ai-governance --version` and `ai-governance check --version`.
  if (argv.includes('--version') || command === '-v' || command === 'version') {
    io.stdout(`ai-governance ${packageVersion()}\n`);
    return EXIT_OK;
  }
  if (!command || command === '-h' || command === '--help' || command === 'help') {
    (command ? io.stdout : io.stderr)(mainHelp());
    return command ? EXIT_OK : EXIT_USAGE;
  }
  const entry = Object.hasOwn(COMMANDS, command) ? COMMANDS[command] : undefined;
  if (!entry) {
    io.stderr(`ai-governance: unknown command '${command}'\n\n${mainHelp()}`);
    return EXIT_USAGE;
  }
  try {
    return await entry.run(rest, io);
  } catch (e) {
    if (e instanceof CheckUsageError) {
      io.stderr(e.lines.map((l) => `${l}\n`).join(''));
      return EXIT_USAGE;
    }
    if (e instanceof TypeError && 'code' in e && String(e.code).startsWith('ERR_PARSE_ARGS')) {
      io.stderr(`ai-governance ${command}: ${e.message}\n`);
      return EXIT_USAGE;
    }
    throw e;
  }
}
