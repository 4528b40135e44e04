/**
 * Policy loading: YAML text (one file, or org defaults plus the repository file) in, a validated
 * and normalised {@link Policy} or a list of located errors out. Pure: no I/O.
 */
import type { Policy, PolicyError, Reviewers } from './types.js';
import { POLICY_PATH } from './types.js';
import { globIssue, identityGlobIssue, type GlobIssue } from './globs.js';
import { MAX_ERRORS, MAX_LAYERS, MAX_PATTERNS } from './limits.js';
import {
  POLICY_SPEC,
  type ArraySpec,
  type FieldSpec,
  type ObjectSpec,
  type StringFormat,
  type StringSpec,
} from './spec.js';
import {
  loadPolicyYaml,
  mergeTrees,
  policyError,
  type Loc,
  type TMap,
  type TNode,
} from './yaml-tree.js';

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

const INVALID = Symbol('invalid');
type Walked = unknown;

interface Context {
  /** A single layer: check what is written, not what is missing. */
  partial: boolean;
  knownTeams?: ReadonlySet<string>;
  org?: string;
  errors: PolicyError[];
  patterns: number;
}

function newContext(options: LayerOptions, partial: boolean): Context {
  return {
    partial,
    knownTeams: options.knownTeams,
    org: options.org?.toLowerCase(),
    errors: [],
    patterns: 0,
  };
}

function describe(node: TNode): string {
  if (node.kind === 'map') return 'a mapping';
  if (node.kind === 'seq') return 'a list';
  const v = node.value;
  if (v === null) return 'an empty value';
  if (typeof v === 'string') return `the text "${v.length > 40 ? v.slice(0, 40) + '…' : v}"`;
  if (typeof v === 'number') return `the number ${v}`;
  return `\`${v}\``;
}

const join = (path: string, key: string): string => (path ? `${path}.${key}` : key);
const show = (path: string): string => (path ? `\`${path}\`` : 'the policy');

function expectation(spec: FieldSpec): string {
  switch (spec.type) {
    case 'object':
      return 'a mapping';
    case 'array':
      return 'a list';
    case 'string':
      return spec.enum ? spec.enum.map((w) => `\`${w}\``).join(' or ') : 'text';
    case 'boolean':
      return '`true` or `false`';
    case 'integer':
      return spec.minimum === spec.maximum
        ? `the number ${spec.minimum}`
        : `a whole number from ${spec.minimum} to ${spec.maximum}`;
  }
}

function typeFix(spec: FieldSpec, node: TNode): string {
  switch (spec.type) {
    case 'object':
      return 'write the keys it takes on the lines below it, indented (see docs/policy.md)';
    case 'array':
      return node.kind === 'scalar' && node.value !== null
        ? `write a list, such as \`[${String(node.value)}]\`, or one \`- item\` per line`
        : 'write a list, such as `[a, b]`, or one `- item` per line';
    case 'string':
      if (spec.enum) return `write ${spec.enum.map((w) => `\`${w}\``).join(' or ')}`;
      return node.kind === 'scalar' && node.value !== null
        ? `quote it: \`'${String(node.value)}'\``
        : 'write a single piece of text';
    case 'boolean':
      return typeof (node as { value?: unknown }).value === 'string'
        ? 'write `true` or `false` without quotes (words such as yes, no, on and off are text)'
        : 'write `true` or `false`';
    case 'integer':
      return spec.minimum === spec.maximum
        ? `write \`${spec.minimum}\`: it is the only version this release reads`
        : `write a number such as ${Math.max(spec.minimum, 1)}, without quotes`;
  }
}

function defaultText(spec: FieldSpec): string | null {
  if (spec.computed) return 'the computed default';
  if (spec.default === undefined) return spec.type === 'object' ? 'the defaults' : null;
  return `\`${JSON.stringify(spec.default)}\``;
}

function missingKey(loc: Loc, path: string, key: string): PolicyError {
  const fixes: Record<string, string> = {
    version: 'add `version: 1` at the top of the file',
    name: 'add `name:` with a short name for the rule, such as `name: payments`',
    paths: 'add `paths:` with at least one glob, such as `paths: ["services/payments/**"]`',
    reviewers:
      'add `reviewers:` naming at least one team or user, such as `reviewers: { teams: [payments-seniors] }`',
    label:
      'add `label:` with the label that applies the override, such as `label: ai-governance-override`',
  };
  return policyError(loc, `${show(path)} is missing \`${key}\``, fixes[key] ?? `add \`${key}\``);
}

