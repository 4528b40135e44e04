/**
 * What every event handler works with, built once per app: the app's identity, the clients, the
 * team cache, and the one evaluation path (events, redelivered events and reconciliation all use
 * it).
 */
import type { Context, Probot } from 'probot';
import { mapBounded, type GitHubClient } from '../github/client.js';
import type {
  AppIdentity,
  EvaluationDeps,
  EvaluationReport,
  Target,
} from '../github/evaluation.js';
import { InProcessLock, type KeyedLock } from '../github/lock.js';
import { Pacing } from '../github/pacing.js';
import type { Recovery, RecoverySettings, RoundReport } from '../github/recovery.js';
import type { SecondaryRetryOptions } from '../github/secondary-limit.js';
import { evaluateMarked } from '../github/settled.js';
import { TeamCache } from '../github/team-cache.js';
import { failOnLockError } from '../scale/lock-failure.js';
import { storeFreeClient } from '../scale/store-free-client.js';

export interface AppOptions {
  /** Serialises evaluations of one PR; defaults to an in-process lock. */
  lock?: KeyedLock;
  /** How long team members are cached (ms). Default 60 s; 0 reads them on every evaluation. */
  teamTtlMs?: number;
  /** The app's id and slug; read once from GitHub when not given. */
  identity?: AppIdentity;
  policyDocsUrl?: string;
  /**
   * How long one request to GitHub may take before it is abandoned (ms); Octokit's retry plugin
   * then retries it like a server error. Default 30 s. A request that never returned would
   * otherwise hold its pull request's lock, and every later event for it, for ever.
   */
  requestTimeoutMs?: number;
  /** How requests that trip a secondary rate limit are retried (waits scaled down in tests). */
  secondaryRetry?: SecondaryRetryOptions;
  /** After this long an evaluation shows an in-progress run (ms). Default 2 s; negative: never. */
  inProgressAfterMs?: number;
  /**
   * Redelivery of failed webhook deliveries after start-up and on a schedule, and reconciliation
   * after start-up (see github/recovery.ts, github/reconcile.ts); off when not given. `onStart`
   * receives the runner.
   */
  recovery?: RecoverySettings & {
    onStart?: (recovery: Recovery) => void;
    onRound?: (report: RoundReport) => void;
  };
  /**
   * How requests are paced per installation (see `src/github/pacing.ts`); by default reads in this
   * process, writes through Probot's throttling (in Redis when Probot has `REDIS_URL`).
   */
  pacing?: Pacing;
}

/** A pull request to evaluate for an event: the event's delivery id is added when it runs. */
export type EventTarget = Omit<Target, 'deliveryId'>;

export interface EventRuntime {
  /** The app's id and slug, read from GitHub once (again after a failed read). */
  appIdentity: () => Promise<AppIdentity>;
  /** The GitHub client of one event, paced per installation. */
  github: (context: Context) => GitHubClient;
  teams: TeamCache;
  lock: KeyedLock;
  pacing: Pacing;
  requestTimeoutMs: number;
  secondaryRetry?: SecondaryRetryOptions;
  /** Evaluates one PR under its lock; a lock that cannot be taken ends in a failing check. */
  evaluateWith: (
    gh: GitHubClient,
    log: EvaluationDeps['log'],
    target: Target,
    storeFreeGh?: EvaluationDeps['storeFreeGh'],
  ) => Promise<EvaluationReport>;
  /** Evaluates one PR an event is about, with the event's client. */
  run: (context: Context, target: EventTarget) => Promise<void>;
}

const DOCS_URL = 'https://github.com/ai-governance/ai-governance/blob/main/docs/policy.md';

export function createRuntime(app: Probot, options: AppOptions): EventRuntime {
  const lock = options.lock ?? new InProcessLock();
  const teams = new TeamCache({ ttlMs: options.teamTtlMs ?? 60_000, maxEntries: 1000 });
  const requestTimeoutMs = options.requestTimeoutMs ?? 30_000;
  let identity: Promise<AppIdentity> | null = options.identity
    ? Promise.resolve(options.identity)
    : null;
  const appIdentity = (): Promise<AppIdentity> => {
    identity ??= app
      .auth()
      .then((gh) => gh.request('GET /app'))
      .then(({ data }) => ({ id: data!.id, slug: data!.slug ?? '' }));
    identity.catch(() => {
      identity = null;
    });
    return identity;
  };
  const pacing =
    options.pacing ??
    new Pacing({
      requestTimeoutMs,
      ...(options.secondaryRetry ? { secondaryRetry: options.secondaryRetry } : {}),
    });
  const github = (context: Context): GitHubClient => pacing.client(context);

  const evaluateWith: EventRuntime['evaluateWith'] = async (gh, log, target, storeFreeGh) => {
    const key = `${target.owner}/${target.repo}#${target.number}`.toLowerCase();
    const deps: EvaluationDeps = {
      gh,
      log,
      app: await appIdentity(),
      teams,
      policyDocsUrl: options.policyDocsUrl ?? DOCS_URL,
      ...(options.inProgressAfterMs !== undefined
        ? { inProgressAfterMs: options.inProgressAfterMs }
        : {}),
      ...(storeFreeGh ? { storeFreeGh } : {}),
    };
    return lock
      .run(key, () => evaluateMarked(deps, target))
      .catch((err: unknown) => failOnLockError(deps, target, err));
  };

  return {
    appIdentity,
    github,
    teams,
    lock,
    pacing,
    requestTimeoutMs,
    ...(options.secondaryRetry ? { secondaryRetry: options.secondaryRetry } : {}),
    evaluateWith,
    run: async (context, target) => {
      await evaluateWith(github(context), context.log, { ...target, deliveryId: context.id }, () =>
        storeFreeClient(context, requestTimeoutMs),
      );
    },
  };
}

/**
 * Evaluates each PR, `concurrency` at a time: one that fails does not stop the others; the
 * delivery then fails.
 */
export async function runEach(
  rt: EventRuntime,
  context: Context,
  targets: EventTarget[],
  concurrency = 1,
): Promise<void> {
  const failures: unknown[] = [];
  await mapBounded(targets, concurrency, async (target) => {
    try {
      await rt.run(context, target);
    } catch (err) {
      failures.push(err);
      context.log.error(
        { err, deliveryId: context.id, pr: target.number },
        `could not re-evaluate ${target.owner}/${target.repo}#${target.number}`,
      );
    }
  });
  if (failures.length > 0) {
    throw new AggregateError(
      failures,
      `${failures.length} of ${targets.length} pull requests could not be evaluated`,
    );
  }
}

/** `event.action`, as the audit log names a trigger. */
export function triggerOf(context: Context): string {
  return `${context.name}.${(context.payload as { action?: string }).action}`;
}
