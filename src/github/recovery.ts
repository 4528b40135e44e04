/**
 * Runs the recovery of lost events inside the app process: a redelivery round shortly after
 * start-up (looking back as far as GitHub keeps deliveries) and then one every `intervalMs`
 * (looking back `windowMs`), and after the start-up round the reconciliation of pull requests
 * whose verdict may be stale (reconcile.ts). Each round runs under one lock key, so that instances sharing
 * `REDIS_URL` run one round at a time; a round that cannot take the lock, or fails, is logged and
 * the next one tries again. Nothing here judges a pull request: redelivered events reach the app's
 * handlers like any other.
 */

import { describeError, type GitHubClient } from './client.js';
import { redeliverFailed, type RedeliveryReport } from './deliveries.js';
import type { KeyedLock } from './lock.js';
import type { ReconcileReport } from './reconcile.js';

export interface RecoveryLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface RecoverySettings {
  /** Time between redelivery rounds, in ms; 0 runs the start-up round only. */
  intervalMs: number;
  /** How far back a scheduled round looks, in ms (longer than `intervalMs`). */
  windowMs: number;
  /** How far back the start-up round looks, in ms: as long as GitHub keeps deliveries. */
  startupLookbackMs: number;
  /** Wait before the start-up round, so that the server listens when redeliveries arrive. */
  startDelayMs: number;
  /** Pages of 100 deliveries a round reads at most. */
  maxPages: number;
  /** Attempts of one event after which it is no longer redelivered. */
  maxAttempts: number;
  /** Re-evaluate pull requests whose verdict may be stale, after the start-up round. */
  reconcileOnStart: boolean;
}

export const DEFAULT_RECOVERY: RecoverySettings = {
  intervalMs: 5 * 60_000,
  windowMs: 60 * 60_000,
  startupLookbackMs: 3 * 24 * 3600_000,
  startDelayMs: 10_000,
  maxPages: 50,
  maxAttempts: 5,
  reconcileOnStart: true,
};

/** The lock key of a round (the lock adds its own prefix). */
export const RECOVERY_LOCK_KEY = 'recovery:redeliver';

export interface RoundReport {
  kind: 'startup' | 'scheduled' | 'manual';
  redelivery: RedeliveryReport | null;
  /** The reconciliation's report, when it ran (after the start-up round). */
  reconciliation: ReconcileReport | null;
  error: string | null;
}

export interface RecoveryDeps {
  /** A client authenticated as the app (JWT), for the deliveries API. */
  appClient: () => Promise<GitHubClient>;
  lock: KeyedLock;
  log: RecoveryLog;
  /** Re-evaluates the pull requests whose verdict may be stale (it logs its own report). */
  reconcile?: () => Promise<ReconcileReport>;
  now?: () => number;
  /** Called after every round (tests wait on it). */
  onRound?: (report: RoundReport) => void;
}

export interface Recovery {
  /** Runs a round now (under the same lock as the scheduled ones). */
  runNow(kind?: RoundReport['kind']): Promise<RoundReport>;
  stop(): void;
}

export function startRecovery(deps: RecoveryDeps, settings: RecoverySettings): Recovery {
  if (settings.intervalMs > 0 && settings.windowMs <= settings.intervalMs) {
    throw new RangeError(
      `the redelivery window (${settings.windowMs} ms) must be longer than the interval (${settings.intervalMs} ms), or failed deliveries can fall between rounds`,
    );
  }
  const now = deps.now ?? Date.now;
  let timer: NodeJS.Timeout | null = null;
  let stopped = false;

  async function round(kind: RoundReport['kind']): Promise<RoundReport> {
    const report: RoundReport = {
      kind,
      redelivery: null,
      reconciliation: null,
      error: null,
    };
    const lookback = kind === 'scheduled' ? settings.windowMs : settings.startupLookbackMs;
    try {
      await deps.lock.run(RECOVERY_LOCK_KEY, async () => {
        const gh = await deps.appClient();
        report.redelivery = await redeliverFailed(gh, {
          sinceMs: now() - lookback,
          maxPages: settings.maxPages,
          maxAttempts: settings.maxAttempts,
        });
        logRedelivery(deps.log, report.redelivery);
        // Redelivered events are on their way; what they cannot bring back is re-judged here.
        if (kind === 'startup' && settings.reconcileOnStart && deps.reconcile) {
          report.reconciliation = await deps.reconcile();
        }
      });
    } catch (err) {
      report.error = describeError(err);
      deps.log.error(
        { err, round: kind },
        `AI Governance: the ${kind} recovery round failed: ${report.error}; the next round tries again`,
      );
    }
    deps.onRound?.(report);
    return report;
  }

  function schedule(delayMs: number, kind: RoundReport['kind']): void {
    if (stopped) return;
    timer = setTimeout(() => {
      void round(kind).then(() => {
        if (settings.intervalMs > 0) schedule(settings.intervalMs, 'scheduled');
      });
    }, delayMs);
    timer.unref();
  }

  schedule(settings.startDelayMs, 'startup');
  return {
    runNow: (kind = 'manual') => round(kind),
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
    },
  };
}

/** The audit event of a redelivery round, and a warning for what it could not do. */
export function logRedelivery(log: RecoveryLog, r: RedeliveryReport): void {
  const brief = (e: RedeliveryReport['redelivered'][number]) => ({
    guid: e.guid,
    deliveryId: e.deliveryId,
    event: e.action ? `${e.event}.${e.action}` : e.event,
    installationId: e.installationId,
    repositoryId: e.repositoryId,
    attempts: e.attempts,
    lastStatus: e.lastStatus,
  });
  log.info(
    {
      audit: 'ai-governance.redelivery',
      since: r.since,
      listed: r.listed,
      truncated: r.truncated,
      redelivered: r.redelivered.map(brief),
      gaveUp: r.gaveUp.map(brief),
      errors: r.errors,
    },
    `AI Governance: redelivered ${r.redelivered.length} failed webhook deliveries of ${r.listed} since ${r.since}`,
  );
  if (r.gaveUp.length > 0) {
    log.warn(
      { gaveUp: r.gaveUp.map(brief) },
      `AI Governance: ${r.gaveUp.length} deliveries failed every attempt and are no longer redelivered; the app's logs for their guids say why`,
    );
  }
  if (r.truncated) {
    log.warn(
      { since: r.since, listed: r.listed },
      'AI Governance: not every delivery since then was read (page limit); failed deliveries older than that are not redelivered',
    );
  }
  if (r.errors.length > 0) {
    log.error(
      { errors: r.errors },
      `AI Governance: GitHub refused ${r.errors.length} redeliveries; the next round tries again`,
    );
  }
}
