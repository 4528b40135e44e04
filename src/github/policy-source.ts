/**
 * Finds the policy text for a repository the way Probot finds app configuration: the repository's
 * own file on its default branch, else the organisation's `.github` repository's file at the same
 * path, and any `_extends` chain those files start. Any read failure other than "not found" is an
 * error (fail closed), never "no policy".
 */

import { POLICY_PATH, formatPolicyError, type PolicyError } from '../policy/types.js';
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

export type ReadExtends = (
  text: string,
  file: string,
) => { ok: true; target: string | null } | { ok: false; errors: unknown[] };

/** How many `_extends` steps a chain may take from the file that was found. */
export const MAX_EXTENDS_DEPTH = 5;

/** The repository that holds an organisation's shared configuration. */
export const ORG_CONFIG_REPO = '.github';

interface FileRef {
  owner: string;
  repo: string;
  path: string;
}

function fileName(f: FileRef): string {
  return `${f.owner}/${f.repo}:${f.path}`;
}

/** Owner and repository names are case-insensitive on GitHub; paths are not. */
function fileKey(f: FileRef): string {
  return `${f.owner.toLowerCase()}/${f.repo.toLowerCase()}:${f.path}`;
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

/** The file's text from the repository's default branch; null when GitHub answers 404. */
async function readFile(gh: GitHubClient, f: FileRef): Promise<string | null> {
  let res;
  try {
    res = await gh.request('GET /repos/{owner}/{repo}/contents/{path}', {
      owner: f.owner,
      repo: f.repo,
      path: f.path,
    });
  } catch (err) {
    if (errorStatus(err) === 404) return null;
    throw new Error(`could not read ${fileName(f)}: ${describeError(err)}`, { cause: err });
  }
  const data = res.data as { type?: unknown; encoding?: unknown; content?: unknown } | unknown[];
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

/**
 * Probot's config semantics: the repo's own file on its default branch; when absent, the org's
 * `.github` repo's file at the same path; `_extends: repo` or `_extends: owner/repo:path` in a file
 * pulls that file in as the base (chain bounded to {@link MAX_EXTENDS_DEPTH}, cycles rejected). The
 * repo text may already be known from readPullRequest (pass it in to save a read; null means known
 * absent, undefined means not read yet). Any read failure other than a 404 is kind 'error' (fail
 * closed), never 'none'.
 */
export async function loadPolicySource(
  gh: GitHubClient,
  owner: string,
  repo: string,
  opts: { repoText: string | null | undefined; readExtends: ReadExtends },
): Promise<PolicySource> {
  const own: FileRef = { owner, repo, path: POLICY_PATH };
  const chain: { ref: FileRef; text: string }[] = [];
  try {
    const text = opts.repoText === undefined ? await readFile(gh, own) : opts.repoText;
    if (text !== null) {
      chain.push({ ref: own, text });
    } else if (repo.toLowerCase() !== ORG_CONFIG_REPO) {
      const shared: FileRef = { owner, repo: ORG_CONFIG_REPO, path: POLICY_PATH };
      const sharedText = await readFile(gh, shared);
      if (sharedText !== null) chain.push({ ref: shared, text: sharedText });
    }
  } catch (err) {
    return { kind: 'error', message: err instanceof Error ? err.message : String(err) };
  }
  if (chain.length === 0) return { kind: 'none' };

  const seen = new Set<string>([fileKey(chain[0]!.ref)]);
  for (;;) {
    const current = chain[chain.length - 1]!;
    const file = fileName(current.ref);
    const ext = opts.readExtends(current.text, file);
    if (!ext.ok) return { kind: 'error', message: formatExtendsErrors(file, ext.errors) };
    if (ext.target === null) break;

    const target = parseExtendsTarget(ext.target, current.ref);
    if (!target) {
      return {
        kind: 'error',
        message: `${file}: _extends "${ext.target}" is not a file reference; write it as "repo", "owner/repo" or "owner/repo:path/to/file.yml"`,
      };
    }
    const targetName = fileName(target);
    if (seen.has(fileKey(target))) {
      const path = [...chain.map((c) => fileName(c.ref)), targetName].join(' -> ');
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
    seen.add(fileKey(target));
    let text: string | null;
    try {
      text = await readFile(gh, target);
    } catch (err) {
      return { kind: 'error', message: err instanceof Error ? err.message : String(err) };
    }
    if (text === null) {
      return {
        kind: 'error',
        message: `${file}: _extends "${ext.target}" names ${targetName}, which does not exist or which the app cannot read; fix the reference or give the app access to that repository`,
      };
    }
    chain.push({ ref: target, text });
  }
  return {
    kind: 'layers',
    layers: chain.reverse().map((c) => ({ file: fileName(c.ref), text: c.text })),
  };
}
