/**
 * The fake GitHub's GraphQL: graphql-js (the reference implementation) validating and executing
 * each document against GitHub's published schema (`@octokit/graphql-schema`), so the fake
 * rejects every document GitHub would reject and answers only the shapes GitHub's types allow.
 *
 * The data comes from plain objects with a `__typename` (which also resolves interfaces and
 * unions); a field is either a value or a function of its arguments, as graphql-js's default
 * resolver reads it. A resolver that throws {@link FieldError} nulls its field and adds an error
 * with GitHub's `type` and the field's path. Errors GitHub words in its own way (an unknown field,
 * a bad variable) are worded as GitHub words them.
 */

import { readFileSync } from 'node:fs';
import {
  buildClientSchema,
  executeSync,
  FieldsOnCorrectTypeRule,
  getNamedType,
  getVariableValues,
  GraphQLError,
  parse,
  print,
  specifiedRules,
  validate,
  type DocumentNode,
  type GraphQLScalarType,
  type GraphQLSchema,
  type IntrospectionQuery,
  type OperationDefinitionNode,
  type ValidationRule,
} from 'graphql';

/** An object of the fake's data: its GraphQL type name and its fields (values or resolvers). */
export interface GqlObject {
  __typename: string;
  [field: string]: unknown;
}

/** A field error GitHub reports with a `type`, e.g. `NOT_FOUND`; the field becomes null. */
export class FieldError extends Error {
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

/** One error as GitHub's GraphQL API writes it. */
export interface GraphQLErrorJson {
  type?: string;
  message: string;
  path?: (string | number)[];
  locations?: { line: number; column: number }[];
  extensions?: Record<string, unknown>;
}

/** The answer's body: `data` is absent when the document was rejected before it ran. */
export interface GraphQLAnswer {
  data?: Record<string, unknown> | null;
  errors?: GraphQLErrorJson[];
}

let schema: GraphQLSchema | undefined;

/**
 * GitHub's schema, built once per process from the package's introspection answer (its SDL file
 * names two fields twice, which graphql-js rightly refuses).
 */
export function githubSchema(): GraphQLSchema {
  if (schema) return schema;
  const file = new URL('./schema.json', import.meta.resolve('@octokit/graphql-schema'));
  const built = buildClientSchema(JSON.parse(readFileSync(file, 'utf8')) as IntrospectionQuery);
  // An introspected schema knows custom scalars by name only; GitHub refuses an object id that is
  // not hexadecimal, so the fake does too.
  const oid = built.getType('GitObjectID') as GraphQLScalarType;
  oid.parseValue = (value: unknown) => {
    if (typeof value !== 'string' || !/^[0-9a-f]{4,64}$/i.test(value)) {
      throw new GraphQLError(`${JSON.stringify(value)} is not a valid GitObjectID`);
    }
    return value;
  };
  schema = built;
  return schema;
}

/** graphql-js's field check, worded as GitHub words it. */
const fieldsExist: ValidationRule = (context) => ({
  Field(node) {
    const parent = context.getParentType();
    if (!parent || context.getFieldDef()) return;
    const typeName = getNamedType(parent).name;
    const fieldName = node.name.value;
    context.reportError(
      new GraphQLError(`Field '${fieldName}' doesn't exist on type '${typeName}'`, {
        nodes: node,
        extensions: { code: 'undefinedField', typeName, fieldName },
      }),
    );
  },
});

const RULES = specifiedRules.map((rule) => (rule === FieldsOnCorrectTypeRule ? fieldsExist : rule));

interface Checked {
  document?: DocumentNode;
  errors?: GraphQLErrorJson[];
}

const checked = new Map<string, Checked>();

/** Parses and validates a document once; the answer is kept for the next request with the text. */
function check(query: string): Checked {
  let result = checked.get(query);
  if (result) return result;
  try {
    const document = parse(query);
    const errors = validate(githubSchema(), document, RULES);
    result = errors.length > 0 ? { errors: errors.map(toJson) } : { document };
  } catch (err) {
    if (!(err instanceof GraphQLError)) throw err;
    result = { errors: [toJson(err)] };
  }
  if (checked.size > 500) checked.clear();
  checked.set(query, result);
  return result;
}

/** The operation that would run: by name, or the only one there is. */
function operationOf(document: DocumentNode, name: string | null): OperationDefinitionNode | null {
  const ops = document.definitions.filter(
    (d): d is OperationDefinitionNode => d.kind === 'OperationDefinition',
  );
  return name
    ? (ops.find((o) => o.name?.value === name) ?? null)
    : ops.length === 1
      ? ops[0]!
      : null;
}

export interface AnswerOptions {
  query: string;
  variables?: Record<string, unknown> | null;
  operationName?: string | null;
  root: GqlObject;
}

/** Answers one GraphQL request as GitHub would. */
export function answer(opts: AnswerOptions): GraphQLAnswer {
  const { document, errors } = check(opts.query);
  if (!document) return { errors: errors! };
  const operationName = opts.operationName ?? null;
  const operation = operationOf(document, operationName);
  if (operation && operation.operation !== 'query') {
    return { errors: [{ message: 'The fake GitHub answers queries only.' }] };
  }
  const variables = opts.variables ?? {};
  if (operation) {
    const coerced = getVariableValues(
      githubSchema(),
      operation.variableDefinitions ?? [],
      variables,
    );
    if (coerced.errors) {
      return { errors: coerced.errors.map((e) => variableError(e, operation, variables)) };
    }
  }
  const result = executeSync({
    schema: githubSchema(),
    document,
    rootValue: opts.root,
    variableValues: variables,
    operationName,
  });
  const out: GraphQLAnswer = {};
  if (result.data !== undefined) out.data = result.data as Record<string, unknown> | null;
  if (result.errors) {
    for (const e of result.errors) {
      // Only a FieldError is GitHub's behaviour; anything else in a run is the fake's own bug.
      if (result.data !== undefined && !(e.originalError instanceof FieldError)) throw e;
    }
    out.errors = result.errors.map(toJson);
  }
  return out;
}

function toJson(e: GraphQLError): GraphQLErrorJson {
  const out: Partial<GraphQLErrorJson> = {};
  if (e.originalError instanceof FieldError) out.type = e.originalError.type;
  if (e.path) out.path = [...e.path];
  if (e.locations) out.locations = e.locations.map(({ line, column }) => ({ line, column }));
  if (e.extensions && Object.keys(e.extensions).length > 0) out.extensions = { ...e.extensions };
  out.message = e.message;
  return out as GraphQLErrorJson;
}

/** A variable graphql-js could not coerce, worded as GitHub words it. */
function variableError(
  e: GraphQLError,
  operation: OperationDefinitionNode,
  given: Record<string, unknown>,
): GraphQLErrorJson {
  const def = operation.variableDefinitions?.find((d) => e.nodes?.includes(d));
  if (!def) return toJson(e);
  const name = def.variable.name.value;
  return {
    message: `Variable $${name} of type ${print(def.type)} was provided invalid value`,
    locations: e.locations?.map(({ line, column }) => ({ line, column })) ?? [],
    extensions: {
      value: given[name] ?? null,
      problems: [{ path: [], explanation: e.message }],
    },
  };
}
