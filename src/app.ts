import type { Context, Probot } from 'probot';
import { POLICY_PATH } from './policy/types.js';
import { CHECK_NAME, REEVALUATE_ACTION } from './github/check-run.js';
import { describeError, errorStatus, mapBounded, type GitHubClient } from './github/client.js';
import type {
  AppIdentity,
  EvaluationDeps,
  EvaluationReport,
  Target,
} from './github/evaluate-pr.js';
import { InProcessLock, type KeyedLock } from './github/lock.js';
import {
  installationRepositories,
  openPullRequests,
  parseMergeQueueRef,
  pullRequestsAhead,
  pullRequestsForCommit,
} from './github/locate.js';
import { TeamCache } from './github/team-cache.js';
import { failOnLockError } from './scale/lock-failure.js';
import { storeFreeClient } from './scale/store-free-client.js';
import { limitRequestTime } from './github/request-timeout.js';
import { retrySecondaryLimits, type SecondaryRetryOptions } from './github/secondary-limit.js';
import { evaluateMarked, isSettled } from './github/settled.js';
import { Pacing } from './github/pacing.js';
import { writeFailingCheck } from './github/failing-check.js';
import { reconcile } from './github/reconcile.js';
import {
  startRecovery,
  type Recovery,
  type RecoverySettings,
  type RoundReport,
} from './github/recovery.js';

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

export const PULL_REQUEST_ACTIONS = [
  'pull_request.opened',
  'pull_request.reopened',
  'pull_request.synchronize',
  'pull_request.edited',
  'pull_request.labeled',
  'pull_request.unlabeled',
  'pull_request.ready_for_review',
] as const;

export const REVIEW_ACTIONS = [
  'pull_request_review.submitted',
  'pull_request_review.edited',
  'pull_request_review.dismissed',
] as const;

/**
 * Evaluations at once when a whole org is re-evaluated (a team change, the org's policy changed);
 * reads are paced per installation besides.
 */
export const ORG_CONCURRENCY = 4;

const DOCS_URL = 'https://github.com/ai-governance/ai-governance/blob/main/docs/policy.md';

/**
 * The Probot app: every handler only works out which PR an event is about and hands it to
 * evaluatePullRequest, which re-reads everything from GitHub.
 */
