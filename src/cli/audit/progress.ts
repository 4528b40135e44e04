/**
 * What the audit shows while it reads: on a terminal, one progress bar (repositories done, pull
 * requests read, requests made, GitHub's rate limit left, the time left, and any wait for a rate
 * limit) drawn by cli-progress; elsewhere (CI logs, pipes), plain lines, one per repository and
 * one per wait.
 */
import cliProgress from 'cli-progress';

export interface AuditProgress {
  /** The repositories to read are known. */
  start(repos: number): void;
  /** One more pull request read (or several). */
  pullRequests(n: number): void;
  /** A repository is done: `merged` pull requests read for it this run. */
  repoDone(repo: string, merged: number): void;
  /** Every response GitHub sends: counts requests and keeps the rate limit left. */
  response(headers: Record<string, unknown>): void;
  /** The reading waits `ms` for GitHub's rate limit. */
  waiting(ms: number, why: string): void;
  /** Done (or failed): the bar is cleared before anything else is printed. */
  stop(): void;
  readonly requests: number;
  /** Pull requests read so far. */
  readonly prs: number;
}

function header(headers: Record<string, unknown>, name: string): number | null {
  const v = headers[name];
  const n = typeof v === 'string' || typeof v === 'number' ? Number(v) : NaN;
  return Number.isFinite(n) ? n : null;
}

const seconds = (ms: number) => `${Math.ceil(ms / 1000)} s`;

abstract class Counting {
  requests = 0;
  remaining: number | null = null;
  prs = 0;
  repos = 0;
  reposDone = 0;
  response(headers: Record<string, unknown>): void {
    this.requests++;
    const left = header(headers, 'x-ratelimit-remaining');
    if (left !== null) this.remaining = left;
    this.changed();
  }
  pullRequests(n: number): void {
    this.prs += n;
    this.changed();
  }
  protected changed(): void {}
  protected left(): string {
    return this.remaining === null ? '' : `, ${this.remaining} left in the rate limit`;
  }
}

/** Plain lines for logs: one per repository read and one per wait. */
export class LineProgress extends Counting implements AuditProgress {
  constructor(private readonly write: (s: string) => void) {
    super();
  }
  start(repos: number): void {
    this.repos = repos;
    this.write(`Reading ${repos} ${repos === 1 ? 'repository' : 'repositories'}.\n`);
  }
  repoDone(repo: string, merged: number): void {
    this.reposDone++;
    this.write(
      `[${this.reposDone}/${this.repos}] ${repo}: ${merged} merged pull ${merged === 1 ? 'request' : 'requests'} read ` +
        `(${this.requests} requests so far${this.left()})\n`,
    );
  }
  waiting(ms: number, why: string): void {
    this.write(`Waiting ${seconds(ms)} for GitHub's rate limit (${why}), then resuming.\n`);
  }
  stop(): void {}
}

/** One bar on the terminal, redrawn in place; cleared when done. */
export class BarProgress extends Counting implements AuditProgress {
  private readonly bar: cliProgress.SingleBar;
  private wait = '';
  private waitTimer: NodeJS.Timeout | null = null;
  constructor(stream: NodeJS.WriteStream) {
    super();
    this.bar = new cliProgress.SingleBar(
      {
        stream,
        format:
          'Auditing {bar} {value}/{total} repos | {prs} PRs | {requests} requests | ' +
          'rate limit {left} | ETA {eta_formatted}{wait}',
        hideCursor: true,
        clearOnComplete: true,
        etaBuffer: 20,
        fps: 5,
      },
      cliProgress.Presets.shades_classic,
    );
  }
  private payload() {
    return {
      prs: this.prs,
      requests: this.requests,
      left: this.remaining ?? '?',
      wait: this.wait,
    };
  }
  start(repos: number): void {
    this.repos = repos;
    this.bar.start(repos, 0, this.payload());
  }
  protected override changed(): void {
    this.bar.update(this.payload());
  }
  repoDone(): void {
    this.reposDone++;
    this.bar.update(this.reposDone, this.payload());
  }
  waiting(ms: number, why: string): void {
    const until = Date.now() + ms;
    if (this.waitTimer) clearInterval(this.waitTimer);
    const tick = () => {
      const left = until - Date.now();
      this.wait = left > 0 ? ` | waiting ${seconds(left)} for the rate limit (${why})` : '';
      this.bar.update(this.payload());
      if (left <= 0 && this.waitTimer) {
        clearInterval(this.waitTimer);
        this.waitTimer = null;
      }
    };
    tick();
    this.waitTimer = setInterval(tick, 1000);
    this.waitTimer.unref();
  }
  stop(): void {
    if (this.waitTimer) clearInterval(this.waitTimer);
    this.bar.stop();
  }
}

/** A bar on a terminal, plain lines elsewhere. */
export function auditProgress(
  tty: NodeJS.WriteStream | undefined,
  write: (s: string) => void,
): AuditProgress {
  return tty ? new BarProgress(tty) : new LineProgress(write);
}