/** Levenshtein distance, ignoring case and treating `-` like `_`. */
function distance(a: string, b: string): number {
  a = a.toLowerCase().replace(/-/g, '_');
  b = b.toLowerCase().replace(/-/g, '_');
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(
        prev[j]! + 1,
        cur[j - 1]! + 1,
        prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    prev = cur;
  }
  return prev[b.length]!;
}

/** The candidate closest to `word`. */
export function closest(word: string, candidates: readonly string[]): string | null {
  let best: string | null = null;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = distance(word, c);
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best;
}

function walk(node: TNode, spec: FieldSpec, path: string, ctx: Context): Walked {
  if (node.bad) return INVALID;
  if (node.kind === 'scalar' && node.value === null) {
    if (spec.nullable) return null;
    const dflt = defaultText(spec);
    ctx.errors.push(
      policyError(
        node.loc,
        `${show(path)} has no value; it needs ${expectation(spec)}`,
        dflt
          ? `write a value, or remove the key to use ${dflt}`
          : path.endsWith(']')
            ? 'write a value, or remove the entry'
            : `write ${expectation(spec)}`,
      ),
    );
    return INVALID;
  }
  switch (spec.type) {
    case 'object':
      return walkObject(node, spec, path, ctx);
    case 'array':
      return walkArray(node, spec, path, ctx);
    case 'string':
      return walkString(node, spec, path, ctx);
    case 'integer': {
      const v = node.kind === 'scalar' ? node.value : undefined;
      if (typeof v !== 'number' || !Number.isInteger(v) || v < spec.minimum || v > spec.maximum) {
        ctx.errors.push(
          policyError(
            node.loc,
            `${show(path)} must be ${expectation(spec)}, found ${describe(node)}`,
            typeFix(spec, node),
          ),
        );
        return INVALID;
      }
      return v;
    }
    case 'boolean': {
      const v = node.kind === 'scalar' ? node.value : undefined;
      if (typeof v !== 'boolean') {
        ctx.errors.push(
          policyError(
            node.loc,
            `${show(path)} must be ${expectation(spec)}, found ${describe(node)}`,
            typeFix(spec, node),
          ),
        );
        return INVALID;
      }
      return v;
    }
  }
}

function typeError(node: TNode, spec: FieldSpec, path: string, ctx: Context): typeof INVALID {
  ctx.errors.push(
    policyError(
      node.loc,
      `${show(path)} must be ${expectation(spec)}, found ${describe(node)}`,
      typeFix(spec, node),
    ),
  );
  return INVALID;
}

function defaultFor(spec: FieldSpec): unknown {
  if (spec.computed) return undefined;
  if (spec.default !== undefined) return structuredClone(spec.default);
  if (spec.type !== 'object') return undefined;
  const out: Record<string, unknown> = {};
  for (const [k, s] of Object.entries(spec.properties)) {
    const v = defaultFor(s);
    if (v !== undefined) out[k] = v;
  }
  return out;
}

