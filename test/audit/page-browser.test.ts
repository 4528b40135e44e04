import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditRecord } from '../../src/audit/model.js';
import { renderAuditPage, type AuditPageMeta } from '../../src/audit/page.js';
import { launchInTempDir, type OpenedPage } from './cdp.js';
import { humanRecord, record, requirement, violation } from './records.js';

const HOSTILE_TITLE =
  '<img src=x onerror="window.pwned=1"> **bold** [click](https://evil.example) =HYPERLINK("http://evil.example","x")';
const HOSTILE_RULE = '</script><script>window.pwned=2</script>';
const HOSTILE_LOGIN = 'mallory"><b>x</b>';

const META: AuditPageMeta = {
  org: 'acme',
  since: '2026-09-07T00:00:00Z',
  until: '2026-10-05T00:00:00Z',
  generatedAt: '2026-10-05T08:00:00Z',
  chainHead: '9f'.repeat(32),
};

/** A small org: five weeks, three repositories, every class, a hostile title, rule and login. */
function org(): AuditRecord[] {
  return [
    record({ number: 1, mergedAt: '2026-09-08T10:00:00Z' }),
    record({ number: 2, mergedAt: '2026-09-15T10:00:00Z', tools: ['Cursor'] }),
    humanRecord({ number: 3, mergedAt: '2026-09-16T10:00:00Z' }),
    violation({
      number: 4,
      title: HOSTILE_TITLE,
      mergedAt: '2026-09-22T10:00:00Z',
      mergedBy: HOSTILE_LOGIN,
      discounted: [
        {
          login: 'maya',
          at: '2026-09-21T10:00:00Z',
          commit: 'b'.repeat(40),
          reason: 'pr-author',
          detail: '@maya opened this PR and cannot approve it',
        },
      ],
    }),
    violation({
      number: 7,
      repository: 'acme/auth',
      url: 'https://github.com/acme/auth/pull/7',
      title: 'Drop the session check',
      mergedAt: '2026-09-23T10:00:00Z',
      mergedBy: 'sam',
      requirements: [
        requirement({ rule: HOSTILE_RULE, approvals: 1, reviewers: ['@acme/security'] }),
      ],
    }),
    record({
      number: 5,
      class: 'overridden',
      mergedAt: '2026-09-24T10:00:00Z',
      override: {
        label: 'ai-governance-override',
        by: 'cto',
        at: '2026-09-24T09:00:00Z',
        allowed: true,
        detail: 'applied by @cto',
      },
      requirements: [requirement()],
      lastRequiredApprovalAt: null,
    }),
    record({
      number: 9,
      repository: 'acme/web',
      url: 'https://github.com/acme/web/pull/9',
      class: 'unknown',
      reason: 'GitHub listed 3000 of 3412 changed files.',
      requirements: [],
      mergedAt: '2026-09-30T10:00:00Z',
    }),
    humanRecord({
      number: 6,
      repository: 'acme/web',
      url: 'https://github.com/acme/web/pull/6',
      mergedAt: '2026-10-01T10:00:00Z',
    }),
  ];
}