export function aiGovernance(options: AppOptions = {}) {
  return (app: Probot) => {
    const lock = options.lock ?? new InProcessLock();
    const teams = new TeamCache({ ttlMs: options.teamTtlMs ?? 60_000, maxEntries: 1000 });
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
        requestTimeoutMs: options.requestTimeoutMs ?? 30_000,
        ...(options.secondaryRetry ? { secondaryRetry: options.secondaryRetry } : {}),
      });
    /** The GitHub client of one event, paced per installation. */
    const github = (context: Context): GitHubClient => pacing.client(context);

    async function run(context: Context, target: Omit<Target, 'deliveryId'>): Promise<void> {
      await evaluateWith(github(context), context.log, { ...target, deliveryId: context.id }, () =>
        storeFreeClient(context, requestTimeoutMs),
      );
    }

    /** The one evaluation path: events, redelivered events and reconciliation all use it. */
    async function evaluateWith(
      gh: GitHubClient,
      log: EvaluationDeps['log'],
      target: Target,
      storeFreeGh?: EvaluationDeps['storeFreeGh'],
    ): Promise<EvaluationReport> {
      const key = `${target.owner}/${target.repo}#${target.number}`.toLowerCase();
      const me = await appIdentity();
      const deps: EvaluationDeps = {
        gh,
        log,
        app: me,
        teams,
        policyDocsUrl: options.policyDocsUrl ?? DOCS_URL,
        ...(options.inProgressAfterMs !== undefined
          ? { inProgressAfterMs: options.inProgressAfterMs }
          : {}),
        ...(storeFreeGh ? { storeFreeGh } : {}),
      };
      // A lock that cannot be taken (store down, PR held too long) ends in a failing check.
      return lock
        .run(key, () => evaluateMarked(deps, target))
        .catch((err: unknown) => failOnLockError(deps, target, err));
    }

    const requestTimeoutMs = options.requestTimeoutMs ?? 30_000;

    /**
     * Runs one handler. A request to GitHub that hangs is abandoned after requestTimeoutMs. An
     * error that the evaluation did not already turn into a failing check (the app's identity
     * could not be read, the PRs of a commit could not be listed, a payload without the expected
     * fields, a bug) is logged with the delivery id and, when the event names a commit, turned
     * into a failing check on it. The error is then passed on, so the delivery fails as well.
     */
    async function guard(
      context: Context,
      commit: () => unknown,
      handle: () => Promise<void>,
    ): Promise<void> {
      limitRequestTime(context.octokit, requestTimeoutMs);
      retrySecondaryLimits(context.octokit, options.secondaryRetry);
      try {
        await handle();
      } catch (err) {
        if (isSettled(err)) throw err;
        const action = (context.payload as { action?: unknown } | undefined)?.action;
        const event = typeof action === 'string' ? `${context.name}.${action}` : context.name;
        const message = `could not handle ${event}: ${describeError(err)}`;
        context.log.error({ err, deliveryId: context.id }, message);
        let sha: unknown = null;
        try {
          sha = commit();
        } catch {
          sha = null;
        }
        if (typeof sha === 'string' && /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/.test(sha)) {
          try {
            const { owner, repo } = context.repo();
            const me = await appIdentity().catch(() => null);
            const write = (gh: GitHubClient) =>
              writeFailingCheck(gh, owner, repo, sha, message, me?.id ?? null);
            await write(github(context)).catch((firstErr: unknown) => {
              // Not an answer from GitHub: the shared store (Redis) may be what failed. Try once
              // without it. GitHub's own refusals were already retried by Octokit.
              const storeFree =
                errorStatus(firstErr) === undefined
                  ? storeFreeClient(context, requestTimeoutMs)
                  : null;
              if (!storeFree) throw firstErr;
              return write(storeFree);
            });
          } catch (writeErr) {
            context.log.error(
              { err: writeErr, deliveryId: context.id },
              `could not write the failing check either: ${describeError(writeErr)}`,
            );
          }
        }
        throw err;
      }
    }

    // A pull request or review event names the PR; everything else is read again from GitHub.
    app.on([...PULL_REQUEST_ACTIONS, ...REVIEW_ACTIONS], (context) =>
      guard(
        context,
        () => context.payload.pull_request?.head?.sha,
        async () => {
          const pr = context.payload.pull_request;
          await run(context, {
            ...context.repo(),
            number: pr.number,
            headSha: pr.head.sha,
            trigger: `${context.name}.${context.payload.action}`,
          });
        },
      ),
    );

    app.on(['check_run.rerequested', 'check_run.requested_action'], (context) =>
      guard(
        context,
        () => context.payload.check_run?.head_sha,
        async () => {
          const run_ = context.payload.check_run;
          const me = await appIdentity();
          if (run_.name !== CHECK_NAME || (run_.app && run_.app.id !== me.id)) return;
          if (
            context.payload.action === 'requested_action' &&
            context.payload.requested_action?.identifier !== REEVALUATE_ACTION
          ) {
            return;
          }
          await rerun(
            context,
            run_.head_sha,
            run_.check_suite?.head_branch ?? null,
            run_.pull_requests,
          );
        },
      ),
    );

    app.on('check_suite.rerequested', (context) =>
      guard(
        context,
        () => context.payload.check_suite?.head_sha,
        async () => {
          const suite = context.payload.check_suite;
          await rerun(context, suite.head_sha, suite.head_branch, suite.pull_requests);
        },
      ),
    );

    app.on('merge_group.checks_requested', (context) =>
      guard(
        context,
        () => context.payload.merge_group?.head_sha,
        async () => {
          const group = context.payload.merge_group;
          await judgeMergeGroup(context, group.head_ref, group.head_sha);
        },
      ),
    );

    // Team membership changed: forget the org's cached teams and re-evaluate the installation's
    // open PRs, so an approver who left a team stops counting now, not when the cache expires.
    app.on(
      [
        'membership.added',
        'membership.removed',
        'team.created',
        'team.deleted',
        'team.edited',
        'organization.member_added',
        'organization.member_removed',
      ],
      (context) =>
        guard(
          context,
          () => null,
          () => onMembersChanged(context),
        ),
    );

    async function onMembersChanged(context: Context): Promise<void> {
      const org = (context.payload as { organization?: { login?: unknown } }).organization?.login;
      if (typeof org !== 'string') return;
      teams.dropOrg(org);
      await reevaluateOrg(
        context,
        org,
        `${context.name}.${(context.payload as { action?: string }).action}`,
      );
    }

    /**
     * Re-evaluates the open PRs of every repository of `org` the installation can see, at most
     * {@link ORG_CONCURRENCY} at a time: after a team change, or a change to the org's policy
     * (every repository of the org, a superset of those that inherit or extend it: telling them
     * apart would cost a read per repository, and an unchanged re-evaluation writes nothing).
     */
    async function reevaluateOrg(context: Context, org: string, trigger: string): Promise<void> {
      const gh = github(context);
      const { repos, truncated } = await installationRepositories(gh);
      const inOrg = repos.filter((r) => r.owner.toLowerCase() === org.toLowerCase());
      // The repositories' open PRs are listed a few at a time, not one repository after another.
      const lists = await mapBounded(inOrg, ORG_CONCURRENCY, ({ owner, repo }) =>
        openPullRequests(gh, owner, repo),
      );
      const targets: Omit<Target, 'deliveryId'>[] = inOrg.flatMap(({ owner, repo }, i) => {
        const open = lists[i]!;
        if (open.truncated) {
          context.log.warn(
            { deliveryId: context.id },
            `${trigger}: re-evaluating the first ${open.numbers.length} open pull requests of ${owner}/${repo} only`,
          );
        }
        return open.numbers.map((number) => {
          const headSha = open.heads[number];
          return { owner, repo, number, ...(headSha ? { headSha } : {}), trigger };
        });
      });
      if (truncated) {
        context.log.warn(
          { deliveryId: context.id },
          `${trigger}: re-evaluating the first repositories only`,
        );
      }
      await runEach(context, targets, ORG_CONCURRENCY);
    }

    // A push names no pull request's commit: an error is logged and fails the delivery only.
    app.on('push', (context) =>
      guard(
        context,
        () => null,
        () => onPush(context),
      ),
    );

    async function onPush(context: Context<'push'>): Promise<void> {
      const p = context.payload;
      if (p.ref !== `refs/heads/${p.repository.default_branch}` || p.deleted) return;
      const touched = (p.commits ?? []).some((c) =>
        [...(c.added ?? []), ...(c.modified ?? []), ...(c.removed ?? [])].includes(POLICY_PATH),
      );
      // A long commit list may have been cut short, and a forced push can drop the commit that
      // changed the policy without listing any: in both cases the policy may have changed.
      const unsure = p.forced || (p.commits ?? []).length >= 20;
      if (!touched && !unsure) return;
      const gh = github(context);
      const { owner, repo } = context.repo();
      if (repo.toLowerCase() === '.github' && p.organization) {
        // The org's policy: every repository that inherits or extends it may judge differently.
        await reevaluateOrg(context, owner, 'push.org-policy-changed');
        return;
      }
      const { numbers, heads, truncated } = await openPullRequests(gh, owner, repo);
      if (truncated) {
        context.log.warn(
          { deliveryId: context.id },
          `policy changed: re-evaluating the newest ${numbers.length} open PRs only`,
        );
      }
      await runEach(
        context,
        numbers.map((number) => ({
          owner,
          repo,
          number,
          ...(heads[number] ? { headSha: heads[number] } : {}),
          trigger: 'push.policy-changed',
        })),
      );
    }

    /** Evaluates each PR in turn: one that fails does not stop the others; the delivery then fails. */
    async function runEach(
      context: Context,
      targets: Omit<Target, 'deliveryId'>[],
      concurrency = 1,
    ): Promise<void> {
      const failures: unknown[] = [];
      let next = 0;
      const worker = async (): Promise<void> => {
        while (next < targets.length) {
          const target = targets[next++]!;
          try {
            await run(context, target);
          } catch (err) {
            failures.push(err);
            context.log.error(
              { err, deliveryId: context.id, pr: target.number },
              `could not re-evaluate ${target.owner}/${target.repo}#${target.number}`,
            );
          }
        }
      };
      await Promise.all(Array.from({ length: Math.min(concurrency, targets.length) }, worker));
      if (failures.length > 0) {
        throw new AggregateError(
          failures,
          `${failures.length} of ${targets.length} pull requests could not be evaluated`,
        );
      }
    }

    /** A re-run asked for on a commit: the PRs it heads, or the merge group it is. */
    async function rerun(
      context: Context,
      sha: string,
      branch: string | null,
      prs: ReadonlyArray<{ number: number }> | null | undefined,
    ): Promise<void> {
      if (branch && parseMergeQueueRef(branch)) {
        await judgeMergeGroup(context, branch, sha);
        return;
      }
      const { owner, repo } = context.repo();
      let numbers = (prs ?? []).map((p) => p.number);
      if (numbers.length === 0) {
        // Fork PRs are not listed in check payloads: ask which PRs this commit heads.
        numbers = await pullRequestsForCommit(github(context), owner, repo, sha);
      }
      const trigger = `${context.name}.${(context.payload as { action?: string }).action}`;
      await runEach(
        context,
        numbers.map((number) => ({ owner, repo, number, headSha: sha, trigger })),
      );
    }

    /**
     * A merge group passes only if every PR it carries passes (its own and those queued ahead);
     * the verdict is posted on the group's head commit.
     */
    async function judgeMergeGroup(context: Context, headRef: string, sha: string): Promise<void> {
      const { owner, repo } = context.repo();
      const parsed = parseMergeQueueRef(headRef);
      if (!parsed) {
        // Not a queue branch we understand: say so on the group, never pass it.
        const me = await appIdentity();
        await writeFailingCheck(
          github(context),
          owner,
          repo,
          sha,
          `cannot tell which pull request the merge group ${headRef} carries`,
          me.id,
        );
        return;
      }
      const gh = github(context);
      let carried: number[];
      try {
        carried = await pullRequestsAhead(gh, owner, repo, parsed.base, parsed.number);
      } catch (err) {
        // Which changes the group carries is unknown: it does not pass.
        const me = await appIdentity();
        await writeFailingCheck(
          gh,
          owner,
          repo,
          sha,
          `cannot tell which pull requests the merge group carries: ${describeError(err)}`,
          me.id,
        );
        return;
      }
      await run(context, {
        owner,
        repo,
        number: parsed.number,
        mergeGroupSha: sha,
        expectedHeadSha: parsed.headSha,
        carried,
        trigger: 'merge_group.checks_requested',
      });
    }

    if (options.recovery) {
      const { onStart, onRound, ...settings } = options.recovery;
      const appClient = async (): Promise<GitHubClient> => {
        const gh = await app.auth();
        limitRequestTime(gh, requestTimeoutMs);
        retrySecondaryLimits(gh, options.secondaryRetry);
        return gh as unknown as GitHubClient;
      };
      const recovery = startRecovery(
        {
          appClient,
          lock,
          log: app.log,
          reconcile: async () =>
            reconcile({
              appClient,
              // Paced per installation like a webhook's client.
              installationClient: async (id) =>
                pacing.client({ octokit: await app.auth(), payload: { installation: { id } } }),
              evaluate: (gh, target) => evaluateWith(gh, app.log, target),
              app: await appIdentity(),
              log: app.log,
            }),
          ...(onRound ? { onRound } : {}),
        },
        settings,
      );
      onStart?.(recovery);
    }
  };
}

export default aiGovernance();
