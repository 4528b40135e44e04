/**
 * `npm run bench -- --latency 100`: time to verdict as users see it. The real app with Probot's
 * throttling as shipped (its default Octokit: the write limiter, retries) against the fake GitHub
 * answering every request `latency` ms late and refusing what GitHub's documented secondary rate
 * limits would refuse. For each scenario it prints the time from the webhook's arrival to the
 * final check run on GitHub beside the requests made, and a PASS or GAP line per goal.
 */

import { spawn, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { Probot } from 'probot';
import { aiGovernance } from '../src/app.js';
import type { PullRequestShape } from '../src/fake-github/generate.js';
import { freePort } from '../src/fake-github/ports.js';
import { sendWebhook, type WebhookDelivery } from '../src/fake-github/webhooks.js';
import type { StatsAnswer } from './fake-process.js';
import { FakeProcess, UnpacedOctokit } from './harness.js';
import { count, goalLine, median, ms, percentile, table, type GoalResult } from './report.js';

const TYPICAL: PullRequestShape = { commits: 10, files: 30, reviews: 3 };
const LARGE: PullRequestShape = { commits: 300, files: 3500, reviews: 3 };
const TYPICAL_SAMPLES = 6;
const LARGE_SAMPLES = 3;
const STORM_PRS = 200;
const INSTALLATIONS = 50;
const SECRET = randomBytes(16).toString('hex');
const ROOT = resolve(import.meta.dirname, '../..');

type PullRef = { repo: string; number: number };

function say(line = ''): void {
  process.stdout.write(`${line}\n`);
}

/** Progress on stderr, so that a long run shows where it is. */
function progress(what: string): void {
  process.stderr.write(`[${new Date().toISOString().slice(11, 19)}] ${what}\n`);
}

interface Sample {
  /** Webhook arrival to the final check run answered by GitHub, ms; null when none was written. */
  toCheck: number | null;
  /** Webhook arrival to the handler's end (every write done, comment and label included), ms. */
  toEnd: number;
  stats: StatsAnswer;
}

interface Row {
  name: string;
  samples: Sample[];
  /** Evaluations the figures are per. */
  evaluations: number;
  note?: string;
}

const rowHead = [
  'scenario',
  'evals',
  'reads/eval',
  'writes/eval',
  'final check (median)',
  'final check (max)',
  'handler done (median)',
  'secondary-limit answers',
];

function rowOf(r: Row): string[] {
  const reads = r.samples.reduce((n, s) => n + s.stats.reads, 0) / r.evaluations;
  const writes = r.samples.reduce((n, s) => n + s.stats.writes, 0) / r.evaluations;
  const checks = r.samples.map((s) => s.toCheck).filter((v): v is number => v !== null);
  return [
    r.name,
    String(r.evaluations),
    count(Number(reads.toFixed(1))),
    count(Number(writes.toFixed(1))),
    checks.length ? ms(median(checks)) : 'no write',
    checks.length ? ms(Math.max(...checks)) : 'no write',
    ms(median(r.samples.map((s) => s.toEnd))),
    String(r.samples.reduce((n, s) => n + s.stats.secondaryLimited, 0)),
  ];
}

/** The in-process app: Probot's default Octokit, throttling on as shipped. */
interface Local {
  fake: FakeProcess;
  paced: Probot;
  /** Evaluates with throttling off, to set up state (the storm's 200 PRs) quickly. */
  seeder: Probot;
  warnings: string[];
  privateKey: string;
  appId: number;
  host: string;
}

async function receive(probot: Probot, d: WebhookDelivery): Promise<void> {
  await probot.receive({ id: d.id, name: d.name, payload: d.payload } as Parameters<
    Probot['receive']
  >[0]);
}

async function start(latencyMs: number): Promise<Local> {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  const fake = FakeProcess.start();
  const init = await fake.call({ op: 'init', publicKey, latencyMs, secondaryLimits: true });
  const warnings: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (!line || line.includes('"audit":"ai-governance.evaluation"')) continue;
        const rec = JSON.parse(line) as { level?: number; msg?: string };
        if ((rec.level ?? 0) >= 40) warnings.push(rec.msg ?? line);
      }
      done();
    },
  });
  const log = pino({ level: 'info' }, sink);
  const common = { appId: init.appId, privateKey, secret: SECRET, baseUrl: init.apiUrl, log };
  const paced = new Probot(common);
  await paced.load(aiGovernance());
  const seeder = new Probot({ ...common, Octokit: UnpacedOctokit });
  await seeder.load(aiGovernance());
  return { fake, paced, seeder, warnings, privateKey, appId: init.appId, host: init.host };
}

