import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parsePolicy } from '../../src/policy/load.js';
import { POLICY_SPEC, type FieldSpec } from '../../src/policy/spec.js';

const doc = readFileSync(join(import.meta.dirname, '../../docs/policy.md'), 'utf8');
const yamlBlocks = [...doc.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]!);

describe('docs/policy.md', () => {
  it('has YAML examples', () => {
    expect(yamlBlocks.length).toBeGreaterThanOrEqual(5);
  });

  it.each(yamlBlocks.map((b, i) => [i, b]))(
    'example %i is a valid policy (or part of one)',
    (_i, block) => {
      const text = /^(#.*\n)*version:/m.test(block) ? block : `version: 1\n${block}`;
      const r = parsePolicy(text, { file: 'docs/policy.md' });
      expect(r.ok ? [] : r.errors).toEqual([]);
    },
  );

  it('documents every key', () => {
    const keys = (spec: FieldSpec): string[] =>
      spec.type === 'object'
        ? Object.entries(spec.properties).flatMap(([k, v]) => [k, ...keys(v)])
        : spec.type === 'array'
          ? keys(spec.items)
          : [];
    for (const key of new Set(keys(POLICY_SPEC))) expect(doc, key).toContain(`\`${key}\``);
  });
});
