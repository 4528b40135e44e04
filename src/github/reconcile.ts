/**
 * Reconciliation after a restart: for what redelivery cannot bring back (the app was down longer
 * than GitHub keeps deliveries, or a round gave up), re-evaluate every open pull request whose
 * `AI Governance` check on the head commit is missing, still in progress, or not newer than the
 * newest review, dismissal, label change, force push, ready-for-review, base change or edit on
 * it. The candidates come from one GraphQL query per 50 open pull requests of a repository; the
 * evaluations run through the app's ordinary path (the per-PR lock, idempotent writes), a few at a
 * time. Running it twice changes nothing: the second run finds every check newer than the events.
 */

import { describeError, type GitHubClient } from './client.js';
import {
  RECONCILE_PAGE,
  RECONCILE_QUERY,
  type RawReconcilePullRequest,
  type RawReconcileRun,
  type ReconcileAnswer,
} from './queries/open-pull-requests.js';
import type { RawActor } from './queries/common.js';
import { CHECK_NAME } from '../model/names.js';
import { PAGE_MAX } from '../model/github.js';
import type { EvaluationReport, Target } from './evaluation.js';

export type { RawReconcilePullRequest };

export type StaleReason = 'missing' | 'in_progress' | 'older_than_activity';

export interface Staleness {
  reason: StaleReason;
  /** When the head's check last completed, if it did. */
  checkAt: string | null;
  /** The newest event that can change the verdict, if any. */
  activityAt: string | null;
}

/** GraphQL names bots without the `[bot]` suffix REST uses. */
function login(actor: RawActor | null | undefined): string | null {
  if (!actor) return null;
  const l = actor.login.toLowerCase();
  return actor.__typename === 'Bot' && !l.endsWith('[bot]') ? `${l}[bot]` : l;
}

/**
 * How much earlier than the check's completion an event may be and still count as newer. The
 * completion time is the app's clock, the events' GitHub's: a minute covers ordinary clock skew,
 * GitHub's whole-second times, and an event that arrived while its evaluation was reading.
 */
export const CLOCK_SLACK_MS = 60_000;

/**
 * Whether a pull request's verdict may be stale, and why; null when its check on the head is
 * complete and newer (by {@link CLOCK_SLACK_MS}) than every event that could change it. Events by
 * the app itself (its own label) do not count.
 */
export function staleness(
  pr: RawReconcilePullRequest,
  botLogin: string,
  slackMs = CLOCK_SLACK_MS,
): Staleness | null {
  const head = pr.commits.nodes?.[0]?.commit;
  // A suite or run GitHub gave as null is one whose state is unknown: taken as not completed.
  const runs: (RawReconcileRun | null)[] =
    head && head.oid === pr.headRefOid
      ? (head.checkSuites?.nodes ?? []).flatMap((s) => (s ? (s.checkRuns?.nodes ?? []) : [null]))
      : [];
  const bot = botLogin.toLowerCase();
  const times: string[] = [];
  if (pr.lastEditedAt) times.push(pr.lastEditedAt);
  for (const item of pr.timelineItems.nodes ?? []) {
    if (!item) continue;
    if (login(item.actor ?? item.author) === bot) continue;
    const at = item.submittedAt ?? item.createdAt;
    if (at) times.push(at);
  }
  const activityAt = latest(times);
  if (runs.length === 0) return { reason: 'missing', checkAt: null, activityAt };
  if (runs.some((r) => !r || r.status !== 'COMPLETED' || !r.completedAt)) {
    return { reason: 'in_progress', checkAt: null, activityAt };
  }
  const checkAt = latest(runs.map((r) => r!.completedAt!));
  if (activityAt && checkAt && Date.parse(activityAt) >= Date.parse(checkAt) - slackMs) {
    return { reason: 'older_than_activity', checkAt, activityAt };
  }
  return null;
}

function latest(times: string[]): string | null {
  let best: string | null = null;
  for (const t of times) if (!best || Date.parse(t) > Date.parse(best)) best = t;
  return best;
}

export interface InstallationClient {
  id: number;
  gh: GitHubClient;
}

export interface ReconcileDeps {
  /** A client authenticated as the app (JWT). */
  appClient: () => Promise<GitHubClient>;
  /** A client for one installation. */
  installationClient: (installationId: number) => Promise<GitHubClient>;
  /** The app's ordinary evaluation path (lock, evaluation, idempotent writes). */
  evaluate: (gh: GitHubClient, target: Target) => Promise<EvaluationReport>;
  app: { id: number; slug: string };
  log: { info(o: object, m: string): void; warn(o: object, m: string): void };
}

export interface ReconcileLimits {
  /** Evaluations running at once. */
  concurrency: number;
  /** Open pull requests looked at per repository (newest updated first). */
  maxPullRequestsPerRepo: number;
  /** Installations and repositories read at most (100 a page). */
  maxInstallations: number;
  maxRepositories: number;
}

export const DEFAULT_RECONCILE_LIMITS: ReconcileLimits = {
  concurrency: 4,
  maxPullRequestsPerRepo: 1000,
  maxInstallations: 1000,
  maxRepositories: 5000,
};

export interface Reconciled {
  repo: string;
  pr: number;
  headSha: string;
  reason: StaleReason;
  checkAt: string | null;
  activityAt: string | null;
  outcome: string | null;
  error: string | null;
}

