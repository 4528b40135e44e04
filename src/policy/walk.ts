/**
 * The walk of a policy tree against {@link POLICY_SPEC}'s field specs: each node checked for its
 * type and value, errors collected with their position, and the valid values returned with the
 * defaults filled in.
 */
import type { PolicyError } from '../model/policy.js';
import { MAX_PATTERNS } from './limits.js';
import { globIssue, identityGlobIssue, type GlobIssue } from './globs.js';
import type { ArraySpec, FieldSpec, ObjectSpec, StringFormat, StringSpec } from './spec.js';
import { policyError, type Loc, type TNode } from './tree.js';
import {
  closest,
  defaultText,
  describe,
  expectation,
  join,
  missingKey,
  show,
  typeFix,
} from './wording.js';

/** What {@link walk} returns for a node that is not valid (its errors are in the context). */
export const INVALID = Symbol('invalid');
type Walked = unknown;

/** The walk's settings and what it has found so far. */
export interface Context {
  /** A single layer: check what is written, not what is missing. */
  partial: boolean;
  knownTeams?: ReadonlySet<string>;
  org?: string;
  errors: PolicyError[];
  patterns: number;
}

/** A fresh context: teams are checked against `knownTeams` and `org` when given. */
export function newContext(
  options: { knownTeams?: ReadonlySet<string>; org?: string },
  partial: boolean,
): Context {
  return {
    partial,
    knownTeams: options.knownTeams,
    org: options.org?.toLowerCase(),
    errors: [],
    patterns: 0,
  };
}

/** Checks `node` against `spec`; the value, or {@link INVALID} with the errors in `ctx`. */
export function walk(node: TNode, spec: FieldSpec, path: string, ctx: Context): Walked {
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
        return typeError(node, spec, path, ctx);
      }
      return v;
    }
    case 'boolean': {
      const v = node.kind === 'scalar' ? node.value : undefined;
      if (typeof v !== 'boolean') return typeError(node, spec, path, ctx);
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
    case 'actor':
      if (spec.format === 'user' && /\[bot\]$/i.test(raw)) {
        return report(
          `${what} is a bot account, which cannot approve`,
          'name people here; bots belong only in `detection` lists',
        );
      }
      return matches
        ? raw.replace(/^@/, '')
        : report(
            `${what} is not a GitHub login`,
            spec.format === 'user'
              ? 'write a login such as `alice` (letters, digits and hyphens, at most 39)'
              : 'write a login such as `alice` or an app such as `my-agent[bot]`',
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
