import { describe, expect, it } from 'vitest';
import type { Verdict } from '../../src/model/verdict.js';
import { CHECK_OUTPUT_LIMIT } from '../../src/model/github.js';
import {
  byteLength,
  checkConclusion,
  consistencyProblem,
  renderCheck,
  TITLE_MAX,
  verdictTitle,
} from '../../src/render/check.js';
import {
  BOB_IS_AUTHOR,
  ctx,
  evidence,
  expectInert,
  expectLines,
  NASTY,
  oneShort,
  requirement,
  SHA,
  tableRowWidths,
  verdict,
  verdictOfUserText,
  withoutCodeSpans,
} from './verdicts.js';

const approved = (rule: string, by: string[]) =>
  requirement({ rule, approvedBy: by, missing: 0, satisfied: true });

describe('checkConclusion', () => {
  it.each([
    ['pass', verdict(), 'success'],
    [
      'overridden',
      verdict({
        outcome: 'overridden',
        requirements: [requirement()],
        override: { label: 'ai-governance-override', appliedBy: 'x', allowed: true, detail: '' },
      }),
      'success',
    ],
    [
      'approval_required',
      verdict({ outcome: 'approval_required', requirements: [requirement()] }),
      'action_required',
    ],
    ['error', verdict({ outcome: 'error', errors: ['boom'] }), 'failure'],
  ] as const)('%s → %s', (_name, v, expected) => {
    expect(checkConclusion(v)).toBe(expected);
  });

  it.each([
    ['an unknown outcome', verdict({ outcome: 'maybe' as never })],
    ['a pass with an unsatisfied requirement', verdict({ requirements: [requirement()] })],
    ['a pass that lists errors', verdict({ errors: ['team could not be read'] })],
    [
      'an override that was not allowed',
      verdict({
        outcome: 'overridden',
        override: { label: 'x', appliedBy: 'x', allowed: false, detail: '' },
      }),
    ],
    ['an override that is missing', verdict({ outcome: 'overridden' })],
    ['missing arrays', { ...verdict(), requirements: undefined } as unknown as Verdict],
  ])('fails closed on %s', (_name, v) => {
    expect(consistencyProblem(v)).not.toBeNull();
    expect(checkConclusion(v)).toBe('failure');
    expect(renderCheck(v, ctx()).title).toMatch(/^Could not evaluate: /);
  });
});

