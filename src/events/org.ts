/**
 * Changes that can change the verdict of every open PR of an org or a repository: team
 * membership, and the policy file on the default branch (the repository's or the org's).
 */
import type { Context, Probot } from 'probot';
import { POLICY_PATH } from '../model/names.js';
import { isOrgConfigRepo } from '../policy/extends-chain.js';
import { mapBounded } from '../github/client.js';
import { installationRepositories, openPullRequests } from '../github/locate.js';
import { onEvents } from './guard.js';
import { runEach, triggerOf, type EventRuntime, type EventTarget } from './runtime.js';

/**
 * Evaluations at once when a whole org is re-evaluated (a team change, the org's policy changed);
 * reads are paced per installation besides.
 */
export const ORG_CONCURRENCY = 4;

/**
 * Team membership changed: forget the org's cached teams and re-evaluate the installation's open
 * PRs, so an approver who left a team stops counting now, not when the cache expires.
 */
export function onMembershipEvents(app: Probot, rt: EventRuntime): void {
  onEvents(
    app,
    rt,
    [
      'membership.added',
      'membership.removed',
      'team.created',
      'team.deleted',
      'team.edited',
      'organization.member_added',
      'organization.member_removed',
    ],
    async (context) => {
      const org = (context.payload as { organization?: { login?: unknown } }).organization?.login;
      if (typeof org !== 'string') return;
      rt.teams.dropOrg(org);
      await reevaluateOrg(rt, context, org, triggerOf(context));
    },
  );
}

/** A push names no pull request's commit: an error is logged and fails the delivery only. */
export function onPushEvents(app: Probot, rt: EventRuntime): void {
  onEvents(app, rt, ['push'], (context) => onPush(rt, context));
}

async function onPush(rt: EventRuntime, context: Context<'push'>): Promise<void> {
  const p = context.payload;
  if (p.ref !== `refs/heads/${p.repository.default_branch}` || p.deleted) return;
  const touched = (p.commits ?? []).some((c) =>
    [...(c.added ?? []), ...(c.modified ?? []), ...(c.removed ?? [])].includes(POLICY_PATH),
  );
  // A long commit list may have been cut short, and a forced push can drop the commit that
  // changed the policy without listing any: in both cases the policy may have changed.
  const unsure = p.forced || (p.commits ?? []).length >= 20;
  if (!touched && !unsure) return;
  const { owner, repo } = context.repo();
  if (isOrgConfigRepo(repo) && p.organization) {
    // The org's policy: every repository that inherits or extends it may judge differently.
    await reevaluateOrg(rt, context, owner, 'push.org-policy-changed');
    return;
  }
  const open = await openPullRequests(rt.github(context), owner, repo);
  if (open.truncated) {
    context.log.warn(
      { deliveryId: context.id },
      `policy changed: re-evaluating the newest ${open.numbers.length} open PRs only`,
    );
  }
  await runEach(rt, context, targetsOf(owner, repo, open, 'push.policy-changed'));
}

/**
 * Re-evaluates the open PRs of every repository of `org` the installation can see, at most
 * {@link ORG_CONCURRENCY} at a time: after a team change, or a change to the org's policy (every
 * repository of the org, a superset of those that inherit or extend it: telling them apart would
 * cost a read per repository, and an unchanged re-evaluation writes nothing).
 */
async function reevaluateOrg(
  rt: EventRuntime,
  context: Context,
  org: string,
  trigger: string,
): Promise<void> {
  const gh = rt.github(context);
  const { repos, truncated } = await installationRepositories(gh);
  const inOrg = repos.filter((r) => r.owner.toLowerCase() === org.toLowerCase());
  // The repositories' open PRs are listed a few at a time, not one repository after another.
  const lists = await mapBounded(inOrg, ORG_CONCURRENCY, ({ owner, repo }) =>
    openPullRequests(gh, owner, repo),
  );
  const targets = inOrg.flatMap(({ owner, repo }, i) => {
    const open = lists[i]!;
    if (open.truncated) {
      context.log.warn(
        { deliveryId: context.id },
        `${trigger}: re-evaluating the first ${open.numbers.length} open pull requests of ${owner}/${repo} only`,
      );
    }
    return targetsOf(owner, repo, open, trigger);
  });
  if (truncated) {
    context.log.warn(
      { deliveryId: context.id },
      `${trigger}: re-evaluating the first repositories only`,
    );
  }
  await runEach(rt, context, targets, ORG_CONCURRENCY);
}

/** The open PRs of a repository as targets, each with the head it had when listed. */
function targetsOf(
  owner: string,
  repo: string,
  open: { numbers: number[]; heads: Record<number, string | undefined> },
  trigger: string,
): EventTarget[] {
  return open.numbers.map((number) => {
    const headSha = open.heads[number];
    return { owner, repo, number, ...(headSha ? { headSha } : {}), trigger };
  });
}
