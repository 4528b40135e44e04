import { describe, expect, it } from 'vitest';
import { renderText } from '../../src/render/text.js';
import { evidence, oneShort, requirement, verdict } from './verdicts.js';

// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;]*m/g;

describe('renderText', () => {
  const waiting = oneShort(
    {
      files: Array.from({ length: 30 }, (_, i) => `src/payments/f${i}.ts`),
      changesRequestedBy: ['carol'],
    },
    { changedFiles: 30 },
  );

  it('prints the title, requirements, reviews that did not count, evidence and next steps', () => {
    const out = renderText(waiting, { color: false, org: 'acme' });
    expect(out).toContain(
      'AI Governance: ● Needs 1 more approval from @acme/payments-seniors; changes requested by @carol',
    );
    expect(out).toContain('AI-assisted (1 piece of evidence) · 30 changed files');
    expect(out).toContain(
      '  ✘ payments: 2 approvals from @acme/payments-seniors; approved by @alice; missing 1; changes requested by @carol',
    );
    expect(out).toContain('30 files: src/payments/f0.ts, ');
    expect(out).toContain(', … and 10 more');
    expect(out).toContain(
      '  - @bob (payments) opened the pull request: @bob opened this PR and cannot approve it',
    );
    expect(out).toContain('  - trailer · Claude Code · 0123456: Assisted-by: Claude Code');
    expect(out).toContain('  - Ask @acme/payments-seniors for 1 more approval (payments).');
    expect(out.endsWith('\n')).toBe(true);
    expect(out).not.toMatch(ANSI);
  });

  it('colours only when asked', () => {
    const out = renderText(waiting, { color: true });
    expect(out).toMatch(ANSI);
    expect(out.replace(ANSI, '')).toBe(renderText(waiting, { color: false }));
  });

  it('cannot be used to send escape sequences to the terminal', () => {
    const evil = 'x\u001b]0;pwned\u0007\u001b[2J\u009b31m\r\nnext';
    const v = verdict({
      outcome: 'error',
      errors: [evil],
      evidence: [evidence({ detail: evil, tool: evil, reason: evil })],
      requirements: [requirement({ rule: evil, files: [evil], approvedBy: [evil] })],
    });
    const out = renderText(v, { color: false, org: evil });
    // eslint-disable-next-line no-control-regex
    expect(out).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
    expect(out).toContain('x]0;pwned[2J31m next');
  });

  it('prints each outcome', () => {
    expect(renderText(verdict(), { color: false })).toMatch(
      /^AI Governance: ✔ AI-assisted: no approval required\n/,
    );
    expect(renderText(verdict({ aiAssisted: false, evidence: [] }), { color: false })).toContain(
      'No AI assistance found · 1 changed file',
    );
    const overridden = renderText(
      verdict({
        outcome: 'overridden',
        requirements: [requirement()],
        override: {
          label: 'ai-governance-override',
          appliedBy: 'lead',
          allowed: true,
          detail: 'Lead may override.',
        },
      }),
      { color: false },
    );
    expect(overridden).toContain('⚑ Overridden by @lead with label ai-governance-override');
    expect(overridden).toContain(
      'Override: label "ai-governance-override" applied by @lead, accepted.',
    );
    const error = renderText(
      verdict({ outcome: 'error', errors: ['team payments-seniors could not be read'] }),
      {
        color: false,
        policyErrors: [
          { file: '.github/ai-governance.yml', line: 2, column: 3, message: 'bad', fix: 'fix it' },
        ],
      },
    );
    expect(error).toContain('✘ Could not evaluate: team payments-seniors could not be read');
    expect(error).toContain('  - .github/ai-governance.yml:2:3: bad; fix it');
    expect(error).toContain('Fix the problems listed above in .github/ai-governance.yml');
  });

  it('fails closed on an inconsistent verdict', () => {
    const out = renderText(verdict({ requirements: [requirement()] }), { color: false });
    expect(out).toMatch(/^AI Governance: ✘ Could not evaluate: /);
    expect(out).toContain('The verdict cannot be trusted');
  });

  it('bounds long lists', () => {
    const v = verdict({
      evidence: Array.from({ length: 500 }, (_, i) => evidence({ detail: `line ${i}` })),
    });
    const out = renderText(v, { color: false, maxItems: 5 });
    expect(out).toContain('line 4');
    expect(out).not.toContain('line 5');
    expect(out).toContain('… and 495 more evidence items');
  });
});