describe('titles', () => {
  it('pass', () => {
    expect(verdictTitle(verdict({ aiAssisted: false, evidence: [] }))).toBe('Not AI-assisted');
    expect(verdictTitle(verdict())).toBe('AI-assisted: no approval required');
    expect(
      verdictTitle(
        verdict({
          requirements: [approved('payments', ['a', 'b']), approved('policy', ['B', 'c'])],
        }),
      ),
    ).toBe('AI-assisted: approved by @a, @b, @c');
    expect(
      verdictTitle(
        verdict({ aiAssisted: false, evidence: [], requirements: [approved('p', ['alice'])] }),
      ),
    ).toBe('Not AI-assisted: approved by @alice');
  });

  it('pass without a policy file', () => {
    expect(verdictTitle(verdict(), { noPolicy: true })).toBe(
      'AI-assisted: no policy file, no approval required',
    );
    expect(verdictTitle(verdict({ aiAssisted: false, evidence: [] }), { noPolicy: true })).toBe(
      'Not AI-assisted (no policy file)',
    );
  });

  it('approval required, one requirement', () => {
    const v = verdict({ outcome: 'approval_required', requirements: [requirement()] });
    expect(verdictTitle(v, { org: 'acme' })).toBe('Needs 2 approvals from @acme/payments-seniors');
    expect(verdictTitle(v)).toBe('Needs 2 approvals from team payments-seniors');
    const partial = verdict({
      outcome: 'approval_required',
      requirements: [requirement({ approvedBy: ['alice'], missing: 1 })],
    });
    expect(verdictTitle(partial, { org: 'acme' })).toBe(
      'Needs 1 more approval from @acme/payments-seniors',
    );
    const anyone = verdict({
      outcome: 'approval_required',
      requirements: [
        requirement({
          rule: 'AI-assisted default',
          kind: 'ai_default',
          approvals: 1,
          missing: 1,
          reviewers: { teams: [], users: [] },
        }),
      ],
    });
    expect(verdictTitle(anyone)).toBe('Needs 1 approval from any reviewer');
  });

  it('approval required, several requirements', () => {
    const v = verdict({
      outcome: 'approval_required',
      requirements: [
        requirement(),
        requirement({
          rule: 'policy file',
          kind: 'policy_file',
          approvals: 1,
          missing: 1,
          reviewers: { teams: ['platform'], users: ['root'] },
        }),
        approved('docs', ['x']),
      ],
    });
    expect(verdictTitle(v, { org: 'acme' })).toBe(
      'Needs 3 approvals: 2 from @acme/payments-seniors (payments), 1 from @acme/platform or @root (policy…',
    );
  });

  it('approval required, blocked by requested changes', () => {
    const both = verdict({
      outcome: 'approval_required',
      requirements: [requirement({ changesRequestedBy: ['carol'] })],
    });
    expect(verdictTitle(both, { org: 'acme' })).toBe(
      'Needs 2 approvals from @acme/payments-seniors; changes requested by @carol',
    );
    const blocked = verdict({
      outcome: 'approval_required',
      requirements: [
        requirement({ approvedBy: ['a', 'b'], missing: 0, changesRequestedBy: ['carol'] }),
      ],
    });
    expect(verdictTitle(blocked)).toBe('Blocked: changes requested by @carol');
  });

  it('overridden', () => {
    const v = verdict({
      outcome: 'overridden',
      requirements: [requirement()],
      override: { label: 'ai-governance-override', appliedBy: 'x', allowed: true, detail: 'ok' },
    });
    expect(verdictTitle(v)).toBe('Overridden by @x with label ai-governance-override');
    const unknown = { ...v, override: { ...v.override!, appliedBy: null } };
    expect(verdictTitle(unknown)).toBe('Overridden with label ai-governance-override');
  });

  it('error', () => {
    expect(
      verdictTitle(verdict({ outcome: 'error', errors: ['team acme/x could not be read', 'b'] })),
    ).toBe('Could not evaluate: team acme/x could not be read');
    const policyErrors = [
      {
        file: '.github/ai-governance.yml',
        line: 3,
        column: 5,
        message: 'unknown key "x"',
        fix: 'remove it',
      },
    ];
    expect(verdictTitle(verdict({ outcome: 'error', errors: [] }), { policyErrors })).toBe(
      'Could not evaluate: .github/ai-governance.yml:3:5: unknown key "x"; remove it',
    );
    expect(verdictTitle(verdict({ outcome: 'error', errors: [] }))).toBe(
      'Could not evaluate: unknown error',
    );
  });

  it('is one line of at most 100 characters', () => {
    for (const nasty of NASTY) {
      const titles = [
        verdictTitle(verdict({ outcome: 'error', errors: [nasty] })),
        verdictTitle(
          verdict({
            outcome: 'overridden',
            requirements: [requirement()],
            override: { label: nasty, appliedBy: nasty, allowed: true, detail: '' },
          }),
        ),
        verdictTitle(
          verdict({
            outcome: 'approval_required',
            requirements: [
              requirement({ rule: nasty, reviewers: { teams: [nasty], users: [nasty] } }),
            ],
          }),
          { org: nasty },
        ),
      ];
      for (const t of titles) {
        expect(Array.from(t).length).toBeLessThanOrEqual(TITLE_MAX);
        // eslint-disable-next-line no-control-regex
        expect(t).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/);
      }
    }
  });
});

