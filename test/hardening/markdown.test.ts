/**
 * Text that reaches markdown, end to end: commit messages, titles, branch names, trailer values,
 * names, file paths and labels written by whoever opens a pull request go through the app into
 * the check run and the audit comment. Neither may then hold HTML, a broken table, a mention that
 * pings anyone or a forged copy of the comment's marker or history; both stay within GitHub's
 * size limits (the fake GitHub refuses anything larger, as GitHub does), with a note when cut.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { parseHistory } from '../../src/render/comment.js';
import { COMMENT_MARKER } from '../../src/model/names.js';
import {
  FakeGitHub,
  PAYMENTS_POLICY,
  TEAMS,
  aiPaymentsPr,
  finish,
  pullRequestEvent,
  reviewEvent,
  type PrSpec,
} from '../app/helpers.js';
import { linksOf, proseOf, tokensOf } from '../render/github-markdown.js';
import { R, auditComment, startPlainApp } from './harness.js';

let gh: FakeGitHub | undefined;

afterEach(() => {
  finish(gh);
  gh = undefined;
});

const HTML = '<img src=x onerror=alert(1)><script>alert(2)</script></td></tr><b>bold</b>';
const MENTIONS = '@everyone @acme/security-team @octocat #1 GH-12';
const TABLE = '| forged | row | with | extra | cells | here |';
const FORGED_HISTORY =
  '<!-- ai-governance:history v1\n[{"at":"2020-01-01T00:00:00Z","headSha":"abc","outcome":"pass","approvedBy":["ceo"]}]\n-->';
const HOSTILE = `${HTML} ${MENTIONS} ${TABLE} ${COMMENT_MARKER} ${FORGED_HISTORY} \`\`\` [link](javascript:alert(3)) ![img](https://evil.test/x.png) http://evil.test`;

/** What every check summary and audit comment must satisfy, whatever the user text. */
function assertInert(markdown: string, kind: 'summary' | 'comment' | 'text'): void {
  let body = markdown;
  if (kind === 'text') {
    // The app's own record of the head ends the check's text, once, on one inert line.
    const open = body.indexOf('<!-- ai-governance:record v1\n');
    expect(open).toBeGreaterThan(0);
    const record = body.slice(open).split('\n');
    expect(record).toHaveLength(4);
    expect(record[1]).toMatch(/^\{[^<>]*\}$/);
    expect(record.slice(2)).toEqual(['-->', '']);
    body = body.slice(0, open);
  }
  if (kind === 'comment') {
    // The app's own marker and history block come first, and only once.
    expect(body.startsWith(`${COMMENT_MARKER}\n<!-- ai-governance:history v1\n`)).toBe(true);
    const close = body.indexOf('\n-->\n');
    expect(close).toBeGreaterThan(0);
    body = body.slice(close + 5);
  }
  expect(body).not.toContain('<!--');
  expect(body).not.toContain('-->');
  // Read as GitHub reads it (a CommonMark + GFM reader, raw HTML recognised): no HTML at all.
  const tokens = tokensOf(body);
  expect(tokens.filter((t) => t.type.startsWith('html')).map((t) => t.content)).toEqual([]);
  // No mention or reference that links: in the text shown outside code, @ and # before a name
  // or number are broken.
  const prose = proseOf(body);
  expect(prose).not.toMatch(/@[A-Za-z0-9]/);
  expect(prose).not.toMatch(/#\d/);
  // No link or image from user text, written or autolinked.
  expect(linksOf(body)).toEqual([]);
  expect(tokens.filter((t) => t.type === 'image')).toEqual([]);
  // Every table row has the header's number of cells.
  const lines = body.split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (!/^\| .* \|$/.test(lines[i]!) || !/^\| --- /.test(lines[i + 1] ?? '')) continue;
    const cells = (line: string) => line.replace(/\\\|/g, '').split('|').length;
    const width = cells(lines[i]!);
    for (let j = i + 1; j < lines.length && lines[j]!.startsWith('|'); j++) {
      expect(cells(lines[j]!), lines[j]).toBe(width);
    }
  }
}

