/**
 * Finds the policy text for a repository the way Probot finds app configuration: the repository's
 * own file on its default branch, else the organisation's `.github` repository's file at the same
 * path, and any `_extends` chain those files start. Any read failure other than "not found" is an
 * error (fail closed), never "no policy".
 *
 * Files read over REST are kept with their ETag in a bounded cache: the next read of the same file
 * is a conditional request, which GitHub answers `304 Not Modified` (not charged to the rate limit)
 * while the file is unchanged. The request is still made with the installation's token every time,
 * so GitHub checks on each read that the installation may still see the file.
 */

import {
  chainLayers,
  fileKey,
  fileName,
  orgFloorLayer,
  walkPolicyFiles,
  type FileRef,
  type ReadExtends,
} from '../policy/extends-chain.js';
import { ORG_CONFIG_REPO, POLICY_PATH } from '../model/names.js';
import { describeError, errorStatus, type GitHubClient } from './client.js';

export interface PolicyLayer {
  /** Where the text came from, as `owner/repo:path` (e.g. "acme/api:.github/ai-governance.yml"). */
  file: string;
  text: string;
}

/**
 * `layers` are ordered base first: the last `_extends` target comes first and the file that was
 * found (the repository's own, or the organisation's) comes last, so merging them in order lets the
 * more specific file win.
 */
export type PolicySource =
  { kind: 'none' } | { kind: 'layers'; layers: PolicyLayer[] } | { kind: 'error'; message: string };

export {
  MAX_EXTENDS_DEPTH,
  parseExtendsTarget,
  type ReadExtends,
} from '../policy/extends-chain.js';

/**
 * A map bounded by entry count and by total weight (bytes of text, say) that forgets the least
 * recently used entries first. Reading an entry makes it the most recently used.
 */
export class BoundedCache<V> {
  private readonly entries = new Map<string, { value: V; weight: number }>();
  private total = 0;

  constructor(
    private readonly limits: {
      /** The most entries kept. */
      maxEntries: number;
      /** The most total weight kept; an entry heavier than this on its own is not kept. */
      maxWeight: number;
      /** The weight of a value; 1 by default. */
      weigh?: (value: V) => number;
    },
  ) {}

  get(key: string): V | undefined {
    const hit = this.entries.get(key);
    if (!hit) return undefined;
    this.entries.delete(key);
    this.entries.set(key, hit);
    return hit.value;
  }

  set(key: string, value: V): void {
    this.delete(key);
    const weight = this.limits.weigh ? this.limits.weigh(value) : 1;
    if (this.limits.maxEntries < 1 || weight > this.limits.maxWeight) return;
    this.entries.set(key, { value, weight });
    this.total += weight;
    while (this.entries.size > this.limits.maxEntries || this.total > this.limits.maxWeight) {
      const oldest = this.entries.keys().next().value as string;
      this.delete(oldest);
    }
  }

  delete(key: string): void {
    const hit = this.entries.get(key);
    if (!hit) return;
    this.entries.delete(key);
    this.total -= hit.weight;
  }

  clear(): void {
    this.entries.clear();
    this.total = 0;
  }

  get size(): number {
    return this.entries.size;
  }

  /** The total weight of the entries kept. */
  get weight(): number {
    return this.total;
  }
}

/** A policy file as last read over REST, with the ETag to ask GitHub whether it changed. */
export interface CachedPolicyFile {
  etag: string;
  text: string;
}

/** Policy files read over REST, by `owner/repo:path` (owner and repository lower-case). */
export type PolicyFileCache = BoundedCache<CachedPolicyFile>;

export function newPolicyFileCache(
  limits: { maxEntries?: number; maxBytes?: number } = {},
): PolicyFileCache {
  return new BoundedCache<CachedPolicyFile>({
    maxEntries: limits.maxEntries ?? 1000,
    maxWeight: limits.maxBytes ?? 16 * 1024 * 1024,
    weigh: (f) => f.text.length * 2 + f.etag.length * 2 + 64,
  });
}

/**
 * The file's text from the repository's default branch; null when GitHub answers 404. With a
 * cache, a file read before is asked for with `If-None-Match`, and a `304` answer gives the cached
 * text back.
 */
async function readFile(
  gh: GitHubClient,
  f: FileRef,
  cache: PolicyFileCache | undefined,
): Promise<string | null> {
  const key = fileKey(f);
  const cached = cache?.get(key);
  let res;
  try {
    res = await gh.request('GET /repos/{owner}/{repo}/contents/{path}', {
      owner: f.owner,
      repo: f.repo,
      path: f.path,
      ...(cached ? { headers: { 'if-none-match': cached.etag } } : {}),
    });
  } catch (err) {
    const status = errorStatus(err);
    if (status === 304 && cached) return cached.text;
    cache?.delete(key);
    if (status === 404) return null;
    throw new Error(`could not read ${fileName(f)}: ${describeError(err)}`, { cause: err });
  }
  let text: string;
  try {
    text = fileText(f, res.data);
  } catch (err) {
    cache?.delete(key);
    throw err;
  }
  const etag = res.headers?.etag;
  if (cache && typeof etag === 'string' && etag !== '') cache.set(key, { etag, text });
  else cache?.delete(key);
  return text;
}

