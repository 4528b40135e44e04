import nock from 'nock';
import { afterEach, describe, expect, it } from 'vitest';
import {
  MAX_EXTENDS_DEPTH,
  loadPolicySource,
  parseExtendsTarget,
  type ReadExtends,
} from '../../src/github/policy-source.js';
import { POLICY_PATH } from '../../src/model/names.js';
import { API, contentsRoute, nockClient, notFound, serveFile } from '../support/rest-nock.js';

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

/** The policy source of acme/<repo>, given its own text (`undefined`: unknown, `null`: none). */
function load(repoText: string | null | undefined, repo = 'api', reader = readExtends) {
  return loadPolicySource(nockClient(), 'acme', repo, { repoText, readExtends: reader });
}

/** Serves the policy file of a repository once. */
function policyFile(fullName: string, text: string) {
  return serveFile(fullName, POLICY_PATH, text);
}

/** Answers one read of a repository's policy file with an HTTP error. */
function policyFails(fullName: string, status: number, body: object) {
  return nock(API).get(contentsRoute(fullName, POLICY_PATH)).reply(status, body);
}

afterEach(() => {
  nock.cleanAll();
});

describe('loadPolicySource: where the policy comes from', () => {
  it('uses the repository text it is given, without reading anything', async () => {
    const files: string[] = [];
    const result = await load('version: 1\n', 'api', (text, file) => {
      files.push(file);
      return readExtends(text, file);
    });
    expect(result).toEqual({
      kind: 'layers',
      layers: [{ file: 'acme/api:.github/ai-governance.yml', text: 'version: 1\n' }],
    });
    expect(files).toEqual(['acme/api:.github/ai-governance.yml']);
  });

  it.each([
    {
      proves: "reads the repository's own file from its default branch when the text is not known",
      repoText: undefined,
      holder: 'acme/api',
      text: 'version: 1\ncritical_paths: []\n',
    },
    {
      proves: "falls back to the organization's .github repository when the repository has no file",
      repoText: null,
      holder: 'acme/.github',
      text: 'version: 1 # org\n',
    },
  ])('$proves', async ({ repoText, holder, text }) => {
    const scope = policyFile(holder, text);
    const result = await load(repoText);
    expect(scope.isDone()).toBe(true);
    expect(result).toEqual({
      kind: 'layers',
      layers: [{ file: `${holder}:.github/ai-governance.yml`, text }],
    });
  });

  it('reads both places when nothing is known and neither has a file: none', async () => {
    const own = policyFails('acme/api', 404, notFound);
    const org = policyFails('acme/.github', 404, notFound);
    const result = await load(undefined);
    expect(own.isDone() && org.isDone()).toBe(true);
    expect(result).toEqual({ kind: 'none' });
  });

  it('does not look in the .github repository twice when that is the repository itself', async () => {
    expect(await load(null, '.github')).toEqual({ kind: 'none' });
  });

  it.each([
    {
      proves: 'fails closed on a server error for the repository file (not "none")',
      fails: ['acme/api', 500, 'Internal Server Error'] as const,
      repoText: undefined,
    },
    {
      proves: 'fails closed on a server error for the organization file',
      fails: ['acme/.github', 503, 'Service Unavailable'] as const,
      repoText: null,
    },
    {
      proves: 'fails closed when access is refused',
      fails: ['acme/api', 403, 'Resource not accessible by integration'] as const,
      repoText: undefined,
    },
  ])('$proves', async ({ fails: [fullName, status, message], repoText }) => {
    policyFails(fullName, status, { message });
    expect(await load(repoText)).toEqual({
      kind: 'error',
      message: `could not read ${fullName}:.github/ai-governance.yml: HTTP ${status}: ${message}`,
    });
  });

  it('rejects a directory, a symlink and a file too big for the contents API', async () => {
    nock(API)
      .get(contentsRoute('acme/a', POLICY_PATH))
      .reply(200, [{ type: 'file', name: 'x.yml', path: '.github/ai-governance.yml/x.yml' }])
      .get(contentsRoute('acme/b', POLICY_PATH))
      .reply(200, { type: 'symlink', target: '../policy.yml', path: '.github/ai-governance.yml' })
      .get(contentsRoute('acme/c', POLICY_PATH))
      .reply(200, { type: 'file', encoding: 'none', content: '', size: 2_000_000 });
    expect(await load(undefined, 'a')).toEqual({
      kind: 'error',
      message: 'could not read acme/a:.github/ai-governance.yml: it is a directory, not a file',
    });
    expect(await load(undefined, 'b')).toEqual({
      kind: 'error',
      message:
        'could not read acme/b:.github/ai-governance.yml: it is a symlink, not a regular file',
    });
    expect(await load(undefined, 'c')).toMatchObject({
      kind: 'error',
      message: expect.stringContaining('too big'),
    });
  });
});