/** A new org with an installation of its own and `n` PRs of `shape`. */
async function org(l: Local, owner: string, shape: PullRequestShape, n: number, patterns = 1) {
  await l.fake.call({ op: 'org', owner, patterns, place: 'repository' });
  await l.fake.call({ op: 'install', owner });
  const prs: PullRef[] = [];
  for (let i = 0; i < n; i++) {
    prs.push(await l.fake.call({ op: 'pull', owner, shape: { ...shape, seed: 7000 + i } }));
  }
  return prs;
}

/** One event alone: reset the counts, deliver, wait for the handler, read when the check landed. */
async function one(l: Local, pr: PullRef): Promise<Sample> {
  const d = await l.fake.call({ op: 'opened', ...pr });
  await l.fake.call({ op: 'reset' });
  const t0 = Date.now();
  await receive(l.paced, d);
  const toEnd = Date.now() - t0;
  const [at] = await l.fake.call({ op: 'checkTimes', prs: [pr] });
  const stats = await l.fake.call({ op: 'stats' });
  return { toCheck: at === null || at === undefined ? null : at - t0, toEnd, stats };
}

async function sequence(l: Local, prs: PullRef[]): Promise<Sample[]> {
  const out: Sample[] = [];
  for (const pr of prs) out.push(await one(l, pr));
  return out;
}

async function storm(l: Local): Promise<{ row: Row; wallMs: number; written: number }> {
  const owner = 'storm';
  const prs = await org(l, owner, TYPICAL, STORM_PRS);
  // Set up: every PR judged once, with throttling off and the fake's limits off.
  await l.fake.call({ op: 'limits', enabled: false });
  for (let i = 0; i < prs.length; i += 20) {
    const batch = prs.slice(i, i + 20);
    const ds = await Promise.all(batch.map((p) => l.fake.call({ op: 'opened', ...p })));
    await Promise.all(ds.map((d) => receive(l.seeder, d)));
  }
  await l.fake.call({ op: 'limits', enabled: true });
  // Wait out the set-up's minute, so its requests do not count against the storm's.
  await new Promise((r) => setTimeout(r, 61_000));

  const push = await l.fake.call({ op: 'policyChange', owner, patterns: 11 });
  await l.fake.call({ op: 'reset' });
  const t0 = Date.now();
  await receive(l.paced, push);
  const wallMs = Date.now() - t0;
  const stats = await l.fake.call({ op: 'stats' });
  const times = await l.fake.call({ op: 'checkTimes', prs });
  const written = times.filter((t) => t !== null).length;
  return {
    row: {
      name: `storm: policy changed, ${STORM_PRS} open PRs re-judged (one installation)`,
      samples: [
        {
          toCheck: written ? Math.max(...times.map((t) => t ?? 0)) - t0 : null,
          toEnd: wallMs,
          stats,
        },
      ],
      evaluations: STORM_PRS,
    },
    wallMs,
    written,
  };
}

// ---------------------------------------------------------------------------------------------
// Two instances sharing Redis

