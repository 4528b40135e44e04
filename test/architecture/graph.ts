/**
 * The import graph of `src/` and the rules it must keep: no cycles, and no lower layer importing a
 * higher one. Read with the TypeScript compiler's own pre-processor, so `import type`, re-exports
 * and dynamic `import()` all count.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';

/** Module path (relative to the root, `/`-separated, e.g. `model/verdict.ts`) → its imports. */
export type ImportGraph = Map<string, string[]>;

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...sourceFiles(path));
    else if (/\.tsx?$/.test(entry.name) && !entry.name.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

const toKey = (root: string, path: string) => relative(root, path).split(sep).join('/');

/** The project's imports of every TypeScript file under `root` (packages are left out). */
export function importGraph(root: string): ImportGraph {
  const graph: ImportGraph = new Map();
  const files = sourceFiles(root);
  const known = new Set(files.map((f) => toKey(root, f)));
  for (const file of files) {
    const info = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    const imports = new Set<string>();
    for (const { fileName } of info.importedFiles) {
      if (!fileName.startsWith('.')) continue;
      const target = toKey(root, resolve(dirname(file), fileName)).replace(/\.js$/, '.ts');
      if (!known.has(target)) {
        throw new Error(
          `${toKey(root, file)} imports ${fileName}, which is not a file under ${root}`,
        );
      }
      imports.add(target);
    }
    graph.set(toKey(root, file), [...imports].sort());
  }
  return graph;
}

/** Every cycle of the graph, each once, as the modules along it (Tarjan's strongly connected components). */
export function cycles(graph: ImportGraph): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string) => {
    index.set(v, counter);
    low.set(v, counter);
    counter++;
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, index.get(w)!));
      }
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      const selfLoop = (graph.get(v) ?? []).includes(v);
      if (component.length > 1 || selfLoop) found.push(component.sort());
    }
  };
  for (const v of [...graph.keys()].sort()) if (!index.has(v)) visit(v);
  return found;
}

/** The layer a module belongs to: its top folder, or the file's own name for top-level files. */
export function layerOf(module: string): string {
  const slash = module.indexOf('/');
  return slash === -1 ? module.replace(/\.ts$/, '') : module.slice(0, slash);
}

/** A rule: modules of layer `from` may import only what `allowed` says of another layer. */
export interface LayerRule {
  from: string;
  /** Layers it must never import. */
  forbidden: readonly string[];
  why: string;
}

export interface Violation {
  module: string;
  imports: string;
  rule: LayerRule;
}

/** Imports that break a rule. */
export function violations(graph: ImportGraph, rules: readonly LayerRule[]): Violation[] {
  const out: Violation[] = [];
  for (const [module, imports] of graph) {
    for (const rule of rules) {
      if (layerOf(module) !== rule.from) continue;
      for (const target of imports) {
        if (rule.forbidden.includes(layerOf(target))) out.push({ module, imports: target, rule });
      }
    }
  }
  return out;
}
