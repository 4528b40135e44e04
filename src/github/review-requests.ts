import { contributorLogins } from '../evaluate/approvals.js';
import type { Verdict } from '../model/verdict.js';
import type { GitHubClient } from './client.js';
import type { PullRequestSnapshot } from './facts.js';

/** Who to ask for a review: the required teams and users of unmet requirements, asked only once. */
export function reviewersToRequest(
  verdict: Verdict,
  snap: Pick<PullRequestSnapshot, 'facts' | 'requested'>,
): { users: string[]; teams: string[] } {
  const asked = {
    users: new Set(snap.requested.users.map((u) => u.toLowerCase())),
    teams: new Set(snap.requested.teams.map((t) => t.toLowerCase())),
  };
  const cannot = contributorLogins(snap.facts);
  cannot.add(snap.facts.author.login.toLowerCase());
  const users = new Map<string, string>();
  const teams = new Map<string, string>();
  for (const r of verdict.requirements) {
    if (r.satisfied) continue;
    const approved = new Set(r.approvedBy.map((a) => a.toLowerCase()));
    for (const u of r.reviewers.users) {
      const l = u.toLowerCase();
      if (!asked.users.has(l) && !cannot.has(l) && !approved.has(l)) users.set(l, u);
    }
    for (const t of r.reviewers.teams) {
      const l = t.toLowerCase();
      if (!asked.teams.has(l)) teams.set(l, t);
    }
  }
  return { users: [...users.values()], teams: [...teams.values()] };
}

export async function requestMissingReviews(
  gh: GitHubClient,
  owner: string,
  repo: string,
  number: number,
  verdict: Verdict,
  snap: Pick<PullRequestSnapshot, 'facts' | 'requested'>,
): Promise<'requested' | 'none'> {
  const { users, teams } = reviewersToRequest(verdict, snap);
  if (users.length === 0 && teams.length === 0) return 'none';
  await gh.request('POST /repos/{owner}/{repo}/pulls/{pull_number}/requested_reviewers', {
    owner,
    repo,
    pull_number: number,
    reviewers: users,
    team_reviewers: teams,
  });
  return 'requested';
}
