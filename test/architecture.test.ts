/**
 * The layers of src/ and the rule that keeps them: no import cycles, and no lower layer importing
 * a higher one. `model` (the plain data every layer shares) imports nothing of the project; the
 * functional core (`policy`, `detect`, `evaluate`, `render`, `audit`) never imports the adapters
 * and entry points around it.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  cycles,
  importGraph,
  violations,
  type ImportGraph,
  type LayerRule,
} from './architecture/graph.js';

const SRC = fileURLToPath(new URL('../src/', import.meta.url));

/** What surrounds the core: GitHub, git, disk, servers, the CLI and the entry points. */
const SHELL = [
  'github',
  'events',
  'app',
  'index',
  'start',
  'health',
  'cli',
  'fake-github',
  'scale',
  'demo',
  'action',
  'setup',
] as const;
const CORE = ['glob', 'policy', 'detect', 'evaluate', 'render', 'audit'] as const;

const RULES: readonly LayerRule[] = [
  {
    from: 'model',
    forbidden: [...CORE, ...SHELL],
    why: 'model is the plain data below every layer',
  },
  ...CORE.map((from) => ({
    from,
    forbidden: SHELL,
    why: 'the functional core works on plain data, never on GitHub, the CLI or servers',
  })),
  {
    from: 'policy',
    forbidden: ['detect', 'evaluate', 'render', 'audit'],
    why: 'policy is read before anything judges by it',
  },
  {
    from: 'detect',
    forbidden: ['evaluate', 'render', 'audit'],
    why: 'detection feeds the evaluation',
  },
  {
    from: 'evaluate',
    forbidden: ['render', 'audit'],
    why: 'the verdict is rendered, not the other way',
  },
  {
    from: 'render',
    forbidden: ['detect', 'evaluate', 'audit'],
    why: 'rendering reads only the verdict and the policy types in model',
  },
];

const graph = (edges: Record<string, string[]>): ImportGraph => new Map(Object.entries(edges));

describe('the checker itself', () => {
  it('finds a cycle of two modules, a longer one and a module importing itself', () => {
    const found = cycles(
      graph({
        'render/check.ts': ['render/title.ts'],
        'render/title.ts': ['render/check.ts'],
        'a/x.ts': ['a/y.ts'],
        'a/y.ts': ['b/z.ts'],
        'b/z.ts': ['a/x.ts'],
        'c/self.ts': ['c/self.ts'],
        'd/fine.ts': ['render/check.ts'],
      }),
    );
    expect(found).toEqual([
      ['a/x.ts', 'a/y.ts', 'b/z.ts'],
      ['c/self.ts'],
      ['render/check.ts', 'render/title.ts'],
    ]);
  });

  it('finds a core module importing the GitHub adapter, and a model module importing anything', () => {
    const found = violations(
      graph({
        'detect/detect.ts': ['github/client.ts', 'model/facts.ts'],
        'model/facts.ts': ['evaluate/record.ts'],
        'github/facts.ts': ['detect/detect.ts'],
        'app.ts': ['github/facts.ts'],
      }),
      RULES,
    ).map((v) => `${v.module} -> ${v.imports}`);
    expect(found).toEqual([
      'detect/detect.ts -> github/client.ts',
      'model/facts.ts -> evaluate/record.ts',
    ]);
  });

  it('reads imports of every kind from real files, type-only and dynamic ones included', () => {
    const g = importGraph(SRC);
    expect(g.get('demo/page.ts')).toContain('demo/result.ts');
    expect(g.get('model/facts.ts')).toEqual(['model/record.ts']);
    expect(g.size).toBeGreaterThan(100);
  });
});

describe('src/', () => {
  const g = importGraph(SRC);

  it('has no import cycles', () => {
    expect(cycles(g)).toEqual([]);
  });

  it('has no layer importing one above it', () => {
    const found = violations(g, RULES).map(
      (v) => `${v.module} imports ${v.imports}: ${v.rule.why}`,
    );
    expect(found).toEqual([]);
  });

  it('knows every top-level folder and file of src/', () => {
    const known = new Set<string>(['model', ...CORE, ...SHELL]);
    const layers = new Set([...g.keys()].map((m) => m.split('/')[0]!.replace(/\.ts$/, '')));
    expect([...layers].filter((l) => !known.has(l))).toEqual([]);
  });
});
