/**
 * The demo page as a first-time reader sees it: emoji that render, the audit comment without the
 * parts the check run already showed, status cells on one line; and `demo --policy` saying when
 * the given policy cannot show anything.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { matchesStory, runDemo } from '../../src/demo/demo.js';
import { commentHtml, EMOJI_FONTS, markdownBlocks } from '../../src/demo/page.js';
import { STORY_FILES } from '../../src/demo/story.js';
import { parsePolicy } from '../../src/policy/load.js';

const dir = mkdtempSync(join(tmpdir(), 'aig-demo-page-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SUMMARY = `⏳ **Needs 2 approvals**

### Requirements

| Rule | Missing |
| --- | --- |
| ❌ payments | 2 |`;

const COMMENT = `## AI Governance audit

⏳ **Needs 2 approvals**

### Requirements

| Rule | Missing |
| --- | --- |
| ❌ payments | 2 |

### History

| Time | Outcome |
| --- | --- |
| 2026-12-04 19:10 UTC | ⏳ approval required |`;

describe('the audit comment on the page', () => {
  it('collapses the blocks the check run above already shows, and keeps the rest open', () => {
    const html = commentHtml(COMMENT, SUMMARY);
    const repeated = [...html.matchAll(/<details class="repeated">([\s\S]*?)<\/details>/g)];
    expect(repeated).toHaveLength(1);
    expect(repeated[0]![1]).toMatch(/As in the check run above \(3 parts\)/);
    expect(repeated[0]![1]).toContain('Requirements');
    expect(repeated[0]![1]).not.toContain('History');
    const open = html.replace(/<details class="repeated">[\s\S]*?<\/details>/, '');
    expect(open).toContain('AI Governance audit');
    expect(open).toContain('History');
  });

  it('collapses nothing when nothing repeats', () => {
    expect(commentHtml(COMMENT, null)).not.toContain('<details');
  });

  it('keeps cells that start with a status mark on one line', () => {
    const html = commentHtml(COMMENT, null);
    expect(html).toMatch(/<td[^>]* class="status">\s*⏳ approval required/);
    expect(html).toMatch(/<td[^>]* class="status">\s*❌ payments/);
    expect(html).not.toMatch(/<td[^>]* class="status">\s*2026/);
  });

  it('splits markdown at blank lines, keeping fenced code whole', () => {
    expect(markdownBlocks('a\nb\n\n```\nx\n\ny\n```\n\nc')).toEqual([
      'a\nb',
      '```\nx\n\ny\n```',
      'c',
    ]);
  });
});

describe('the demo page and run', () => {
  it('warns when the given policy matches none of the story’s files', async () => {
    const policy = join(dir, 'infra.yml');
    writeFileSync(
      policy,
      'version: 1\ncritical_paths:\n  - name: infra\n    paths: ["infra/**"]\n    reviewers: { users: [maya] }\n',
    );
    let text = '';
    const result = await runDemo({
      outDir: join(dir, 'out'),
      policyFile: policy,
      write: (s) => (text += s),
      logLevel: 'silent',
    });
    expect(text).toMatch(
      /Warning: no critical path in .*infra\.yml matches a file the demo's pull requests change \(services\/payments\/rounding\.ts, /,
    );
    expect(text).toMatch(/add 'services\/payments\/\*\*' to a rule's paths/);

    // The page: emoji fonts in both font stacks, and status cells kept whole.
    const page = readFileSync(result.page, 'utf8');
    expect(page).toMatch(
      new RegExp(
        `body \\{[^}]*sans-serif, ${EMOJI_FONTS.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}; \\}`,
      ),
    );
    expect(page).toMatch(/code, pre \{[^}]*monospace,\s+"Apple Color Emoji"/);
    expect(page).toContain('.markdown-body td.status { white-space: nowrap; }');
  }, 60_000);

  it('matchesStory: the demo policy matches, a policy on other paths does not', () => {
    const parse = (t: string) => {
      const r = parsePolicy(t, { file: 'p.yml' });
      if (!r.ok) throw new Error('invalid');
      return r.policy;
    };
    const demo = readFileSync(join(import.meta.dirname, '../../policies/demo.yml'), 'utf8');
    expect(matchesStory(parse(demo))).toBe(true);
    expect(matchesStory(parse('version: 1\n'))).toBe(false);
    expect(
      matchesStory(
        parse(
          'version: 1\ncritical_paths:\n  - name: p\n    paths: ["services/**"]\n    exclude: ["**/*.ts"]\n    reviewers: { users: [a] }\n',
        ),
      ),
    ).toBe(true); // the README.md the AI pull request changes
    expect(STORY_FILES).toContain('services/payments/README.md');
  });
});
