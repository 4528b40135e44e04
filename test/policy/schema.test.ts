import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { parse } from 'yaml';
import { parsePolicy } from '../../src/policy/load.js';
import { POLICY_SPEC, type FieldSpec } from '../../src/policy/spec.js';

const POLICIES = join(import.meta.dirname, '../../policies');
type Schema = Record<string, unknown>;
const schema = JSON.parse(
  readFileSync(join(POLICIES, 'ai-governance.schema.json'), 'utf8'),
) as Schema;

/** Follows a local `$ref`, keeping the keywords written beside it. */
function resolve(node: Schema): Schema {
  const ref = node.$ref as string | undefined;
  if (!ref) return node;
  const target = ref
    .replace(/^#\//, '')
    .split('/')
    .reduce<Schema>((n, k) => n[k] as Schema, schema);
  const { $ref: _ref, ...rest } = node;
  return { ...resolve(target), ...rest };
}

const atLeastOneOf = (keys: readonly string[]) =>
  keys.map((k) => ({ required: [k], properties: { [k]: { minItems: 1 } } }));

/** Walks the validator's spec and the JSON Schema side by side. */
function compare(spec: FieldSpec, node: Schema, path: string): void {
  const s = resolve(node);
  const types = ([] as string[]).concat(s.type as string | string[]).sort();
  const expected = [spec.type, ...(spec.nullable ? ['null'] : [])].sort();
  expect(types, `${path}: type`).toEqual(expected);
  expect(s.default, `${path}: default`).toEqual(spec.default);
  switch (spec.type) {
    case 'object': {
      expect(s.additionalProperties, `${path}: additionalProperties`).toBe(false);
      const props = s.properties as Record<string, Schema>;
      expect(Object.keys(props).sort(), `${path}: keys`).toEqual(
        Object.keys(spec.properties).sort(),
      );
      expect(((s.required as string[]) ?? []).slice().sort(), `${path}: required`).toEqual(
        [...(spec.required ?? [])].sort(),
      );
      expect(s.anyOf, `${path}: at least one of`).toEqual(
        spec.atLeastOne ? atLeastOneOf(spec.atLeastOne) : undefined,
      );
      for (const [k, child] of Object.entries(spec.properties))
        compare(child, props[k]!, `${path}.${k}`);
      break;
    }
    case 'array':
      expect(s.minItems, `${path}: minItems`).toBe(spec.minItems);
      expect(s.uniqueItems ?? false, `${path}: uniqueItems`).toBe(spec.items.type === 'string');
      compare(spec.items, s.items as Schema, `${path}[]`);
      break;
    case 'string':
      expect(s.maxLength, `${path}: maxLength`).toBe(spec.maxLength);
      expect(s.pattern, `${path}: pattern`).toBe(spec.pattern);
      expect(s.enum, `${path}: enum`).toEqual(spec.enum);
      break;
    case 'integer':
      if (spec.minimum === spec.maximum) {
        expect(s.const, `${path}: const`).toBe(spec.minimum);
      } else {
        expect([s.minimum, s.maximum], `${path}: bounds`).toEqual([spec.minimum, spec.maximum]);
      }
      break;
    case 'boolean':
      break;
  }
}

// strictTypes would ask for `type` beside `required` in the `anyOf` branches, which null must pass too.
const ajv = new Ajv2020({ strict: true, strictTypes: false, allErrors: true });
const validate = ajv.compile(schema);
const bySchema = (text: string): boolean => validate(parse(text, { schema: 'core' })) === true;
const byValidator = (text: string): boolean => parsePolicy(text, { file: 'p.yml' }).ok;

describe('policies/ai-governance.schema.json', () => {
  it('has the keys, types, bounds, patterns and defaults of the validator, at every level', () => {
    compare(POLICY_SPEC, schema, 'policy');
  });

  it('is a valid draft 2020-12 schema that editors can fetch', () => {
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(schema.$id).toMatch(/\/policies\/ai-governance\.schema\.json$/);
    expect(ajv.validateSchema(schema)).toBe(true);
  });

  const rule = '  - name: a\n    paths: ["a/**"]\n    reviewers: { teams: [t] }\n';
  const accepted = [
    'version: 1\n',
    'version: 1\n_extends: .github\n',
    `version: 1\ncritical_paths:\n${rule}`,
    'version: 1\noverride: null\nactions: { label: null }\n',
    'version: 1\noverride: { label: x, users: [alice] }\n',
    'version: 1\ndetection: { authors: ["bot[bot]"], ignore_authors: [], trailers: [Assisted-by] }\n',
    'version: 1\nai_default: { approvals: 0, reviewers: { teams: [] } }\n',
    'version: 1\npolicy_file: { approvals: 20, reviewers: { users: ["@alice"] } }\n',
    'version: 1\nai_default: { reviewers: { teams: ["@acme/Platform"] } }\n',
    'version: 1\nenforcement: evaluate\n',
    'version: 1\nenforcement: enforce\nactions: { while_evaluating: true }\n',
  ];
  const rejected = [
    '',
    'version: 2\n',
    'version: "1"\n',
    'detection: {}\n',
    'version: 1\nbogus: 1\n',
    'version: 1\ndetection: { labels: ai }\n',
    'version: 1\ndetection: { labels: [a, a] }\n',
    'version: 1\ndetection: { labels: [""] }\n',
    'version: 1\ndetection: { labels: [" a"] }\n',
    'version: 1\ndetection: { trailers: ["Assisted-by:"] }\n',
    'version: 1\ndetection: { builtin: "yes" }\n',
    'version: 1\ncritical_paths:\n  - name: a\n    paths: []\n    reviewers: { teams: [t] }\n',
    'version: 1\ncritical_paths:\n  - name: a\n    paths: [a]\n',
    'version: 1\ncritical_paths:\n  - name: a\n    paths: [a]\n    reviewers: { teams: [] }\n',
    `version: 1\ncritical_paths:\n${rule.replace('reviewers', 'approvals: 0\n    reviewers')}`,
    `version: 1\ncritical_paths:\n${rule.replace('reviewers', 'approvals: 21\n    reviewers')}`,
    'version: 1\noverride: { teams: [t] }\n',
    'version: 1\noverride: { label: x }\n',
    'version: 1\nai_default: { approvals: -1 }\n',
    'version: 1\nai_default: { reviewers: { users: ["x[bot]"] } }\n',
    'version: 1\nai_default: { reviewers: { users: ["al_ice"] } }\n',
    'version: 1\nai_default: { reviewers: { teams: ["a b"] } }\n',
    `version: 1\nactions: { label: ${'x'.repeat(51)} }\n`,
    'version: 1\napply_to_human_prs: null\n',
    'version: 1\nenforcement: report\n',
    'version: 1\nenforcement: Evaluate\n',
    'version: 1\nenforcement: true\n',
    'version: 1\nactions: { while_evaluating: "no" }\n',
  ];

  it.each(accepted)('schema and validator both accept %j', (text) => {
    expect([bySchema(text), byValidator(text)]).toEqual([true, true]);
  });

  it.each(rejected)('schema and validator both reject %j', (text) => {
    expect([bySchema(text), byValidator(text)]).toEqual([false, false]);
  });

  // What a JSON Schema cannot say: these pass the schema, and only the validator refuses them.
  const validatorOnly = [
    ['glob shape', `version: 1\ncritical_paths:\n${rule.replace('"a/**"', '"/abs/**"')}`],
    ['brace blow-up', `version: 1\ncritical_paths:\n${rule.replace('"a/**"', '"{1..100000}"')}`],
    ['duplicate rule names', `version: 1\ncritical_paths:\n${rule}${rule}`],
    [
      'duplicates after normalisation',
      'version: 1\nai_default: { reviewers: { teams: [Platform, "@acme/platform"] } }\n',
    ],
    ['duplicates in another case', 'version: 1\ndetection: { labels: [AI, ai] }\n'],
    ['tabs', 'version: 1\napply_to_human_prs:\tfalse\n'],
    ['duplicate YAML keys', 'version: 1\nversion: 1\n'],
  ];
  it.each(validatorOnly)('only the validator rejects: %s', (_name, text) => {
    expect(byValidator(text)).toBe(false);
    if (_name !== 'duplicate YAML keys') expect(bySchema(text)).toBe(true);
  });
});

describe('policies/*.yml', () => {
  const files = readdirSync(POLICIES).filter((f) => f.endsWith('.yml') || f.endsWith('.yaml'));

  it('holds the example policies', () => {
    expect(files).toEqual(expect.arrayContaining(['minimal.yml', 'strict.yml']));
  });

  it.each(files)('%s is valid for the validator and the schema, with no warnings', (f) => {
    const text = readFileSync(join(POLICIES, f), 'utf8');
    expect(text.split('\n')[0]).toBe(
      '# yaml-language-server: $schema=https://raw.githubusercontent.com/ai-governance/ai-governance/main/policies/ai-governance.schema.json',
    );
    const r = parsePolicy(text, { file: `policies/${f}` });
    expect(r.ok ? r.warnings : r.errors).toEqual([]);
    expect(bySchema(text)).toBe(true);
  });

  it('strict.yml is what a regulated organisation asks for', () => {
    const r = parsePolicy(readFileSync(join(POLICIES, 'strict.yml'), 'utf8'), {
      file: 'strict.yml',
    });
    if (!r.ok) throw new Error('strict.yml is invalid');
    expect(r.policy.critical_paths.length).toBeGreaterThanOrEqual(3);
    expect(r.policy.critical_paths.every((c) => c.approvals >= 2)).toBe(true);
    expect(r.policy.apply_to_human_prs).toBe(true);
    expect(r.policy.override?.teams).toEqual(['incident-commanders']);
    expect(r.policy.override?.users).toEqual([]);
  });
});