describe('renderCheck summary', () => {
  const full = oneShort(
    {
      files: ['src/payments/a.ts', 'src/payments/b.ts', 'src/payments/c.ts'],
      changesRequestedBy: ['carol'],
      discounted: [
        BOB_IS_AUTHOR,
        { login: 'dave', reason: 'stale', detail: 'Approved commit 1234567, not the head.' },
      ],
    },
    {
      changedFiles: 3,
      evidence: [
        evidence(),
        evidence({
          source: 'author',
          kind: 'commit-author',
          detail: 'Claude <noreply@anthropic.com>',
          tool: undefined,
          commit: undefined,
        }),
      ],
      override: {
        label: 'ai-governance-override',
        appliedBy: 'eve',
        allowed: false,
        detail: 'eve may not override.',
      },
    },
  );
  full.requirements.push(
    requirement({
      rule: 'policy file',
      kind: 'policy_file',
      files: ['.github/ai-governance.yml'],
      approvals: 1,
      missing: 1,
      reviewers: { teams: [], users: ['root'] },
      discounted: [BOB_IS_AUTHOR],
    }),
  );

  it('has the outcome, evidence, requirements, reviews that did not count, override and next steps', () => {
    const { title, summary, text } = renderCheck(full, ctx());
    expect(title).toMatch(/^Needs 2 more approvals: 1 from @acme\/payments-seniors \(payments\)/);
    expectLines(summary, [
      '**⏳ Needs 2 more approvals\\: 1 from @&#8203;acme\\/payments\\-seniors \\(payments\\)\\, 1 from @&#8203;root \\(policy file\\)\\; changes requested by @&#8203;carol**',
      'Head commit ` 0123456 ` · policy ` .github/ai-governance.yml ` · 3 changed files · AI-assisted (2 pieces of evidence)',
      // Evidence table.
      '| Source | Tool | Commit | Detail | Why it counts |',
      '| trailer | Claude Code | ` 0123456 ` | ` Assisted-by: Claude Code ` | built\\-in catalogue\\: Claude Code |',
      '| author | — | — | ` Claude <noreply@anthropic.com> ` | built\\-in catalogue\\: Claude Code |',
      // Requirements table.
      '| Rule | Files | Required | Approved by | Missing | Changes requested by |',
      '| ❌ payments | 3: ` src/payments/a.ts `, ` src/payments/b.ts `, ` src/payments/c.ts ` | 2 from @&#8203;acme\\/payments\\-seniors | @&#8203;alice | 1 | @&#8203;carol |',
      '| ❌ policy file | 1: ` .github/ai-governance.yml ` | 1 from @&#8203;root | — | 1 | — |',
      // Did not count: merged across requirements.
      '- @&#8203;bob (payments, policy file) opened the pull request: @&#8203;bob opened this PR and cannot approve it',
      '- @&#8203;dave (payments) reviewed an older commit: Approved commit 1234567\\, not the head\\.',
      // Override.
      '**Override:** label ` ai-governance-override ` applied by @&#8203;eve, not accepted. eve may not override\\.',
      // Next steps.
      '### What to do next',
      '- Ask @&#8203;acme\\/payments\\-seniors for 1 more approval (payments).',
      '- Ask @&#8203;root for 1 approval (policy file).',
      '- @&#8203;carol requested changes (payments): address them and ask for a new review.',
    ]);
    // Details text lists every file.
    expectLines(text ?? '', ['### payments (3 files)', '- ` src/payments/c.ts `']);
  });

  it('never pings: every @ in the summary is followed by a zero-width space', () => {
    const { summary, text } = renderCheck(full, ctx());
    expect(withoutCodeSpans(summary).replace(/@&#8203;/g, '')).not.toMatch(/@[A-Za-z0-9]/);
    expect(text ?? '').not.toMatch(/@[A-Za-z0-9]/);
  });

  it('keeps every table row to its column count, whatever the user text', () => {
    for (const nasty of NASTY) {
      const { summary } = renderCheck(
        verdictOfUserText(nasty),
        ctx({ org: nasty, headSha: nasty, policyFile: nasty }),
      );
      expectInert(summary);
      expect(summary).not.toContain('<!--');
      expect(summary).not.toContain('-->');
      // Every line of user text stays on its own line: no injected headings or lists.
      for (const line of summary.split('\n')) {
        expect(line).not.toMatch(
          /^(#{1,6} (?!AI evidence|Requirements|Reviews that did not count|What to do next|Errors|Problems in the policy file|No policy file)|> |1\. )/,
        );
      }
    }
  });

  it('lists errors and policy errors as file:line:column: message; fix', () => {
    const { summary } = renderCheck(
      verdict({ outcome: 'error', errors: ['team acme/x could not be read'] }),
      ctx({
        policyErrors: [
          {
            file: '.github/ai-governance.yml',
            line: 12,
            column: 7,
            message: 'approvals must be at least 1',
            fix: 'set approvals: 1 or more',
          },
        ],
      }),
    );
    expect(summary).toContain('### Problems in the policy file');
    expect(summary).toContain(
      '- \\.github\\/ai\\-governance\\.yml\\:12\\:7\\: approvals must be at least 1\\; set approvals\\: 1 or more',
    );
    expect(summary).toContain('- team acme\\/x could not be read');
    expect(summary).toContain('Fix the problems listed above in ` .github/ai-governance.yml `');
  });

  it('says when there is no policy file and how to add one', () => {
    const found = renderCheck(verdict(), ctx({ noPolicy: true })).summary;
    expect(found).toContain('### No policy file');
    expect(found).toContain('AI assistance was found in this pull request (1 piece of evidence');
    expect(found).toContain('add ` .github/ai-governance.yml ` to the default branch');
    expect(found).toContain('` docs/policy.md `');
    const none = renderCheck(
      verdict({ aiAssisted: false, evidence: [] }),
      ctx({ noPolicy: true, policyDocsUrl: 'https://example.org/docs/policy.md' }),
    ).summary;
    expect(none).toContain('No AI assistance was found in this pull request.');
    expect(none).toContain('[the policy reference](https://example.org/docs/policy.md)');
    const bad = renderCheck(
      verdict(),
      ctx({ noPolicy: true, policyDocsUrl: 'javascript:alert(1)' }),
    ).summary;
    expect(bad).not.toContain('javascript');
  });

  it('pass and overridden say there is nothing to do', () => {
    expect(renderCheck(verdict(), ctx()).summary).toContain('- Nothing to do.');
    const v = verdict({
      outcome: 'overridden',
      requirements: [requirement()],
      override: { label: 'ai-governance-override', appliedBy: 'x', allowed: true, detail: '' },
    });
    const { summary } = renderCheck(v, ctx());
    expect(summary).toContain(
      '**⚠️ Overridden by @&#8203;x with label ai\\-governance\\-override**',
    );
    expect(summary).toContain('applied by @&#8203;x, accepted.');
  });

  it('says "not evaluated" instead of counting files when the PR could not be judged', () => {
    const out = renderCheck(
      verdict({ outcome: 'error', errors: ['could not read reviews'], judged: false }),
      ctx({ headSha: SHA }),
    );
    expect(out.summary).toContain('not evaluated');
    expect(out.summary).not.toContain('no AI assistance found');
    expect(out.summary).not.toContain('0 changed files');
  });

  it('shows a short head sha and a one-line text when no file matched a rule', () => {
    const out = renderCheck(verdict(), ctx({ headSha: SHA }));
    expect(out.summary).toContain('` 0123456 `');
    expect(out.text).toBe('No file falls under a critical-path rule.\n');
  });
});

describe('size bounds', () => {
  const files = Array.from({ length: 100_000 }, (_, i) => `src/generated/module-${i}/index.ts`);
  const items = Array.from({ length: 10_000 }, (_, i) =>
    evidence({
      detail: `Co-authored-by: Bot ${i} <bot${i}@example.com> ${'@|`<'.repeat(60)}`,
      commit: SHA,
    }),
  );

  it('stays within 65,535 bytes with 100,000 files and 10,000 evidence items, dropping rows with a note', () => {
    const v = verdict({
      outcome: 'approval_required',
      changedFiles: 100_000,
      evidence: items,
      requirements: [requirement({ files }), requirement({ rule: 'all', files })],
    });
    const out = renderCheck(v, ctx());
    expect(byteLength(out.summary)).toBeLessThanOrEqual(CHECK_OUTPUT_LIMIT);
    expect(byteLength(out.text ?? '')).toBeLessThanOrEqual(CHECK_OUTPUT_LIMIT);
    expect(out.summary).toContain('100,000 changed files');
    expect(out.summary).toContain('… and 99,995 more');
    expect(out.summary).toMatch(/\*… and [\d,]+ more evidence items\.\*/);
    expect(out.text).toContain('### payments (100,000 files)');
    expect(out.text).toMatch(/\*… and [\d,]+ more files\.\*/);
    for (const widths of tableRowWidths(out.summary)) expect(new Set(widths).size).toBe(1);
  });

  it('never fails, however large every field is', () => {
    const huge = '@#|`<'.repeat(20_000);
    const many = Array.from({ length: 500 }, (_, i) =>
      requirement({
        rule: `${huge}${i}`,
        files,
        approvedBy: Array.from({ length: 500 }, (_, j) => `user-${j}`),
        changesRequestedBy: Array.from({ length: 500 }, (_, j) => `other-${j}`),
        reviewers: { teams: Array.from({ length: 500 }, (_, j) => `t${j}`), users: [] },
        discounted: Array.from({ length: 50 }, (_, j) => ({
          login: `d${j}-${i}`,
          reason: 'stale' as const,
          detail: huge,
        })),
      }),
    );
    const v = verdict({
      outcome: 'error',
      evidence: items,
      requirements: many,
      errors: Array.from({ length: 10_000 }, () => huge),
      override: { label: huge, appliedBy: huge, allowed: false, detail: huge },
    });
    const out = renderCheck(
      v,
      ctx({
        policyErrors: Array.from({ length: 1000 }, () => ({
          file: huge,
          line: 1,
          column: 1,
          message: huge,
          fix: huge,
        })),
      }),
    );
    expect(byteLength(out.summary)).toBeLessThanOrEqual(CHECK_OUTPUT_LIMIT);
    expect(byteLength(out.text ?? '')).toBeLessThanOrEqual(CHECK_OUTPUT_LIMIT);
    expect(Array.from(out.title).length).toBeLessThanOrEqual(TITLE_MAX);
    expect(checkConclusion(v)).toBe('failure');
  });
});