function walkObject(node: TNode, spec: ObjectSpec, path: string, ctx: Context): Walked {
  if (node.kind !== 'map') return typeError(node, spec, path, ctx);
  const known = Object.keys(spec.properties);
  const out: Record<string, unknown> = {};
  let ok = true;
  for (const entry of node.entries) {
    const child = spec.properties[entry.key];
    if (!child) {
      const guess = closest(entry.key, known);
      ctx.errors.push(
        policyError(
          entry.keyLoc,
          `unknown key \`${entry.key}\` in ${show(path)}${guess ? ` (did you mean \`${guess}\`?)` : ''}`,
          `${guess ? `rename it to \`${guess}\` or remove it` : 'remove it'}; keys allowed here: ${known.filter((k) => k !== '_extends').join(', ')}`,
        ),
      );
      ok = false;
      continue;
    }
    const v = walk(entry.value, child, join(path, entry.key), ctx);
    if (v === INVALID) ok = false;
    else out[entry.key] = v;
  }
  if (ctx.partial) return ok ? out : INVALID;

  for (const key of spec.required ?? []) {
    if (!node.entries.some((e) => e.key === key)) {
      ctx.errors.push(missingKey(node.loc, path, key));
      ok = false;
    }
  }
  if (!ok) return INVALID;
  for (const [key, child] of Object.entries(spec.properties)) {
    if (key in out || key === '_extends') continue;
    const d = defaultFor(child);
    if (d !== undefined) out[key] = d;
  }
  if (spec.atLeastOne && !spec.atLeastOne.some((k) => (out[k] as unknown[]).length > 0)) {
    ctx.errors.push(atLeastOneError(node, path));
    return INVALID;
  }
  return out;
}

function atLeastOneError(node: TNode, path: string): PolicyError {
  if (path === 'override') {
    return policyError(
      node.loc,
      '`override` names no team or user who may apply the override label',
      'list at least one team under `teams` or one login under `users`, or remove `override`',
    );
  }
  return policyError(
    node.loc,
    `${show(path)} names no team or user`,
    'list at least one team under `teams` or one login under `users`',
  );
}

/** The identity used to find repeated entries in a list of this format. */
function uniqueKey(format: StringFormat, value: string): string {
  return format === 'path-glob' || format === 'identity-glob' ? value : value.toLowerCase();
}

function where(first: Loc, here: Loc): string {
  return first.file === here.file ? `line ${first.line}` : `${first.file}:${first.line}`;
}

function walkArray(node: TNode, spec: ArraySpec, path: string, ctx: Context): Walked {
  if (node.kind !== 'seq') return typeError(node, spec, path, ctx);
  if (spec.minItems && node.items.length < spec.minItems) {
    ctx.errors.push(
      policyError(
        node.loc,
        `${show(path)} is an empty list`,
        path.endsWith('.paths')
          ? 'list at least one glob, such as `services/payments/**`'
          : 'list at least one entry',
      ),
    );
    return INVALID;
  }
  const out: unknown[] = [];
  const seen = new Map<string, Loc>();
  let ok = true;
  node.items.forEach((item, i) => {
    const itemPath = `${path}[${i}]`;
    const v = walk(item, spec.items, itemPath, ctx);
    if (v === INVALID) {
      ok = false;
      return;
    }
    let key: string | null = null;
    let keyLoc = item.loc;
    let label = '';
    if (spec.items.type === 'string') {
      key = uniqueKey(spec.items.format, v as string);
      label = `\`${item.kind === 'scalar' ? String(item.value) : String(v)}\` is listed twice in ${show(path)}`;
    } else if (spec.uniqueBy && item.kind === 'map') {
      const name = (v as Record<string, unknown>)[spec.uniqueBy];
      if (typeof name === 'string') {
        key = name.toLowerCase();
        keyLoc = item.entries.find((e) => e.key === spec.uniqueBy)?.value.loc ?? item.loc;
        label = `two entries of ${show(path)} have the ${spec.uniqueBy} \`${name}\``;
      }
    }
    if (key !== null) {
      const first = seen.get(key);
      if (first) {
        ctx.errors.push(
          policyError(
            keyLoc,
            `${label} (first at ${where(first, keyLoc)})`,
            spec.uniqueBy
              ? `give each entry a distinct ${spec.uniqueBy}`
              : 'remove the repeated entry',
          ),
        );
        ok = false;
        return;
      }
      seen.set(key, keyLoc);
    }
    out.push(v);
  });
  return ok ? out : INVALID;
}

const compiledPatterns = new Map<string, RegExp>();
function patternOf(source: string): RegExp {
  let re = compiledPatterns.get(source);
  if (!re) {
    re = new RegExp(source, 'u');
    compiledPatterns.set(source, re);
  }
  return re;
}

function walkString(node: TNode, spec: StringSpec, path: string, ctx: Context): Walked {
  if (node.kind !== 'scalar' || typeof node.value !== 'string') {
    return typeError(node, spec, path, ctx);
  }
  const raw = node.value;
  const report = (message: string, fix: string): typeof INVALID => {
    ctx.errors.push(policyError(node.loc, message, fix));
    return INVALID;
  };
  const what = `${show(path)}: \`${raw.length > 60 ? raw.slice(0, 60) + '…' : raw}\``;

  if (raw.trim() === '')
    return report(`${show(path)} is empty`, 'write a value, or remove the entry');

  if (spec.format === 'path-glob' || spec.format === 'identity-glob') {
    if (!ctx.partial && ++ctx.patterns === MAX_PATTERNS + 1) {
      return report(
        `the policy has more than ${MAX_PATTERNS.toLocaleString('en-US')} glob patterns (this is pattern ${MAX_PATTERNS + 1})`,
        'cover paths with fewer, broader globs such as `services/payments/**`',
      );
    }
    if (ctx.patterns > MAX_PATTERNS) return INVALID;
    const issue: GlobIssue | null =
      spec.format === 'path-glob' ? globIssue(raw) : identityGlobIssue(raw);
    if (issue) return report(`${what} ${issue.problem}`, issue.fix);
    return raw;
  }

  if (spec.format !== 'enum' && raw.length > spec.maxLength) {
    return report(
      `${what} is ${raw.length} characters long; the limit is ${spec.maxLength}`,
      spec.format === 'label' ? 'use a shorter label: GitHub allows 50 characters' : 'shorten it',
    );
  }
  const matches = patternOf(spec.pattern).test(raw);
  switch (spec.format) {
    case 'team':
      return matches
        ? normaliseTeam(raw, node.loc, what, ctx)
        : report(
            `${what} is not a team`,
            'write a team slug such as `payments-seniors`, optionally as `org/payments-seniors`',
          );
    case 'user':
      if (/\[bot\]$/i.test(raw)) {
        return report(
          `${what} is a bot account, which cannot approve`,
          'name people here; bots belong only in `detection` lists',
        );
      }
      return matches
        ? raw.replace(/^@/, '')
        : report(
            `${what} is not a GitHub login`,
            'write a login such as `alice` (letters, digits and hyphens, at most 39)',
          );
    case 'actor':
      return matches
        ? raw.replace(/^@/, '')
        : report(
            `${what} is not a GitHub login`,
            'write a login such as `alice` or an app such as `my-agent[bot]`',
          );
    case 'trailer':
      if (raw.endsWith(':'))
        return report(`${what} ends with a colon`, `write the key alone: \`${raw.slice(0, -1)}\``);
      return matches
        ? raw
        : report(
            `${what} is not a trailer key`,
            'write a key of letters, digits and hyphens, such as `Assisted-by`',
          );
    case 'enum':
      return matches
        ? raw
        : report(`${what} is not ${expectation(spec)}`, `${typeFix(spec, node)}, in lower case`);
    case 'label':
    case 'name':
    case 'text':
      if (!matches) {
        return report(
          /[\r\n]/.test(raw)
            ? `${what} spans several lines`
            : `${what} has spaces at the start or end`,
          'write it on one line, without surrounding spaces',
        );
      }
      return raw;
    default:
      return raw;
  }
}

function normaliseTeam(raw: string, loc: Loc, what: string, ctx: Context): Walked {
  const parts = raw.replace(/^@/, '').split('/');
  const slug = parts[parts.length - 1]!.toLowerCase();
  const org = parts.length === 2 ? parts[0]!.toLowerCase() : null;
  if (org !== null && ctx.org !== undefined && org !== ctx.org) {
    ctx.errors.push(
      policyError(
        loc,
        `${what} belongs to the organisation \`${org}\`, not \`${ctx.org}\``,
        `name a team of \`${ctx.org}\`, such as \`${slug}\``,
      ),
    );
    return INVALID;
  }
  if (ctx.knownTeams && !ctx.knownTeams.has(slug)) {
    const guess = closest(slug, [...ctx.knownTeams]);
    ctx.errors.push(
      policyError(
        loc,
        `${what}: no team \`${slug}\` exists in the organisation${guess ? ` (did you mean \`${guess}\`?)` : ''}`,
        'create the team on GitHub or correct the slug (the last part of the team page address)',
      ),
    );
    return INVALID;
  }
  return slug;
}

// ---------------------------------------------------------------------------------------------
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
