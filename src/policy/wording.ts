/**
 * The words of policy errors: how a node, an expected value and a missing key are described, and
 * which known key a misspelt one was meant to be.
 */
import type { PolicyError } from '../model/policy.js';
import type { FieldSpec } from './spec.js';
import { policyError, type Loc, type TNode } from './tree.js';

export function describe(node: TNode): string {
  if (node.kind === 'map') return 'a mapping';
  if (node.kind === 'seq') return 'a list';
  const v = node.value;
  if (v === null) return 'an empty value';
  if (typeof v === 'string') return `the text "${v.length > 40 ? v.slice(0, 40) + '…' : v}"`;
  if (typeof v === 'number') return `the number ${v}`;
  return `\`${v}\``;
}

export const join = (path: string, key: string): string => (path ? `${path}.${key}` : key);
export const show = (path: string): string => (path ? `\`${path}\`` : 'the policy');

export function expectation(spec: FieldSpec): string {
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

export function typeFix(spec: FieldSpec, node: TNode): string {
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

export function defaultText(spec: FieldSpec): string | null {
  if (spec.computed) return 'the computed default';
  if (spec.default === undefined) return spec.type === 'object' ? 'the defaults' : null;
  return `\`${JSON.stringify(spec.default)}\``;
}

export function missingKey(loc: Loc, path: string, key: string): PolicyError {
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
