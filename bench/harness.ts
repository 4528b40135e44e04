/**
 * The benchmark's running system: the fake GitHub in a child process (see fake-process.ts) and
 * the real app, `aiGovernance()` loaded into Probot in this process, with Octokit pointed at the
 * fake. Events go in through `probot.receive()`, which resolves once every handler has finished,
 * so the time it takes is the handler latency: receive to the evaluation finished, writes
 * included. Probot's throttling and retries are off (see {@link UnpacedOctokit}).
 */

import { fork, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { Probot, ProbotOctokit } from 'probot';
import { aiGovernance } from '../src/app.js';
import type { WebhookDelivery } from '../src/fake-github/webhooks.js';
import type { FakeAnswers, FakeCall, StatsAnswer } from './fake-process.js';

/**
 * Octokit without retries or throttling. Probot's throttling spaces GraphQL queries and writes
 * about a second apart per installation to respect GitHub's secondary limits: that is waiting,
 * not work, so the latencies are measured without it. A function, not an object, because Probot
 * replaces an object's `throttle` with its own options.
 */
export const UnpacedOctokit = ProbotOctokit.defaults((o: Record<string, unknown>) => ({
  ...o,
  retry: { ...(o.retry as object), enabled: false },
  throttle: { ...(o.throttle as object), enabled: false },
}));

/** The fake GitHub's process, driven over IPC. */
export class FakeProcess {
  private next = 0;
  private readonly waiting = new Map<
    number,
    { resolve: (v: unknown) => void; reject: (e: Error) => void }
  >();
  private exited = false;

  private constructor(private readonly child: ChildProcess) {
    child.on('message', (raw: unknown) => {
      const m = raw as { id: number; ok: boolean; value?: unknown; error?: string };
      const w = this.waiting.get(m.id);
      if (!w) return;
      this.waiting.delete(m.id);
      if (m.ok) w.resolve(m.value);
      else w.reject(new Error(`fake GitHub: ${m.error}`));
    });
    child.on('exit', (code, signal) => {
      this.exited = true;
      for (const w of this.waiting.values()) {
        w.reject(new Error(`the fake GitHub exited (${signal ?? code})`));
      }
      this.waiting.clear();
    });
  }

  static start(): FakeProcess {
    const child = fork(new URL('./fake-process.js', import.meta.url), [], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      execArgv: [],
    });
    return new FakeProcess(child);
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  call<C extends FakeCall>(call: C): Promise<FakeAnswers[C['op']]> {
    if (this.exited) return Promise.reject(new Error('the fake GitHub has exited'));
    const id = ++this.next;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.child.send({ id, call });
    });
  }

  /** Closes the server and waits for the process to end; kills it if it does not within 5 s. */
  async stop(): Promise<void> {
    if (this.exited) return;
    const gone = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    try {
      await Promise.race([
        this.call({ op: 'close' }),
        new Promise((r) => setTimeout(r, 5000).unref()),
      ]);
    } catch {
      // Exiting anyway.
    }
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5000);
    await gone;
    clearTimeout(timer);
  }

  /** For an abrupt end of the benchmark: the child must not outlive it. */
  kill(): void {
    if (!this.exited) this.child.kill('SIGKILL');
  }
}

/** What the app's audit log said about one evaluation. */
export interface AuditRecord {
  repo: string;
  pr: number;
  outcome: string;
  writes: { check: string; comment: string; label: string; reviewRequest: string };
  errors: string[];
}

/** One event handled: how long it took, and what the fake GitHub saw meanwhile. */
export interface Measured {
  ms: number;
  /** CPU time this process spent meanwhile (user and system): the app's own work, requests included. */
  cpuMs: number;
  stats: StatsAnswer;
  audits: AuditRecord[];
}

export interface App {
  probot: Probot;
  fake: FakeProcess;
  installationId: number;
  /** Handles one event; resolves with the milliseconds from receive to the handlers finished. */
  receive(delivery: WebhookDelivery): Promise<number>;
  /** Handles one event alone and reports the requests it made. */
  measure(delivery: WebhookDelivery): Promise<Measured>;
  /** Audit records since the last call. */
  takeAudits(): AuditRecord[];
  /** Warnings and errors the app logged since the last call. */
  takeProblems(): string[];
}

/** Starts the fake GitHub and the app against it. */
export async function startApp(): Promise<App> {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  const fake = FakeProcess.start();
  try {
    const init = await fake.call({ op: 'init', publicKey });

    let audits: AuditRecord[] = [];
    let problems: string[] = [];
    // The app logs at `info` as it would in production: the log's cost is part of the latency.
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        for (const line of chunk.toString('utf8').split('\n')) {
          if (line === '') continue;
          if (line.includes('"audit":"ai-governance.evaluation"')) {
            audits.push(JSON.parse(line) as AuditRecord);
          } else {
            const rec = JSON.parse(line) as { level?: number; msg?: string };
            if ((rec.level ?? 0) >= 40) problems.push(rec.msg ?? line);
          }
        }
        done();
      },
    });
    const log = pino({ level: 'info' }, sink);
    const probot = new Probot({
      appId: init.appId,
      privateKey,
      secret: randomBytes(16).toString('hex'),
      baseUrl: init.apiUrl,
      log,
      Octokit: UnpacedOctokit,
    });
    await probot.load(aiGovernance());

    const receive = async (d: WebhookDelivery): Promise<number> => {
      const started = performance.now();
      await probot.receive({ id: d.id, name: d.name, payload: d.payload } as Parameters<
        Probot['receive']
      >[0]);
      return performance.now() - started;
    };
    // Pino writes through the stream asynchronously: wait for the audit line to arrive.
    const settle = () => new Promise<void>((r) => setImmediate(r));

    return {
      probot,
      fake,
      installationId: init.installationId,
      receive,
      async measure(d) {
        await fake.call({ op: 'reset' });
        const before = audits.length;
        const cpu = process.cpuUsage();
        const ms = await receive(d);
        const used = process.cpuUsage(cpu);
        await settle();
        const stats = await fake.call({ op: 'stats' });
        return { ms, cpuMs: (used.user + used.system) / 1000, stats, audits: audits.slice(before) };
      },
      takeAudits() {
        const out = audits;
        audits = [];
        return out;
      },
      takeProblems() {
        const out = problems;
        problems = [];
        return out;
      },
    };
  } catch (err) {
    await fake.stop();
    throw err;
  }
}