describe('the audit page in a real browser (headless Chromium, network off)', () => {
  let chromium: ReturnType<typeof launchInTempDir> | undefined;
  let page: OpenedPage;
  let empty: OpenedPage;

  beforeAll(async () => {
    chromium = launchInTempDir('aig-audit-page-');
    const full = join(chromium.dir, 'index.html');
    writeFileSync(full, renderAuditPage(org(), META));
    const none = join(chromium.dir, 'empty.html');
    writeFileSync(none, renderAuditPage([], { ...META, chainHead: null }));
    page = await chromium.browser.open(pathToFileURL(full).href);
    empty = await chromium.browser.open(pathToFileURL(none).href);
  }, 120_000);

  afterAll(async () => {
    await chromium?.close();
  });

  it('draws every chart with the library, in bars of the data’s colours', async () => {
    const charts = await page.evaluate<
      { id: string; type: string; labels: string[]; painted: number; bars: number }[]
    >(`
      [...document.querySelectorAll('canvas')].map((c) => {
        const chart = Chart.getChart(c);
        const { data } = c.getContext('2d').getImageData(0, 0, c.width, c.height);
        let painted = 0, bars = 0;
        for (let i = 0; i < data.length; i += 4) {
          if (data[i + 3] === 0) continue;
          painted++;
          // The bar colours: red #cf222e (critical), blue #0969da (tools), purple #8250df (AI share).
          const [r, g, b] = [data[i], data[i + 1], data[i + 2]];
          if ((r === 0xcf && g === 0x22 && b === 0x2e) || (r === 0x09 && g === 0x69 && b === 0xda) ||
              (r === 0x82 && g === 0x50 && b === 0xdf)) bars++;
        }
        return { id: c.id, type: chart ? chart.config.type ?? '' : 'none', labels: chart ? chart.data.labels : [], painted, bars };
      })`);
    expect(charts.map((c) => c.id)).toEqual([
      'chart-weekly',
      'chart-repositories',
      'chart-rules',
      'chart-tools',
    ]);
    for (const c of charts) {
      expect(c.type, c.id).not.toBe('none');
      expect(c.bars, `${c.id} has coloured bars or points`).toBeGreaterThan(50);
      expect(c.painted, c.id).toBeGreaterThan(c.bars);
    }
    const byId = Object.fromEntries(charts.map((c) => [c.id, c.labels]));
    expect(byId['chart-weekly']).toEqual([
      '2026-W37',
      '2026-W38',
      '2026-W39',
      '2026-W40',
      '2026-W41',
    ]);
    expect(byId['chart-repositories']).toEqual(['acme/payments', 'acme/auth']);
    expect(byId['chart-rules']).toEqual(['payments', HOSTILE_RULE]);
    expect(byId['chart-tools']).toEqual(['Claude Code', 'Cursor']);
  });

  it('gives the weekly chart the share and counts of each week', async () => {
    const data = await page.evaluate<number[][]>(
      `Chart.getChart('chart-weekly').data.datasets.map((d) => d.data)`,
    );
    expect(data).toEqual([
      [100, 50, 100, 50, null],
      [1, 1, 3, 1, 0],
      [0, 1, 0, 1, 0],
    ]);
  });

  it('lists the violations, overrides and unknowns in tables with links to the PRs', async () => {
    const rows = await page.evaluate<Record<string, { cells: string[]; links: string[] }[]>>(`
      Object.fromEntries(['violations', 'overrides', 'bypassed', 'unknown'].map((id) => [id,
        [...document.querySelectorAll('#' + id + ' tbody tr')].map((tr) => ({
          cells: [...tr.cells].map((td) => td.textContent),
          links: [...tr.querySelectorAll('a')].map((a) => a.href),
        }))]))`);
    expect(rows.violations).toEqual([
      {
        cells: [
          'acme/payments#4',
          HOSTILE_TITLE,
          `@${HOSTILE_LOGIN}`,
          '2026-09-22',
          'payments: needs 2 from @acme/payments-seniors, had 0',
          '@maya opened this PR and cannot approve it',
        ],
        links: ['https://github.com/acme/payments/pull/4'],
      },
      {
        cells: [
          'acme/auth#7',
          'Drop the session check',
          '@sam',
          '2026-09-23',
          `${HOSTILE_RULE}: needs 1 from @acme/security, had 0`,
          '–',
        ],
        links: ['https://github.com/acme/auth/pull/7'],
      },
    ]);
    expect(rows.overrides).toEqual([
      {
        cells: [
          'acme/payments#5',
          'Round ledger totals to the cent',
          'ai-governance-override',
          '@cto',
          '2026-09-24 09:00 UTC',
          'overridden',
        ],
        links: ['https://github.com/acme/payments/pull/5'],
      },
    ]);
    expect(rows.bypassed?.map((r) => r.cells[0])).toEqual(['acme/payments#4', 'acme/auth#7']);
    expect(rows.unknown).toEqual([
      {
        cells: [
          'acme/web#9',
          'Round ledger totals to the cent',
          'GitHub listed 3000 of 3412 changed files.',
        ],
        links: ['https://github.com/acme/web/pull/9'],
      },
    ]);
  });

  it('shows hostile titles, rules and logins as text: nothing of theirs runs or becomes markup', async () => {
    const found = await page.evaluate<{
      imgs: number;
      bold: number;
      pwned: unknown;
      scripts: number;
      evil: number;
    }>(`({
      imgs: document.images.length,
      bold: document.querySelectorAll('main b').length,
      pwned: window.pwned ?? null,
      scripts: document.scripts.length,
      evil: document.querySelectorAll('a[href*="evil"]').length,
    })`);
    expect(found).toEqual({ imgs: 0, bold: 0, pwned: null, scripts: 3, evil: 0 });
  });

  it('shows the totals, approval time, window, org, chain head and policy digests', async () => {
    const text = await page.evaluate<Record<string, string>>(`({
      totals: document.getElementById('totals').innerText,
      approval: document.getElementById('approval-time').innerText,
      window: document.getElementById('window').textContent,
      head: document.getElementById('chain-head').textContent,
      policies: document.getElementById('policies').innerText,
      title: document.title,
    })`);
    expect(text.totals).toMatch(/8\s*merged PRs/);
    expect(text.totals).toMatch(/2\s*merged without required approval/);
    expect(text.totals).toMatch(/1\s*unknown/);
    // Three compliant records, each approved 2 h after it was ready.
    expect(text.approval).toMatch(/Median\s+2 h/);
    expect(text.approval).toMatch(/90th percentile\s+2 h/);
    expect(text.window).toBe(
      'Merged from 2026-09-07 to 2026-10-05 in every repository of acme; each PR judged by the policy in force when it merged.',
    );
    expect(text.head).toBe('9f'.repeat(32));
    expect(text.policies).toContain('a'.repeat(64));
    expect(text.title).toBe('AI Governance audit: acme');
  });

  it('loads nothing from the network and logs no error or warning', () => {
    for (const p of [page, empty]) {
      expect(p.log.exceptions).toEqual([]);
      expect(p.log.problems).toEqual([]);
      expect(p.log.requests.every((u) => u.startsWith('file:'))).toBe(true);
    }
  });

  it('opens an empty report without charts or errors, saying there was nothing', async () => {
    const found = await empty.evaluate<{ canvases: number; notes: string[]; chart: string }>(`({
      canvases: document.querySelectorAll('canvas').length,
      notes: [...document.querySelectorAll('p.note[id]')].map((p) => p.id),
      chart: typeof Chart,
    })`);
    expect(found.canvases).toBe(0);
    expect(found.chart).toBe('function');
    expect(found.notes).toEqual([
      'weekly-none',
      'repositories-none',
      'rules-none',
      'tools-none',
      'approval-none',
      'violations-none',
      'overrides-none',
      'bypassed-none',
      'unknown-none',
      'policies-none',
    ]);
  });
});
