/**
 * The verdict on a pull request under the policy its repository resolved to, whatever that
 * resolution was: a valid policy, none, an invalid one (judged by the org's floor when there is
 * one, failing), or an unreadable one. Pure: the app reads the policy and the team members and
 * calls this; the audit does the same with the policy as it stood at a merge.
 */
import { policyTeams } from '../policy/defaults.js';
import type { Layer } from '../policy/floor.js';
import type { Policy, PolicyError } from '../model/policy.js';
import { evaluate } from './evaluate.js';
import type { PullRequestFacts } from '../model/facts.js';
import type { Verdict } from '../model/verdict.js';

/** The policy that judges a repository's PRs, or why there is none that can be trusted. */
export type RepoPolicy =
  | {
      kind: 'policy';
      policy: Policy;
      /** The files that make it up, base first (`owner/repo:path`). */
      layers: Layer[];
      teams: Record<string, string[] | null>;
    }
  | { kind: 'none'; policy: Policy }
  | {
      kind: 'invalid';
      errors: PolicyError[];
      /**
       * When the repository's policy loosens the org's floor: the org's policy alone, with the
       * members of its teams, by which the PR is judged (the check still fails).
       */
      fallback?: { policy: Policy; teams: Record<string, string[] | null> };
    }
  | { kind: 'unreadable'; message: string };

/** What parsing a policy's layers under the org's floor gave. */
export type ParsedLayers =
  { ok: true; policy: Policy } | { ok: false; errors: PolicyError[]; fallback?: Policy };

/** The teams whose members must be read to judge by what parsing gave: its policy's, or the floor's. */
export function teamsToRead(parsed: ParsedLayers): string[] {
  if (parsed.ok) return policyTeams(parsed.policy);
  return parsed.fallback ? policyTeams(parsed.fallback) : [];
}

/**
 * The repository's policy once the members of {@link teamsToRead} are known (`members`: null or
 * absent for a team that could not be read). A policy naming a team the org does not have is
 * invalid at the line that names it (`revalidate` parses again knowing which teams exist), or
 * unreadable when that cannot be pinned to a line; a floor naming one judges nothing.
 */
export function settleTeams(
  parsed: ParsedLayers,
  layers: Layer[],
  members: Record<string, string[] | null>,
  owner: string,
  revalidate: (knownTeams: Set<string>) => { ok: true } | { ok: false; errors: PolicyError[] },
): RepoPolicy {
  const unknown = (p: Policy) => policyTeams(p).filter((s) => !members[s]);
  if (!parsed.ok) {
    if (!parsed.fallback || unknown(parsed.fallback).length > 0) {
      return { kind: 'invalid', errors: parsed.errors };
    }
    return {
      kind: 'invalid',
      errors: parsed.errors,
      fallback: { policy: parsed.fallback, teams: members },
    };
  }
  const missing = unknown(parsed.policy);
  if (missing.length > 0) {
    const known = new Set(Object.keys(members).filter((s) => members[s]));
    const checked = revalidate(known);
    if (!checked.ok) return { kind: 'invalid', errors: checked.errors };
    return {
      kind: 'unreadable',
      message: `the policy names teams that ${owner} does not have: ${missing.join(', ')}`,
    };
  }
  return { kind: 'policy', policy: parsed.policy, layers, teams: members };
}

export interface PolicyJudgement {
  verdict: Verdict;
  /** The policy that judged; null when none could (unreadable or invalid). */
  policy: Policy | null;
  policyErrors?: PolicyError[];
  noPolicy?: boolean;
}

/**
 * The verdict under `rp` on `facts` (whose `teams` are taken from `rp`). `repository` is
 * `owner/name`: the policy's own files in it are critical paths.
 */
export function judgeByPolicy(
  rp: RepoPolicy,
  facts: PullRequestFacts,
  opts: { repository: string; appLogin: string },
): PolicyJudgement {
  if (rp.kind === 'unreadable') {
    return { verdict: failed(`could not read the policy: ${rp.message}`), policy: null };
  }
  if (rp.kind === 'invalid') {
    const problems = `${rp.errors.length} problem${rp.errors.length === 1 ? '' : 's'}`;
    const verdict = rp.fallback
      ? judgedByFloor(rp.fallback, facts, problems)
      : failed(`the policy is invalid (${problems})`);
    return { verdict, policy: null, policyErrors: rp.errors };
  }
  const verdict = evaluate(
    rp.policy,
    { ...facts, teams: rp.kind === 'policy' ? rp.teams : {} },
    {
      policyPaths: rp.kind === 'policy' ? localPolicyPaths(rp.layers, opts.repository) : [],
      appLogin: opts.appLogin,
    },
  );
  return { verdict, policy: rp.policy, ...(rp.kind === 'none' ? { noPolicy: true } : {}) };
}

/**
 * The repository's policy loosens the org's floor: the PR is judged by the org's policy alone, so
 * that the requirements shown are the floor's, and the outcome is an error (fail closed).
 */
function judgedByFloor(
  fallback: { policy: Policy; teams: Record<string, string[] | null> },
  facts: PullRequestFacts,
  problems: string,
): Verdict {
  const v = evaluate(fallback.policy, { ...facts, teams: fallback.teams });
  return {
    ...v,
    outcome: 'error',
    errors: [
      `the repository's policy loosens the org floor (${problems}); the requirements below are the org policy's, and the check fails until the repository's policy is fixed`,
      ...v.errors,
    ],
  };
}

/** Paths of the policy files that live in this repository: changing any of them is critical. */
export function localPolicyPaths(layers: { file: string }[], repoFull: string): string[] {
  const prefix = `${repoFull.toLowerCase()}:`;
  return layers
    .filter((l) => l.file.toLowerCase().startsWith(prefix))
    .map((l) => l.file.slice(prefix.length));
}

/** A verdict for a failure before or outside evaluation: always the outcome `error`. */
export function failed(message: string): Verdict {
  return {
    outcome: 'error',
    aiAssisted: false,
    evidence: [],
    changedFiles: 0,
    requirements: [],
    override: null,
    errors: [message],
    judged: false,
  };
}
