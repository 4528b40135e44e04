/**
 * A GitHub client that does not depend on the shared store (Redis), for the one write that must
 * get through when that store fails: the failing check.
 *
 * With `REDIS_URL` set, Probot's throttling and the app's read pacing keep their state in Redis.
 * When Redis stops answering, every request through them waits for ioredis's reconnection attempts
 * and then fails, so a failing check saying "the lock store did not answer" would never reach
 * GitHub, and a commit would keep its previous verdict (perhaps `success`) or get none. This client
 * is an Octokit of the app's own class for the event's installation (Probot fills in the app's
 * credentials and its in-memory token cache; a new token is not fetched through the throttling
 * either) with throttling off and no pacing: nothing of it lives in Redis. It keeps Octokit's
 * in-memory retries and the app's time limit on each request. It is used only for failing checks.
 */
import type { ProbotOctokit } from 'probot';
import type { GitHubClient } from '../github/client.js';
import { limitRequestTime } from '../github/request-timeout.js';

/** The client, or null when the event names no installation (then there is nothing else to use). */
export function storeFreeClient(
  context: { octokit: ProbotOctokit; payload: unknown },
  requestTimeoutMs: number,
): GitHubClient | null {
  const id = (context.payload as { installation?: { id?: unknown } } | null)?.installation?.id;
  const Octokit = context.octokit?.constructor as typeof ProbotOctokit | undefined;
  if (typeof id !== 'number' || typeof Octokit !== 'function') return null;
  const gh = new Octokit({
    auth: { installationId: id },
    throttle: { enabled: false },
  });
  limitRequestTime(gh, requestTimeoutMs);
  return gh;
}
