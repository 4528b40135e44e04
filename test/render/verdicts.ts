/**
 * Hand-built verdicts for the render tests, written from the types alone.
 */
import type { Evidence } from '../../src/model/evidence.js';
import type { RequirementResult, Verdict } from '../../src/model/verdict.js';
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
