/**
 * Which files make up a repository's policy, as Probot finds app configuration: the repository's
 * own file, else the org's `.github` file at the same path, then each `_extends` target in turn.
 * Pure: the adapter (which reads files from GitHub, or from their history) asks {@link
 * nextExtends} what to read next and hands the text back.
 */
import { formatPolicyError, type PolicyError } from '../model/policy.js';
import { ORG_CONFIG_REPO, POLICY_PATH } from '../model/names.js';

export interface FileRef {
  owner: string;
  repo: string;
  path: string;
}

/** A file of the chain with its text. */
export interface ChainLink {
  ref: FileRef;
  text: string;
}

export type ReadExtends = (
  text: string,
  file: string,
) => { ok: true; target: string | null } | { ok: false; errors: unknown[] };

/** How many `_extends` steps a chain may take from the file that was found. */
export const MAX_EXTENDS_DEPTH = 5;

export function fileName(f: FileRef): string {
  return `${f.owner}/${f.repo}:${f.path}`;
}

/** Owner and repository names are case-insensitive on GitHub; paths are not. */
export function fileKey(f: FileRef): string {
  return `${f.owner.toLowerCase()}/${f.repo.toLowerCase()}:${f.path}`;
}

/** The repository's own policy file. */
export function ownPolicyRef(owner: string, repo: string): FileRef {
  return { owner, repo, path: POLICY_PATH };
}

/** The org's policy file (its `.github` repository's), which is also the org's floor. */
export function orgPolicyRef(owner: string): FileRef {
  return { owner, repo: ORG_CONFIG_REPO, path: POLICY_PATH };
}

/** Whether a repository is the org's `.github` one, whose own file is the org's. */
export function isOrgConfigRepo(repo: string): boolean {
  return repo.toLowerCase() === ORG_CONFIG_REPO;
}

const EXTENDS_TARGET =
  /^(?:([A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38})\/)?([A-Za-z0-9._-]+)(?::(.+))?$/;

/**
 * Parses an `_extends` value: `repo`, `owner/repo`, `repo:path` or `owner/repo:path`. The owner
 * defaults to the owner of the file that names it, the path to the policy's standard path.
 */
