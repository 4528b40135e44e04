/**
 * `ai-governance audit`: the options checked, the output folder and an existing store checked
 * before anything is read, GitHub read and each merged pull request classified (pipeline.ts), then
 * the report written (report.ts) and the summary printed. `audit verify DIR` checks a report.
 */
import { existsSync, readdirSync, rmdirSync, rmSync } from 'node:fs';
import { CheckUsageError } from '../check.js';
import { connect, type Connection } from '../connect.js';
import { EXIT_FAIL_ON, EXIT_OK, type CliIo } from '../io.js';
import { withRateLimitWaits, type RateLimitWaitOptions } from '../../github/audit/rate-limits.js';
import { AuditError, explain } from './errors.js';
import { checkOutput, readInputs } from './inputs.js';
import { AUDIT_HELP, parseAuditArgs, type AuditOptions } from './options.js';
import { policyKey, readAndClassify } from './pipeline.js';
import { auditProgress, type AuditProgress } from './progress.js';
import { writeReport } from './report.js';
import { AuditStoreError, openAuditStore, type AuditStore } from './store.js';

export interface AuditDeps {
  env?: NodeJS.ProcessEnv;
  /** The clock `--since 90d` counts back from. */
  now?: Date;
  /** stderr when it is a terminal: a progress bar there; plain lines otherwise. */
  tty?: NodeJS.WriteStream;
  /** The clock and the wait of a rate-limit wait, for tests that move time on instead. */
  clock?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

/** What this run created, removed again when it fails before anything worth keeping. */
interface Created {
  outDir: boolean;
  db: boolean;
}

function undo(o: AuditOptions, created: Created, read: number): void {
  if (created.db && read === 0) {
    for (const suffix of ['', '-wal', '-shm', '-journal'])
      rmSync(`${o.dbFile}${suffix}`, { force: true });
  }
  if (created.outDir && existsSync(o.outDir) && readdirSync(o.outDir).length === 0) {
    try {
      rmdirSync(o.outDir);
    } catch {
      // An empty folder is not a half-written report.
    }
  }
}

async function open(o: AuditOptions): Promise<AuditStore> {
  try {
    return await openAuditStore(o.dbFile);
  } catch (err) {
    if (err instanceof AuditStoreError)
      throw new CheckUsageError([`ai-governance audit: --db: ${err.message}`]);
    throw err;
  }
}

async function listRepos(o: AuditOptions, conn: Connection, waits: RateLimitWaitOptions) {
  const who = conn.kind === 'app' ? `the app's installation on ${o.org}` : 'the token';
  try {
    // Every request waits out a rate limit (GraphQL's too, which the throttling plugin does not
    // see on Enterprise Server's /api/graphql) and is sent again.
    const gh = withRateLimitWaits(await conn.clientFor(o.org), waits);
    const repos = o.repos.length > 0 ? o.repos : await conn.repos(gh, o.org, { archived: true });
    return { gh, repos: [...repos].sort(), who };
  } catch (err) {
    throw explain(err, `repositories of ${o.org}`, who, o.org);
  }
}

export async function auditCommand(
  args: string[],
  io: CliIo,
  deps: AuditDeps = {},
): Promise<number> {
  if (args[0] === 'verify') {
    return (await import('./verify.js')).auditVerifyCommand(args.slice(1), io);
  }
  const env = deps.env ?? process.env;
  const o = parseAuditArgs(args, env, io.cwd, deps.now ?? new Date());
  if (o === 'help') {
    io.stdout(AUDIT_HELP);
    return EXIT_OK;
  }
  const inputs = readInputs(o);
  const created: Created = { outDir: !existsSync(o.outDir), db: !existsSync(o.dbFile) };
  checkOutput(o);
  let store: AuditStore | null = null;
  let progress: AuditProgress | null = null;
  try {
    // An existing store is checked (and refused when it is not one) before GitHub is read; a new
    // one is created once GitHub has answered.
    if (!created.db) store = await open(o);
    progress = auditProgress(deps.tty, io.stderr);
    const bar = progress;
    const conn = await connect({
      apiUrl: o.apiUrl,
      env,
      command: 'ai-governance audit',
      observe: (res) => bar.response(res.headers),
      onWait: (seconds, limit) => bar.waiting(seconds * 1000, `${limit} limit`),
    });
    const { gh, repos, who } = await listRepos(o, conn, {
      onWait: (w) => bar.waiting(w.seconds * 1000, `${w.limit} limit`),
      now: deps.clock,
      sleep: deps.sleep,
    });
    store ??= await open(o);
    const window = { since: o.since, until: o.until };
    try {
      await readAndClassify({
        gh,
        org: o.org,
        repos,
        window,
        policyFile: inputs.policy,
        appSlug: conn.app.slug,
        store,
        progress,
      });
    } catch (err) {
      throw explain(err, `the pull requests of ${o.org}`, who, o.org);
    }
    progress.stop();
    const scope = new Set(repos.map((r) => `${o.org}/${r}`));
    const records = store
      .records(policyKey(inputs.policy), window)
      .filter((r) => scope.has(r.repository));
    const { summary, violations } = writeReport(o, records, inputs, progress.requests);
    io.stdout(summary);
    return o.failOnViolations && violations > 0 ? EXIT_FAIL_ON : EXIT_OK;
  } catch (err) {
    progress?.stop();
    store?.close();
    store = null;
    undo(o, created, progress?.prs ?? 0);
    if (!(err instanceof AuditError)) throw err;
    const kept =
      (progress?.prs ?? 0) > 0 ? ` What was read is kept in ${o.dbFile} for the next run.` : '';
    io.stderr(`ai-governance audit: ${err.message}\nNo report was written.${kept}\n`);
    return 1;
  } finally {
    store?.close();
  }
}
