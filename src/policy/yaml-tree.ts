/**
 * Reads one policy file into a small tree of located values. Everything about YAML lives here:
 * the size limit, tabs, syntax errors, multiple documents, tags, aliases (bounded), duplicate and
 * non-text keys. The validator only ever sees mappings, lists and plain scalars, each with the
 * file, line and column where it was written.
 */
import { isMap, isScalar, LineCounter, parseDocument, type Document } from 'yaml';
import type { PolicyError } from '../model/policy.js';
import { unclosedFlow } from './flow-brackets.js';
import { MAX_POLICY_BYTES } from './limits.js';
import { policyError, type LoadResult, type Loc, type TMap } from './tree.js';
import { convert, describeYaml, Stop, type ConvertState } from './yaml-convert.js';

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
