import { describe, expect, it } from 'vitest';
import { parsePolicyLayers, readExtends } from '../../src/policy/load.js';

const ORG = 'acme/.github:.github/ai-governance.yml';
const REPO = '.github/ai-governance.yml';

const orgText = `version: 1
detection:
  trailers: [Assisted-by]
  labels: [ai]
critical_paths:
  - name: infra
    paths: ["infra/**"]
    reviewers: { teams: [platform] }
approval:
  latest_push_only: false
override:
  label: break-glass
  teams: [incident]
`;

describe('parsePolicyLayers', () => {
  it('merges mappings deeply, later layers winning; lists and scalars are replaced', () => {
    const r = parsePolicyLayers([
      { file: ORG, text: orgText },
      {
        file: REPO,
        text: `version: 1
detection:
  labels: [copilot]
approval:
  allow_contributors: true
override:
  users: [alice]
`,
      },
    ]);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.policy.detection.trailers).toEqual(['Assisted-by']);
    expect(r.policy.detection.labels).toEqual(['copilot']);
    expect(r.policy.critical_paths.map((c) => c.name)).toEqual(['infra']);
    expect(r.policy.approval).toEqual({
      latest_push_only: false,
      changes_requested_blocks: true,
      allow_contributors: true,
    });
    expect(r.policy.override).toEqual({
      label: 'break-glass',
      teams: ['incident'],
      users: ['alice'],
    });
  });

  it('replaces the whole list of critical paths when the repository writes one', () => {
    const r = parsePolicyLayers([
      { file: ORG, text: orgText },
      {
        file: REPO,
        text: 'version: 1\ncritical_paths:\n  - name: app\n    paths: [app/**]\n    reviewers: { users: [bob] }\n',
      },
    ]);
    expect(r.ok && r.policy.critical_paths.map((c) => c.name)).toEqual(['app']);
  });

  it('lets a repository turn the override off with null', () => {
    const r = parsePolicyLayers([
      { file: ORG, text: orgText },
      { file: REPO, text: 'version: 1\noverride: null\n' },
    ]);
    expect(r.ok && r.policy.override).toBeNull();
  });

  it('locates an error in the layer that wrote it', () => {
    const r = parsePolicyLayers([
      {
        file: ORG,
        text: orgText.replace('latest_push_only: false', 'latest_push_only: false\n  bogus: 1'),
      },
      { file: REPO, text: 'version: 1\napproval:\n  allow_contributors: maybe\n' },
    ]);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors.map((e) => [e.file, e.line, e.column, e.message])).toEqual([
      [ORG, 11, 3, expect.stringContaining('unknown key `bogus` in `approval`')],
      [
        REPO,
        3,
        23,
        expect.stringContaining('`approval.allow_contributors` must be `true` or `false`'),
      ],
    ]);
  });

  it('reports a value the repository replaced, as each layer must be valid on its own', () => {
    const r = parsePolicyLayers([
      { file: ORG, text: 'version: 1\napply_to_human_prs: sometimes\n' },
      { file: REPO, text: 'version: 1\napply_to_human_prs: true\n' },
    ]);
    expect(!r.ok && r.errors.map((e) => [e.file, e.line, e.column])).toEqual([[ORG, 2, 21]]);
  });

  it('checks completeness on the merged result: a key may come from either layer', () => {
    const r = parsePolicyLayers([
      { file: ORG, text: 'version: 1\noverride:\n  teams: [incident]\n' },
      { file: REPO, text: 'version: 1\noverride:\n  label: break-glass\n' },
    ]);
    expect(r.ok && r.policy.override).toEqual({
      label: 'break-glass',
      teams: ['incident'],
      users: [],
    });
    const missing = parsePolicyLayers([
      { file: ORG, text: 'version: 1\noverride:\n  teams: [incident]\n' },
      { file: REPO, text: 'version: 1\noverride:\n  users: [alice]\n' },
    ]);
    expect(!missing.ok && missing.errors.map((e) => [e.file, e.line, e.column, e.message])).toEqual(
      [[REPO, 3, 3, '`override` is missing `label`']],
    );
  });

  it('requires `version: 1` in every layer', () => {
    const r = parsePolicyLayers([
      { file: ORG, text: 'detection:\n  labels: [ai]\n' },
      { file: REPO, text: 'version: 1\n' },
    ]);
    expect(!r.ok && r.errors.map((e) => [e.file, e.line, e.column, e.message])).toEqual([
      [ORG, 1, 1, 'the policy is missing `version`'],
    ]);
  });

  it('reports YAML errors of every layer, each in its own file', () => {
    const r = parsePolicyLayers([
      { file: ORG, text: 'version: 1\nlabels: [a\n' },
      { file: REPO, text: '' },
    ]);
    expect(!r.ok && r.errors.map((e) => e.file)).toEqual([ORG, REPO]);
  });

  it('ignores a well-formed _extends in any layer and rejects a malformed one', () => {
    const ok = parsePolicyLayers([
      { file: ORG, text: 'version: 1\n_extends: base\n' },
      { file: REPO, text: 'version: 1\n_extends: .github\n' },
    ]);
    expect(ok.ok).toBe(true);
    const bad = parsePolicyLayers([
      { file: ORG, text: 'version: 1\n_extends: 42\n' },
      { file: REPO, text: 'version: 1\n' },
    ]);
    expect(!bad.ok && bad.errors.map((e) => [e.file, e.line, e.column])).toEqual([[ORG, 2, 11]]);
  });

  it('refuses an empty list of layers and too many layers', () => {
    expect(parsePolicyLayers([]).ok).toBe(false);
    const many = Array.from({ length: 11 }, (_, i) => ({
      file: `f${i}.yml`,
      text: 'version: 1\n',
    }));
    const r = parsePolicyLayers(many);
    expect(!r.ok && r.errors[0]!.message).toContain('the limit is 10');
  });

  it('passes the known teams and the org to every layer', () => {
    const r = parsePolicyLayers(
      [
        { file: ORG, text: orgText },
        { file: REPO, text: 'version: 1\nai_default:\n  reviewers: { teams: [other/x] }\n' },
      ],
      { knownTeams: new Set(['platform']), org: 'acme' },
    );
    expect(!r.ok && r.errors.map((e) => [e.file, e.line, e.message])).toEqual([
      [ORG, 13, expect.stringContaining('no team `incident`')],
      [REPO, 3, expect.stringContaining('belongs to the organisation `other`, not `acme`')],
    ]);
  });
});

describe('readExtends', () => {
  it('returns null when the key is absent', () => {
    expect(readExtends('version: 1\n', REPO)).toEqual({ ok: true, target: null });
  });

  it('returns the target as written', () => {
    expect(readExtends('version: 1\n_extends: acme/.github:policies/base.yml\n', REPO)).toEqual({
      ok: true,
      target: 'acme/.github:policies/base.yml',
    });
  });

  it.each([
    ['_extends: 3\n', 1, 11, 'found the number 3'],
    ['_extends: [a]\n', 1, 11, 'found a list'],
    ['_extends:\n', 1, 10, 'found an empty value'],
    ['_extends: ""\n', 1, 11, 'found the text ""'],
  ])('rejects %j with a position', (text, line, column, message) => {
    const r = readExtends(text, REPO);
    expect(!r.ok && r.errors.map((e) => [e.file, e.line, e.column])).toEqual([
      [REPO, line, column],
    ]);
    expect(!r.ok && r.errors[0]!.message).toContain(message);
  });

  it('reports a file it cannot read as YAML', () => {
    const r = readExtends('a: [\n', REPO);
    expect(r.ok).toBe(false);
  });
});
