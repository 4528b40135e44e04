/**
 * A deterministic, repository-shaped workload for the path matcher: globs like the ones real
 * policies use and paths like a large monorepo's. Shared by the matcher's tests (which check the
 * answers) and its benchmark (which times {@link countMatches} on it).
 */
import { compilePathMatcher, countMatches } from './globs.js';

export interface GlobWorkload {
  include: string[];
  exclude: string[];
  paths: string[];
}

/** A small linear congruential generator: the same seed gives the same workload everywhere. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const SERVICES = ['payments', 'auth', 'billing', 'search', 'mail', 'ledger', 'risk', 'catalog'];
const DIRS = ['src', 'lib', 'test', 'migrations', 'config', 'docs', '.github', 'internal', 'api'];
const NAMES = ['index', 'main', 'handler', 'model', 'schema', 'util', 'client', 'README', 'server'];
const EXTS = ['.ts', '.go', '.py', '.sql', '.md', '.yml', '.json', '.tf', ''];

/** `patterns` include globs (plus a tenth as many excludes) and `paths` repository paths. */
export function makeGlobWorkload(patterns = 200, paths = 3500, seed = 42): GlobWorkload {
  const r = random(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(r() * list.length)]!;
  const shapes: (() => string)[] = [
    () => `services/${pick(SERVICES)}/**`,
    () => `services/${pick(SERVICES)}/${pick(DIRS)}/**/*${pick(EXTS) || '.ts'}`,
    () => `**/${pick(DIRS)}/**`,
    () => `**/*.${pick(['sql', 'tf', 'proto', 'lock'])}`,
    () => `${pick(DIRS)}/${pick(NAMES)}${pick(EXTS)}`,
    () => `services/{${pick(SERVICES)},${pick(SERVICES)}-v2}/**/${pick(NAMES)}.*`,
    () => `**/*${pick(['.test', '.spec', '_gen'])}.*`,
    () => `services/*/${pick(DIRS)}/[a-m]*${pick(EXTS)}`,
    () => `.github/workflows/${pick(NAMES)}-*.yml`,
    () => `${pick(DIRS)}/**/${pick(NAMES)}?${pick(EXTS)}`,
  ];
  const include = new Set<string>();
  for (let i = 0; include.size < patterns && i < patterns * 100; i++) include.add(pick(shapes)());
  const exclude = new Set<string>();
  const excludeShapes = [
    () => '**/*.md',
    () => `**/${pick(DIRS)}/**/${pick(NAMES)}.*`,
    () => `services/${pick(SERVICES)}/${pick(DIRS)}/**`,
  ];
  const excludes = Math.max(1, Math.floor(patterns / 10));
  for (let i = 0; exclude.size < excludes && i < excludes * 100; i++)
    exclude.add(pick(excludeShapes)());
  const out: string[] = [];
  for (let i = 0; i < paths; i++) {
    const depth = 1 + Math.floor(r() * 6);
    const segs: string[] = r() < 0.6 ? ['services', pick(SERVICES)] : [];
    for (let d = 0; d < depth; d++) segs.push(pick(DIRS));
    segs.push(`${pick(NAMES)}${r() < 0.2 ? '-' + i : ''}${pick(EXTS)}`);
    out.push(segs.join('/'));
  }
  return { include: [...include], exclude: [...exclude], paths: out };
}

/** Compiles the workload's globs and counts the matching paths: what the benchmark times. */
export function runGlobWorkload(w: GlobWorkload): number {
  return countMatches(compilePathMatcher(w.include, w.exclude), w.paths);
}
