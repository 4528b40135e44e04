/**
 * The org floor end to end: the org's `.github` policy marks a rule and settings as a floor; a
 * repository's own policy may tighten it (the check says which layer each requirement came from),
 * and one that loosens it fails the check at its line while the PR is judged by the org's policy.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  FakeGitHub,
  OWNER,
  POLICY_PATH,
  REPO,
  TEAMS,
  aiPaymentsPr,
  finish,
  plain,
  pullRequestEvent,
  startApp,
  type TestApp,
} from './helpers.js';

const R = `/repos/${OWNER}/${REPO}`;
const ORG_FLOOR = `version: 1
critical_paths:
  - name: payments
    floor: true
    paths: ["services/payments/**"]
    exclude: ["**/*.md"]
    approvals: 2
    reviewers:
      teams: [payments-seniors]
floor: { enforcement: true }
policy_file: { reviewers: { teams: [platform-leads] } }
`;
let gh: FakeGitHub;
let app: TestApp;

beforeEach(async () => {
  app = await startApp();
});

afterEach(() => finish(gh));

function repoWith(policyText: string) {
  const pr = aiPaymentsPr(7);
  gh = new FakeGitHub({
    policyText,
    contents: { [`${OWNER}/.github:${POLICY_PATH}`]: ORG_FLOOR },
    teams: { ...TEAMS, docs: ['wendy'] },
    prs: [pr],
  });
  return pr;
}

describe('the org floor', () => {
  it('applies to a repository with its own policy, and the check names each requirement’s layer', async () => {
    const pr = repoWith(
      'version: 1\ncritical_paths:\n  - name: readme\n    paths: ["services/payments/README.md"]\n    reviewers: { teams: [docs] }\n',
    );
    await app.receive('pull_request', pullRequestEvent('opened', pr));

    const check = gh.one('POST', `${R}/check-runs`).body;
    expect(check.conclusion).toBe('action_required');
    const summary = plain(check.output.summary);
    expect(summary).toContain('❌ readme (repository)');
    expect(summary).toContain('❌ payments (org floor)');
    const event = app.logs.find(
      (l) => (l as Record<string, unknown>).audit === 'ai-governance.evaluation',
    ) as unknown as { rules: { rule: string; layer: string }[] };
    expect(event.rules.map((r) => [r.rule, r.layer])).toEqual([
      ['readme', 'repository'],
      ['payments', 'org floor'],
    ]);
  });

  it('refuses a repository policy that loosens it, at its line, and judges the PR by the floor', async () => {
    const pr = repoWith(
      'version: 1\nenforcement: evaluate\ncritical_paths:\n  - name: payments\n    paths: ["services/payments/**"]\n    approvals: 1\n    reviewers: { teams: [payments-seniors] }\n',
    );
    await app.receive('pull_request', pullRequestEvent('opened', pr));

    const check = gh.one('POST', `${R}/check-runs`).body;
    expect(check.conclusion).toBe('failure');
    expect(check.output.title).toMatch(/^Could not evaluate: the repository's policy loosens/);
    const summary = plain(check.output.summary);
    expect(summary).toContain(
      `acme/${REPO}:${POLICY_PATH}:2:14: weakens the org floor: \`enforcement: evaluate\` where the org enforces`,
    );
    expect(summary).toContain(
      `acme/${REPO}:${POLICY_PATH}:6:16: weakens the org floor rule \`payments\`: approvals 1 &lt; 2`,
    );
    // The floor's requirement is what is shown, at the floor's 2 approvals.
    expect(summary).toMatch(/❌ payments \(org floor\) \| .* \| 2 from @acme\/payments-seniors/);
    expect(check.output.annotations).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: POLICY_PATH, start_line: 6, annotation_level: 'failure' }),
      ]),
    );
    // Nothing asks anyone for anything on an error.
    expect(gh.find('POST', `${R}/pulls/7/requested_reviewers`)).toEqual([]);
  });
});