export interface ReconcileReport {
  repositories: number;
  openPullRequests: number;
  reconciled: Reconciled[];
  /** Repositories or installations that could not be read, with why. */
  errors: string[];
  /** A limit stopped the scan before the end. */
  truncated: boolean;
}

/** Scans every installation's repositories and re-evaluates the stale pull requests. */
export async function reconcile(
  deps: ReconcileDeps,
  limits: ReconcileLimits = DEFAULT_RECONCILE_LIMITS,
): Promise<ReconcileReport> {
  const report: ReconcileReport = {
    repositories: 0,
    openPullRequests: 0,
    reconciled: [],
    errors: [],
    truncated: false,
  };
  const botLogin = `${deps.app.slug}[bot]`;
  const appGh = await deps.appClient();
  const installations = await pages(
    (page) => appGh.request('GET /app/installations', { per_page: PAGE_MAX, page }),
    (data) => data,
    limits.maxInstallations,
  );
  report.truncated ||= installations.truncated;
  const work: { gh: GitHubClient; target: Target; stale: Staleness }[] = [];
  for (const inst of installations.items) {
    let gh: GitHubClient;
    let repos: { owner: { login: string }; name: string; archived?: boolean }[];
    try {
      gh = await deps.installationClient(inst.id);
      const listed = await pages(
        (page) => gh.request('GET /installation/repositories', { per_page: PAGE_MAX, page }),
        (data) => data.repositories,
        limits.maxRepositories - report.repositories,
      );
      report.truncated ||= listed.truncated;
      repos = listed.items;
    } catch (err) {
      report.errors.push(`installation ${inst.id}: ${describeError(err)}`);
      continue;
    }
    for (const r of repos) {
      if (r.archived) continue;
      report.repositories++;
      const owner = r.owner.login;
      try {
        let cursor: string | null = null;
        for (let seen = 0; seen < limits.maxPullRequestsPerRepo; seen += RECONCILE_PAGE) {
          const answer: ReconcileAnswer = await gh.graphql<ReconcileAnswer>(RECONCILE_QUERY, {
            owner,
            name: r.name,
            cursor,
            appId: deps.app.id,
            checkName: CHECK_NAME,
          });
          const conn = answer.repository?.pullRequests;
          if (!conn) break;
          if (!conn.nodes) throw new Error('GitHub gave no list of open pull requests');
          report.openPullRequests += conn.nodes.length;
          for (const pr of conn.nodes) {
            if (!pr) {
              // A pull request GitHub gave as null has no number to judge it by: said, not passed.
              report.errors.push(`${owner}/${r.name}: GitHub gave an open pull request as null`);
              continue;
            }
            const stale = staleness(pr, botLogin);
            if (!stale) continue;
            work.push({
              gh,
              stale,
              target: {
                owner,
                repo: r.name,
                number: pr.number,
                headSha: pr.headRefOid,
                trigger: `reconcile.${stale.reason}`,
                deliveryId: `reconcile:${owner}/${r.name}#${pr.number}`,
              },
            });
          }
          if (!conn.pageInfo.hasNextPage) break;
          if (!conn.pageInfo.endCursor || conn.pageInfo.endCursor === cursor) {
            throw new Error('GitHub said there were more pull requests but gave no new cursor');
          }
          if (seen + RECONCILE_PAGE >= limits.maxPullRequestsPerRepo) report.truncated = true;
          cursor = conn.pageInfo.endCursor;
        }
      } catch (err) {
        report.errors.push(`${owner}/${r.name}: ${describeError(err)}`);
      }
    }
  }
  await eachLimited(work, limits.concurrency, async ({ gh, target, stale }) => {
    const entry: Reconciled = {
      repo: `${target.owner}/${target.repo}`,
      pr: target.number,
      headSha: target.headSha!,
      ...stale,
      outcome: null,
      error: null,
    };
    try {
      entry.outcome = (await deps.evaluate(gh, target)).outcome;
    } catch (err) {
      entry.error = describeError(err);
    }
    report.reconciled.push(entry);
  });
  logReconciliation(deps.log, report);
  return report;
}

/** Reads `page=1,2,…` of a REST list until a short page or `max` items. */
async function pages<D, T>(
  get: (page: number) => Promise<{ data: D }>,
  items: (data: D) => T[],
  max: number,
): Promise<{ items: T[]; truncated: boolean }> {
  const out: T[] = [];
  for (let page = 1; out.length < max; page++) {
    const list = items((await get(page)).data);
    out.push(...list);
    if (list.length < PAGE_MAX) return { items: out, truncated: false };
  }
  return { items: out.slice(0, Math.max(0, max)), truncated: true };
}

/** Runs `fn` over `items`, at most `limit` at a time. */
async function eachLimited<T>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
}

function logReconciliation(log: ReconcileDeps['log'], r: ReconcileReport): void {
  log.info(
    {
      audit: 'ai-governance.reconciliation',
      repositories: r.repositories,
      openPullRequests: r.openPullRequests,
      reconciled: r.reconciled,
      errors: r.errors,
      truncated: r.truncated,
    },
    `AI Governance: reconciled ${r.reconciled.length} of ${r.openPullRequests} open pull requests in ${r.repositories} repositories`,
  );
  if (r.errors.length > 0 || r.truncated) {
    log.warn(
      { errors: r.errors, truncated: r.truncated },
      'AI Governance: reconciliation did not look at every open pull request; those it missed are re-evaluated on their next event',
    );
  }
}