async function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const open = await new Promise<boolean>((res) => {
      const sock = new Socket();
      sock.once('connect', () => {
        sock.destroy();
        res(true);
      });
      sock.once('error', () => res(false));
      sock.connect(port, '127.0.0.1');
    });
    if (open) return;
    if (Date.now() > deadline) throw new Error(`nothing listens on 127.0.0.1:${port}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function spawnOn(cmd: string, args: string[], env: Record<string, string>, port: number) {
  const child = spawn(cmd, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr?.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-4000)));
  try {
    await waitForPort(port, 20_000);
  } catch (e) {
    child.kill('SIGKILL');
    throw new Error(`${cmd} did not start: ${(e as Error).message}\n${err}`);
  }
  return child;
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await gone;
  clearTimeout(timer);
}

async function installations(l: Local, children: ChildProcess[]): Promise<Row | string> {
  const redisPort = await freePort();
  let redis: ChildProcess;
  try {
    redis = await spawnOn(
      'redis-server',
      ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      { PATH: process.env.PATH ?? '' },
      redisPort,
    );
  } catch (err) {
    return `skipped: redis-server could not be started (${(err as Error).message.split('\n')[0]})`;
  }
  children.push(redis);
  const workdir = mkdtempSync(join(tmpdir(), 'ai-governance-bench-'));
  try {
    const urls: string[] = [];
    for (let i = 0; i < 2; i++) {
      const port = await freePort();
      const env = {
        PATH: process.env.PATH ?? '',
        APP_ID: String(l.appId),
        PRIVATE_KEY: l.privateKey,
        WEBHOOK_SECRET: SECRET,
        GHE_HOST: l.host,
        GHE_PROTOCOL: 'http',
        REDIS_URL: `redis://127.0.0.1:${redisPort}`,
        LOG_LEVEL: 'warn',
        NODE_ENV: 'production',
        PORT: String(port),
        HOST: '127.0.0.1',
      };
      const probot = join(ROOT, 'node_modules/probot/bin/probot.js');
      const entry = join(ROOT, 'dist/src/index.js');
      children.push(await spawnOn(process.execPath, [probot, 'run', entry], { ...env }, port));
      urls.push(`http://127.0.0.1:${port}/api/github/webhooks`);
    }
    // Each instance handles one PR first, as a process in service would have.
    for (const [i, url] of urls.entries()) {
      const [pr] = await org(l, `warm-instance-${i}`, TYPICAL, 1);
      await sendWebhook(url, SECRET, await l.fake.call({ op: 'opened', ...pr! }));
    }
    const prs: PullRef[] = [];
    for (let i = 0; i < INSTALLATIONS; i++) {
      prs.push(...(await org(l, `tenant-${i + 1}`, TYPICAL, 1)));
    }
    const ds = await Promise.all(prs.map((p) => l.fake.call({ op: 'opened', ...p })));
    await l.fake.call({ op: 'reset' });
    const t0 = Date.now();
    await Promise.all(ds.map((d, i) => sendWebhook(urls[i % 2]!, SECRET, d)));
    let times = await l.fake.call({ op: 'checkTimes', prs });
    for (let waited = 0; times.some((t) => t === null) && waited < 60_000; waited += 250) {
      await new Promise((r) => setTimeout(r, 250));
      times = await l.fake.call({ op: 'checkTimes', prs });
    }
    const done = Date.now() - t0;
    const stats = await l.fake.call({ op: 'stats' });
    const each = stats;
    return {
      name: `${INSTALLATIONS} installations open a PR each at once, two instances sharing Redis`,
      samples: times.map((t, i) => ({
        toCheck: t === null ? null : t - t0,
        toEnd: done,
        stats: i === 0 ? each : { ...each, reads: 0, writes: 0, secondaryLimited: 0 },
      })),
      evaluations: INSTALLATIONS,
    };
  } finally {
    rmSync(workdir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------

export async function runLatency(latencyMs: number): Promise<void> {
  const started = Date.now();
  const children: ChildProcess[] = [];
  const l = await start(latencyMs);
  const stop = () => {
    l.fake.kill();
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  };
  process.once('exit', stop);
  try {
    say(`# AI Governance: time to verdict, ${latencyMs} ms per GitHub answer`);
    say();
    say(
      `- The real app with **Probot's throttling as shipped** (its default Octokit) against the fake GitHub on 127.0.0.1, which answers every request ${latencyMs} ms late and refuses, as GitHub does, what goes over GitHub's documented secondary rate limits (per installation: 100 requests at once, 2,000 GraphQL and 900 REST points a minute, 80 content-creating requests a minute).\n` +
        '- "Final check" is from the webhook\'s arrival to GitHub\'s answer to the last write of the check run on the head; "handler done" is when every write of the evaluation (the comment, the label, review requests, which Probot spaces a second or more apart) was done.\n' +
        '- Reads and writes are requests to the API, the installation-token request not counted. Every PR below is in an organisation with its own installation unless said otherwise.',
    );
    say();

    progress('warming up');
    // Warm-up: JIT and the app's identity, in an org of its own.
    for (const pr of await org(l, 'warmup', TYPICAL, 2)) await one(l, pr);

    const typicalPrs: PullRef[] = [];
    for (let i = 0; i < TYPICAL_SAMPLES; i++) {
      typicalPrs.push(...(await org(l, `typical-${i + 1}`, TYPICAL, 1)));
    }
    progress('typical PRs');
    const first = await sequence(l, typicalPrs);
    const again = await sequence(l, typicalPrs);
    const largePrs: PullRef[] = [];
    for (let i = 0; i < LARGE_SAMPLES; i++) {
      largePrs.push(...(await org(l, `large-${i + 1}`, LARGE, 1, 200)));
    }
    progress('large PRs');
    const large = await sequence(l, largePrs);
    const rows: Row[] = [
      { name: 'typical PR, first evaluation', samples: first, evaluations: first.length },
      {
        name: 'typical PR, re-evaluation, nothing changed',
        samples: again,
        evaluations: again.length,
      },
      {
        name: 'large PR (300 commits, 3,500 files), first evaluation',
        samples: large,
        evaluations: large.length,
      },
    ];
    progress(`storm: ${STORM_PRS} PRs set up, a minute's pause, then the policy change`);
    const s = await storm(l);
    progress('installations on two instances');
    rows.push(s.row);
    const multi = await installations(l, children);
    if (typeof multi !== 'string') rows.push(multi);

    say(table(rowHead, rows.map(rowOf)));
    say();
    say(
      `Storm: a policy change on the default branch (a new rule no PR touches) re-judged ${STORM_PRS} open PRs of one installation in ${ms(s.wallMs)}; ${s.written} check runs changed and were written.`,
    );
    if (typeof multi === 'string') say(`Installations scenario ${multi}.`);
    say();

    const med = (xs: Sample[], f: (s: Sample) => number | null) =>
      median(xs.map(f).filter((v): v is number => v !== null));
    const perEval = (xs: Sample[], k: 'reads' | 'writes') =>
      xs.reduce((n, x) => n + x.stats[k], 0) / xs.length;
    const goals: GoalResult[] = [
      {
        goal: 'Typical first evaluation: final check within 0.5 s, 2 reads',
        pass: med(first, (x) => x.toCheck) <= 500 && perEval(first, 'reads') <= 2,
        detail: `median ${ms(med(first, (x) => x.toCheck))} (p95 ${ms(
          percentile(
            first.map((x) => x.toCheck ?? Infinity),
            95,
          ),
        )}), ${count(perEval(first, 'reads'))} reads`,
      },
      {
        goal: 'Re-evaluation with nothing changed: done within 0.3 s, 1 read, 0 writes',
        pass:
          med(again, (x) => x.toEnd) <= 300 &&
          perEval(again, 'reads') <= 1 &&
          perEval(again, 'writes') === 0,
        detail: `median ${ms(med(again, (x) => x.toEnd))}, ${count(perEval(again, 'reads'))} reads, ${count(perEval(again, 'writes'))} writes`,
      },
      {
        goal: 'Large PR: final check within 2 s, at most 40 reads',
        pass: med(large, (x) => x.toCheck) <= 2000 && perEval(large, 'reads') <= 40,
        detail: `median ${ms(med(large, (x) => x.toCheck))}, ${count(Number(perEval(large, 'reads').toFixed(1)))} reads`,
      },
      {
        goal: 'No secondary-limit answers in any scenario',
        pass: rows.every((r) => r.samples.every((x) => x.stats.secondaryLimited === 0)),
        detail: `${rows.reduce((n, r) => n + r.samples.reduce((k, x) => k + x.stats.secondaryLimited, 0), 0)} refused`,
      },
    ];
    if (typeof multi !== 'string') {
      const times = multi.samples.map((x) => x.toCheck ?? Infinity);
      const single = med(first, (x) => x.toCheck);
      goals.push({
        goal: `${INSTALLATIONS} installations at once on two instances: each about as fast as one alone`,
        pass: median(times) <= 2 * single + 250,
        detail: `median ${ms(median(times))}, slowest ${ms(Math.max(...times))} (one alone: ${ms(single)})`,
      });
    }
    for (const g of goals) say(goalLine(g));
    say();
    if (l.warnings.length)
      say(`Warnings the app logged: ${[...new Set(l.warnings)].slice(0, 5).join('; ')}`);
    say(`The run took ${Math.round((Date.now() - started) / 1000)} s.`);
  } finally {
    process.removeListener('exit', stop);
    await Promise.all(children.reverse().map(stopChild));
    await l.fake.stop();
  }
}