describe('the checks used in this file', () => {
  it('catch raw HTML, a ping, a reference, a marker, a link and a broken table', () => {
    for (const bad of [
      'hi <b>x</b>',
      'ping @octocat',
      'see #12',
      'see \\#12', // an escaped # still shows as #12, which GitHub links
      `x ${COMMENT_MARKER}`,
      '[x](https://evil.test)',
      '| a | b |\n| --- | --- |\n| 1 | 2 | 3 |',
    ]) {
      expect(() => assertInert(bad, 'summary'), bad).toThrow();
    }
    expect(() =>
      assertInert('fine `<b>@x</b>` @&#8203;y \\#&#8203;1 &lt;b&gt;', 'summary'),
    ).not.toThrow();
  });
});

/** An AI-assisted PR whose every user-written field is hostile. */
function hostilePr(): PrSpec {
  const pr = aiPaymentsPr(7);
  pr.title = `Fix ${HOSTILE}`;
  pr.body = `Summary ${HOSTILE}\n\n🤖 Generated with [Claude Code](https://claude.com/claude-code) ${HOSTILE}`;
  pr.headRef = `claude/${HOSTILE.replace(/\s/g, '-')}`;
  pr.commits = [
    {
      sha: pr.headSha,
      message: [
        `Subject ${HOSTILE}`,
        '',
        `Body ${HOSTILE}`,
        '',
        `Assisted-by: ${HOSTILE.replace(/\n/g, ' ')}`,
        `Co-authored-by: ${HOSTILE.replace(/[<>\n]/g, ' ')} <noreply@anthropic.com>`,
      ].join('\n'),
      author: { name: `Mallory ${HTML}`, email: 'mallory@evil.test', login: 'mallory' },
    },
  ];
  pr.files = [
    `services/payments/${HOSTILE.replace(/\//g, '_')}.ts`,
    'services/payments/`tick`|pipe|.ts',
    'services/payments/-->.ts',
  ].map((path) => ({ path, changeType: 'ADDED' }));
  pr.changedFiles = pr.files.length;
  pr.reviews = [{ by: 'mallory', state: 'APPROVED', commit: pr.headSha }];
  return pr;
}

describe('hostile user text through the whole app', () => {
  it('reaches the check and the comment escaped: no HTML, table intact, no ping, no forgery', async () => {
    const pr = hostilePr();
    gh = new FakeGitHub({ policyText: PAYMENTS_POLICY, teams: TEAMS, prs: [pr] });
    const app = await startPlainApp();
    await app.receive('pull_request', pullRequestEvent('opened', pr));
    expect(app.errors()).toEqual([]);

    const check = gh.one('POST', `${R}/check-runs`).body;
    expect(check.conclusion).toBe('action_required');
    assertInert(check.output.summary, 'summary');
    assertInert(check.output.text, 'text');
    // The evidence is all there, shown as written inside code spans.
    expect(check.output.summary).toContain('Assisted-by: <img src=x onerror=alert(1)>');
    expect(check.output.summary).toContain('AI-assisted (4 pieces of evidence)');
    expect(check.output.summary).toContain('Generated with [Claude Code]');
    expect(check.output.text).toContain('- `` services/payments/`tick`|pipe|.ts ``');

    const comment = auditComment(pr);
    assertInert(comment, 'comment');
    // The forged history in the commit message never becomes history.
    expect(parseHistory(comment).flatMap((e) => e.approvedBy)).toEqual([]);
    expect(comment.split(COMMENT_MARKER)).toHaveLength(2);
    expect(comment.split('<!-- ai-governance:history v1')).toHaveLength(2);

    // Annotations are plain text fields; their paths are the files as named.
    expect(check.output.annotations.map((a: { path: string }) => a.path)).toEqual(
      pr.files.map((f) => f.path),
    );
  });

  it('a second evaluation reads back only the app’s own history', async () => {
    const pr = hostilePr();
    gh = new FakeGitHub({ policyText: PAYMENTS_POLICY, teams: TEAMS, prs: [pr] });
    const app = await startPlainApp();
    await app.receive('pull_request', pullRequestEvent('opened', pr));
    pr.reviews.push({ by: 'carol', state: 'APPROVED', commit: pr.headSha });
    await app.receive(
      'pull_request_review',
      reviewEvent(pr, { by: 'carol', state: 'APPROVED', commit: pr.headSha }),
    );
    const history = parseHistory(auditComment(pr));
    expect(history.map((e) => [e.outcome, e.approvedBy])).toEqual([
      ['approval_required', []],
      ['approval_required', ['carol']],
    ]);
    assertInert(auditComment(pr), 'comment');
  });

  it('labels and logins that look like markup are shown, not obeyed', async () => {
    const pr = aiPaymentsPr(7);
    const label = '<b>AI</b> @acme/admins |x|';
    pr.labels.push({ name: label, by: 'alice' });
    const policy = `${PAYMENTS_POLICY}detection:\n  labels: ["${label}"]\n`;
    gh = new FakeGitHub({ policyText: policy, teams: TEAMS, prs: [pr] });
    const app = await startPlainApp();
    await app.receive('pull_request', pullRequestEvent('labeled', pr));
    const check = gh.one('POST', `${R}/check-runs`).body;
    assertInert(check.output.summary, 'summary');
    assertInert(auditComment(pr), 'comment');
  });
});

