/**
 * How every handler is registered and run: a request to GitHub that hangs is abandoned, and an
 * error the evaluation did not already turn into a failing check becomes one on the event's commit.
 */
import type { Context, Probot } from 'probot';
import { describeError, errorStatus, type GitHubClient } from '../github/client.js';
import { writeFailingCheck } from '../github/failing-check.js';
import { limitRequestTime } from '../github/request-timeout.js';
import { retrySecondaryLimits } from '../github/secondary-limit.js';
import { isSettled } from '../github/settled.js';
import { storeFreeClient } from '../scale/store-free-client.js';
import type { EventRuntime } from './runtime.js';

export type EventName = Context['name'];

/** Handles `events` with `handle`, run by {@link guard}. */
export function onEvents<E extends EventName>(
  app: Probot,
  rt: EventRuntime,
  events: E[],
  handle: (context: Context<E>) => Promise<void>,
): void {
  app.on(events, (context) => guard(rt, context, () => handle(context)));
}

/**
 * The commit an event is about, where it names one (a pull request's head, a check run's or
 * suite's commit, a merge group's): a failing check goes there when its handler fails.
 */
export function commitOf(payload: unknown): unknown {
  const p = payload as {
    pull_request?: { head?: { sha?: unknown } };
    check_run?: { head_sha?: unknown };
    check_suite?: { head_sha?: unknown };
    merge_group?: { head_sha?: unknown };
  } | null;
  return (
    p?.pull_request?.head?.sha ??
    p?.check_run?.head_sha ??
    p?.check_suite?.head_sha ??
    p?.merge_group?.head_sha ??
    null
  );
}

/**
 * Runs one handler. A request to GitHub that hangs is abandoned after `rt.requestTimeoutMs`. An
 * error that the evaluation did not already turn into a failing check (the app's identity could
 * not be read, the PRs of a commit could not be listed, a payload without the expected fields, a
 * bug) is logged with the delivery id and, when the event names a commit ({@link commitOf}),
 * turned into a failing check on it. The error is then passed on, so the delivery fails as well.
 */
export async function guard(
  rt: EventRuntime,
  context: Context,
  handle: () => Promise<void>,
): Promise<void> {
  limitRequestTime(context.octokit, rt.requestTimeoutMs);
  retrySecondaryLimits(context.octokit, rt.secondaryRetry);
  try {
    await handle();
  } catch (err) {
    if (isSettled(err)) throw err;
    const action = (context.payload as { action?: unknown } | undefined)?.action;
    const event = typeof action === 'string' ? `${context.name}.${action}` : context.name;
    const message = `could not handle ${event}: ${describeError(err)}`;
    context.log.error({ err, deliveryId: context.id }, message);
    const sha = commitOf(context.payload);
    if (typeof sha === 'string' && /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/.test(sha)) {
      await failCommit(rt, context, sha, message);
    }
    throw err;
  }
}

/** A failing check on `sha` saying `message`; a failure to write it is logged, not thrown. */
async function failCommit(
  rt: EventRuntime,
  context: Context,
  sha: string,
  message: string,
): Promise<void> {
  try {
    const { owner, repo } = context.repo();
    const me = await rt.appIdentity().catch(() => null);
    const write = (gh: GitHubClient) =>
      writeFailingCheck(gh, owner, repo, sha, message, me?.id ?? null);
    await write(rt.github(context)).catch((firstErr: unknown) => {
      // Not an answer from GitHub: the shared store (Redis) may be what failed. Try once without
      // it. GitHub's own refusals were already retried by Octokit.
      const storeFree =
        errorStatus(firstErr) === undefined ? storeFreeClient(context, rt.requestTimeoutMs) : null;
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
