/**
 * Redelivery of failed webhook deliveries and reconciliation after start-up (see
 * github/recovery.ts and github/reconcile.ts), evaluating through the app's one path.
 */
import type { Probot } from 'probot';
import type { GitHubClient } from '../github/client.js';
import { reconcile } from '../github/reconcile.js';
import { startRecovery } from '../github/recovery.js';
import { limitRequestTime } from '../github/request-timeout.js';
import { retrySecondaryLimits } from '../github/secondary-limit.js';
import type { AppOptions, EventRuntime } from './runtime.js';

export function startAppRecovery(
  app: Probot,
  rt: EventRuntime,
  options: NonNullable<AppOptions['recovery']>,
): void {
  const { onStart, onRound, ...settings } = options;
  const appClient = async (): Promise<GitHubClient> => {
    const gh = await app.auth();
    limitRequestTime(gh, rt.requestTimeoutMs);
    retrySecondaryLimits(gh, rt.secondaryRetry);
    return gh;
  };
  const recovery = startRecovery(
    {
      appClient,
      lock: rt.lock,
      log: app.log,
      reconcile: async () =>
        reconcile({
          appClient,
          // Paced per installation like a webhook's client.
          installationClient: async (id) =>
            rt.pacing.client({ octokit: await app.auth(), payload: { installation: { id } } }),
          evaluate: (gh, target) => rt.evaluateWith(gh, app.log, target),
          app: await rt.appIdentity(),
          log: app.log,
        }),
      ...(onRound ? { onRound } : {}),
    },
    settings,
  );
  onStart?.(recovery);
}
