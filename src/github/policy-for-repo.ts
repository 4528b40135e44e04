import { createHash } from 'node:crypto';
import { settleTeams, teamsToRead, type RepoPolicy } from '../evaluate/judge.js';
import { parseWithFloor } from '../policy/floor.js';
import { deepFreeze, policyForNone } from '../policy/defaults.js';
import { readExtends } from '../policy/load.js';
import type { Policy, PolicyError } from '../model/policy.js';
import type { GitHubClient } from './client.js';
import {
  BoundedCache,
  loadPolicySource,
  newPolicyFileCache,
  readOrgPolicy,
  type PolicyFileCache,
  type PolicyLayer,
  type ReadExtends,
} from './policy-source.js';
import type { TeamCache } from './team-cache.js';

export { defaultPolicy, policyTeams } from '../policy/defaults.js';

export type { RepoPolicy } from '../evaluate/judge.js';

// ---------------------------------------------------------------------------------------------
// Caches

/** A parse result as the cache keeps it: the policy (frozen), or the errors (and the floor). */
export type ParsedPolicy =
  { ok: true; policy: Policy } | { ok: false; errors: PolicyError[]; fallback?: Policy };

/**
 * What the policy lookup keeps between evaluations, each bounded and least-recently-used first:
 * files read over REST with their ETags, where each file's `_extends` points, and parse results
 * by the exact layer texts (so the same texts give the same, frozen {@link Policy} object, and the
 * matchers `evaluate` compiles per policy object are built once).
 */
export interface PolicyCaches {
  files: PolicyFileCache;
  parsed: BoundedCache<ParsedPolicy>;
  extends: BoundedCache<ReturnType<ReadExtends>>;
}

export interface PolicyCacheLimits {
  /** Most policy files kept with their ETags; default 1,000. */
  files?: number;
  /** Most bytes of policy file text kept; default 16 MiB. */
  fileBytes?: number;
  /** Most parse results kept; default 256. */
  parsed?: number;
  /** Most bytes of layer text behind the parse results kept; default 16 MiB. */
  parsedBytes?: number;
  /** Most `_extends` lookups kept; default 1,000. */
  extends?: number;
}

export function newPolicyCaches(limits: PolicyCacheLimits = {}): PolicyCaches {
  return {
    files: newPolicyFileCache({
      ...(limits.files !== undefined ? { maxEntries: limits.files } : {}),
      ...(limits.fileBytes !== undefined ? { maxBytes: limits.fileBytes } : {}),
    }),
    parsed: new BoundedCache<ParsedPolicy>({
      maxEntries: limits.parsed ?? 256,
      maxWeight: limits.parsedBytes ?? 16 * 1024 * 1024,
      weigh: (r) => parsedWeight.get(r) ?? 1,
    }),
    extends: new BoundedCache({ maxEntries: limits.extends ?? 1000, maxWeight: Infinity }),
  };
}

/** The caches every evaluation in this process shares unless it is given its own. */
export const sharedPolicyCaches: PolicyCaches = newPolicyCaches();

/** The text size behind each cached parse result, for the cache's byte bound. */
const parsedWeight = new WeakMap<ParsedPolicy, number>();

function digest(parts: string[]): string {
  const h = createHash('sha256');
  for (const p of parts) h.update(`${p.length}:`).update(p);
  return h.digest('hex');
}

/**
 * `parseWithFloor(layers, orgLayer, { org })`, remembered. Whether the texts make a valid policy,
 * and which, does not depend on the files' names (only error messages name them), so a valid
 * policy is kept by the org and the texts alone (and where the org's file sits among them):
 * repositories that hold the same text share one frozen {@link Policy}. Errors are kept by the
 * names and texts, since they point into the files.
 */