describe('size limits with hostile, huge input', () => {
  it('3,000 files with long hostile names and 10,000 trailers: within limits, with notes', async () => {
    const pr = aiPaymentsPr(7);
    pr.files = Array.from({ length: 3000 }, (_, i) => ({
      path: `services/payments/${i}-${'<@x|`'.repeat(40)}.ts`,
      changeType: 'ADDED',
    }));
    pr.changedFiles = 3000;
    const trailers = Array.from({ length: 10_000 }, (_, i) => `Assisted-by: ${HTML} ${i}`);
    pr.commits = [
      {
        sha: pr.headSha,
        message: `Many\n\n${trailers.join('\n')}\n`,
        author: pr.commits[0]!.author,
      },
    ];
    pr.title = HOSTILE.repeat(50);
    gh = new FakeGitHub({ policyText: PAYMENTS_POLICY, teams: TEAMS, prs: [pr] });
    const app = await startPlainApp();
    await app.receive('pull_request', pullRequestEvent('opened', pr));
    expect(app.errors()).toEqual([]);

    const check = gh.one('POST', `${R}/check-runs`).body;
    expect(check.conclusion).toBe('action_required');
    expect(check.output.title.length).toBeLessThanOrEqual(100);
    expect(check.output.summary.length).toBeLessThanOrEqual(65_535);
    expect(check.output.text.length).toBeLessThanOrEqual(65_535);
    expect(check.output.summary).toMatch(/\*… and [\d,]+ more evidence items\.\*/);
    expect(check.output.text).toMatch(/\*… and [\d,]+ more files\.\*|cut to fit/);
    assertInert(check.output.summary, 'summary');

    const comment = auditComment(pr);
    expect(comment.length).toBeLessThanOrEqual(65_536);
    expect(comment).toMatch(/\*… and [\d,]+ more evidence items\.\*/);
    assertInert(comment, 'comment');
  });

  it('a 1 MB commit message: judged, and what is shown of it is bounded', async () => {
    const pr = aiPaymentsPr(7);
    const long = `${HTML} ${'y'.repeat(1024 * 1024)}`;
    pr.commits = [
      {
        sha: pr.headSha,
        message: `Huge\n\n${long}\n\nAssisted-by: ${long}\n`,
        author: pr.commits[0]!.author,
      },
    ];
    gh = new FakeGitHub({ policyText: PAYMENTS_POLICY, teams: TEAMS, prs: [pr] });
    const app = await startPlainApp();
    await app.receive('pull_request', pullRequestEvent('opened', pr));
    const check = gh.one('POST', `${R}/check-runs`).body;
    expect(check.conclusion).toBe('action_required');
    expect(check.output.summary.length).toBeLessThan(20_000);
    assertInert(check.output.summary, 'summary');
  });
});
