/**
 * The organisation's floor: rules (`floor: true`) and settings (`floor:`) of the org's `.github`
 * policy that a repository's policy, or any file it extends, may tighten but never loosen. Pure:
 * texts in, a policy with each rule's layer, or located errors, out.
 *
 * Under a floor the org's file is the base of every repository's policy, as if each extended it,
 * so a setting the repository does not write is the org's. Floor rules always apply: a repository
 * that writes its own `critical_paths` keeps them without repeating them, and may repeat one (by
 * name) only to tighten it. A repository that loosens the
 * floor gets an error at the line that does, and `fallback`: the org's policy alone, by which the
 * adapter judges the pull request (failing closed).
 */
import { parsePolicyLayers, type LayerOptions, type PolicyResult } from './load.js';
import type { CriticalRule, Policy, PolicyError, PolicyLayerName } from '../model/policy.js';
import { policyError, type Loc, type TMap, type TNode } from './tree.js';
import { loadPolicyYaml } from './yaml-tree.js';

export interface Layer {
  file: string;
  text: string;
}

export type FloorResult =
  | { ok: true; policy: Policy; warnings: PolicyError[] }
  | { ok: false; errors: PolicyError[]; fallback?: Policy };

/**
 * `layers` (base first, as for parsePolicyLayers) judged under the org's file `org`, which may or
 * may not be one of them. Without an org file, or when the org file is the whole policy, this is
 * parsePolicyLayers with each rule's layer marked.
 */
export function parseWithFloor(
  layers: Layer[],
  org: Layer | null,
  options: LayerOptions = {},
): FloorResult {
  let orgIndex = org ? layers.findIndex((l) => l.file === org.file) : -1;
  const outside = layers.filter((_, i) => i !== orgIndex);
  const misplaced = outside.flatMap(floorMarkers);
  if (!org)
    return withMisplaced(marked(parsePolicyLayers(layers, options), layers, -1, null), misplaced);

  const orgAlone = parsePolicyLayers([org], options);
  if (!orgAlone.ok) {
    // The org's file is invalid: it may set a floor, so no repository's policy can be trusted.
    if (orgIndex >= 0) return parsePolicyLayers(layers, options);
    return { ok: false, errors: orgAlone.errors };
  }
  const floor = orgAlone.policy;
  const floorRules = floor.critical_paths.filter((r) => r.floor);
  const floored = floorRules.length > 0 || Object.values(floor.floor).some(Boolean);
  if (!floored || outside.length === 0) {
    return withMisplaced(
      marked(parsePolicyLayers(layers, options), layers, orgIndex, floor),
      misplaced,
    );
  }
  // Under a floor, the org's file is the base of every repository's policy, extended or not.
  if (orgIndex < 0) {
    layers = [org, ...layers];
    orgIndex = 0;
  }
  const merged = parsePolicyLayers(layers, options);
  const fallback = markLayers(floor, (r) => (r.floor ? 'org floor' : 'org default'));
  if (!merged.ok) return { ok: false, errors: [...merged.errors, ...misplaced], fallback };

  const errors = [...misplaced, ...weakenings(merged.policy, floor, outside)].sort(
    (a, b) =>
      layers.findIndex((l) => l.file === a.file) - layers.findIndex((l) => l.file === b.file) ||
      a.line - b.line ||
      a.column - b.column,
  );
  if (errors.length > 0) return { ok: false, errors, fallback };
  const policy = withFloorRules(merged.policy, floorRules, layers, orgIndex);
  return { ok: true, policy, warnings: merged.warnings };
}

function withMisplaced(r: FloorResult, misplaced: PolicyError[]): FloorResult {
  if (misplaced.length === 0) return r;
  return { ok: false, errors: r.ok ? misplaced : [...r.errors, ...misplaced] };
}

// ---------------------------------------------------------------------------------------------
// Layers

/** Which file last wrote `critical_paths`: its rules come from there. */
function rulesLayer(layers: Layer[], orgIndex: number): PolicyLayerName {
  for (let i = layers.length - 1; i >= 0; i--) {
    const root = loadPolicyYaml(layers[i]!.text, layers[i]!.file).root;
    if (root?.entries.some((e) => e.key === 'critical_paths')) {
      return i === orgIndex ? 'org default' : 'repository';
    }
  }
  return 'repository';
}

function markLayers(p: Policy, layerOf: (r: CriticalRule) => PolicyLayerName): Policy {
  return { ...p, critical_paths: p.critical_paths.map((r) => ({ ...r, layer: layerOf(r) })) };
}