export function parseExtendsTarget(value: string, from: { owner: string }): FileRef | null {
  const m = EXTENDS_TARGET.exec(value.trim());
  if (!m) return null;
  const repo = m[2]!;
  if (repo === '.' || repo === '..') return null;
  const path = (m[3] ?? POLICY_PATH).replace(/^\//, '');
  if (path === '' || path.split('/').some((seg) => seg === '' || seg === '.' || seg === '..')) {
    return null;
  }
  return { owner: m[1] ?? from.owner, repo, path };
}

function formatExtendsErrors(file: string, errors: unknown[]): string {
  if (errors.length === 0) return `${file}: the _extends key could not be read`;
  return errors
    .map((e) => {
      const p = e as Partial<PolicyError> | null;
      if (
        p &&
        typeof p === 'object' &&
        typeof p.file === 'string' &&
        typeof p.line === 'number' &&
        typeof p.column === 'number' &&
        typeof p.message === 'string' &&
        typeof p.fix === 'string'
      ) {
        return formatPolicyError(p as PolicyError);
      }
      if (e instanceof Error) return `${file}: ${e.message}`;
      return typeof e === 'string' ? e : `${file}: ${JSON.stringify(e)}`;
    })
    .join('\n');
}

/** What to do after the files of `chain` (the file found first, then each target in turn). */
export type ExtendsStep =
  | { kind: 'done' }
  | { kind: 'error'; message: string }
  /** Read `target`; give its text to {@link extendsTargetMissing} when it does not exist. */
  | { kind: 'read'; target: FileRef; value: string };

/** The next step of the `_extends` chain: done, an error (cycle, depth, bad value), or a read. */
export function nextExtends(chain: readonly ChainLink[], readExtends: ReadExtends): ExtendsStep {
  const current = chain[chain.length - 1]!;
  const file = fileName(current.ref);
  const ext = readExtends(current.text, file);
  if (!ext.ok) return { kind: 'error', message: formatExtendsErrors(file, ext.errors) };
  if (ext.target === null) return { kind: 'done' };

  const target = parseExtendsTarget(ext.target, current.ref);
  if (!target) {
    return {
      kind: 'error',
      message: `${file}: _extends "${ext.target}" is not a file reference; write it as "repo", "owner/repo" or "owner/repo:path/to/file.yml"`,
    };
  }
  const seen = new Set(chain.map((c) => fileKey(c.ref)));
  if (seen.has(fileKey(target))) {
    const path = [...chain.map((c) => fileName(c.ref)), fileName(target)].join(' -> ');
    return {
      kind: 'error',
      message: `${file}: _extends "${ext.target}" makes a cycle (${path}); remove the _extends that points back`,
    };
  }
  if (chain.length > MAX_EXTENDS_DEPTH) {
    return {
      kind: 'error',
      message: `${file}: _extends "${ext.target}" goes deeper than ${MAX_EXTENDS_DEPTH} levels; extend the base file directly instead of through a longer chain`,
    };
  }
  return { kind: 'read', target, value: ext.target };
}

/** The error when the file an `_extends` names does not exist. */
export function extendsTargetMissing(
  chain: readonly ChainLink[],
  step: { target: FileRef; value: string },
): string {
  const file = fileName(chain[chain.length - 1]!.ref);
  return `${file}: _extends "${step.value}" names ${fileName(step.target)}, which does not exist or which the app cannot read; fix the reference or give the app access to that repository`;
}

/** The chain as layers, base first, so that merging them in order lets the more specific file win. */
export function chainLayers(chain: readonly ChainLink[]): { file: string; text: string }[] {
  return [...chain].reverse().map((c) => ({ file: fileName(c.ref), text: c.text }));
}

/** Where a walk of a repository's policy files ends. */
export type PolicyFiles =
  | { kind: 'none' }
  /** `found`: whether the first file was the repository's own or the org's default. */
  | { kind: 'chain'; chain: ChainLink[]; found: PolicyFound }
  | { kind: 'error'; message: string; found: PolicyFound };

export type PolicyFound = 'repository' | 'org default';

/**
 * Walks a repository's policy files: its own file, else the org's (except in the org's `.github`
 * repository, whose own file is the org's), then each `_extends` target in turn. Yields each file
 * to read and takes back its text, null when it does not exist; a caller whose read fails stops
 * the walk there. The same walk serves the live files and their history at a past instant.
 */
export function* walkPolicyFiles(
  owner: string,
  repo: string,
  readExtends: ReadExtends,
): Generator<FileRef, PolicyFiles, string | null> {
  const chain: ChainLink[] = [];
  let found: PolicyFound = 'repository';
  const own = ownPolicyRef(owner, repo);
  const ownText = yield own;
  if (ownText !== null) {
    chain.push({ ref: own, text: ownText });
  } else if (!isOrgConfigRepo(repo)) {
    const org = orgPolicyRef(owner);
    const orgText = yield org;
    found = 'org default';
    if (orgText !== null) chain.push({ ref: org, text: orgText });
  }
  if (chain.length === 0) return { kind: 'none' };
  for (;;) {
    const step = nextExtends(chain, readExtends);
    if (step.kind === 'done') return { kind: 'chain', chain, found };
    if (step.kind === 'error') return { ...step, found };
    const text = yield step.target;
    if (text === null) return { kind: 'error', message: extendsTargetMissing(chain, step), found };
    chain.push({ ref: step.target, text });
  }
}

/**
 * The org's policy file, which sets the floor whether or not the repository's file extends it:
 * the layer of `layers` that is that file; none in the org's own `.github` repository (whose file,
 * when it has one, is in the chain); else the file to read.
 */
export function orgFloorLayer<L extends { file: string }>(
  layers: readonly L[],
  owner: string,
  repo: string,
): { kind: 'layer'; layer: L | null } | { kind: 'read'; ref: FileRef } {
  const ref = orgPolicyRef(owner);
  const inChain = layers.find((l) => l.file.toLowerCase() === fileName(ref).toLowerCase());
  if (inChain) return { kind: 'layer', layer: inChain };
  if (isOrgConfigRepo(repo)) return { kind: 'layer', layer: null };
  return { kind: 'read', ref };
}
