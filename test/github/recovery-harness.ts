/**
 * The real app behind a real HTTP server, against the loopback fake GitHub, with webhooks sent
 * by the fake's delivery log (so GitHub's record of each delivery, failed or not, is real), and
 * an app that can be stopped and started again on the same URL: what a redeployment looks like
 * to GitHub.
 */
import type { Recovery, RecoverySettings, RoundReport } from '../../src/github/recovery.js';
import type { RecordedDelivery } from '../../src/fake-github/deliveries.js';
import { startFakeGitHub, type FakeGitHub } from '../../src/fake-github/server.js';
import type { FakeGitHubState } from '../../src/fake-github/state.js';
import {
  pullRequestEvent,
  pullRequestReviewEvent,
  type WebhookDelivery,
} from '../../src/fake-github/webhooks.js';
import { CHECK_NAME } from '../../src/model/names.js';
import { expect } from 'vitest';
import { freePort } from '../../src/fake-github/ports.js';
import {
  newFakeState,
  startAppOnFake,
  WEBHOOK_SECRET,
  type AppOnFake,
  type LogLine,
} from '../support/app-on-fake.js';
import {
  addPaymentsOrg,
  labelAndComment,
  openAiPullRequest,
  paymentsPolicy,
  REPO,
  SENIORS,
} from '../support/fixtures.js';

export class RecoveryWorld {
  readonly state: FakeGitHubState;
  fake!: FakeGitHub;
  private app: AppOnFake | null = null;
  /** The log lines of every start of the app, in order. */
  private runs: LogLine[][] = [];
  private recovery: Recovery | null = null;
  private port = 0;
  private rounds: RoundReport[] = [];
  private roundWaiters: (() => void)[] = [];

  constructor() {
    // GitHub's clock (the fake's, one second per event) starts ten minutes ago; the app stamps
    // its checks with the real time. A test moves the fake's clock past the checks with
    // `later()` for what happens during a downtime.
    const start = new Date(Date.now() - 600_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    this.state = newFakeState({ start });
    // Two approvals from the payments seniors; the app labels and comments.
    addPaymentsOrg(this.state, paymentsPolicy(2, labelAndComment()));
  }

  async start(): Promise<void> {
    this.fake = await startFakeGitHub(this.state);
    this.port = await freePort();
    this.fake.deliveries.configure(
      `http://127.0.0.1:${this.port}/api/github/webhooks`,
      WEBHOOK_SECRET,
    );
  }

  /** An AI-assisted PR on the critical path. */
  openAiPullRequest(): number {
    return openAiPullRequest(this.state);
  }

  /** Delivers `opened` for a PR, then an approval from each payments senior: the check passes. */
  async approveBySeniors(number: number): Promise<void> {
    const opened = await this.send(pullRequestEvent(this.state, REPO, number, 'opened'));
    expect(opened.status).toBe('OK');
    for (const user of SENIORS) {
      const review = this.state.submitReview(REPO, number, { user });
      const d = await this.send(pullRequestReviewEvent(this.state, REPO, number, review.id));
      expect(d.status).toBe('OK');
    }
    const head = this.state.requirePull(REPO, number).headSha;
    expect(this.checks(head).map((c) => c.conclusion)).toEqual(['success']);
  }

  /** Dismisses `user`'s approval of a PR, and GitHub sends the event (failing while the app is down). */
  async dismissApproval(number: number, user: string): Promise<RecordedDelivery> {
    const review = this.state.requirePull(REPO, number).reviews.find((r) => r.user === user)!;
    this.state.dismissReview(REPO, number, review.id);
    return this.send(pullRequestReviewEvent(this.state, REPO, number, review.id, 'dismissed'));
  }

  /** Every log line of the app, over all its starts. */
  get logs(): LogLine[] {
    return this.runs.flat();
  }

  /** Moves GitHub's clock on to the real time (past the app's checks), as a downtime does. */
  later(ms = 0): void {
    this.state.advanceClock(new Date(Date.now() + ms).toISOString());
  }

  /**
   * Starts the app on the world's fake and port (listening first, then loaded, so that the
   * start-up round's redeliveries find it listening). `recovery` turns redelivery on, with rounds
   * reported to {@link round}.
   */
  async startApp(recovery?: Partial<RecoverySettings>): Promise<void> {
    this.app = await startAppOnFake(this.state, {
      onFake: this.fake,
      port: this.port,
      listenFirst: true,
      app: {
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
      },
    });
    this.runs.push(this.app.logs);
  }

  async stopApp(): Promise<void> {
    this.recovery?.stop();
    this.recovery = null;
    await this.app?.stop();
    this.app = null;
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
