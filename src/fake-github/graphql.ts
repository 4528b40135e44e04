/**
 * A small GraphQL engine for the fake GitHub: it parses the documents the app sends (operations
 * with variables, fields with aliases and arguments, named and inline fragments) and executes them
 * against plain objects, so that every answer holds exactly the fields that were asked for.
 *
 * Objects are plain records with a `__typename`; a field is either a value or a function of its
 * arguments. A resolver that throws {@link FieldError} nulls its field and adds an error with the
 * field's path, as GitHub does; an unknown field or a bad variable rejects the whole document
 * without data, as GitHub's validation does.
 */

// ---------------------------------------------------------------------------------------------
// Syntax

export type ValueNode =
  | { kind: 'variable'; name: string }
  | { kind: 'int'; value: number }
  | { kind: 'float'; value: number }
  | { kind: 'string'; value: string }
  | { kind: 'boolean'; value: boolean }
  | { kind: 'null' }
  | { kind: 'enum'; value: string }
  | { kind: 'list'; values: ValueNode[] }
  | { kind: 'object'; fields: Record<string, ValueNode> };

export interface FieldNode {
  kind: 'field';
  alias: string | null;
  name: string;
  args: Record<string, ValueNode>;
  selections: SelectionNode[] | null;
  line: number;
  column: number;
}

export interface InlineFragmentNode {
  kind: 'inline';
  typeCondition: string | null;
  selections: SelectionNode[];
}

export interface SpreadNode {
  kind: 'spread';
  name: string;
  line: number;
  column: number;
}

export type SelectionNode = FieldNode | InlineFragmentNode | SpreadNode;

export interface VariableDefinition {
  name: string;
  /** The type as written, e.g. `String!` or `[ID!]`. */
  type: string;
  required: boolean;
  defaultValue: ValueNode | null;
}

export interface OperationNode {
  operation: 'query' | 'mutation' | 'subscription';
  name: string | null;
  variables: VariableDefinition[];
  selections: SelectionNode[];
}

export interface FragmentNode {
  name: string;
  typeCondition: string;
  selections: SelectionNode[];
}

export interface DocumentNode {
  operations: OperationNode[];
  fragments: Map<string, FragmentNode>;
}

/** A document GitHub would refuse before running it. */
export class GraphQLSyntaxError extends Error {
  constructor(
    message: string,
    readonly line: number,
    readonly column: number,
  ) {
    super(message);
  }
}

interface Token {
  kind: 'punct' | 'name' | 'int' | 'float' | 'string' | 'eof';
  value: string;
  line: number;
  column: number;
}

const PUNCT = new Set(['!', '$', '&', '(', ')', ':', '=', '@', '[', ']', '{', '|', '}']);

