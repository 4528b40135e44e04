/**
 * The real app behind a real HTTP server, against the loopback fake GitHub, with webhooks sent
 * by the fake's delivery log (so GitHub's record of each delivery, failed or not, is real), and
 * an app that can be stopped and started again on the same URL: what a redeployment looks like
 * to GitHub.
 */
import { generateKeyPairSync } from 'node:crypto';
import { createServer } from 'node:net';
import { pino } from 'pino';
import { Probot, ProbotOctokit, Server } from 'probot';
import { aiGovernance } from '../../src/app.js';
import { CHECK_NAME } from '../../src/model/names.js';
import type { Recovery, RecoverySettings, RoundReport } from '../../src/github/recovery.js';
import type { RecordedDelivery } from '../../src/fake-github/deliveries.js';
import { startFakeGitHub, type FakeGitHub } from '../../src/fake-github/server.js';
import { FakeGitHubState } from '../../src/fake-github/state.js';
import type { WebhookDelivery } from '../../src/fake-github/webhooks.js';

export const SECRET = 'recovery-secret';
export const REPO = 'acme/payments-api';
export const POLICY = `version: 1
critical_paths:
  - name: payments
    paths: ["services/payments/**"]
    approvals: 2
    reviewers:
      teams: [payments-seniors]
actions:
  label: ai-assisted
  request_reviews: false
  comment: true
`;

export interface LogLine {
  level: number;
  msg: string;
  audit?: string;
  [k: string]: unknown;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

export class RecoveryWorld {
  readonly state: FakeGitHubState;
  fake!: FakeGitHub;
  logs: LogLine[] = [];
  private server: Server | null = null;
  private recovery: Recovery | null = null;
  private port = 0;
  private readonly privateKey: string;
  private rounds: RoundReport[] = [];
  private roundWaiters: (() => void)[] = [];

  constructor() {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', {
      modulusLength: 2048,
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
      publicKeyEncoding: { type: 'spki', format: 'pem' },
    });
    this.privateKey = privateKey;
    // GitHub's clock (the fake's, one second per event) starts ten minutes ago; the app stamps
    // its checks with the real time. A test moves the fake's clock past the checks with
    // `later()` for what happens during a downtime.
    const start = new Date(Date.now() - 600_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    this.state = new FakeGitHubState({ app: { publicKey }, start });
    this.state.addOrg('acme');
    this.state.addTeam('acme', 'payments-seniors', ['sam-senior', 'pat-senior']);
    this.state.addUser('dana-dev');
    this.state.addRepo({
      owner: 'acme',
      name: 'payments-api',
      files: { '.github/ai-governance.yml': POLICY, 'README.md': '# Payments\n' },
    });
  }

  async start(): Promise<void> {
    this.fake = await startFakeGitHub(this.state);
    this.port = await freePort();
    this.fake.deliveries.configure(`http://127.0.0.1:${this.port}/api/github/webhooks`, SECRET);
  }

  /** An AI-assisted PR on the critical path. */
  openAiPullRequest(): number {
    return this.state.openPullRequest(REPO, {
      author: 'dana-dev',
      title: 'Retry failed refunds',
      commits: [
        {
          message: 'Retry failed refunds',
          coAuthors: [{ name: 'Claude', email: 'noreply@anthropic.com' }],
        },
      ],
      files: ['services/payments/refunds.ts'],
    }).number;
  }

  /**
   * Starts the app (listening first, then loaded, so that the start-up round's redeliveries
   * find it listening). `recovery` turns redelivery on, with rounds reported to {@link round}.
   */
  /** Moves GitHub's clock on to the real time (past the app's checks), as a downtime does. */
  later(ms = 0): void {
    this.state.advanceClock(new Date(Date.now() + ms).toISOString());
  }

  async startApp(recovery?: Partial<RecoverySettings>): Promise<void> {
    const log = pino(
      { level: 'info' },
      { write: (s: string) => void this.logs.push(JSON.parse(s) as LogLine) },
    );
    this.server = new Server({
      Probot: Probot.defaults({
        appId: this.state.app.id,
        privateKey: this.privateKey,
        secret: SECRET,
        baseUrl: this.fake.apiUrl,
        log,
        Octokit: ProbotOctokit.defaults((o: Record<string, unknown>) => ({
          ...o,
          retry: { enabled: false },
          throttle: { ...(o.throttle as object), enabled: false },
        })),
      }),
      host: '127.0.0.1',
      port: this.port,
      log,
    });
    await this.server.start();
    await this.server.load(
      aiGovernance({
        teamTtlMs: 0,
        ...(recovery
          ? {
              recovery: {
                intervalMs: 0,
                windowMs: 3600_000,
                startupLookbackMs: 3 * 24 * 3600_000,
                startDelayMs: 0,
                maxPages: 50,
                maxAttempts: 5,
                // Off unless a test asks for it, so that a redelivery test sees redelivery alone.
                reconcileOnStart: false,
                ...recovery,
                onStart: (r) => {
                  this.recovery = r;
                },
                onRound: (r) => {
                  this.rounds.push(r);
                  this.roundWaiters.splice(0).forEach((w) => w());
                },
              },
            }
          : {}),
      }),
    );
  }

  async stopApp(): Promise<void> {
    this.recovery?.stop();
    this.recovery = null;
    await this.server?.stop();
    this.server = null;
  }

  /** Waits for the `n`th recovery round (1-based) of this world, then for what it redelivered. */
  async round(n: number): Promise<RoundReport> {
    while (this.rounds.length < n) {
      await new Promise<void>((resolve) => this.roundWaiters.push(resolve));
    }
    await this.fake.deliveries.settle();
    return this.rounds[n - 1]!;
  }

  /** Runs one more round now (`startup` reconciles too) and waits for its redeliveries. */
  async runRound(kind: RoundReport['kind'] = 'manual'): Promise<RoundReport> {
    if (!this.recovery) throw new Error('the app runs without recovery');
    const r = await this.recovery.runNow(kind);
    await this.fake.deliveries.settle();
    return r;
  }

  send(delivery: WebhookDelivery): Promise<RecordedDelivery> {
    return this.fake.deliveries.send(delivery);
  }

  checks(sha: string) {
    return this.state.checkRunsFor(REPO, sha, CHECK_NAME);
  }

  appComments(number: number) {
    return this.state.requirePull(REPO, number).comments.filter((c) => c.viaApp);
  }

  audits(kind: string): LogLine[] {
    return this.logs.filter((l) => l.audit === kind);
  }

  async close(): Promise<void> {
    await this.stopApp();
    await this.fake?.close();
  }
}
