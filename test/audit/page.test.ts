import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { formatDuration, renderAuditPage } from '../../src/audit/page.js';
import { escapeHtml } from '../../src/render/html.js';
import { chartJsSource, jsonForScript } from '../../src/audit/page-assets.js';
import { record, violation } from './records.js';

const META = {
  org: 'acme',
  since: '2026-09-01T00:00:00Z',
  until: '2026-12-01T00:00:00Z',
  generatedAt: '2026-12-01T08:00:00Z',
  chainHead: '0'.repeat(64),
};

function inlineScripts(html: string): string[] {
  return [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1] as string);
}

describe('the audit page as text', () => {
  const hostile = 'x</script><script>alert(1)</script><!-- \u2028 & "q"';
  const html = renderAuditPage(
    [record({ number: 1 }), violation({ number: 2, title: hostile, tools: [hostile] })],
    META,
  );

  it('carries Chart.js inline and loads nothing by address', () => {
    expect(html).toContain(chartJsSource());
    expect(chartJsSource()).toMatch(/^\/\*!\n \* Chart\.js v4\./);
    expect(chartJsSource()).not.toContain('sourceMappingURL');
    const outsideScripts = html.replace(/<script>[\s\S]*?<\/script>/g, '<script></script>');
    expect(outsideScripts).not.toMatch(/<script[^>]+src=|<link[^>]+href=|<img|@import|url\(/i);
  });

  it('allows by hash exactly its inline scripts and style sheet, and no network', () => {
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/
      .exec(html)?.[1]
      ?.replace(/&#39;/g, "'");
    expect(csp).toBeDefined();
    const hash = (s: string) => `'sha256-${createHash('sha256').update(s).digest('base64')}'`;
    const scripts = inlineScripts(html);
    expect(scripts).toHaveLength(2);
    const style = /<style>([\s\S]*?)<\/style>/.exec(html)?.[1] as string;
    expect(csp).toBe(
      `default-src 'none'; script-src ${scripts.map(hash).join(' ')}; style-src ${hash(style)}; ` +
        "img-src data:; base-uri 'none'; form-action 'none'",
    );
    expect(csp).not.toContain('unsafe');
  });

  it('puts the chart data in one JSON element that no text can close, and reads it back whole', () => {
    const blocks = [
      ...html.matchAll(/<script type="application\/json" id="audit-data">([\s\S]*?)<\/script>/g),
    ];
    expect(blocks).toHaveLength(1);
    const json = blocks[0]?.[1] as string;
    expect(json).not.toMatch(/[<>&\u2028]/);
    expect(JSON.parse(json).tools.labels).toContain(hostile);
    // The fixed page script never holds data.
    expect(inlineScripts(html)[1]).not.toContain('Claude Code');
  });

  it('escapes the hostile title wherever it is shown', () => {
    expect(html).not.toContain('<script>alert(1)');
    expect(html).toContain(
      'x&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;&lt;!-- \u2028 &amp; &quot;q&quot;',
    );
  });
});

describe('a large org', () => {
  it('charts the 25 largest repositories and lists them all in the table under the chart', () => {
    const records = Array.from({ length: 30 }, (_, i) =>
      record({ number: i + 1, repository: `acme/r${String(i).padStart(2, '0')}` }),
    );
    const html = renderAuditPage(records, META);
    const json = /<script type="application\/json" id="audit-data">([\s\S]*?)<\/script>/.exec(
      html,
    )?.[1];
    const data = JSON.parse(json as string) as { repositories: { labels: string[] } };
    expect(data.repositories.labels).toHaveLength(25);
    expect(data.repositories.labels[0]).toBe('acme/r00');
    const table = /<table id="table-repositories">[\s\S]*?<\/table>/.exec(html)?.[0] as string;
    expect(table.match(/<tr>/g)).toHaveLength(31);
    expect(html).toContain('The chart shows the 25 largest of 30.');
  });
});

describe('helpers', () => {
  it('round-trips any string through the JSON element escaping', () => {
    const value = { s: '</script><!--<script>\u2028\u2029&><' };
    const text = jsonForScript(value);
    expect(text).not.toMatch(/[<>&\u2028\u2029]/);
    expect(JSON.parse(text)).toEqual(value);
  });

  it('escapes the five HTML characters', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe(
      '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;',
    );
  });

  it('writes durations as people read them', () => {
    expect(formatDuration(null)).toBe('–');
    expect(formatDuration(0)).toBe('0 min');
    expect(formatDuration(45 * 60_000)).toBe('45 min');
    expect(formatDuration(3 * 3_600_000)).toBe('3 h');
    expect(formatDuration(200 * 60_000)).toBe('3 h 20 min');
    expect(formatDuration(52 * 3_600_000)).toBe('2 d 4 h');
    expect(formatDuration(72 * 3_600_000)).toBe('3 d');
  });
});