/** The text of a contents API answer, or an error saying why it holds none. */
function fileText(f: FileRef, body: unknown): string {
  const data = body as { type?: unknown; encoding?: unknown; content?: unknown } | unknown[];
  if (Array.isArray(data)) {
    throw new Error(`could not read ${fileName(f)}: it is a directory, not a file`);
  }
  if (!data || data.type !== 'file') {
    const kind = typeof data?.type === 'string' ? `a ${data.type}` : 'not a file';
    throw new Error(`could not read ${fileName(f)}: it is ${kind}, not a regular file`);
  }
  if (data.encoding !== 'base64' || typeof data.content !== 'string') {
    throw new Error(
      `could not read ${fileName(f)}: GitHub did not return its content (the file is too big)`,
    );
  }
  return Buffer.from(data.content, 'base64').toString('utf8');
}

/**
 * Probot's config semantics: the repo's own file on its default branch; when absent, the org's
 * `.github` repo's file at the same path; `_extends: repo` or `_extends: owner/repo:path` in a file
 * pulls that file in as the base (chain bounded to {@link MAX_EXTENDS_DEPTH}, cycles rejected). The
 * repo text may already be known from readPullRequest (pass it in to save a read; null means known
 * absent, undefined means not read yet). Any read failure other than a 404 is kind 'error' (fail
 * closed), never 'none'. With `cache`, files read before are read conditionally (see
 * {@link PolicyFileCache}).
 */
export async function loadPolicySource(
  gh: GitHubClient,
  owner: string,
  repo: string,
  opts: {
    repoText: string | null | undefined;
    readExtends: ReadExtends;
    cache?: PolicyFileCache;
    /** The org's policy file, when the snapshot query already read it (null: there is none). */
    orgText?: string | null | undefined;
  },
): Promise<PolicySource> {
  const walk = walkPolicyFiles(owner, repo, opts.readExtends);
  // The walk asks for the repository's own file first.
  let step = walk.next();
  let own = true;
  while (!step.done) {
    let text: string | null;
    try {
      if (!own) text = await readKnown(gh, step.value, owner, opts.orgText, opts.cache);
      else if (opts.repoText !== undefined) text = opts.repoText;
      else text = await readFile(gh, step.value, opts.cache);
    } catch (err) {
      return { kind: 'error', message: err instanceof Error ? err.message : String(err) };
    }
    own = false;
    step = walk.next(text);
  }
  const files = step.value;
  if (files.kind === 'chain') return { kind: 'layers', layers: chainLayers(files.chain) };
  return files.kind === 'error' ? { kind: 'error', message: files.message } : files;
}

/**
 * The organisation's policy file (its `.github` repository's), which sets the floor: the layer of
 * `layers` that is that file, or else the file read from GitHub (with the cache), or none.
 */
export async function readOrgPolicy(
  gh: GitHubClient,
  owner: string,
  repo: string,
  layers: PolicyLayer[],
  cache?: PolicyFileCache,
  orgText?: string | null,
): Promise<{ kind: 'ok'; layer: PolicyLayer | null } | { kind: 'error'; message: string }> {
  const floor = orgFloorLayer(layers, owner, repo);
  if (floor.kind === 'layer') return { kind: 'ok', layer: floor.layer };
  try {
    const text = await readKnown(gh, floor.ref, owner, orgText, cache);
    return { kind: 'ok', layer: text === null ? null : { file: fileName(floor.ref), text } };
  } catch (err) {
    return { kind: 'error', message: err instanceof Error ? err.message : String(err) };
  }
}

/**
 * {@link readFile}, except that the org's policy file is taken from `orgText` when the snapshot
 * query already read it (its `.github` repository's default branch, as the contents API reads it).
 */
function readKnown(
  gh: GitHubClient,
  ref: FileRef,
  owner: string,
  orgText: string | null | undefined,
  cache?: PolicyFileCache,
): Promise<string | null> {
  const isOrgFile =
    ref.owner.toLowerCase() === owner.toLowerCase() &&
    ref.repo.toLowerCase() === ORG_CONFIG_REPO &&
    ref.path === POLICY_PATH;
  if (isOrgFile && orgText !== undefined) return Promise.resolve(orgText);
  return readFile(gh, ref, cache);
}