function marked(
  r: PolicyResult,
  layers: Layer[],
  orgIndex: number,
  floor: Policy | null,
): FloorResult {
  if (!r.ok) return r;
  const from = rulesLayer(layers, orgIndex);
  const floorNames = new Set(
    (floor?.critical_paths ?? []).filter((x) => x.floor).map((x) => x.name.toLowerCase()),
  );
  return {
    ok: true,
    warnings: r.warnings,
    policy: markLayers(r.policy, (rule) =>
      floorNames.has(rule.name.toLowerCase()) && from === 'org default' ? 'org floor' : from,
    ),
  };
}

/** The repository's rules, each floor rule it does not repeat added, every rule's layer marked. */
function withFloorRules(
  p: Policy,
  floorRules: CriticalRule[],
  layers: Layer[],
  orgIndex: number,
): Policy {
  const from = rulesLayer(layers, orgIndex);
  const byName = new Map(floorRules.map((r) => [r.name.toLowerCase(), r]));
  const rules: CriticalRule[] = p.critical_paths.map((r) =>
    byName.has(r.name.toLowerCase())
      ? { ...r, floor: true, layer: 'org floor' }
      : { ...r, layer: from },
  );
  const present = new Set(p.critical_paths.map((r) => r.name.toLowerCase()));
  for (const f of floorRules) {
    if (!present.has(f.name.toLowerCase())) rules.push({ ...f, layer: 'org floor' });
  }
  return { ...p, critical_paths: rules };
}

// ---------------------------------------------------------------------------------------------
// Where a value was written: the last file (outside the org's) that wrote it

type Step = string | { name: string };

function child(node: TNode | undefined, step: Step): TNode | undefined {
  if (!node) return undefined;
  if (typeof step === 'string') {
    return node.kind === 'map' ? node.entries.find((e) => e.key === step)?.value : undefined;
  }
  if (node.kind !== 'seq') return undefined;
  return node.items.find(
    (item) =>
      item.kind === 'map' &&
      item.entries.some(
        (e) =>
          e.key === 'name' &&
          e.value.kind === 'scalar' &&
          typeof e.value.value === 'string' &&
          e.value.value.toLowerCase() === step.name.toLowerCase(),
      ),
  );
}

/** The deepest node along `path` in the last layer that wrote its first step. */
function locate(layers: Layer[], path: Step[]): Loc {
  for (let i = layers.length - 1; i >= 0; i--) {
    const root = loadPolicyYaml(layers[i]!.text, layers[i]!.file).root;
    let node: TNode | undefined = root ?? undefined;
    let found: Loc | null = null;
    for (const step of path) {
      node = child(node, step);
      if (!node) break;
      found = node.loc;
    }
    if (found) return found;
  }
  const last = layers[layers.length - 1]!;
  return { file: last.file, line: 1, column: 1 };
}

