import { Octokit } from '@octokit/rest';
import nock from 'nock';
import { afterEach, describe, expect, it } from 'vitest';
import type { GitHubClient } from '../../src/github/facts.js';
import {
  MAX_EXTENDS_DEPTH,
  loadPolicySource,
  parseExtendsTarget,
  type ReadExtends,
} from '../../src/github/policy-source.js';

const API = 'https://api.github.com';
const PATH = '.github%2Fai-governance.yml';
const quiet = { debug() {}, info() {}, warn() {}, error() {} };

function client(): GitHubClient {
  return new Octokit({ auth: 'x', baseUrl: API, request: { retries: 0 }, log: quiet });
}

/** A contents API answer for a file, as GitHub gives it (base64 with line breaks). */
function fileAnswer(path: string, text: string) {
  const b64 = Buffer.from(text, 'utf8').toString('base64');
  return {
    type: 'file',
    encoding: 'base64',
    size: Buffer.byteLength(text),
    name: path.split('/').pop(),
    path,
    content: b64.replace(/(.{60})/g, '$1\n'),
    sha: '3d21ec53a331a6f037a91c368710b99387d012c1',
  };
}

const notFound = {
  message: 'Not Found',
  documentation_url: 'https://docs.github.com/rest/repos/contents#get-repository-content',
  status: '404',
};

/** Test stand-in for the policy module's reader: takes `_extends: <target>` from the text. */
const readExtends: ReadExtends = (text) => {
  if (text.includes('!broken')) {
    return {
      ok: false,
      errors: [
        {
          file: 'x',
          line: 2,
          column: 11,
          message: '_extends must be a string',
          fix: 'write it as "owner/repo:path"',
        },
      ],
    };
  }
  const m = /^_extends:\s*(.+)$/m.exec(text);
  return { ok: true, target: m ? m[1]!.trim() : null };
};

afterEach(() => {
  nock.cleanAll();
});

describe('loadPolicySource: where the policy comes from', () => {
  it('uses the repository text it is given, without reading anything', async () => {
    const files: string[] = [];
    const result = await loadPolicySource(client(), 'acme', 'api', {
      repoText: 'version: 1\n',
      readExtends: (text, file) => {
        files.push(file);
        return readExtends(text, file);
      },
    });
    expect(result).toEqual({
      kind: 'layers',
      layers: [{ file: 'acme/api:.github/ai-governance.yml', text: 'version: 1\n' }],
    });
    expect(files).toEqual(['acme/api:.github/ai-governance.yml']);
  });

  it("reads the repository's own file from its default branch when the text is not known", async () => {
    const scope = nock(API)
      .get(`/repos/acme/api/contents/${PATH}`)
      .reply(200, fileAnswer('.github/ai-governance.yml', 'version: 1\ncritical_paths: []\n'));
    const result = await loadPolicySource(client(), 'acme', 'api', {
      repoText: undefined,
      readExtends,
    });
    expect(scope.isDone()).toBe(true);
    expect(result).toEqual({
      kind: 'layers',
      layers: [
        { file: 'acme/api:.github/ai-governance.yml', text: 'version: 1\ncritical_paths: []\n' },
      ],
    });
  });

  it("falls back to the organization's .github repository when the repository has no file", async () => {
    const scope = nock(API)
      .get(`/repos/acme/.github/contents/${PATH}`)
      .reply(200, fileAnswer('.github/ai-governance.yml', 'version: 1 # org\n'));
    const result = await loadPolicySource(client(), 'acme', 'api', { repoText: null, readExtends });
    expect(scope.isDone()).toBe(true);
    expect(result).toEqual({
      kind: 'layers',
      layers: [{ file: 'acme/.github:.github/ai-governance.yml', text: 'version: 1 # org\n' }],
    });
  });

  it('reads both places when nothing is known and neither has a file: none', async () => {
    const scope = nock(API)
      .get(`/repos/acme/api/contents/${PATH}`)
      .reply(404, notFound)
      .get(`/repos/acme/.github/contents/${PATH}`)
      .reply(404, notFound);
    const result = await loadPolicySource(client(), 'acme', 'api', {
      repoText: undefined,
      readExtends,
    });
    expect(scope.isDone()).toBe(true);
    expect(result).toEqual({ kind: 'none' });
  });

  it('does not look in the .github repository twice when that is the repository itself', async () => {
    const result = await loadPolicySource(client(), 'acme', '.github', {
      repoText: null,
      readExtends,
    });
    expect(result).toEqual({ kind: 'none' });
  });

  it('fails closed on a server error for the repository file (not "none")', async () => {
    nock(API)
      .get(`/repos/acme/api/contents/${PATH}`)
      .reply(500, { message: 'Internal Server Error' });
    const result = await loadPolicySource(client(), 'acme', 'api', {
      repoText: undefined,
      readExtends,
    });
    expect(result).toEqual({
      kind: 'error',
      message: 'could not read acme/api:.github/ai-governance.yml: HTTP 500: Internal Server Error',
    });
  });

  it('fails closed on a server error for the organization file', async () => {
    nock(API)
      .get(`/repos/acme/.github/contents/${PATH}`)
      .reply(503, { message: 'Service Unavailable' });
    const result = await loadPolicySource(client(), 'acme', 'api', { repoText: null, readExtends });
    expect(result.kind).toBe('error');
    expect((result as { message: string }).message).toMatch(
      /^could not read acme\/\.github:\.github\/ai-governance\.yml: HTTP 503/,
    );
  });

  it('fails closed when access is refused', async () => {
    nock(API)
      .get(`/repos/acme/api/contents/${PATH}`)
      .reply(403, { message: 'Resource not accessible by integration' });
    const result = await loadPolicySource(client(), 'acme', 'api', {
      repoText: undefined,
      readExtends,
    });
    expect(result).toMatchObject({ kind: 'error', message: expect.stringContaining('HTTP 403') });
  });

  it('rejects a directory, a symlink and a file too big for the contents API', async () => {
    nock(API)
      .get(`/repos/acme/a/contents/${PATH}`)
      .reply(200, [{ type: 'file', name: 'x.yml', path: '.github/ai-governance.yml/x.yml' }])
      .get(`/repos/acme/b/contents/${PATH}`)
      .reply(200, { type: 'symlink', target: '../policy.yml', path: '.github/ai-governance.yml' })
      .get(`/repos/acme/c/contents/${PATH}`)
      .reply(200, { type: 'file', encoding: 'none', content: '', size: 2_000_000 });
    const opts = { repoText: undefined, readExtends };
    expect(await loadPolicySource(client(), 'acme', 'a', opts)).toEqual({
      kind: 'error',
      message: 'could not read acme/a:.github/ai-governance.yml: it is a directory, not a file',
    });
    expect(await loadPolicySource(client(), 'acme', 'b', opts)).toEqual({
      kind: 'error',
      message:
        'could not read acme/b:.github/ai-governance.yml: it is a symlink, not a regular file',
    });
    expect(await loadPolicySource(client(), 'acme', 'c', opts)).toMatchObject({
      kind: 'error',
      message: expect.stringContaining('too big'),
    });
  });
});

