/**
 * Repositories and their files: the repository, the contents API (a file, or a folder's listing)
 * and the compare API.
 */

import { createHash } from 'node:crypto';
import { blobSha, commitJson, fileJson, repoJson } from '../shapes.js';
import { HttpError, linkHeader, paginate, routeModule } from '../router.js';

/** Above this size the contents API leaves `content` empty (encoding "none"). */
export const CONTENTS_INLINE_LIMIT = 1024 * 1024;
/** The compare endpoint lists this many commits when no page is asked for. */
export const COMPARE_UNPAGED_LIMIT = 250;
/** The compare endpoint lists at most this many files. */
export const COMPARE_FILES_LIMIT = 300;

export const repoRoutes = routeModule(({ state, hosts, route, repoOf, full }) => {
  route('GET', '/repos/{owner}/{repo}', (ctx) => ({
    status: 200,
    body: repoJson(state, repoOf(ctx.params), hosts),
  }));

  route('GET', '/repos/{owner}/{repo}/contents/{path*}', (ctx) => {
    const repo = repoOf(ctx.params);
    const ref = ctx.query.get('ref') ?? repo.defaultBranch;
    const sha = state.resolveRef(repo, ref);
    if (!sha) throw new HttpError(404, `No commit found for the ref ${ref}`);
    const tree = state.treeAt(repo, sha) ?? new Map<string, string>();
    const path = decodeURIComponent(ctx.params.path!).replace(/^\/+|\/+$/g, '');
    const api = `${hosts.api}/repos/${full(repo)}`;
    const entry = (p: string, type: 'file' | 'dir', text: string | null) => {
      const s =
        text === null ? createHash('sha1').update(`tree:${sha}:${p}`).digest('hex') : blobSha(text);
      const enc = p.split('/').map(encodeURIComponent).join('/');
      const self = `${api}/contents/${enc}?ref=${encodeURIComponent(ref)}`;
      const html = `${hosts.web}/${full(repo)}/${type === 'file' ? 'blob' : 'tree'}/${ref}/${enc}`;
      const git = `${api}/git/${type === 'file' ? 'blobs' : 'trees'}/${s}`;
      return {
        name: p.split('/').pop()!,
        path: p,
        sha: s,
        size: text === null ? 0 : Buffer.byteLength(text),
        url: self,
        html_url: html,
        git_url: git,
        download_url: type === 'file' ? `${hosts.web}/${full(repo)}/raw/${ref}/${enc}` : null,
        type,
        _links: { self, git, html },
      };
    };
    const text = tree.get(path);
    if (text !== undefined) {
      const size = Buffer.byteLength(text);
      const inline = size <= CONTENTS_INLINE_LIMIT;
      const content = inline
        ? (
            Buffer.from(text)
              .toString('base64')
              .match(/.{1,60}/g) ?? []
          ).join('\n')
        : '';
      return {
        status: 200,
        body: {
          ...entry(path, 'file', text),
          content: inline ? `${content}\n` : '',
          encoding: inline ? 'base64' : 'none',
        },
      };
    }
    const prefix = path === '' ? '' : `${path}/`;
    const names = new Map<string, 'file' | 'dir'>();
    for (const p of tree.keys()) {
      if (!p.startsWith(prefix)) continue;
      const rest = p.slice(prefix.length).split('/');
      names.set(rest[0]!, rest.length > 1 ? 'dir' : 'file');
    }
    if (names.size === 0) throw new HttpError(404, 'Not Found');
    const list = [...names.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([n, type]) =>
        entry(`${prefix}${n}`, type, type === 'file' ? tree.get(`${prefix}${n}`)! : null),
      );
    return { status: 200, body: list };
  });

  route('GET', '/repos/{owner}/{repo}/compare/{basehead*}', (ctx) => {
    const repo = repoOf(ctx.params);
    const basehead = decodeURIComponent(ctx.params.basehead!);
    const m = /^(.+?)\.\.\.?(.+)$/.exec(basehead);
    if (!m) throw new HttpError(404, 'Not Found');
    const strip = (r: string) => r.replace(/^[^:]+:/, '');
    const base = state.resolveRef(repo, strip(m[1]!));
    const head = state.resolveRef(repo, strip(m[2]!));
    if (!base || !head) throw new HttpError(404, 'Not Found');
    const cmp = state.compare(repo, base, head);
    if (!cmp.mergeBase) throw new HttpError(404, `No common ancestor between ${m[1]} and ${m[2]}.`);
    const all = cmp.commits;
    const paged = ctx.query.has('page') || ctx.query.has('per_page');
    const { items, link } = paged
      ? paginate(all, ctx, 30)
      : { items: all.slice(0, COMPARE_UNPAGED_LIMIT), link: null };
    const pr = [...repo.pulls.values()].find((p) => p.headSha === head);
    const files =
      pr && (!paged || Number(ctx.query.get('page') ?? '1') <= 1)
        ? pr.files.slice(0, COMPARE_FILES_LIMIT)
        : [];
    const api = `${hosts.api}/repos/${full(repo)}`;
    const html = `${hosts.web}/${full(repo)}/compare/${basehead}`;
    const status =
      all.length === 0 && cmp.behindBy === 0
        ? 'identical'
        : all.length === 0
          ? 'behind'
          : cmp.behindBy === 0
            ? 'ahead'
            : 'diverged';
    return {
      status: 200,
      headers: linkHeader(link),
      body: {
        url: `${api}/compare/${basehead}`,
        html_url: html,
        permalink_url: `${hosts.web}/${full(repo)}/compare/${repo.owner}:${base.slice(0, 7)}...${repo.owner}:${head.slice(0, 7)}`,
        diff_url: `${html}.diff`,
        patch_url: `${html}.patch`,
        base_commit: commitJson(state, repo, repo.commits.get(base)!, hosts),
        merge_base_commit: commitJson(state, repo, repo.commits.get(cmp.mergeBase)!, hosts),
        status,
        ahead_by: all.length,
        behind_by: cmp.behindBy,
        total_commits: all.length,
        commits: items.map((sha) => commitJson(state, repo, repo.commits.get(sha)!, hosts)),
        files: files.map((f) => fileJson(repo, head, f, hosts)),
      },
    };
  });
});
