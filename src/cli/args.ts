/**
 * Every subcommand reads its arguments with node:util's parseArgs (strict: an unknown option is a
 * usage error, which `run` turns into exit 2), with `-h`/`--help` added to its options.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { CliIo } from './io.js';

type Options = NonNullable<ParseArgsConfig['options']>;

const HELP = { help: { type: 'boolean', short: 'h' } } as const;

/** A subcommand's options and positionals; `values.help` says whether help was asked for. */
export function commandArgs<O extends Options>(args: string[], options: O, positionals = false) {
  return parseArgs({ args, options: { ...options, ...HELP }, allowPositionals: positionals });
}

/**
 * {@link commandArgs} for a command that prints its own help: null once `help` is printed on
 * stdout (the command then exits 0).
 */
export function commandArgsOrHelp<O extends Options>(
  args: string[],
  io: Pick<CliIo, 'stdout'>,
  help: string,
  options: O,
  positionals = false,
): ReturnType<typeof commandArgs<O>> | null {
  const parsed = commandArgs(args, options, positionals);
  if (!(parsed.values as { help?: boolean }).help) return parsed;
  io.stdout(help);
  return null;
}
