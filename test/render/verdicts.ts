/**
 * Hand-built verdicts for the render tests, written from the types alone.
 */
import { expect } from 'vitest';
import type { Evidence } from '../../src/model/evidence.js';
import type { DiscountedReview, RequirementResult, Verdict } from '../../src/model/verdict.js';
import type { RenderContext } from '../../src/render/context.js';

export const SHA = '0123456789abcdef0123456789abcdef01234567';

export function evidence(over: Partial<Evidence> = {}): Evidence {
  return {
    source: 'trailer',
    kind: 'trailer',
    commit: SHA,
    detail: 'Assisted-by: Claude Code',
    tool: 'Claude Code',
    reason: 'built-in catalogue: Claude Code',
    ...over,
  };
}

export function requirement(over: Partial<RequirementResult> = {}): RequirementResult {
  return {
    rule: 'payments',
    kind: 'critical_path',
    files: ['src/payments/charge.ts'],
    approvals: 2,
    reviewers: { teams: ['payments-seniors'], users: [] },
    approvedBy: [],
    changesRequestedBy: [],
    missing: 2,
    satisfied: false,
    discounted: [],
    ...over,
  };
}

export function verdict(over: Partial<Verdict> = {}): Verdict {
  return {
    outcome: 'pass',
    aiAssisted: true,
    evidence: [evidence()],
    changedFiles: 1,
    requirements: [],
    override: null,
    errors: [],
    ...over,
  };
}

/** bob opened the pull request, so his approval does not count (evaluate's own wording). */
export const BOB_IS_AUTHOR: DiscountedReview = {
  login: 'bob',
  reason: 'pr-author',
  detail: '@bob opened this PR and cannot approve it',
};

/**
 * A verdict waiting on one more approval for payments: alice approved, and bob's approval did not
 * count because he opened the pull request.
 */
export function oneShort(
  req: Partial<RequirementResult> = {},
  over: Partial<Verdict> = {},
): Verdict {
  return verdict({
    outcome: 'approval_required',
    requirements: [
      requirement({ approvedBy: ['alice'], missing: 1, discounted: [BOB_IS_AUTHOR], ...req }),
    ],
    ...over,
  });
}

/** Expects each of `wanted` to stand in `text` as a whole line, and names every one that does not. */
export function expectLines(text: string, wanted: string[]): void {
  const lines = new Set(text.split('\n'));
  expect(wanted.filter((line) => !lines.has(line))).toEqual([]);
}

export function ctx(over: Partial<RenderContext> = {}): RenderContext {
  return {
    headSha: SHA,
    policyFile: '.github/ai-governance.yml',
    org: 'acme',
    ...over,
  };
}

/**
 * Cells per table row as GitHub's table parser splits them: a `|` counts as a boundary unless the
 * character right before it is a backslash.
 */
export function tableRowWidths(markdown: string): number[][] {
  const tables: number[][] = [];
  let current: number[] | null = null;
  for (const line of markdown.split('\n')) {
    if (line.startsWith('|')) {
      let pipes = 0;
      for (let i = 0; i < line.length; i++) {
        if (line[i] === '|' && line[i - 1] !== '\\') pipes++;
      }
      if (!current) {
        current = [];
        tables.push(current);
      }
      current.push(pipes);
    } else {
      current = null;
    }
  }
  return tables;
}

/** Nasty strings that user-controlled fields may hold. */
export const NASTY = [
  '<!-- ai-governance:audit-comment -->',
  '<!-- ai-governance:history v1\n[{"at":"x","headSha":"","outcome":"pass","approvedBy":["mallory"]}]\n-->',
  '-->',
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  'a | b | c',
  '`code` ``` ````',
  '@alice and @acme/payments-seniors',
  'fixes #1 and acme/repo#2 and GH-3',
  '[click](javascript:alert(1))',
  '![img](https://evil.example/x.png)',
  'https://evil.example www.evil.example',
  'line one\nline two\r\n\u2028third',
  'bell\u0007esc\u001b[31mred\u001b[0m\u0000nul\u009bcsi',
  '\u202Eevil\u202C',
  '**bold** _em_ ~~strike~~ $x^2$',
  '# heading',
  '1. list',
  '> quote',
  '\\|',
  '&lt; &amp; &#64;',
  'x'.repeat(5000),
  '😀'.repeat(300),
];

/** A verdict that carries `text` in every field user input can reach. */
export function verdictOfUserText(text: string): Verdict {
  return verdict({
    outcome: 'approval_required',
    evidence: [
      evidence({ detail: text, tool: text, reason: text, commit: text, source: text as never }),
    ],
    requirements: [
      requirement({
        rule: text,
        files: [text, `${text}|x`],
        reviewers: { teams: [text], users: [text] },
        approvedBy: [text],
        changesRequestedBy: [text],
        discounted: [{ login: text, reason: text as never, detail: text }],
      }),
    ],
    override: { label: text, appliedBy: text, allowed: false, detail: text },
  });
}

/**
 * Expects markdown in which user text pings nobody and opens no HTML outside code spans, and in
 * which every table row keeps its table's column count.
 */
export function expectInert(markdown: string): void {
  const prose = withoutCodeSpans(markdown);
  expect(prose.replace(/@&#8203;/g, '')).not.toMatch(/@[A-Za-z0-9]/);
  expect(prose).not.toMatch(/[<>]/);
  for (const widths of tableRowWidths(markdown)) expect(new Set(widths).size).toBe(1);
}

/** The markdown with its code spans removed, found the way CommonMark finds them. */
export function withoutCodeSpans(markdown: string): string {
  let out = '';
  let i = 0;
  while (i < markdown.length) {
    if (markdown[i] !== '`' || markdown[i - 1] === '\\') {
      out += markdown[i];
      i++;
      continue;
    }
    let n = 0;
    while (markdown[i + n] === '`') n++;
    const fence = '`'.repeat(n);
    let j = i + n;
    let close = -1;
    while ((j = markdown.indexOf(fence, j)) >= 0) {
      if (markdown[j + n] !== '`' && markdown[j - 1] !== '`') {
        close = j;
        break;
      }
      while (markdown[j] === '`') j++;
    }
    if (close < 0) {
      out += fence;
      i += n;
    } else {
      i = close + n;
    }
  }
  return out;
}
