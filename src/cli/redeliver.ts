/**
 * `ai-governance redeliver`: one redelivery round from the command line, for organisations that
 * prefer cron or an Actions schedule to the app's own schedule. It authenticates as the app
 * (APP_ID and PRIVATE_KEY or PRIVATE_KEY_PATH, as `npm start` reads them) and asks GitHub to send
 * again every delivery in the window none of whose attempts succeeded.
 */

import { readFileSync } from 'node:fs';
import { describeError, type GitHubClient } from '../github/client.js';
import { redeliverFailed, type RedeliveryReport } from '../github/deliveries.js';
import { parseDuration } from '../github/recovery-config.js';
import { DEFAULT_RECOVERY } from '../github/recovery.js';
import { commandArgsOrHelp } from './args.js';
import { EXIT_OK, EXIT_USAGE, type CliIo } from './io.js';

export const REDELIVER_HELP = `Usage: ai-governance redeliver [--since DURATION] [--dry-run] [--json]

Asks GitHub to send again every webhook delivery of the app that failed in the window (none of
the attempts for its event succeeded), as the app does itself after start-up and every few
minutes. The redelivered events reach the running app, which judges them as any other.

It authenticates as the app: APP_ID, and PRIVATE_KEY or PRIVATE_KEY_PATH, from the environment;
GHE_HOST (and GHE_PROTOCOL) for GitHub Enterprise Server.

Options:
  --since DURATION      How far back to look: 90s, 30m, 1h, 3d (default: 1h)
  --max-attempts N      Skip events that failed this many times already
                        (default: REDELIVERY_MAX_ATTEMPTS, else ${DEFAULT_RECOVERY.maxAttempts})
  --dry-run             Only list what would be redelivered
  --json                Print the report as one JSON object
  -h, --help            Show this help

Exit status: 0 when every failed delivery was asked for again (or none failed), 1 when the
deliveries could not be read or GitHub refused a redelivery, 2 on a usage error.
`;

const EXIT_FAILED = 1;

/** The app's client from the environment, or a usage error saying what is missing. */
export type AppClientFactory = (env: NodeJS.ProcessEnv) => Promise<GitHubClient>;

async function probotAppClient(env: NodeJS.ProcessEnv): Promise<GitHubClient> {
  const appId = Number(env.APP_ID);
  const privateKey = env.PRIVATE_KEY
    ? env.PRIVATE_KEY.replace(/\\n/g, '\n')
    : readFileSync(env.PRIVATE_KEY_PATH!, 'utf8');
  const baseUrl = env.GHE_HOST
    ? `${env.GHE_PROTOCOL || 'https'}://${env.GHE_HOST}/api/v3`
    : 'https://api.github.com';
  // Loaded on demand: the offline commands do not need Probot.
  const { Probot } = await import('probot');
  const { pino } = await import('pino');
  const probot = new Probot({ appId, privateKey, baseUrl, log: pino({ level: 'silent' }) });
  return probot.auth();
}

export async function redeliverCommand(
  args: string[],
  io: CliIo,
  env: NodeJS.ProcessEnv = process.env,
  appClient: AppClientFactory = probotAppClient,
): Promise<number> {
  const parsed = commandArgsOrHelp(args, io, REDELIVER_HELP, {
    since: { type: 'string', default: '1h' },
    'max-attempts': { type: 'string' },
    'dry-run': { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
  });
  if (!parsed) return EXIT_OK;
  const { values } = parsed;
  let sinceMs: number;
  let maxAttempts: number;
  try {
    sinceMs = parseDuration(values.since, '--since');
    const attempts = values['max-attempts'] ?? env.REDELIVERY_MAX_ATTEMPTS?.trim();
    maxAttempts = attempts ? Number(attempts) : DEFAULT_RECOVERY.maxAttempts;
    if (!Number.isInteger(maxAttempts) || maxAttempts < 1) {
      throw new RangeError(`--max-attempts: "${attempts}" must be a whole number of at least 1`);
    }
  } catch (e) {
    io.stderr(`ai-governance redeliver: ${(e as Error).message}\n`);
    return EXIT_USAGE;
  }
  if (!env.APP_ID || !(env.PRIVATE_KEY || env.PRIVATE_KEY_PATH)) {
    io.stderr(
      'ai-governance redeliver: set APP_ID, and PRIVATE_KEY or PRIVATE_KEY_PATH, to act as the app\n',
    );
    return EXIT_USAGE;
  }
  let report: RedeliveryReport;
  try {
    const gh = await appClient(env);
    report = await redeliverFailed(gh, {
      sinceMs: Date.now() - sinceMs,
      maxPages: DEFAULT_RECOVERY.maxPages,
      maxAttempts,
      dryRun: values['dry-run'],
    });
  } catch (e) {
    io.stderr(
      `ai-governance redeliver: could not read the app's deliveries: ${describeError(e)}\n`,
    );
    return EXIT_FAILED;
  }
  if (values.json) io.stdout(`${JSON.stringify(report, null, 2)}\n`);
  else io.stdout(describe(report, values['dry-run']));
  return report.errors.length > 0 ? EXIT_FAILED : EXIT_OK;
}

function describe(r: RedeliveryReport, dryRun: boolean): string {
  const line = (e: RedeliveryReport['redelivered'][number]) =>
    `  ${e.guid}  ${e.action ? `${e.event}.${e.action}` : e.event}  (delivery ${e.deliveryId}, ` +
    `${e.attempts} attempt${e.attempts === 1 ? '' : 's'}, last: ${e.lastStatus})\n`;
  let out = `${r.listed} deliveries since ${r.since}${r.truncated ? ' (older ones not read: page limit)' : ''}.\n`;
  out += `${dryRun ? 'Would redeliver' : 'Redelivered'} ${r.redelivered.length}${r.redelivered.length ? ':' : '.'}\n`;
  out += r.redelivered.map(line).join('');
  if (r.gaveUp.length > 0) {
    out += `Not redelivered, every attempt failed (${r.gaveUp.length}):\n${r.gaveUp.map(line).join('')}`;
  }
  for (const e of r.errors) out += `GitHub refused to redeliver ${e.guid}: ${e.error}\n`;
  return out;
}
