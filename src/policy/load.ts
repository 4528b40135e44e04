/**
 * Policy loading: YAML text (one file, or org defaults plus the repository file) in, a validated
 * and normalised {@link Policy} or a list of located errors out. Pure: no I/O.
 */
import type { Policy, PolicyError, Reviewers } from '../model/policy.js';
import { POLICY_PATH } from '../model/names.js';
import { MAX_ERRORS, MAX_LAYERS } from './limits.js';
import { POLICY_SPEC } from './spec.js';
import { INVALID, newContext, walk } from './walk.js';
import { describe, missingKey } from './wording.js';
import { mergeTrees, policyError, type Loc, type TMap, type TNode } from './tree.js';
import { loadPolicyYaml } from './yaml-tree.js';

export type PolicyResult =
  { ok: true; policy: Policy; warnings: PolicyError[] } | { ok: false; errors: PolicyError[] };

export interface ParseOptions {
  /** The name errors point at, e.g. `.github/ai-governance.yml`. */
  file: string;
  /** Lower-case slugs of the teams that exist in the organisation; unknown teams are errors. */
  knownTeams?: ReadonlySet<string>;
  /**
   * The repository's organisation. When given, a team written as `other-org/slug` is an error;
   * without it the org prefix is only checked for shape and then dropped.
   */
  org?: string;
}

export type LayerOptions = Omit<ParseOptions, 'file'>;

/** Parses one policy file. */
export function parsePolicy(text: string, options: ParseOptions): PolicyResult {
  const { file, ...rest } = options;
  return parsePolicyLayers([{ file, text }], rest);
}

/**
 * Org defaults first, repo file last. Mappings merge deeply, later wins; arrays and scalars are
 * replaced. Errors point at the file and line where the offending node was written. Every layer
 * must be a valid policy file on its own except for keys another layer supplies (each must still
 * say `version: 1`).
 */
export function parsePolicyLayers(
  layers: { file: string; text: string }[],
  options: LayerOptions = {},
): PolicyResult {
  if (layers.length === 0) {
    return fail([
      policyError(
        { file: POLICY_PATH, line: 1, column: 1 },
        'no policy file was given',
        `add ${POLICY_PATH} with \`version: 1\``,
      ),
    ]);
  }
  if (layers.length > MAX_LAYERS) {
    return fail([
      policyError(
        { file: layers[MAX_LAYERS]!.file, line: 1, column: 1 },
        `the policy is built from ${layers.length} files; the limit is ${MAX_LAYERS}`,
        'extend the shared defaults directly instead of through a chain of files',
      ),
    ]);
  }

  const errors: PolicyError[] = [];
  const roots: TMap[] = [];
  let fatal = false;
  for (const layer of layers) {
    const loaded = loadPolicyYaml(layer.text, layer.file);
    errors.push(...loaded.errors);
    if (!loaded.root) {
      fatal = true;
      continue;
    }
    const { root, extendsErrors } = takeExtends(loaded.root);
    errors.push(...extendsErrors);
    if (!root.entries.some((e) => e.key === 'version')) {
      errors.push(missingKey(root.loc, '', 'version'));
    }
    if (layers.length > 1) {
      // Each layer on its own: shapes and values, not completeness.
      const ctx = newContext(options, true);
      walk(root, POLICY_SPEC, '', ctx);
      errors.push(...ctx.errors);
    }
    roots.push(root);
  }
  if (fatal) return fail(errors, layers);

  const merged = roots.reduce<TNode>((a, b) => mergeTrees(a, b), roots[0]!) as TMap;
  const ctx = newContext(options, false);
  const value = walk(merged, POLICY_SPEC, '', ctx);
  errors.push(...ctx.errors);
  if (errors.length > 0 || value === INVALID) {
    if (errors.length === 0) {
      errors.push(
        policyError(merged.loc, 'the policy is invalid', 'check it against docs/policy.md'),
      );
    }
    return fail(errors, layers);
  }

  const policy = finish(value as Record<string, unknown>);
  return { ok: true, policy, warnings: warningsFor(policy, merged) };
}

/**
 * Where `_extends` points, for the adapter: null when absent. Error (with position) if it is not
 * a non-empty string, or if the file cannot be read as a policy at all (size, YAML syntax).
 */
