/**
 * What the audit page carries besides its content: the charting library (Chart.js, read from
 * the installed package so the page opens offline), the page's own script that draws the charts
 * from the page's JSON data, its style sheet, and the Content-Security-Policy that lets exactly
 * these inline scripts and this style sheet run, nothing else.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** The id of the `<script type="application/json">` element that holds the charts' data. */
export const DATA_ID = 'audit-data';

let chartLibrary: string | undefined;

/**
 * Chart.js's UMD build (it defines `window.Chart`), read from the installed package. Its
 * source-map comment is dropped: the map is not shipped with the page.
 */
export function chartJsSource(): string {
  if (chartLibrary !== undefined) return chartLibrary;
  const require = createRequire(import.meta.url);
  // The package exports only its module entry points; the UMD build sits next to them.
  const file = join(dirname(require.resolve('chart.js')), 'chart.umd.min.js');
  const text = readFileSync(file, 'utf8').replace(/\n\/\/# sourceMappingURL=\S*\s*$/, '\n');
  if (/<\/script|<!--/i.test(text)) {
    throw new Error(`${file} holds "</script" or "<!--" and cannot be inlined into a page`);
  }
  chartLibrary = text;
  return text;
}

/** `'sha256-…'`, the CSP source that allows one inline script or style with exactly this text. */
export function cspHash(text: string): string {
  return `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
}

/** The policy: no network, no plugins, no forms; only the given inline scripts and styles. */
export function contentSecurityPolicy(scripts: string[], styles: string[]): string {
  return [
    "default-src 'none'",
    `script-src ${scripts.map(cspHash).join(' ')}`,
    `style-src ${styles.map(cspHash).join(' ')}`,
    'img-src data:',
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

/**
 * JSON for a `<script type="application/json">` element: every `<` (and the line separators
 * JavaScript once treated as line ends) written as an escape, so the text can neither close the
 * element nor open a comment; JSON.parse reads it back unchanged.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/**
 * The page's script. It is fixed text: the data comes only from the JSON element, which it
 * parses; labels are drawn on canvases, never written into the document as HTML.
 */
export const PAGE_SCRIPT = `(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('${DATA_ID}').textContent);
  var Chart = window.Chart;
  Chart.defaults.animation = false;
  Chart.defaults.font.family = '-apple-system, BlinkMacSystemFont, "Segoe UI", "Noto Sans", Helvetica, Arial, sans-serif';
  Chart.defaults.color = '#1f2328';
  var AI = '#8250df', HUMAN = '#afb8c1', CRITICAL = '#cf222e', TOOL = '#0969da';

  function canvas(id) { return document.getElementById(id); }

  function weekly(id, w) {
    var el = canvas(id);
    if (!el) return;
    new Chart(el, {
      data: {
        labels: w.labels,
        datasets: [
          { type: 'line', label: 'AI-assisted share (%)', data: w.share, yAxisID: 'share',
            borderColor: AI, backgroundColor: AI, spanGaps: false, pointRadius: 3 },
          { type: 'bar', label: 'AI-assisted PRs', data: w.ai, yAxisID: 'count',
            backgroundColor: 'rgba(130, 80, 223, 0.35)', stack: 'merged' },
          { type: 'bar', label: 'Other merged PRs', data: w.other, yAxisID: 'count',
            backgroundColor: HUMAN, stack: 'merged' }
        ]
      },
      options: {
        maintainAspectRatio: false,
        interaction: { mode: 'index', intersect: false },
        scales: {
          share: { position: 'left', min: 0, max: 100, title: { display: true, text: 'AI-assisted share (%)' } },
          count: { position: 'right', beginAtZero: true, stacked: true, grid: { drawOnChartArea: false },
            title: { display: true, text: 'Merged PRs' }, ticks: { precision: 0 } },
          x: { stacked: true }
        }
      }
    });
  }

  function bars(id, rows, label, colour) {
    var el = canvas(id);
    if (!el) return;
    el.parentNode.style.height = (rows.labels.length * 26 + 60) + 'px';
    new Chart(el, {
      type: 'bar',
      data: { labels: rows.labels, datasets: [{ label: label, data: rows.counts, backgroundColor: colour }] },
      options: {
        indexAxis: 'y',
        maintainAspectRatio: false,
        plugins: { legend: { display: false } },
        scales: { x: { beginAtZero: true, ticks: { precision: 0 } } }
      }
    });
  }

  weekly('chart-weekly', data.weeks);
  bars('chart-repositories', data.repositories, 'AI-assisted critical changes', CRITICAL);
  bars('chart-rules', data.rules, 'AI-assisted critical changes', CRITICAL);
  bars('chart-tools', data.tools, 'Pull requests', TOOL);
})();
`;

export const PAGE_CSS = `
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0; background: #f6f8fa; color: #1f2328; font: 14px/1.5 -apple-system,
  BlinkMacSystemFont, "Segoe UI", "Noto Sans", Helvetica, Arial, sans-serif; }
main { max-width: 1080px; margin: 0 auto; padding: 24px 16px 64px; }
h1 { font-size: 26px; margin: 8px 0 4px; }
h2 { font-size: 20px; margin: 36px 0 8px; padding-bottom: 6px; border-bottom: 1px solid #d1d9e0; }
header p, .note { color: #59636e; margin: 4px 0; }
a { color: #0969da; }
code { font-family: ui-monospace, SFMono-Regular, "SF Mono", Menlo, Consolas, monospace;
  font-size: 85%; overflow-wrap: anywhere; }
.totals { display: grid; grid-template-columns: repeat(auto-fill, minmax(150px, 1fr)); gap: 8px;
  margin: 16px 0; padding: 0; list-style: none; }
.totals li { background: #fff; border: 1px solid #d1d9e0; border-radius: 6px; padding: 10px 12px; }
.totals .n { display: block; font-size: 24px; font-weight: 600; }
.totals .violation .n { color: #cf222e; }
.totals .unknown .n { color: #9a6700; }
.chart { position: relative; height: 320px; background: #fff; border: 1px solid #d1d9e0;
  border-radius: 6px; padding: 8px; }
table { border-collapse: collapse; width: 100%; background: #fff; margin: 8px 0; }
th, td { border: 1px solid #d1d9e0; padding: 4px 8px; text-align: left; vertical-align: top;
  overflow-wrap: anywhere; }
th { background: #f6f8fa; }
.facts { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; background: #fff;
  border: 1px solid #d1d9e0; border-radius: 6px; padding: 12px 16px; margin: 8px 0; }
.facts dt { color: #59636e; }
.facts dd { margin: 0; }
details { margin: 8px 0; }
`;
