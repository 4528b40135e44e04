/**
 * The org floor end to end: the org's `.github` policy marks a rule and settings as a floor; a
 * repository's own policy may tighten it (the check says which layer each requirement came from),
 * and one that loosens it fails the check at its line while the PR is judged by the org's policy.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { FakeGitHubState } from '../../src/fake-github/state.js';
import { pullRequestEvent } from '../../src/fake-github/webhooks.js';
import { plain, type AppOnFake } from '../support/app-on-fake.js';
import { sent } from '../support/requests.js';
import {
  POLICY_PATH,
  R,
  REPO,
  TEAMS,
  acme,
  headOf,
  openAiPaymentsPr,
  startApp,
} from './scenario.js';

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
let state: FakeGitHubState;
let app: AppOnFake;

afterEach(() => app.stop());

/** The AI-assisted payments PR in a repository with `policy` under the org floor, opened. */
async function openedUnder(policy: string) {
  state = acme({ policy, orgPolicy: ORG_FLOOR, teams: { ...TEAMS, docs: ['wendy'] } });
  const n = openAiPaymentsPr(state);
  app = await startApp(state);
  await app.deliver(pullRequestEvent(state, REPO, n, 'opened'));
  return n;
}

describe('the org floor', () => {
  it('applies to a repository with its own policy, and the check names each requirement’s layer', async () => {
    const n = await openedUnder(
      'version: 1\ncritical_paths:\n  - name: readme\n    paths: ["services/payments/README.md"]\n    reviewers: { teams: [docs] }\n',
    );
    const check = app.check(REPO, headOf(state, n));
    expect(check.conclusion).toBe('action_required');
    const summary = plain(check.output.summary!);
    expect(summary).toContain('❌ readme (repository)');
    expect(summary).toContain('❌ payments (org floor)');
    const [event] = app.audits('ai-governance.evaluation') as unknown as {
      rules: { rule: string; layer: string }[];
    }[];
    expect(event!.rules.map((r) => [r.rule, r.layer])).toEqual([
      ['readme', 'repository'],
      ['payments', 'org floor'],
    ]);
  });

  it('refuses a repository policy that loosens it, at its line, and judges the PR by the floor', async () => {
    const n = await openedUnder(
      'version: 1\nenforcement: evaluate\ncritical_paths:\n  - name: payments\n    paths: ["services/payments/**"]\n    approvals: 1\n    reviewers: { teams: [payments-seniors] }\n',
    );
    const check = app.check(REPO, headOf(state, n));
    expect(check.conclusion).toBe('failure');
    expect(check.output.title).toMatch(/^Could not evaluate: the repository's policy loosens/);
    const summary = plain(check.output.summary!);
    expect(summary).toContain(
      `${REPO}:${POLICY_PATH}:2:14: weakens the org floor: \`enforcement: evaluate\` where the org enforces`,
    );
    expect(summary).toContain(
      `${REPO}:${POLICY_PATH}:6:16: weakens the org floor rule \`payments\`: approvals 1 &lt; 2`,
    );
    // The floor's requirement is what is shown, at the floor's 2 approvals.
    expect(summary).toMatch(/❌ payments \(org floor\) \| .* \| 2 from @acme\/payments-seniors/);
    expect(check.annotations).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: POLICY_PATH, start_line: 6, annotation_level: 'failure' }),
      ]),
    );
    // Nothing asks anyone for anything on an error.
    expect(sent(app.fake, `POST ${R}/pulls/${n}/requested_reviewers`)).toEqual([]);
    expect(state.requirePull(REPO, n).requestedReviewers).toEqual([]);
  });
});