describe('loadPolicySource: _extends', () => {
  it('follows a chain and gives the layers base first', async () => {
    serveFile('acme/policies', 'strict/ai-governance.yml', '_extends: shared\nlevel: strict\n');
    policyFile('acme/shared', '_extends: other-org/base:/base.yml\nlevel: shared\n');
    serveFile('other-org/base', 'base.yml', 'version: 1\n');
    const result = await load('_extends: acme/policies:strict/ai-governance.yml\nlevel: repo\n');
    expect(nock.isDone()).toBe(true);
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
    policyFile('acme/.github', '_extends: base\n');
    policyFile('acme/base', 'version: 1\n');
    expect(await load(null)).toEqual({
      kind: 'layers',
      layers: [
        { file: 'acme/base:.github/ai-governance.yml', text: 'version: 1\n' },
        { file: 'acme/.github:.github/ai-governance.yml', text: '_extends: base\n' },
      ],
    });
  });

  it('rejects a file that extends itself', async () => {
    expect(await load('_extends: api\n')).toMatchObject({
      kind: 'error',
      message: expect.stringContaining('makes a cycle'),
    });
  });

  /** Serves acme/p1 … acme/p<MAX>, each extending the next; the last holds `last`. */
  function chainOfMaxDepth(last: string) {
    for (let i = 1; i <= MAX_EXTENDS_DEPTH; i++) {
      policyFile(`acme/p${i}`, i < MAX_EXTENDS_DEPTH ? `_extends: p${i + 1}\n` : last);
    }
  }

  it(`allows ${MAX_EXTENDS_DEPTH} steps`, async () => {
    chainOfMaxDepth('version: 1\n');
    const fine = await load('_extends: p1\n');
    expect(nock.isDone()).toBe(true);
    expect(fine.kind).toBe('layers');
    expect((fine as { layers: unknown[] }).layers).toHaveLength(MAX_EXTENDS_DEPTH + 1);
  });

  it(`rejects a chain of more than ${MAX_EXTENDS_DEPTH} steps`, async () => {
    chainOfMaxDepth(`_extends: p${MAX_EXTENDS_DEPTH + 1}\n`);
    const deep = await load('_extends: p1\n');
    expect(nock.isDone()).toBe(true);
    expect(deep).toEqual({
      kind: 'error',
      message: `acme/p${MAX_EXTENDS_DEPTH}:.github/ai-governance.yml: _extends "p${MAX_EXTENDS_DEPTH + 1}" goes deeper than ${MAX_EXTENDS_DEPTH} levels; extend the base file directly instead of through a longer chain`,
    });
  });

  it.each([
    {
      proves: 'rejects a cycle',
      serve: () => policyFile('acme/base', '_extends: ACME/API\n'),
      repoText: '_extends: base\n',
      message:
        'acme/base:.github/ai-governance.yml: _extends "ACME/API" makes a cycle (acme/api:.github/ai-governance.yml -> acme/base:.github/ai-governance.yml -> ACME/API:.github/ai-governance.yml); remove the _extends that points back',
    },
    {
      proves: 'fails closed when an _extends target does not exist (404)',
      serve: () => policyFails('acme/base', 404, notFound),
      repoText: '_extends: base\n',
      message:
        'acme/api:.github/ai-governance.yml: _extends "base" names acme/base:.github/ai-governance.yml, which does not exist or which the app cannot read; fix the reference or give the app access to that repository',
    },
    {
      proves: 'fails closed when reading an _extends target fails (500)',
      serve: () => policyFails('acme/base', 500, { message: 'Internal Server Error' }),
      repoText: '_extends: base\n',
      message:
        'could not read acme/base:.github/ai-governance.yml: HTTP 500: Internal Server Error',
    },
    {
      proves: 'rejects an _extends value that names no file',
      serve: () => undefined,
      repoText: '_extends: https://example.com/policy.yml\n',
      message:
        'acme/api:.github/ai-governance.yml: _extends "https://example.com/policy.yml" is not a file reference; write it as "repo", "owner/repo" or "owner/repo:path/to/file.yml"',
    },
    {
      proves: "passes on the policy reader's own errors",
      serve: () => undefined,
      repoText: '!broken\n',
      message: 'x:2:11: _extends must be a string; write it as "owner/repo:path"',
    },
  ])('$proves', async ({ serve, repoText, message }) => {
    serve();
    expect(await load(repoText)).toEqual({ kind: 'error', message });
    expect(nock.isDone()).toBe(true);
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
