/** `ai-governance audit`'s options: the window, the repositories, the paths, and the refusals. */
import { describe, expect, it } from 'vitest';
import { parseAuditArgs, parseWhen } from '../../../src/cli/audit/options.js';
import { PassThrough } from 'node:stream';
import { BarProgress, LineProgress } from '../../../src/cli/audit/progress.js';

const NOW = new Date('2026-12-01T12:00:00Z');
const parse = (...args: string[]) => parseAuditArgs(args, {}, '/work', NOW);

describe('audit options', () => {
  it('reads a number of days, a date and an instant; --until a date means its end', () => {
    expect(parseWhen('--since', '90d', NOW).toISOString()).toBe('2026-09-02T12:00:00.000Z');
    expect(parseWhen('--since', '2026-09-01', NOW).toISOString()).toBe('2026-09-01T00:00:00.000Z');
    expect(parseWhen('--until', '2026-09-01', NOW, true).toISOString()).toBe(
      '2026-09-01T23:59:59.999Z',
    );
    expect(parseWhen('--since', '2026-09-01T10:00:00+02:00', NOW).toISOString()).toBe(
      '2026-09-01T08:00:00.000Z',
    );
    for (const bad of ['2026-02-30', 'yesterday', '90', '-3d', '2026-9-1'])
      expect(() => parseWhen('--since', bad, NOW), bad).toThrow(/--since/);
  });

  it('fills the defaults: until now, every repository, audit-report/ and its audit.db', () => {
    expect(parse('--org', 'acme', '--since', '30d')).toEqual({
      org: 'acme',
      since: '2026-11-01T12:00:00.000Z',
      until: '2026-12-01T12:00:00.000Z',
      repos: [],
      policyFile: null,
      outDir: '/work/audit-report',
      dbFile: '/work/audit-report/audit.db',
      failOnViolations: false,
      signKey: null,
      apiUrl: 'https://api.github.com',
    });
  });

  it('takes repositories as OWNER/NAME or NAME, of --org only', () => {
    const o = parse('--org', 'acme', '--since', '30d', '--repo', 'acme/pay', '--repo', 'web');
    expect(o !== 'help' && o.repos).toEqual(['pay', 'web']);
    expect(() => parse('--org', 'acme', '--since', '30d', '--repo', 'other/pay')).toThrow(
      /not a repository of --org acme/,
    );
  });

  it('refuses a missing org, a future --since, an --until before --since, a bad --fail-on', () => {
    expect(() => parse('--since', '30d')).toThrow(/--org/);
    expect(() => parse('--org', 'acme')).toThrow(/--since 90d/);
    expect(() => parse('--org', 'acme', '--since', '2027-01-01')).toThrow(/in the future/);
    expect(() => parse('--org', 'acme', '--since', '2026-10-01', '--until', '2026-09-30')).toThrow(
      /before --since/,
    );
    expect(() => parse('--org', 'acme', '--since', '30d', '--fail-on', 'errors')).toThrow(
      /--fail-on takes "violations"/,
    );
    expect(() => parse('--org', 'ac/me', '--since', '30d')).toThrow(/not a GitHub account name/);
  });
});

describe('audit progress, when stderr is not a terminal', () => {
  it('prints one line per repository and one per wait, with the requests and the limit left', () => {
    let text = '';
    const p = new LineProgress((s) => void (text += s));
    p.start(2);
    p.response({ 'x-ratelimit-remaining': '4999' });
    p.response({ 'x-ratelimit-remaining': '4998' });
    p.pullRequests(3);
    p.repoDone('acme/pay', 3);
    p.waiting(61_500, 'primary limit');
    p.stop();
    expect(text.split('\n')).toEqual([
      'Reading 2 repositories.',
      '[1/2] acme/pay: 3 merged pull requests read (2 requests so far, 4998 left in the rate limit)',
      "Waiting 62 s for GitHub's rate limit (primary limit), then resuming.",
      '',
    ]);
    expect(p.requests).toBe(2);
  });
});

describe('audit progress, on a terminal', () => {
  it('draws one bar with the repositories, PRs, requests, limit left and a wait, then clears it', () => {
    const stream = Object.assign(new PassThrough(), {
      isTTY: true,
      columns: 200,
      cursorTo: () => true,
      clearLine: () => true,
      moveCursor: () => true,
    });
    let text = '';
    stream.on('data', (d: Buffer) => void (text += d.toString()));
    const p = new BarProgress(stream as unknown as NodeJS.WriteStream);
    p.start(3);
    p.response({ 'x-ratelimit-remaining': '4000' });
    p.pullRequests(7);
    p.repoDone();
    p.waiting(5000, 'primary limit');
    p.stop();
    expect(text).toContain('0/3 repos | 0 PRs | 0 requests | rate limit ?');
    expect(text).toContain('1/3 repos | 7 PRs | 1 requests | rate limit 4000 | ETA ');
    expect(text).toContain('| waiting 5 s for the rate limit (primary limit)');
    expect(text.endsWith('\u001b[2K')).toBe(true);
  });
});
