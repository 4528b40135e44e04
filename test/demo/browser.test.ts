import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDemo } from '../../src/demo/demo.js';
import { launchInTempDir } from '../audit/cdp.js';

/** What a reader sees: the body's text without tags, entities decoded. */
function visibleText(dom: string): string {
  const body = dom.slice(dom.indexOf('<body'));
  return body
    .replace(/<style[\s\S]*?<\/style>/g, '')
    .replace(/<[^>]*>/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&nbsp;/g, ' ')
    .replace(/&amp;/g, '&')
    .replace(/[\u200B\u2060]/g, '');
}

describe('the demo page in a real browser (headless Chromium)', () => {
  let chromium: ReturnType<typeof launchInTempDir> | undefined;
  let dom: string;

  beforeAll(async () => {
    chromium = launchInTempDir('aig-browser-');
    const result = await runDemo({ outDir: join(chromium.dir, 'demo-output'), logLevel: 'silent' });
    const page = await chromium.browser.open(pathToFileURL(result.page).href);
    dom = await page.evaluate<string>('document.documentElement.outerHTML');
  }, 120_000);

  afterAll(async () => {
    await chromium?.close();
  });

  it('renders the tables the app wrote', () => {
    const tables = dom.match(/<table>/g) ?? [];
    expect(tables.length).toBeGreaterThanOrEqual(10);
    expect(dom).toMatch(/<th>Rule<\/th>\s*<th>Files<\/th>\s*<th>Required<\/th>/);
    expect(dom).toMatch(/<th>Time<\/th>\s*<th>Head commit<\/th>\s*<th>Outcome<\/th>/);
    expect(dom).toContain('<h2>AI Governance audit</h2>');
  });

  it('shows every step and its verdict as text a person reads', () => {
    const text = visibleText(dom);
    for (let n = 1; n <= 6; n++) expect(dom).toContain(`id="step-${n}"`);
    expect(text).toContain('Needs 2 approvals from @acme/payments-seniors');
    expect(text).toContain('@maya opened this PR and cannot approve it');
    expect(text).toContain('Overridden by @ines with label ai-governance-override');
  });

  it('shows no raw markdown, no escapes and no HTML comments', () => {
    const steps = dom.slice(dom.indexOf('<section class="step"'));
    const text = visibleText(steps);
    expect(text).not.toContain('| --- |');
    expect(text).not.toContain('**');
    expect(text).not.toMatch(/\\[-:.#@()[\]'!]/);
    expect(text).not.toMatch(/&#\d+;|&[a-z]+;/);
    expect(text).not.toContain('<!--');
    expect(text).not.toContain('ai-governance:history');
    expect(dom).not.toContain('<!--');
    expect(text).not.toMatch(/(^|\s)#{1,6} /);
  });
});