function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  let line = 1;
  let lineStart = 0;
  const at = (): { line: number; column: number } => ({ line, column: i - lineStart + 1 });
  while (i < src.length) {
    const ch = src[i]!;
    if (ch === '\n') {
      i++;
      line++;
      lineStart = i;
      continue;
    }
    if (ch === ' ' || ch === '\t' || ch === '\r' || ch === ',' || ch === '\ufeff') {
      i++;
      continue;
    }
    if (ch === '#') {
      while (i < src.length && src[i] !== '\n') i++;
      continue;
    }
    const pos = at();
    if (ch === '.' && src.startsWith('...', i)) {
      out.push({ kind: 'punct', value: '...', ...pos });
      i += 3;
      continue;
    }
    if (PUNCT.has(ch)) {
      out.push({ kind: 'punct', value: ch, ...pos });
      i++;
      continue;
    }
    if (/[_A-Za-z]/.test(ch)) {
      const m = /^[_A-Za-z][_0-9A-Za-z]*/.exec(src.slice(i, i + 256))!;
      out.push({ kind: 'name', value: m[0], ...pos });
      i += m[0].length;
      continue;
    }
    if (/[-0-9]/.test(ch)) {
      const m = /^-?(?:0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/.exec(src.slice(i, i + 64));
      if (!m) throw new GraphQLSyntaxError(`Parse error on "${ch}"`, pos.line, pos.column);
      out.push({ kind: m[1] || m[2] ? 'float' : 'int', value: m[0], ...pos });
      i += m[0].length;
      continue;
    }
    if (ch === '"') {
      if (src.startsWith('"""', i)) {
        const end = src.indexOf('"""', i + 3);
        if (end < 0) throw new GraphQLSyntaxError('Unterminated string', pos.line, pos.column);
        const raw = src.slice(i + 3, end);
        for (const c of raw) if (c === '\n') line++;
        out.push({ kind: 'string', value: raw.replace(/\\"""/g, '"""'), ...pos });
        i = end + 3;
        continue;
      }
      let j = i + 1;
      let value = '';
      for (;;) {
        if (j >= src.length || src[j] === '\n') {
          throw new GraphQLSyntaxError('Unterminated string', pos.line, pos.column);
        }
        const c = src[j]!;
        if (c === '"') break;
        if (c === '\\') {
          const e = src[j + 1];
          const simple: Record<string, string> = {
            '"': '"',
            '\\': '\\',
            '/': '/',
            b: '\b',
            f: '\f',
            n: '\n',
            r: '\r',
            t: '\t',
          };
          if (e !== undefined && simple[e] !== undefined) {
            value += simple[e];
            j += 2;
          } else if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(src.slice(j + 2, j + 6))) {
            value += String.fromCharCode(parseInt(src.slice(j + 2, j + 6), 16));
            j += 6;
          } else {
            throw new GraphQLSyntaxError('Bad escape in string', pos.line, pos.column);
          }
          continue;
        }
        value += c;
        j++;
      }
      out.push({ kind: 'string', value, ...pos });
      i = j + 1;
      continue;
    }
    throw new GraphQLSyntaxError(`Parse error on "${ch}"`, pos.line, pos.column);
  }
  out.push({ kind: 'eof', value: '', line, column: i - lineStart + 1 });
  return out;
}

class Parser {
  private i = 0;
  constructor(private readonly tokens: Token[]) {}

  private peek(): Token {
    return this.tokens[this.i]!;
  }
  private next(): Token {
    return this.tokens[this.i++]!;
  }
  private fail(t: Token, what: string): never {
    const shown = t.kind === 'eof' ? 'end of file' : `"${t.value}"`;
    throw new GraphQLSyntaxError(
      `Parse error on ${shown} (${what}) at [${t.line}, ${t.column}]`,
      t.line,
      t.column,
    );
  }
  private isPunct(v: string): boolean {
    const t = this.peek();
    return t.kind === 'punct' && t.value === v;
  }
  private expectPunct(v: string): Token {
    const t = this.next();
    if (t.kind !== 'punct' || t.value !== v) this.fail(t, `expected ${v}`);
    return t;
  }
  private name(): string {
    const t = this.next();
    if (t.kind !== 'name') this.fail(t, 'expected a name');
    return t.value;
  }

  document(): DocumentNode {
    const operations: OperationNode[] = [];
    const fragments = new Map<string, FragmentNode>();
    while (this.peek().kind !== 'eof') {
      const t = this.peek();
      if (t.kind === 'punct' && t.value === '{') {
        operations.push({
          operation: 'query',
          name: null,
          variables: [],
          selections: this.selectionSet(),
        });
        continue;
      }
      if (t.kind !== 'name') this.fail(t, 'expected a definition');
      if (t.value === 'fragment') {
        this.next();
        const name = this.name();
        if (this.name() !== 'on') this.fail(this.tokens[this.i - 1]!, 'expected "on"');
        const typeCondition = this.name();
        this.noDirectives();
        if (fragments.has(name)) this.fail(t, `fragment ${name} is defined twice`);
        fragments.set(name, { name, typeCondition, selections: this.selectionSet() });
        continue;
      }
      if (t.value === 'query' || t.value === 'mutation' || t.value === 'subscription') {
        this.next();
        let name: string | null = null;
        if (this.peek().kind === 'name') name = this.name();
        const variables = this.isPunct('(') ? this.variableDefinitions() : [];
        this.noDirectives();
        operations.push({ operation: t.value, name, variables, selections: this.selectionSet() });
        continue;
      }
      this.fail(t, 'expected query, mutation or fragment');
    }
    return { operations, fragments };
  }

  private noDirectives(): void {
    if (this.isPunct('@')) this.fail(this.peek(), 'directives are not supported by the fake');
  }

  private variableDefinitions(): VariableDefinition[] {
    this.expectPunct('(');
    const out: VariableDefinition[] = [];
    while (!this.isPunct(')')) {
      this.expectPunct('$');
      const name = this.name();
      this.expectPunct(':');
      const type = this.typeRef();
      let defaultValue: ValueNode | null = null;
      if (this.isPunct('=')) {
        this.next();
        defaultValue = this.value(true);
      }
      out.push({ name, type, required: type.endsWith('!'), defaultValue });
    }
    this.expectPunct(')');
    return out;
  }

  private typeRef(): string {
    let type: string;
    if (this.isPunct('[')) {
      this.next();
      type = `[${this.typeRef()}]`;
      this.expectPunct(']');
    } else {
      type = this.name();
    }
    if (this.isPunct('!')) {
      this.next();
      type += '!';
    }
    return type;
  }

  private selectionSet(): SelectionNode[] {
    this.expectPunct('{');
    const out: SelectionNode[] = [];
    while (!this.isPunct('}')) {
      if (this.peek().kind === 'eof') this.fail(this.peek(), 'expected }');
      out.push(this.selection());
    }
    this.expectPunct('}');
    if (out.length === 0) this.fail(this.peek(), 'a selection set cannot be empty');
    return out;
  }

  private selection(): SelectionNode {
    if (this.isPunct('...')) {
      const dots = this.next();
      const t = this.peek();
      if (t.kind === 'name' && t.value === 'on') {
        this.next();
        const typeCondition = this.name();
        this.noDirectives();
        return { kind: 'inline', typeCondition, selections: this.selectionSet() };
      }
      if (t.kind === 'punct' && t.value === '{') {
        return { kind: 'inline', typeCondition: null, selections: this.selectionSet() };
      }
      const name = this.name();
      this.noDirectives();
      return { kind: 'spread', name, line: dots.line, column: dots.column };
    }
    const first = this.peek();
    let name = this.name();
    let alias: string | null = null;
    if (this.isPunct(':')) {
      this.next();
      alias = name;
      name = this.name();
    }
    const args: Record<string, ValueNode> = {};
    if (this.isPunct('(')) {
      this.next();
      while (!this.isPunct(')')) {
        const argName = this.name();
        this.expectPunct(':');
        if (argName in args) this.fail(this.peek(), `argument ${argName} is given twice`);
        args[argName] = this.value(false);
      }
      this.expectPunct(')');
    }
    this.noDirectives();
    const selections = this.isPunct('{') ? this.selectionSet() : null;
    return { kind: 'field', alias, name, args, selections, line: first.line, column: first.column };
  }

  private value(constant: boolean): ValueNode {
    const t = this.next();
    if (t.kind === 'punct' && t.value === '$') {
      if (constant) this.fail(t, 'variables are not allowed in default values');
      return { kind: 'variable', name: this.name() };
    }
    if (t.kind === 'int') return { kind: 'int', value: Number(t.value) };
    if (t.kind === 'float') return { kind: 'float', value: Number(t.value) };
    if (t.kind === 'string') return { kind: 'string', value: t.value };
    if (t.kind === 'name') {
      if (t.value === 'true' || t.value === 'false')
        return { kind: 'boolean', value: t.value === 'true' };
      if (t.value === 'null') return { kind: 'null' };
      return { kind: 'enum', value: t.value };
    }
    if (t.kind === 'punct' && t.value === '[') {
      const values: ValueNode[] = [];
      while (!this.isPunct(']')) values.push(this.value(constant));
      this.next();
      return { kind: 'list', values };
    }
    if (t.kind === 'punct' && t.value === '{') {
      const fields: Record<string, ValueNode> = {};
      while (!this.isPunct('}')) {
        const n = this.name();
        this.expectPunct(':');
        fields[n] = this.value(constant);
      }
      this.next();
      return { kind: 'object', fields };
    }
    this.fail(t, 'expected a value');
  }
}

export function parseDocument(src: string): DocumentNode {
  return new Parser(tokenize(src)).document();
}

// ---------------------------------------------------------------------------------------------
// Execution

/** An object in an answer: its type name and its fields (values, or functions of the arguments). */
export interface GqlObject {
  __typename: string;
  [field: string]: unknown;
}

export type FieldResolver = (args: Record<string, unknown>) => unknown;

export interface GraphQLErrorJson {
  type?: string;
  path?: (string | number)[];
  locations?: { line: number; column: number }[];
  message: string;
  extensions?: Record<string, unknown>;
}

/** Thrown by a resolver: the field becomes null and the error is reported with its path. */
export class FieldError extends Error {
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

/** Thrown during execution for a document GitHub would reject as a whole (no data at all). */
export class ValidationError extends Error {
  constructor(readonly errors: GraphQLErrorJson[]) {
    super(errors.map((e) => e.message).join('; '));
  }
}

export interface ExecuteOptions {
  document: DocumentNode;
  operationName?: string | null;
  variables?: Record<string, unknown> | null;
  root: GqlObject;
  /** Abstract types (interfaces, unions) and the object types that belong to them. */
  abstractTypes?: Record<string, readonly string[]>;
}

export interface ExecuteResult {
  operation: OperationNode | null;
  data?: Record<string, unknown> | null;
  errors?: GraphQLErrorJson[];
}

/** Picks the operation to run, as GitHub does: by name, or the only one there is. */
export function selectOperation(doc: DocumentNode, name?: string | null): OperationNode {
  if (name) {
    const op = doc.operations.find((o) => o.name === name);
    if (!op) throw new ValidationError([{ message: `No operation named "${name}"` }]);
    return op;
  }
  if (doc.operations.length !== 1) {
    throw new ValidationError([
      { message: 'An operation name is required when the document holds several operations' },
    ]);
  }
  return doc.operations[0]!;
}

export function execute(opts: ExecuteOptions): ExecuteResult {
  let operation: OperationNode | null = null;
  try {
    operation = selectOperation(opts.document, opts.operationName);
    const variables = coerceVariables(operation, opts.variables ?? {});
    const run = new Execution(opts.document, variables, opts.abstractTypes ?? {});
    run.checkVariablesDeclared(operation);
    const data = run.selectionSet(opts.root, operation.selections, []);
    return run.errors.length > 0 ? { operation, data, errors: run.errors } : { operation, data };
  } catch (err) {
    if (err instanceof ValidationError) return { operation, errors: err.errors };
    if (err instanceof GraphQLSyntaxError) {
      return {
        operation,
        errors: [{ message: err.message, locations: [{ line: err.line, column: err.column }] }],
      };
    }
    throw err;
  }
}

function coerceVariables(
  op: OperationNode,
  given: Record<string, unknown>,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const problems: GraphQLErrorJson[] = [];
  for (const def of op.variables) {
    let value = Object.prototype.hasOwnProperty.call(given, def.name) ? given[def.name] : undefined;
    if (value === undefined && def.defaultValue) value = constValue(def.defaultValue);
    if ((value === undefined || value === null) && def.required) {
      problems.push({
        message: `Variable $${def.name} of type ${def.type} was provided invalid value`,
        extensions: {
          value: value ?? null,
          problems: [{ path: [], explanation: 'Expected value to not be null' }],
        },
      });
      continue;
    }
    if (value !== undefined && value !== null && !valueFitsType(value, def.type)) {
      problems.push({
        message: `Variable $${def.name} of type ${def.type} was provided invalid value`,
        extensions: {
          value,
          problems: [{ path: [], explanation: `Could not coerce value to ${def.type}` }],
        },
      });
      continue;
    }
    out[def.name] = value ?? null;
  }
  if (problems.length > 0) throw new ValidationError(problems);
  return out;
}

function valueFitsType(value: unknown, type: string): boolean {
  const base = type.replace(/!$/, '');
  if (base.startsWith('[')) {
    const inner = base.slice(1, -1);
    const list = Array.isArray(value) ? value : [value];
    return list.every((v) => (v === null ? !inner.endsWith('!') : valueFitsType(v, inner)));
  }
  switch (base) {
    case 'Int':
      return Number.isInteger(value) && Math.abs(value as number) <= 2 ** 31 - 1;
    case 'Float':
      return typeof value === 'number' && Number.isFinite(value);
    case 'Boolean':
      return typeof value === 'boolean';
    case 'ID':
      return typeof value === 'string' || Number.isInteger(value);
    case 'String':
    case 'URI':
    case 'DateTime':
    case 'HTML':
      return typeof value === 'string';
    case 'GitObjectID':
      return typeof value === 'string' && /^[0-9a-f]{4,64}$/i.test(value);
    default:
      return true; // enums and input objects are checked by the field that reads them
  }
}

function constValue(v: ValueNode): unknown {
  switch (v.kind) {
    case 'int':
    case 'float':
    case 'string':
    case 'boolean':
    case 'enum':
      return v.value;
    case 'null':
      return null;
    case 'list':
      return v.values.map(constValue);
    case 'object':
      return Object.fromEntries(Object.entries(v.fields).map(([k, f]) => [k, constValue(f)]));
    case 'variable':
      return null;
  }
}

class Execution {
  readonly errors: GraphQLErrorJson[] = [];

  constructor(
    private readonly doc: DocumentNode,
    private readonly variables: Record<string, unknown>,
    private readonly abstractTypes: Record<string, readonly string[]>,
  ) {}

  checkVariablesDeclared(op: OperationNode): void {
    const declared = new Set(op.variables.map((v) => v.name));
    const used = new Set<string>();
    const visitValue = (v: ValueNode): void => {
      if (v.kind === 'variable') used.add(v.name);
      else if (v.kind === 'list') v.values.forEach(visitValue);
      else if (v.kind === 'object') Object.values(v.fields).forEach(visitValue);
    };
    const seenFragments = new Set<string>();
    const visit = (sels: SelectionNode[]): void => {
      for (const s of sels) {
        if (s.kind === 'field') {
          Object.values(s.args).forEach(visitValue);
          if (s.selections) visit(s.selections);
        } else if (s.kind === 'inline') {
          visit(s.selections);
        } else {
          const f = this.doc.fragments.get(s.name);
          if (!f) {
            throw new ValidationError([
              {
                message: `Fragment ${s.name} was used, but not defined`,
                locations: [{ line: s.line, column: s.column }],
              },
            ]);
          }
          if (seenFragments.has(s.name)) continue;
          seenFragments.add(s.name);
          visit(f.selections);
        }
      }
    };
    visit(op.selections);
    const undeclared = [...used].filter((u) => !declared.has(u));
    if (undeclared.length > 0) {
      throw new ValidationError(
        undeclared.map((u) => ({
          message: `Variable $${u} is used by ${op.name ?? 'anonymous query'} but not declared`,
        })),
      );
    }
  }

  private typeMatches(condition: string | null, typename: string): boolean {
    if (condition === null || condition === typename) return true;
    return this.abstractTypes[condition]?.includes(typename) ?? false;
  }

  /** The fields to resolve on an object of this type, in order, with fragments expanded. */
  private collect(typename: string, sels: SelectionNode[], out: FieldNode[], depth = 0): void {
    if (depth > 20) throw new ValidationError([{ message: 'Fragments nest too deeply' }]);
    for (const s of sels) {
      if (s.kind === 'field') out.push(s);
      else if (s.kind === 'inline') {
        if (this.typeMatches(s.typeCondition, typename))
          this.collect(typename, s.selections, out, depth + 1);
      } else {
        const f = this.doc.fragments.get(s.name);
        if (!f)
          throw new ValidationError([{ message: `Fragment ${s.name} was used, but not defined` }]);
        if (this.typeMatches(f.typeCondition, typename))
          this.collect(typename, f.selections, out, depth + 1);
      }
    }
  }

  selectionSet(
    obj: GqlObject,
    sels: SelectionNode[],
    path: (string | number)[],
  ): Record<string, unknown> {
    const fields: FieldNode[] = [];
    this.collect(obj.__typename, sels, fields);
    const out: Record<string, unknown> = {};
    for (const f of fields) {
      const key = f.alias ?? f.name;
      const fieldPath = [...path, key];
      if (f.name === '__typename') {
        out[key] = obj.__typename;
        continue;
      }
      if (!Object.prototype.hasOwnProperty.call(obj, f.name)) {
        throw new ValidationError([
          {
            path: fieldPath,
            locations: [{ line: f.line, column: f.column }],
            message: `Field '${f.name}' doesn't exist on type '${obj.__typename}'`,
            extensions: { code: 'undefinedField', typeName: obj.__typename, fieldName: f.name },
          },
        ]);
      }
      const args = this.args(f);
      let value: unknown;
      try {
        const raw = obj[f.name];
        value = typeof raw === 'function' ? (raw as FieldResolver)(args) : raw;
      } catch (err) {
        if (err instanceof FieldError) {
          this.errors.push({
            type: err.type,
            path: fieldPath,
            locations: [{ line: f.line, column: f.column }],
            message: err.message,
          });
          out[key] = null;
          continue;
        }
        throw err;
      }
      out[key] = this.complete(value, f, fieldPath);
    }
    return out;
  }

  private complete(value: unknown, f: FieldNode, path: (string | number)[]): unknown {
    if (value === null || value === undefined) return null;
    if (Array.isArray(value)) return value.map((v, i) => this.complete(v, f, [...path, i]));
    if (typeof value === 'object' && typeof (value as GqlObject).__typename === 'string') {
      if (!f.selections) {
        throw new ValidationError([
          {
            path,
            message: `Field must have selections (field '${f.name}' returns ${(value as GqlObject).__typename} but has no selections. Did you mean '${f.name} { ... }'?)`,
          },
        ]);
      }
      return this.selectionSet(value as GqlObject, f.selections, path);
    }
    if (f.selections) {
      throw new ValidationError([
        { path, message: `Selections can't be made on scalars (field '${f.name}')` },
      ]);
    }
    return value;
  }

  private args(f: FieldNode): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(f.args)) out[k] = this.value(v);
    return out;
  }

  private value(v: ValueNode): unknown {
    if (v.kind === 'variable') return this.variables[v.name] ?? null;
    if (v.kind === 'list') return v.values.map((x) => this.value(x));
    if (v.kind === 'object') {
      return Object.fromEntries(Object.entries(v.fields).map(([k, x]) => [k, this.value(x)]));
    }
    return constValue(v);
  }
}
