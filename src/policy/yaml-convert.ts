/**
 * Turns the `yaml` library's document into the located tree of {@link TNode}s, with aliases
 * expanded within bounds and what a policy never needs (tags, merge keys, non-text and duplicate
 * keys) reported where it was written.
 */
import { isAlias, isMap, isScalar, isSeq, type Document, type Node as YamlNode } from 'yaml';
import type { PolicyError } from '../model/policy.js';
import { MAX_ALIAS_EXPANSION, MAX_ALIASES, MAX_DEPTH } from './limits.js';
import { policyError, type Loc, type TEntry, type TNode } from './tree.js';

/** Thrown inside the conversion to stop at once (alias bombs, runaway nesting). */
export class Stop extends Error {
  constructor(readonly error: PolicyError) {
    super(error.message);
  }
}

/** What one conversion shares between its nodes. */
export interface ConvertState {
  file: string;
  doc: Document.Parsed;
  at: (offset: number) => Loc;
  errors: PolicyError[];
  aliasUses: number;
  /** Nodes produced by expanding aliases. */
  expanded: number;
  /** Collections being converted, to catch an alias to its own ancestor. */
  open: Set<unknown>;
  /** Where the alias being expanded was written: limits are reported there. */
  outerAlias: Loc | null;
}

/** How a YAML node is named in an error. */
export function describeYaml(node: unknown): string {
  if (isMap(node)) return 'a mapping';
  if (isSeq(node)) return 'a list';
  if (isScalar(node)) {
    const v = node.value;
    if (v === null) return 'an empty value';
    if (typeof v === 'string') return `the text "${v.length > 40 ? v.slice(0, 40) + '…' : v}"`;
    return `the value ${String(v)}`;
  }
  return 'something else';
}

function nodeLoc(node: { range?: [number, number, number] | null }, state: ConvertState): Loc {
  return state.at(node.range?.[0] ?? 0);
}

/**
 * Converts one YAML node; `viaAlias` when it is reached through an alias (counted against the
 * expansion limit), `locOverride` to locate it where the alias was written. Throws {@link Stop}.
 */
export function convert(
  node: unknown,
  state: ConvertState,
  depth: number,
  viaAlias: boolean,
  locOverride: Loc | null,
): TNode {
  if (viaAlias && ++state.expanded > MAX_ALIAS_EXPANSION) {
    throw new Stop(
      policyError(
        state.outerAlias ?? locOverride ?? nodeLoc(node as YamlNode, state),
        `YAML aliases here expand to more than ${MAX_ALIAS_EXPANSION.toLocaleString('en-US')} values`,
        'write the values out instead of repeating large anchors through aliases',
      ),
    );
  }
  if (isAlias(node)) {
    const loc = nodeLoc(node, state);
    if (++state.aliasUses > MAX_ALIASES) {
      throw new Stop(
        policyError(
          state.outerAlias ?? loc,
          `too many YAML aliases: more than ${MAX_ALIASES}, counting each use inside repeated anchors`,
          'write the values out instead of using so many aliases (`*name`)',
        ),
      );
    }
    const target = node.resolve(state.doc);
    if (!target) {
      state.errors.push(
        policyError(
          loc,
          `the alias \`*${node.source}\` refers to no anchor`,
          `define \`&${node.source}\` before this alias, or write the value out`,
        ),
      );
      return { kind: 'scalar', loc, value: null, bad: true };
    }
    if (state.open.has(target)) {
      throw new Stop(
        policyError(
          loc,
          `the alias \`*${node.source}\` refers to a value that contains it`,
          'remove the alias: a value cannot include itself',
        ),
      );
    }
    const outermost = state.outerAlias === null;
    if (outermost) state.outerAlias = loc;
    try {
      return convert(target, state, depth, true, locOverride ?? loc);
    } finally {
      if (outermost) state.outerAlias = null;
    }
  }

  const n = node as YamlNode;
  const loc = locOverride ?? nodeLoc(n, state);
  if (depth > MAX_DEPTH) {
    throw new Stop(
      policyError(
        loc,
        `mappings and lists are nested more than ${MAX_DEPTH} levels deep`,
        'flatten the structure; no policy key nests this deep',
      ),
    );
  }
  if (n.tag) {
    state.errors.push(
      policyError(
        loc,
        `YAML tags such as \`${n.tag.replace('tag:yaml.org,2002:', '!!')}\` are not supported`,
        'remove the tag; quote the value if it must be text',
      ),
    );
    return { kind: 'scalar', loc, value: null, bad: true };
  }

  if (isScalar(n)) {
    const v = n.value;
    if (v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') {
      return { kind: 'scalar', loc, value: v };
    }
    state.errors.push(
      policyError(loc, 'unsupported YAML value', 'write plain text, a number, true or false'),
    );
    return { kind: 'scalar', loc, value: null, bad: true };
  }

  if (isSeq(n)) {
    state.open.add(n);
    const items = n.items.map((item) => convert(item, state, depth + 1, viaAlias, null));
    state.open.delete(n);
    return { kind: 'seq', loc, items };
  }

  if (isMap(n)) {
    state.open.add(n);
    const entries: TEntry[] = [];
    const seen = new Map<string, Loc>();
    for (const pair of n.items) {
      const keyNode = pair.key as YamlNode | null;
      const keyLoc = keyNode ? nodeLoc(keyNode, state) : loc;
      if (!isScalar(keyNode) || typeof keyNode.value !== 'string' || keyNode.tag) {
        state.errors.push(
          policyError(
            keyLoc,
            `keys must be plain text, found ${keyNode && !isAlias(keyNode) ? describeYaml(keyNode) : isAlias(keyNode) ? 'an alias' : 'no key'}`,
            'write the key as a word such as `approvals`',
          ),
        );
        continue;
      }
      const key = keyNode.value;
      if (key === '<<') {
        state.errors.push(
          policyError(
            keyLoc,
            'YAML merge keys (`<<`) are not supported',
            'write the keys out in this mapping',
          ),
        );
        continue;
      }
      const first = seen.get(key);
      if (first) {
        state.errors.push(
          policyError(
            keyLoc,
            `duplicate key \`${key}\` (first written at line ${first.line})`,
            'remove one of the two; YAML keys must be unique in a mapping',
          ),
        );
        continue;
      }
      seen.set(key, keyLoc);
      const value: TNode =
        pair.value === null || pair.value === undefined
          ? { kind: 'scalar', loc: keyLoc, value: null }
          : convert(pair.value, state, depth + 1, viaAlias, null);
      entries.push({ key, keyLoc, value });
    }
    state.open.delete(n);
    return { kind: 'map', loc, entries };
  }

  state.errors.push(
    policyError(loc, 'unsupported YAML node', 'write a mapping, a list or a plain value'),
  );
  return { kind: 'scalar', loc, value: null, bad: true };
}
