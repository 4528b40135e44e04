/**
 * The policy in force when a pull request merged, from the histories of the policy files: the
 * same files, `_extends` chain, org default and org floor the app uses, each as it stood then.
 */
import { createHash } from 'node:crypto';
import { settleTeams, type RepoPolicy } from '../evaluate/judge.js';
import { policyForNone } from '../policy/defaults.js';
import {
  chainLayers,
  fileKey,
  fileName,
  orgFloorLayer,
  orgPolicyRef,
  walkPolicyFiles,
  type FileRef,
} from '../policy/extends-chain.js';
import { parseWithFloor, type Layer } from '../policy/floor.js';
import { readExtends } from '../policy/load.js';
import type { AuditContext, AuditPolicy, PolicyHistory, PolicyVersion } from './model.js';

export type PolicyAt =
  | { kind: 'text'; version: PolicyVersion & { text: string } }
  /** The file did not exist then; `version` is the commit that deleted it, when it had been. */
  | { kind: 'none'; version: PolicyVersion | null }
  | { kind: 'unknown'; reason: string };

/**
 * The version of a policy file in force at `at`: the last one committed at or before it. None
 * when the file did not exist yet or had been deleted; unknown when the history is incomplete
 * and does not reach back that far. `skip` leaves out versions that must not count (the pull
 * request's own change to the file).
 */
export function policyAt(
  history: PolicyHistory,
  at: string,
  skip: (v: PolicyVersion) => boolean = () => false,
): PolicyAt {
  const when = Date.parse(at);
  let found: PolicyVersion | null = null;
  let foundAt = -Infinity;
  for (const v of history.versions) {
    const t = Date.parse(v.committedAt);
    // Oldest first, but a tie or a disorder in the list must not pick an older version.
    if (Number.isNaN(t) || t > when || skip(v) || t < foundAt) continue;
    found = v;
    foundAt = t;
  }
  if (found?.unreadable) {
    return {
      kind: 'unknown',
      reason: `the version of ${history.repository}:${history.path} in force at merge could not be read: ${found.unreadable}`,
    };
  }
  if (found) {
    return found.text === null
      ? { kind: 'none', version: found }
      : { kind: 'text', version: { ...found, text: found.text } };
  }
  if (!history.complete) {
    return {
      kind: 'unknown',
      reason: `GitHub did not list the whole history of ${history.repository}:${history.path}, and what it listed does not reach back to ${at}`,
    };
  }
  return { kind: 'none', version: null };
}

/** The policy that judges a merged pull request, with what the record says of it. */
export type PolicyAtMerge =
  | { kind: 'resolved'; repoPolicy: RepoPolicy; audit: AuditPolicy }
  | { kind: 'unknown'; reason: string; audit: AuditPolicy };

interface Used {
  layer: Layer;
  version: string | null;
}

/** SHA-256 over each file's name and text, in order (base first, then the org's floor file). */
export function policyDigest(layers: readonly Layer[]): string {
  const h = createHash('sha256');
  for (const l of layers) {
    h.update(`${l.file.length}:${l.file}`)
      .update(`${Buffer.byteLength(l.text)}:`)
      .update(l.text);
  }
  return h.digest('hex');
}

function auditPolicy(source: AuditPolicy['source'], used: readonly Used[]): AuditPolicy {
  return {
    source,
    versions: used.flatMap((u) => (u.version ? [u.version] : [])),
    digest: policyDigest(used.map((u) => u.layer)),
  };
}

/**
 * Resolves the policy as it stood at `mergedAt` for `repository` (owner/name). `ownChange` says
 * whether a version of a file is the pull request's own change to it, which never judges it.
 */
export function policyAtMerge(
  repository: string,
  mergedAt: string,
  context: AuditContext,
  ownChange: (history: PolicyHistory, v: PolicyVersion) => boolean,
): PolicyAtMerge {
  const [owner = '', repo = ''] = repository.split('/');
  if (context.policyFile) {
    const layer = { file: context.policyFile.path, text: context.policyFile.text };
    return settled([layer], null, owner, context, 'file', [{ layer, version: null }]);
  }
  const histories = [context.repoPolicy, context.orgPolicy, ...(context.otherPolicies ?? [])];
  const used: Used[] = [];
  /** The text of `ref` at merge; null when it did not exist; a string reason when unknown. */
  const textOf = (ref: FileRef): { text: string | null } | { unknown: string } => {
    const key = fileKey(ref);
    const history = histories.find((h) => h && fileKey(historyRef(h)) === key);
    if (!history) {
      if (key === fileKey(orgPolicyRef(owner)) && context.orgPolicy === null) return { text: null };
      return { unknown: `the history of ${fileName(ref)} was not read` };
    }
    const at = policyAt(history, mergedAt, (v) => ownChange(history, v));
    if (at.kind === 'unknown') return { unknown: at.reason };
    if (at.kind === 'none') return { text: null };
    used.push({
      layer: { file: fileName(ref), text: at.version.text },
      version: `${history.repository}@${at.version.commit}`,
    });
    return { text: at.version.text };
  };
  const unknown = (reason: string): PolicyAtMerge => ({
    kind: 'unknown',
    reason,
    audit: auditPolicy('repository', used),
  });

  const walk = walkPolicyFiles(owner, repo, readExtends);
  let step = walk.next();
  while (!step.done) {
    const t = textOf(step.value);
    if ('unknown' in t) return unknown(t.unknown);
    step = walk.next(t.text);
  }
  const files = step.value;
  if (files.kind === 'none') {
    return {
      kind: 'resolved',
      repoPolicy: { kind: 'none', policy: policyForNone() },
      audit: auditPolicy('none', []),
    };
  }
  if (files.kind === 'error') {
    return {
      kind: 'resolved',
      repoPolicy: { kind: 'unreadable', message: files.message },
      audit: auditPolicy(files.found, dedupe(used)),
    };
  }
  const layers = chainLayers(files.chain);
  const floor = orgFloorLayer(layers, owner, repo);
  let orgLayer = floor.kind === 'layer' ? floor.layer : null;
  if (floor.kind === 'read') {
    const t = textOf(floor.ref);
    if ('unknown' in t) return unknown(t.unknown);
    if (t.text !== null) orgLayer = { file: fileName(floor.ref), text: t.text };
  }
  // In the digest: the chain base first, then the org's file when it is not in the chain.
  const byFile = (file: string) => used.filter((u) => u.layer.file === file).slice(0, 1);
  const ordered = [
    ...layers.flatMap((l) => byFile(l.file)),
    ...(orgLayer && !layers.some((l) => l.file === orgLayer.file) ? byFile(orgLayer.file) : []),
  ];
  return settled(layers, orgLayer, owner, context, files.found, ordered);
}

function historyRef(h: PolicyHistory): FileRef {
  const [owner = '', repo = ''] = h.repository.split('/');
  return { owner, repo, path: h.path };
}

function dedupe(used: Used[]): Used[] {
  return used.filter((u, i) => used.findIndex((o) => o.layer.file === u.layer.file) === i);
}

function settled(
  layers: Layer[],
  orgLayer: Layer | null,
  owner: string,
  context: AuditContext,
  source: AuditPolicy['source'],
  used: Used[],
): PolicyAtMerge {
  const parsed = parseWithFloor(layers, orgLayer, { org: owner });
  const repoPolicy = settleTeams(parsed, layers, context.teams, owner, (known) =>
    parseWithFloor(layers, orgLayer, { org: owner, knownTeams: known }),
  );
  return { kind: 'resolved', repoPolicy, audit: auditPolicy(source, used) };
}
