/**
 * The org floor: what a repository's policy may do to the rules and settings the org's `.github`
 * policy marks as a floor (tighten: allowed; loosen: an error at its line, with the org's policy as
 * the fallback).
 */
import { describe, expect, it } from 'vitest';
import { parseWithFloor, type FloorResult } from '../../src/policy/floor.js';
import { formatPolicyError } from '../../src/model/policy.js';

const ORG_FILE = 'acme/.github:.github/ai-governance.yml';
const REPO_FILE = 'acme/api:.github/ai-governance.yml';

const ORG = `version: 1
enforcement: enforce
critical_paths:
  - name: payments
    floor: true
    paths: ['services/payments/**']
    exclude: ['**/*.md']
    approvals: 2
    reviewers: { teams: [payments-seniors, security] }
  - name: docs
    paths: ['docs/**']
    reviewers: { teams: [writers] }
detection:
  labels: [ai-assisted]
  trailers: [Assisted-by]
approval: { latest_push_only: false }
override: { label: emergency, teams: [incident-commanders] }
floor: { enforcement: true, detection: true, approval: true, override: true }
`;

const org = { file: ORG_FILE, text: ORG };
const repo = (text: string) => ({ file: REPO_FILE, text: `version: 1\n${text}` });

function judge(repoText: string, orgText = ORG): FloorResult {
  const o = { file: ORG_FILE, text: orgText };
  return parseWithFloor([repo(repoText)], o, { org: 'acme' });
}

function errorsOf(r: FloorResult): string[] {
  expect(r.ok).toBe(false);
  return r.ok ? [] : r.errors.map(formatPolicyError);
}

function policyOf(r: FloorResult) {
  if (!r.ok) throw new Error(r.errors.map(formatPolicyError).join('\n'));
  return r.policy;
}

const payments = (body: string) =>
  `critical_paths:\n  - name: payments\n    paths: ['services/payments/**']\n    reviewers: { teams: [payments-seniors] }\n${body}`;

