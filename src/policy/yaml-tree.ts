/**
 * Reads one policy file into a small tree of located values. Everything about YAML lives here:
 * the size limit, tabs, syntax errors, multiple documents, tags, aliases (bounded), duplicate and
 * non-text keys. The validator only ever sees mappings, lists and plain scalars, each with the
 * file, line and column where it was written.
 */
import {
  isAlias,
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  parseDocument,
  type Document,
  type Node as YamlNode,
} from 'yaml';
import type { PolicyError } from './types.js';
import { unclosedFlow } from './flow-brackets.js';
import { MAX_ALIAS_EXPANSION, MAX_ALIASES, MAX_DEPTH, MAX_POLICY_BYTES } from './limits.js';

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

/** Thrown inside the conversion to stop at once (alias bombs, runaway nesting). */
class Stop extends Error {
  constructor(readonly error: PolicyError) {
    super(error.message);
  }
}

const SYNTAX_FIXES: Record<string, string> = {
  BAD_INDENT: 'indent nested keys and list items consistently with spaces',
  MISSING_CHAR: 'add the missing character (a closing quote or bracket, or `: ` after a key)',
  BLOCK_AS_IMPLICIT_KEY: 'put the nested mapping on its own lines, indented under its key',
  MULTILINE_IMPLICIT_KEY: 'keep each key on one line, followed by `: `',
  UNEXPECTED_TOKEN: 'check the indentation and punctuation of this line',
  BAD_SCALAR_START: 'quote the value',
  DUPLICATE_KEY: 'remove one of the two keys',
  RESOURCE_EXHAUSTION: 'nest mappings and lists less deeply',
};

/** Reads `text`; never throws. */
export function loadPolicyYaml(text: string, file: string): LoadResult {
  const start: Loc = { file, line: 1, column: 1 };
  // Size first: the UTF-16 length is never more than the UTF-8 byte count.
  if (text.length > MAX_POLICY_BYTES || Buffer.byteLength(text, 'utf8') > MAX_POLICY_BYTES) {
    const bytes = Buffer.byteLength(text, 'utf8');
    return {
      root: null,
      errors: [
        policyError(
          start,
          `the policy file is ${bytes.toLocaleString('en-US')} bytes; the limit is ${MAX_POLICY_BYTES.toLocaleString('en-US')} bytes (256 KiB)`,
          'shorten it, for example by grouping paths with globs such as `services/payments/**`',
        ),
      ],
    };
  }

  const errors: PolicyError[] = [];
  const bomOffset = text.startsWith('\uFEFF') ? 1 : 0;
  const lineCounter = new LineCounter();
  const at = (offset: number): Loc => {
    const { line, col } = lineCounter.linePos(offset);
    return { file, line, column: line === 1 && bomOffset ? Math.max(1, col - 1) : col };
  };

  // Tabs: reported once per line, then read as spaces so that the rest can still be checked.
  if (text.includes('\t')) {
    let line = 1;
    let lineStart = 0;
    let reported = -1;
    for (let i = 0; i < text.length; i++) {
      const c = text[i];
      if (c === '\n') {
        line++;
        lineStart = i + 1;
      } else if (c === '\t' && reported !== line) {
        reported = line;
        errors.push(
          policyError(
            { file, line, column: i - lineStart + 1 - (line === 1 ? bomOffset : 0) },
            'tab character',
            'use spaces instead: the policy file allows no tabs, for indentation or anywhere else',
          ),
        );
      }
    }
    text = text.replace(/\t/g, ' ');
  }

  const directive = /^%/m.exec(text);

  let doc: Document.Parsed;
  try {
    doc = parseDocument(text, {
      lineCounter,
      prettyErrors: false,
      uniqueKeys: false,
      schema: 'core',
      merge: false,
    });
  } catch (e) {
    errors.push(
      policyError(
        start,
        `the YAML could not be read (${(e as Error).message})`,
        SYNTAX_FIXES.RESOURCE_EXHAUSTION!,
      ),
    );
    return { root: null, errors };
  }

  if (directive) {
    errors.push(
      policyError(
        at(directive.index),
        'YAML directives such as `%YAML` are not supported',
        'remove the directive line (and the `---` after it, if any)',
      ),
    );
  }

  let fatal = false;
  // An unclosed `[` or `{`: the parser's errors come later and speak of indentation; name the
  // bracket instead, and drop what it caused (every error from its line on).
  const open = doc.errors.length > 0 ? unclosedFlow(text) : null;
  if (open) {
    const loc = at(open.offset);
    const [kind, close] = open.char === '[' ? ['list', ']'] : ['mapping', '}'];
    errors.push(
      policyError(
        loc,
        `YAML syntax error: the flow ${kind} opened with \`${open.char}\` on line ${loc.line} is never closed`,
        `add the \`${close}\` at the end of the ${kind} on line ${loc.line}` +
          (open.char === '[' ? ', or write one `- item` per line instead' : ''),
      ),
    );
  }
  for (const e of doc.errors) {
    if (open && e.pos[0] >= open.offset) {
      fatal = true;
      continue;
    }
    fatal = true;
    if (e.code === 'MULTIPLE_DOCS') {
      errors.push(
        policyError(
          at(e.pos[0]),
          'the file holds more than one YAML document',
          'keep a single document: remove this `---` line and merge or delete what follows it',
        ),
      );
    } else {
      const loc = at(e.pos[0]);
      const lineText = text.split('\n')[loc.line - 1] ?? '';
      // `[bot]` inside a flow list (`[a, b]`) reads as a nested list: the most common slip.
      const unquotedBot = /(^|[\s,[])[\w.-]+\[bot\]/.test(lineText);
      errors.push(
        policyError(
          loc,
          `YAML syntax error: ${e.message}`,
          unquotedBot
            ? 'quote names that end in `[bot]`, as in `["dependabot[bot]"]`, or write one `- name` per line'
            : (SYNTAX_FIXES[e.code] ?? 'correct the YAML syntax at this point'),
        ),
      );
    }
  }
  for (const w of doc.warnings) {
    // Unresolved tags and similar: nothing in a policy needs them.
    errors.push(
      policyError(at(w.pos[0]), `YAML warning: ${w.message}`, 'remove the tag or the construct'),
    );
  }
  if (fatal || directive) return { root: null, errors };

  const contents = doc.contents;
  if (contents === null || (isScalar(contents) && contents.value === null && !contents.source)) {
    errors.push(
      policyError(
        start,
        'the policy file is empty',
        'start it with `version: 1`, then add the settings you need (see docs/policy.md)',
      ),
    );
    return { root: null, errors };
  }
  if (!isMap(contents)) {
    errors.push(
      policyError(
        at(contents.range?.[0] ?? 0),
        `the top level of the policy must be a mapping of keys, found ${describeYaml(contents)}`,
        'write `key: value` lines at the top level, starting with `version: 1`',
      ),
    );
    return { root: null, errors };
  }

  const state: ConvertState = {
    file,
    doc,
    at,
    errors,
    aliasUses: 0,
    expanded: 0,
    open: new Set(),
    outerAlias: null,
  };
  try {
    const root = convert(contents, state, 0, false, null) as TMap;
    return { root, errors };
  } catch (e) {
    if (e instanceof Stop) {
      errors.push(e.error);
      return { root: null, errors };
    }
    throw e;
  }
}

interface ConvertState {
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

function describeYaml(node: unknown): string {
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

function convert(
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