/** `floor` keys outside the org's `.github` file, which are refused. */
function floorMarkers(layer: Layer): PolicyError[] {
  const root: TMap | null = loadPolicyYaml(layer.text, layer.file).root;
  if (!root) return [];
  const fix = "remove it: only the organisation's .github policy sets the floor";
  const out: PolicyError[] = [];
  const top = root.entries.find((e) => e.key === 'floor');
  if (top) out.push(policyError(top.keyLoc, '`floor` is read only from the org policy', fix));
  const rules = root.entries.find((e) => e.key === 'critical_paths')?.value;
  if (rules?.kind === 'seq') {
    for (const item of rules.items) {
      const f = item.kind === 'map' ? item.entries.find((e) => e.key === 'floor') : undefined;
      if (f)
        out.push(policyError(f.keyLoc, 'a rule’s `floor` is read only from the org policy', fix));
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// What loosens the floor

const lower = (xs: readonly string[]): Set<string> => new Set(xs.map((x) => x.toLowerCase()));
const missingFrom = (want: readonly string[], have: readonly string[]): string[] => {
  const h = lower(have);
  return want.filter((w) => !h.has(w.toLowerCase()));
};
const exact = (want: readonly string[], have: readonly string[]): string[] => {
  const h = new Set(have);
  return want.filter((w) => !h.has(w));
};
const ticks = (xs: string[]): string => xs.map((x) => `\`${x}\``).join(', ');

function weakenings(p: Policy, floor: Policy, outside: Layer[]): PolicyError[] {
  const errors: PolicyError[] = [];
  const at = (path: Step[], message: string, fix: string) =>
    errors.push(policyError(locate(outside, path), message, fix));

  for (const f of floor.critical_paths.filter((r) => r.floor)) {
    const r = p.critical_paths.find((x) => x.name.toLowerCase() === f.name.toLowerCase());
    if (!r) continue; // Not repeated: the floor rule applies as the org wrote it.
    const path: Step[] = ['critical_paths', { name: f.name }];
    const weakens = `weakens the org floor rule \`${f.name}\``;
    if (r.approvals < f.approvals) {
      at(
        [...path, 'approvals'],
        `${weakens}: approvals ${r.approvals} < ${f.approvals}`,
        `require at least ${f.approvals}`,
      );
    }
    const dropped = exact(f.paths, r.paths);
    if (dropped.length > 0) {
      at(
        [...path, 'paths'],
        `${weakens}: it drops the path${dropped.length === 1 ? '' : 's'} ${ticks(dropped)}`,
        'keep every path of the floor rule; you may add more',
      );
    }
    const widened = exact(r.exclude, f.exclude);
    if (widened.length > 0) {
      at(
        [...path, 'exclude'],
        `${weakens}: it excludes ${ticks(widened)}, which the floor does not`,
        'exclude only what the floor rule excludes, or less',
      );
    }
    const teams = missingFrom(r.reviewers.teams, f.reviewers.teams);
    const users = missingFrom(r.reviewers.users, f.reviewers.users);
    if (teams.length > 0 || users.length > 0) {
      at(
        [...path, 'reviewers'],
        `${weakens}: it lets ${ticks([...teams.map((t) => `@${t}`), ...users.map((u) => `@${u}`)])} approve, which the floor does not`,
        'name only reviewers of the floor rule; to require another team too, add a rule of your own on the same paths',
      );
    }
  }

  if (floor.floor.enforcement && floor.enforcement === 'enforce' && p.enforcement !== 'enforce') {
    at(
      ['enforcement'],
      'weakens the org floor: `enforcement: evaluate` where the org enforces',
      'remove `enforcement` or write `enforcement: enforce`',
    );
  }

  if (floor.floor.detection) {
    const d = p.detection;
    const o = floor.detection;
    if (o.builtin && !d.builtin) {
      at(
        ['detection', 'builtin'],
        'weakens the org floor: it turns off the built-in detection',
        'remove `detection.builtin` or write `true`',
      );
    }
    for (const key of ['trailers', 'co_authors', 'labels', 'authors', 'body_markers'] as const) {
      const gone = missingFrom(o[key], d[key]);
      if (gone.length > 0) {
        at(
          ['detection', key],
          `weakens the org floor: \`detection.${key}\` drops ${ticks(gone)}`,
          'keep every entry of the org policy; you may add more',
        );
      }
    }
    const ignored = missingFrom(d.ignore_authors, o.ignore_authors);
    if (ignored.length > 0) {
      at(
        ['detection', 'ignore_authors'],
        `weakens the org floor: \`detection.ignore_authors\` adds ${ticks(ignored)}`,
        'ignore only authors the org policy ignores',
      );
    }
  }

  if (floor.floor.approval) {
    const a = p.approval;
    const o = floor.approval;
    const flag = (key: keyof typeof a, bad: boolean) =>
      at(
        ['approval', key],
        `weakens the org floor: \`approval.${key}: ${String(bad)}\``,
        `remove it or write \`${String(!bad)}\``,
      );
    if (o.latest_push_only && !a.latest_push_only) flag('latest_push_only', false);
    if (o.changes_requested_blocks && !a.changes_requested_blocks) {
      flag('changes_requested_blocks', false);
    }
    if (!o.allow_contributors && a.allow_contributors) flag('allow_contributors', true);
  }

  const overrideFloored = floor.floor.override || floor.critical_paths.some((r) => r.floor);
  if (overrideFloored && p.override) {
    const o = floor.override;
    if (!o) {
      at(
        ['override'],
        'weakens the org floor: it adds an override the org policy does not have',
        'remove `override`',
      );
    } else {
      const others = [
        ...(p.override.label.toLowerCase() !== o.label.toLowerCase()
          ? [`the label \`${p.override.label}\``]
          : []),
        ...missingFrom(p.override.teams, o.teams).map((t) => `the team \`@${t}\``),
        ...missingFrom(p.override.users, o.users).map((u) => `\`@${u}\``),
      ];
      if (others.length > 0) {
        at(
          ['override'],
          `weakens the org floor: the override names ${others.join(', ')}, which the org policy does not`,
          'remove `override` to keep the org’s, or name only its label, teams and users',
        );
      }
    }
  }
  return errors;
}
