/**
 * The policy of a repository that has none, and what the adapters need to know of any policy
 * (the teams it names). Pure.
 */
import { parsePolicy } from './load.js';
import type { Policy } from '../model/policy.js';

/** The policy every repository without one gets: detection only, plus the always-critical policy file. */
export function defaultPolicy(): Policy {
  const r = parsePolicy('version: 1\n', { file: '(built-in defaults)' });
  if (!r.ok) throw new Error('the built-in default policy is invalid');
  return r.policy;
}

let noPolicy: Policy | undefined;

/**
 * What a repository without a policy is judged by: the defaults, and no comment, label or review
 * request on repositories that never asked for them. One frozen object, so its matchers are
 * compiled once.
 */
export function policyForNone(): Policy {
  if (!noPolicy) {
    const p = defaultPolicy();
    noPolicy = deepFreeze({
      ...p,
      actions: { label: null, request_reviews: false, comment: false, while_evaluating: false },
    });
  }
  return noPolicy;
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

/** Freezes a plain-data value and everything in it, so that a shared copy cannot be changed. */
export function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
