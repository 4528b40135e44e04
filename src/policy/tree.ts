/**
 * The small tree a policy file is read into: mappings, lists and plain scalars, each with the
 * file, line and column where it was written; and the errors that point at them.
 */
import type { PolicyError } from '../model/policy.js';

export interface Loc {
  file: string;
  /** 1-based. */
  line: number;
  /** 1-based. */
  column: number;
}

export interface TMap {
  kind: 'map';
  loc: Loc;
  entries: TEntry[];
  /** Already reported as unusable; the validator skips it silently. */
  bad?: boolean;
}
export interface TEntry {
  key: string;
  keyLoc: Loc;
  value: TNode;
}
export interface TSeq {
  kind: 'seq';
  loc: Loc;
  items: TNode[];
  bad?: boolean;
}
export interface TScalar {
  kind: 'scalar';
  loc: Loc;
  value: string | number | boolean | null;
  bad?: boolean;
}
export type TNode = TMap | TSeq | TScalar;

export interface LoadResult {
  /** The root mapping, or null when a fatal error stopped reading. */
  root: TMap | null;
  errors: PolicyError[];
}

export function policyError(loc: Loc, message: string, fix: string): PolicyError {
  return { file: loc.file, line: loc.line, column: loc.column, message, fix };
}

/**
 * Later layers win: mappings merge key by key, anything else (lists, scalars, null) replaces what
 * came before. Each node keeps the location of the layer that wrote it.
 */
export function mergeTrees(a: TNode, b: TNode): TNode {
  if (a.kind !== 'map' || b.kind !== 'map' || a.bad || b.bad) return b;
  const byKey = new Map(b.entries.map((e) => [e.key, e]));
  const entries: TEntry[] = a.entries.map((e) => {
    const later = byKey.get(e.key);
    if (!later) return e;
    byKey.delete(e.key);
    return { key: e.key, keyLoc: later.keyLoc, value: mergeTrees(e.value, later.value) };
  });
  for (const e of b.entries) if (byKey.has(e.key)) entries.push(e);
  return { kind: 'map', loc: b.loc, entries };
}
