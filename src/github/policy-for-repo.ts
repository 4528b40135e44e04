import { parsePolicy, parsePolicyLayers, readExtends } from '../policy/load.js';
import type { Policy, PolicyError } from '../policy/types.js';
import type { GitHubClient } from './client.js';
import { loadPolicySource, type PolicyLayer } from './policy-source.js';
import type { TeamCache } from './team-cache.js';

/** The policy that judges a repository's PRs, or why there is none that can be trusted. */
export type RepoPolicy =
  | {
      kind: 'policy';
      policy: Policy;
      layers: PolicyLayer[];
      teams: Record<string, string[] | null>;
    }
  | { kind: 'none'; policy: Policy }
  | { kind: 'invalid'; errors: PolicyError[] }
  | { kind: 'unreadable'; message: string };

/** The policy every repository without one gets: detection only, plus the always-critical policy file. */
export function defaultPolicy(): Policy {
  const r = parsePolicy('version: 1\n', { file: '(built-in defaults)' });
  if (!r.ok) throw new Error('the built-in default policy is invalid');
  return r.policy;
}

/** Every team slug a policy names, lower-case. */
export function policyTeams(p: Policy): string[] {
  const slugs = new Set<string>();
  const add = (teams: readonly string[]) => teams.forEach((t) => slugs.add(t.toLowerCase()));
  for (const r of p.critical_paths) add(r.reviewers.teams);
  add(p.ai_default.reviewers.teams);
  add(p.policy_file.reviewers.teams);
  if (p.override) add(p.override.teams);
  return [...slugs].sort();
}

/**
 * Reads and validates the policy from the default branch (never from a PR's head), with the
 * members of every team it names. Team references are checked against what the org really has:
 * a team that does not exist makes the policy invalid, at the line that names it.
 */
export async function policyForRepo(
  gh: GitHubClient,
  owner: string,
  repo: string,
  opts: { repoText: string | null | undefined; ownerIsOrg: boolean; teams: TeamCache },
): Promise<RepoPolicy> {
  const source = await loadPolicySource(gh, owner, repo, {
    repoText: opts.repoText,
    readExtends,
  });
  if (source.kind === 'error') return { kind: 'unreadable', message: source.message };
  if (source.kind === 'none') {
    // Without a policy the app only reports, in its check: no comment, label or review request
    // on repositories that never asked for them.
    const p = defaultPolicy();
    return {
      kind: 'none',
      policy: { ...p, actions: { label: null, request_reviews: false, comment: false } },
    };
  }

  const parsed = parsePolicyLayers(source.layers, { org: owner });
  if (!parsed.ok) return { kind: 'invalid', errors: parsed.errors };
  const slugs = policyTeams(parsed.policy);
  if (slugs.length === 0) {
    return { kind: 'policy', policy: parsed.policy, layers: source.layers, teams: {} };
  }
  if (!opts.ownerIsOrg) {
    // Teams exist only in organisations: fail at the lines that name them.
    const checked = parsePolicyLayers(source.layers, { org: owner, knownTeams: new Set() });
    return { kind: 'invalid', errors: checked.ok ? [] : checked.errors };
  }
  const teams = await opts.teams.members(gh, owner, slugs);
  const known = new Set(Object.keys(teams).filter((s) => teams[s] !== null));
  if (known.size < slugs.length) {
    const checked = parsePolicyLayers(source.layers, { org: owner, knownTeams: known });
    if (!checked.ok) return { kind: 'invalid', errors: checked.errors };
  }
  return { kind: 'policy', policy: parsed.policy, layers: source.layers, teams };
}