export function parsePolicyLayersCached(
  layers: PolicyLayer[],
  org: string,
  cache: BoundedCache<ParsedPolicy>,
  orgLayer: PolicyLayer | null = null,
): ParsedPolicy {
  const texts = layers.map((l) => l.text);
  const orgAt = orgLayer ? layers.findIndex((l) => l.file === orgLayer.file) : -1;
  const orgKey = orgLayer ? [String(orgAt), orgAt < 0 ? orgLayer.text : ''] : ['-'];
  const validKey = digest(['valid', org, ...orgKey, ...texts]);
  const valid = cache.get(validKey);
  if (valid) return valid;
  const invalidKey = digest([
    'invalid',
    org,
    ...(orgLayer ? [orgLayer.file, orgLayer.text] : ['-']),
    ...layers.flatMap((l) => [l.file, l.text]),
  ]);
  const invalid = cache.get(invalidKey);
  if (invalid) return invalid;
  const r = parseWithFloor(layers, orgLayer, { org });
  const result: ParsedPolicy = deepFreeze(
    r.ok
      ? { ok: true, policy: r.policy }
      : { ok: false, errors: r.errors, ...(r.fallback ? { fallback: r.fallback } : {}) },
  );
  parsedWeight.set(
    result,
    texts.reduce((n, t) => n + t.length * 2, orgLayer ? orgLayer.text.length * 2 : 0),
  );
  cache.set(r.ok ? validKey : invalidKey, result);
  return result;
}

/**
 * {@link readExtends}, remembered: by the text alone when it reads (where `_extends` points does
 * not depend on the file's name), by name and text when it gives errors (they name the file).
 */
function readExtendsCached(cache: BoundedCache<ReturnType<ReadExtends>>): ReadExtends {
  return (text, file) => {
    const readable = digest(['readable', text]);
    const hit = cache.get(readable) ?? cache.get(digest(['unreadable', file, text]));
    if (hit) return hit;
    const result = deepFreeze(readExtends(text, file));
    cache.set(result.ok ? readable : digest(['unreadable', file, text]), result);
    return result;
  };
}

// ---------------------------------------------------------------------------------------------

/**
 * Reads and validates the policy from the default branch (never from a PR's head), with the
 * members of every team it names. Team references are checked against what the org really has:
 * a team that does not exist makes the policy invalid, at the line that names it. Files, `_extends`
 * targets and parse results are cached in `caches` (the process-wide ones by default); files are
 * still asked for on every evaluation, conditionally, so a change is seen at once.
 */
export async function policyForRepo(
  gh: GitHubClient,
  owner: string,
  repo: string,
  opts: {
    repoText: string | null | undefined;
    ownerIsOrg: boolean;
    teams: TeamCache;
    caches?: PolicyCaches;
    /** The org's policy file when the snapshot already read it (null: none); else read here. */
    orgText?: string | null | undefined;
  },
): Promise<RepoPolicy> {
  const caches = opts.caches ?? sharedPolicyCaches;
  const source = await loadPolicySource(gh, owner, repo, {
    repoText: opts.repoText,
    readExtends: readExtendsCached(caches.extends),
    cache: caches.files,
    orgText: opts.orgText,
  });
  if (source.kind === 'error') return { kind: 'unreadable', message: source.message };
  if (source.kind === 'none') {
    // Without a policy the app only reports, in its check: no comment, label or review request
    // on repositories that never asked for them.
    return { kind: 'none', policy: policyForNone() };
  }

  // The org's file sets the floor, whether or not the repository's file extends it.
  const org = await readOrgPolicy(gh, owner, repo, source.layers, caches.files, opts.orgText);
  if (org.kind === 'error') return { kind: 'unreadable', message: org.message };
  const parsed = parsePolicyLayersCached(source.layers, owner, caches.parsed, org.layer);
  const members = await teamsOf(gh, owner, teamsToRead(parsed), opts);
  return settleTeams(parsed, source.layers, members, owner, (known) =>
    parseWithFloor(source.layers, org.layer, { org: owner, knownTeams: known }),
  );
}

/** The members of every team a policy names; teams exist only in organisations. */
async function teamsOf(
  gh: GitHubClient,
  owner: string,
  slugs: string[],
  opts: { ownerIsOrg: boolean; teams: TeamCache },
): Promise<Record<string, string[] | null>> {
  if (slugs.length === 0 || !opts.ownerIsOrg) return {};
  return opts.teams.members(gh, owner, slugs);
}