describe('a repository policy under the org floor', () => {
  it('keeps the floor rules it does not repeat, and marks each rule’s layer', () => {
    const p = policyOf(
      judge(
        "critical_paths:\n  - name: api\n    paths: ['api/**']\n    reviewers: { teams: [api] }\n",
      ),
    );
    expect(p.critical_paths.map((r) => [r.name, r.layer, r.approvals])).toEqual([
      ['api', 'repository', 1],
      ['payments', 'org floor', 2],
    ]);
  });

  it('marks the org’s own rules as org default when the repository extends the org file', () => {
    const r = parseWithFloor(
      [org, { file: REPO_FILE, text: 'version: 1\n_extends: .github\n' }],
      org,
      { org: 'acme' },
    );
    expect(policyOf(r).critical_paths.map((x) => [x.name, x.layer])).toEqual([
      ['payments', 'org floor'],
      ['docs', 'org default'],
    ]);
  });

  describe('may tighten', () => {
    it.each([
      [
        'more approvals',
        payments('    approvals: 3\n'),
        (p: any) => p.critical_paths[0].approvals === 3,
      ],
      [
        'more paths',
        payments('    approvals: 2\n').replace(
          "paths: ['services/payments/**']",
          "paths: ['services/payments/**', 'libs/billing/**']",
        ),
        (p: any) => p.critical_paths[0].paths.length === 2,
      ],
      [
        'narrower excludes',
        payments('    approvals: 2\n    exclude: []\n'),
        (p: any) => p.critical_paths[0].exclude.length === 0,
      ],
      [
        'fewer reviewers',
        payments('    approvals: 2\n'),
        (p: any) => p.critical_paths[0].reviewers.teams.join() === 'payments-seniors',
      ],
      [
        'another team required, by a rule of its own',
        "critical_paths:\n  - name: payments-security\n    paths: ['services/payments/**']\n    reviewers: { teams: [appsec] }\n",
        (p: any) => p.critical_paths.length === 2,
      ],
      [
        'latest_push_only on',
        'approval: { latest_push_only: true }\n',
        (p: any) => p.approval.latest_push_only === true,
      ],
      [
        'more detection',
        'detection: { labels: [ai-assisted, copilot], trailers: [Assisted-by, Generated-by] }\n',
        (p: any) => p.detection.labels.length === 2,
      ],
      ['no override at all', 'override: null\n', (p: any) => p.override === null],
      [
        'the override with fewer people',
        'override: { label: emergency, users: [] , teams: [incident-commanders] }\n',
        (p: any) => p.override.label === 'emergency',
      ],
      [
        'enforce where the org enforces',
        'enforcement: enforce\n',
        (p: any) => p.enforcement === 'enforce',
      ],
    ])('%s', (_name, text, holds) => {
      const p = policyOf(judge(text));
      expect(holds(p)).toBe(true);
      expect(p.critical_paths.find((r) => r.name === 'payments')?.layer).toBe('org floor');
    });

    it('switches to enforce where the org only evaluates', () => {
      const p = policyOf(
        judge(
          'enforcement: enforce\n',
          ORG.replace('enforcement: enforce', 'enforcement: evaluate'),
        ),
      );
      expect(p.enforcement).toBe('enforce');
    });
  });

  describe('may not loosen', () => {
    it.each([
      [
        'lower approvals',
        payments('    approvals: 1\n'),
        `${REPO_FILE}:6:16: weakens the org floor rule \`payments\`: approvals 1 < 2; require at least 2`,
      ],
      [
        'drop a path',
        payments('    approvals: 2\n').replace('services/payments/**', 'services/payments/api/**'),
        'weakens the org floor rule `payments`: it drops the path `services/payments/**`',
      ],
      [
        'widen excludes',
        payments("    approvals: 2\n    exclude: ['**/*.md', '**/*.ts']\n"),
        'weakens the org floor rule `payments`: it excludes `**/*.ts`, which the floor does not',
      ],
      [
        'let another team approve',
        payments('    approvals: 2\n').replace('[payments-seniors]', '[payments-seniors, interns]'),
        'weakens the org floor rule `payments`: it lets `@interns` approve, which the floor does not',
      ],
      [
        'switch to evaluate',
        'enforcement: evaluate\n',
        `${REPO_FILE}:2:14: weakens the org floor: \`enforcement: evaluate\` where the org enforces`,
      ],
      [
        'turn off the built-in detection',
        'detection: { builtin: false, labels: [ai-assisted], trailers: [Assisted-by] }\n',
        'weakens the org floor: it turns off the built-in detection',
      ],
      [
        'drop a detection label',
        'detection: { labels: [], trailers: [Assisted-by] }\n',
        'weakens the org floor: `detection.labels` drops `ai-assisted`',
      ],
      [
        'ignore more authors',
        "detection: { ignore_authors: ['dependabot[bot]', 'my-agent[bot]'] }\n",
        'weakens the org floor: `detection.ignore_authors` adds `my-agent[bot]`',
      ],
      [
        'let contributors approve',
        'approval: { allow_contributors: true }\n',
        'weakens the org floor: `approval.allow_contributors: true`',
      ],
      [
        'stop changes-requested from blocking',
        'approval: { changes_requested_blocks: false }\n',
        'weakens the org floor: `approval.changes_requested_blocks: false`',
      ],
      [
        'name a different override team',
        'override: { label: emergency, teams: [repo-admins] }\n',
        'weakens the org floor: the override names the team `@repo-admins`, which the org policy does not',
      ],
      [
        'use another override label',
        'override: { label: skip-checks, teams: [incident-commanders] }\n',
        'the override names the label `skip-checks`',
      ],
      [
        'set a floor of its own',
        'floor: { detection: false }\n',
        `${REPO_FILE}:2:1: \`floor\` is read only from the org policy`,
      ],
    ])('%s: an error at its line, judged by the org policy', (_name, text, message) => {
      const r = judge(text);
      const errors = errorsOf(r);
      expect(errors.join('\n')).toContain(message);
      expect(errors.every((e) => e.startsWith(`${REPO_FILE}:`))).toBe(true);
      if (r.ok) return;
      expect(r.fallback?.critical_paths.find((x) => x.name === 'payments')?.approvals).toBe(2);
      expect(r.fallback?.enforcement).toBe('enforce');
    });

    it('through a file it extends too', () => {
      const shared = {
        file: 'acme/shared:.github/ai-governance.yml',
        text: 'version: 1\nenforcement: evaluate\n',
      };
      const r = parseWithFloor(
        [shared, { file: REPO_FILE, text: 'version: 1\n_extends: shared\n' }],
        org,
        { org: 'acme' },
      );
      expect(errorsOf(r)).toEqual([
        `${shared.file}:2:14: weakens the org floor: \`enforcement: evaluate\` where the org enforces; remove \`enforcement\` or write \`enforcement: enforce\``,
      ]);
    });
  });

  it('without a floor in the org file, the repository’s policy replaces the org’s as before', () => {
    const plain = ORG.replace(/^    floor: true\n/m, '').replace(/^floor: .*\n/m, '');
    const p = policyOf(judge('enforcement: evaluate\ncritical_paths: []\n', plain));
    expect(p.enforcement).toBe('evaluate');
    expect(p.critical_paths).toEqual([]);
  });

  it('an invalid org file is an error even where the repository has its own policy', () => {
    expect(errorsOf(judge('enforcement: enforce\n', `${ORG}bogus: 1\n`))[0]).toContain(
      `${ORG_FILE}:`,
    );
  });
});