export function readExtends(
  text: string,
  file: string,
): { ok: true; target: string | null } | { ok: false; errors: PolicyError[] } {
  const loaded = loadPolicyYaml(text, file);
  if (!loaded.root) return { ok: false, errors: loaded.errors };
  const entry = loaded.root.entries.find((e) => e.key === '_extends');
  if (!entry) return { ok: true, target: null };
  const errs = extendsProblems(entry.value);
  if (errs.length > 0) return { ok: false, errors: errs };
  return {
    ok: true,
    target: (entry.value.kind === 'scalar' && (entry.value.value as string)) || null,
  };
}

// ---------------------------------------------------------------------------------------------
// _extends

function extendsProblems(node: TNode): PolicyError[] {
  if (node.bad) return [];
  if (node.kind === 'scalar' && typeof node.value === 'string' && node.value.trim() !== '') {
    if (node.value !== node.value.trim() || /[\r\n]/.test(node.value)) {
      return [
        policyError(
          node.loc,
          '`_extends` has spaces or line breaks around the file it names',
          'write the reference alone, for example `_extends: .github`',
        ),
      ];
    }
    return [];
  }
  return [
    policyError(
      node.loc,
      `\`_extends\` must be text naming the file with shared defaults, found ${describe(node)}`,
      'write for example `_extends: .github`, or remove the key',
    ),
  ];
}

function takeExtends(root: TMap): { root: TMap; extendsErrors: PolicyError[] } {
  const entry = root.entries.find((e) => e.key === '_extends');
  if (!entry) return { root, extendsErrors: [] };
  return {
    root: { ...root, entries: root.entries.filter((e) => e !== entry) },
    extendsErrors: extendsProblems(entry.value),
  };
}

// ---------------------------------------------------------------------------------------------
// The walk
// Result

function unionReviewers(groups: Reviewers[]): Reviewers {
  const teams = new Set<string>();
  const users = new Map<string, string>();
  for (const g of groups) {
    for (const t of g.teams) teams.add(t);
    for (const u of g.users) if (!users.has(u.toLowerCase())) users.set(u.toLowerCase(), u);
  }
  return { teams: [...teams], users: [...users.values()] };
}

function finish(v: Record<string, unknown>): Policy {
  const p = v as unknown as Policy & { _extends?: unknown; policy_file: { reviewers?: Reviewers } };
  delete p._extends;
  if (p.policy_file.reviewers === undefined) {
    p.policy_file.reviewers = unionReviewers([
      ...p.critical_paths.map((r) => r.reviewers),
      ...(p.override ? [{ teams: p.override.teams, users: p.override.users }] : []),
    ]);
  }
  return p;
}

function warningsFor(policy: Policy, root: TMap): PolicyError[] {
  const at = (key: string): Loc => root.entries.find((e) => e.key === key)?.keyLoc ?? root.loc;
  const warnings: PolicyError[] = [];
  const r = policy.policy_file.reviewers;
  if (r.teams.length === 0 && r.users.length === 0) {
    warnings.push(
      policyError(
        at('policy_file'),
        `any eligible reviewer can approve changes to ${POLICY_PATH}, because no critical rule, override or \`policy_file.reviewers\` names a team or user`,
        'set `policy_file.reviewers` to the people who own this policy',
      ),
    );
  }
  const d = policy.detection;
  if (
    !d.builtin &&
    [d.trailers, d.co_authors, d.labels, d.authors, d.body_markers].every((l) => l.length === 0)
  ) {
    warnings.push(
      policyError(
        at('detection'),
        'nothing can mark a pull request as AI-assisted: the built-in catalogue is off and every detection list is empty',
        'set `detection.builtin: true` or list trailers, co-authors, labels, authors or body markers',
      ),
    );
  }
  return warnings;
}

function fail(errors: PolicyError[], layers: { file: string }[] = []): PolicyResult {
  const order = new Map<string, number>();
  layers.forEach((l, i) => {
    if (!order.has(l.file)) order.set(l.file, i);
  });
  const seen = new Set<string>();
  const unique = errors.filter((e) => {
    const k = `${e.file}\u0000${e.line}\u0000${e.column}\u0000${e.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
  unique.sort(
    (a, b) =>
      (order.get(a.file) ?? 0) - (order.get(b.file) ?? 0) || a.line - b.line || a.column - b.column,
  );
  if (unique.length > MAX_ERRORS) {
    const rest = unique.length - MAX_ERRORS;
    const next = unique[MAX_ERRORS]!;
    return {
      ok: false,
      errors: [
        ...unique.slice(0, MAX_ERRORS),
        {
          ...next,
          message: `${rest} more error${rest === 1 ? '' : 's'} not shown`,
          fix: 'fix the errors above and check again',
        },
      ],
    };
  }
  return { ok: false, errors: unique };
}