describe('loadPolicySource: _extends', () => {
  it('follows a chain and gives the layers base first', async () => {
    const scope = nock(API)
      .get('/repos/acme/policies/contents/strict%2Fai-governance.yml')
      .reply(200, fileAnswer('strict/ai-governance.yml', '_extends: shared\nlevel: strict\n'))
      .get(`/repos/acme/shared/contents/${PATH}`)
      .reply(
        200,
        fileAnswer(
          '.github/ai-governance.yml',
          '_extends: other-org/base:/base.yml\nlevel: shared\n',
        ),
      )
      .get('/repos/other-org/base/contents/base.yml')
      .reply(200, fileAnswer('base.yml', 'version: 1\n'));
    const result = await loadPolicySource(client(), 'acme', 'api', {
      repoText: '_extends: acme/policies:strict/ai-governance.yml\nlevel: repo\n',
      readExtends,
    });
    expect(scope.isDone()).toBe(true);
    expect(result).toEqual({
      kind: 'layers',
      layers: [
        { file: 'other-org/base:base.yml', text: 'version: 1\n' },
        {
          file: 'acme/shared:.github/ai-governance.yml',
          text: '_extends: other-org/base:/base.yml\nlevel: shared\n',
        },
        {
          file: 'acme/policies:strict/ai-governance.yml',
          text: '_extends: shared\nlevel: strict\n',
        },
        {
          file: 'acme/api:.github/ai-governance.yml',
          text: '_extends: acme/policies:strict/ai-governance.yml\nlevel: repo\n',
        },
      ],
    });
  });

  it('follows _extends from the organization file too', async () => {
    nock(API)
      .get(`/repos/acme/.github/contents/${PATH}`)
      .reply(200, fileAnswer('.github/ai-governance.yml', '_extends: base\n'))
      .get(`/repos/acme/base/contents/${PATH}`)
      .reply(200, fileAnswer('.github/ai-governance.yml', 'version: 1\n'));
    const result = await loadPolicySource(client(), 'acme', 'api', { repoText: null, readExtends });
    expect(result).toEqual({
      kind: 'layers',
      layers: [
        { file: 'acme/base:.github/ai-governance.yml', text: 'version: 1\n' },
        { file: 'acme/.github:.github/ai-governance.yml', text: '_extends: base\n' },
      ],
    });
  });

  it('rejects a cycle', async () => {
    nock(API)
      .get(`/repos/acme/base/contents/${PATH}`)
      .reply(200, fileAnswer('.github/ai-governance.yml', '_extends: ACME/API\n'));
    const result = await loadPolicySource(client(), 'acme', 'api', {
      repoText: '_extends: base\n',
      readExtends,
    });
    expect(result).toEqual({
      kind: 'error',
      message:
        'acme/base:.github/ai-governance.yml: _extends "ACME/API" makes a cycle (acme/api:.github/ai-governance.yml -> acme/base:.github/ai-governance.yml -> ACME/API:.github/ai-governance.yml); remove the _extends that points back',
    });
  });

  it('rejects a file that extends itself', async () => {
    const result = await loadPolicySource(client(), 'acme', 'api', {
      repoText: '_extends: api\n',
      readExtends,
    });
    expect(result).toMatchObject({
      kind: 'error',
      message: expect.stringContaining('makes a cycle'),
    });
  });

  it(`allows ${MAX_EXTENDS_DEPTH} steps and rejects one more`, async () => {
    const scope = nock(API);
    for (let i = 1; i <= MAX_EXTENDS_DEPTH; i++) {
      scope
        .get(`/repos/acme/p${i}/contents/${PATH}`)
        .reply(200, fileAnswer('.github/ai-governance.yml', i < 6 ? `_extends: p${i + 1}\n` : ''));
    }
    const deep = await loadPolicySource(client(), 'acme', 'api', {
      repoText: '_extends: p1\n',
      readExtends,
    });
    expect(scope.isDone()).toBe(true);
    expect(deep).toEqual({
      kind: 'error',
      message: `acme/p5:.github/ai-governance.yml: _extends "p6" goes deeper than ${MAX_EXTENDS_DEPTH} levels; extend the base file directly instead of through a longer chain`,
    });

    nock.cleanAll();
    const ok = nock(API);
    for (let i = 1; i <= MAX_EXTENDS_DEPTH; i++) {
      ok.get(`/repos/acme/p${i}/contents/${PATH}`).reply(
        200,
        fileAnswer(
          '.github/ai-governance.yml',
          i < MAX_EXTENDS_DEPTH ? `_extends: p${i + 1}\n` : 'version: 1\n',
        ),
      );
    }
    const fine = await loadPolicySource(client(), 'acme', 'api', {
      repoText: '_extends: p1\n',
      readExtends,
    });
    expect(fine.kind).toBe('layers');
    expect((fine as { layers: unknown[] }).layers).toHaveLength(MAX_EXTENDS_DEPTH + 1);
  });

  it('fails closed when an _extends target does not exist (404)', async () => {
    nock(API).get(`/repos/acme/base/contents/${PATH}`).reply(404, notFound);
    const result = await loadPolicySource(client(), 'acme', 'api', {
      repoText: '_extends: base\n',
      readExtends,
    });
    expect(result).toEqual({
      kind: 'error',
      message:
        'acme/api:.github/ai-governance.yml: _extends "base" names acme/base:.github/ai-governance.yml, which does not exist or which the app cannot read; fix the reference or give the app access to that repository',
    });
  });

  it('fails closed when reading an _extends target fails (500)', async () => {
    nock(API)
      .get(`/repos/acme/base/contents/${PATH}`)
      .reply(500, { message: 'Internal Server Error' });
    const result = await loadPolicySource(client(), 'acme', 'api', {
      repoText: '_extends: base\n',
      readExtends,
    });
    expect(result).toEqual({
      kind: 'error',
      message:
        'could not read acme/base:.github/ai-governance.yml: HTTP 500: Internal Server Error',
    });
  });

  it('rejects an _extends value that names no file', async () => {
    const result = await loadPolicySource(client(), 'acme', 'api', {
      repoText: '_extends: https://example.com/policy.yml\n',
      readExtends,
    });
    expect(result).toEqual({
      kind: 'error',
      message:
        'acme/api:.github/ai-governance.yml: _extends "https://example.com/policy.yml" is not a file reference; write it as "repo", "owner/repo" or "owner/repo:path/to/file.yml"',
    });
  });

  it("passes on the policy reader's own errors", async () => {
    const result = await loadPolicySource(client(), 'acme', 'api', {
      repoText: '!broken\n',
      readExtends,
    });
    expect(result).toEqual({
      kind: 'error',
      message: 'x:2:11: _extends must be a string; write it as "owner/repo:path"',
    });
  });
});

describe('parseExtendsTarget', () => {
  const from = { owner: 'acme' };
  it.each([
    ['base', { owner: 'acme', repo: 'base', path: '.github/ai-governance.yml' }],
    ['other/base', { owner: 'other', repo: 'base', path: '.github/ai-governance.yml' }],
    ['base:policies/x.yml', { owner: 'acme', repo: 'base', path: 'policies/x.yml' }],
    ['other/base:/x.yml', { owner: 'other', repo: 'base', path: 'x.yml' }],
    [
      '  acme-corp/.github  ',
      { owner: 'acme-corp', repo: '.github', path: '.github/ai-governance.yml' },
    ],
  ])('reads %j', (value, expected) => {
    expect(parseExtendsTarget(value, from)).toEqual(expected);
  });

  it.each([
    '',
    'a/b/c',
    '-bad/x',
    'x:',
    'x:../secret.yml',
    'x:a//b',
    'bad owner/x',
    'https://x.y/z',
    '..',
  ])('rejects %j', (value) => {
    expect(parseExtendsTarget(value, from)).toBeNull();
  });
});
