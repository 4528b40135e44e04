/**
 * Statements that two documents made differently, or that contradicted the code: each is read
 * from the documents and compared with the other document or with what the code does.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { parsePolicy } from '../../src/policy/load.js';

const read = (p: string) => readFileSync(join(import.meta.dirname, '../..', p), 'utf8');
const flat = (s: string) => s.replace(/\s+/g, ' ');

describe('the Action token', () => {
  const action = parse(read('action.yml')) as {
    inputs: Record<string, { description: string }>;
  };
  const tokenDoc = flat(action.inputs['github-token']!.description);
  const deployment = flat(read('docs/deployment.md'));

  it('both action.yml and docs/deployment.md say a personal access token will not do', () => {
    expect(deployment).toMatch(
      /A personal access token will not do: only apps can write check runs/,
    );
    expect(tokenDoc).toMatch(/personal access token, classic or fine-grained, will not do/);
    expect(tokenDoc).not.toMatch(/fine-grained token with members read/);
  });

  it('both name an app installation token with members read access for team reviewers', () => {
    expect(deployment).toMatch(/installation token of a GitHub App with members read access/);
    expect(tokenDoc).toMatch(/GitHub App installation token from an app with members read access/);
  });
});

describe('detection.labels', () => {
  const doc = flat(read('docs/policy.md'));

  it('defaults to no label, as the docs say; no default list is replaced', () => {
    const r = parsePolicy('version: 1\n', { file: 'p.yml' });
    expect(r.ok && r.policy.detection.labels).toEqual([]);
    expect(doc).toMatch(/\| `labels` +\| list of label names +\| `\[\]` +\|/);
    expect(doc).not.toMatch(/replaces the default labels/);
    expect(doc).toMatch(/the built-in default is `\[\]`: no label counts until a policy names it/);
  });

  it('the README says plainly that no label counts until listed', () => {
    expect(flat(read('README.md'))).toMatch(
      /A label counts only when the policy's `detection.labels` lists it: by default no label does, not even `ai-assisted`/,
    );
  });
});
