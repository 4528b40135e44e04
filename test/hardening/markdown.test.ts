/**
 * Text that reaches markdown, end to end: commit messages, titles, branch names, trailer values,
 * names, file paths and labels written by whoever opens a pull request go through the app into
 * the check run and the audit comment. Neither may then hold HTML, a broken table, a mention that
 * pings anyone or a forged copy of the comment's marker or history; both stay within GitHub's
 * size limits (the fake GitHub refuses anything larger, as GitHub does), with a note when cut.
 *
 * The hostile text is put only where GitHub lets it go: a branch name keeps to git's rules for
 * ref names, a git author name has no `<`, `>` or line break, a title keeps to 256 characters.
 */
import { describe, expect, it } from 'vitest';
import type { FakePullRequest } from '../../src/fake-github/model.js';
import type { FakeGitHubState } from '../../src/fake-github/state.js';
import { pullRequestEvent, pullRequestReviewEvent } from '../../src/fake-github/webhooks.js';
import { COMMENT_MARKER } from '../../src/model/names.js';
import { parseHistory } from '../../src/render/comment.js';
import { linksOf, proseOf, tokensOf } from '../render/github-markdown.js';
import { PAYMENTS_POLICY, R, REPO, hardeningState, one, openAiPaymentsPr, start } from './world.js';

const HTML = '<img src=x onerror=alert(1)><script>alert(2)</script></td></tr><b>bold</b>';
const MENTIONS = '@everyone @acme/security-team @octocat #1 GH-12';
const TABLE = '| forged | row | with | extra | cells | here |';
const FORGED_HISTORY =
  '<!-- ai-governance:history v1\n[{"at":"2020-01-01T00:00:00Z","headSha":"abc","outcome":"pass","approvedBy":["ceo"]}]\n-->';
const HOSTILE = `${HTML} ${MENTIONS} ${TABLE} ${COMMENT_MARKER} ${FORGED_HISTORY} \`\`\` [link](javascript:alert(3)) ![img](https://evil.test/x.png) http://evil.test`;

/** GitHub's longest pull request title. */
const TITLE_LIMIT = 256;

/** `text` as a branch name git accepts (git check-ref-format): the rest of the markup stays. */
function refName(text: string): string {
  return text
    .replace(/[\s~^:?*[\\\x00-\x1f\x7f]/g, '-')
    .replace(/\.{2,}/g, '.')
    .replace(/@\{/g, '@-')
    .replace(/\/+/g, '/')
    .replace(/\/\./g, '/-')
    .replace(/\.lock(?=\/|$)/g, '-lock')
    .replace(/[./]+$/, '');
}

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

  it('a hostile branch name is still one git accepts, and still hostile', () => {
    const ref = refName(`claude/${HOSTILE}`);
    expect(ref).not.toMatch(/[\s~^:?*[\\]|\.\.|@\{|\/\/|\/\.|[./]$/);
    for (const markup of ['<img', '<!--', '-->', '@everyone', '|', '`', '](javascript']) {
      expect(ref).toContain(markup);
    }
  });
});

/** An AI-assisted PR whose every user-written field is hostile; mallory approves it. */
function hostilePr(state: FakeGitHubState): FakePullRequest {
  state.addUser('mallory', {
    name: `Mallory ${HOSTILE.replace(/[<>\n]/g, ' ')}`,
    email: 'mallory@evil.test',
  });
  const pr = openAiPaymentsPr(state, 7, {
    title: `Fix ${HOSTILE}`.slice(0, TITLE_LIMIT),
    body: `Summary ${HOSTILE}\n\n🤖 Generated with [Claude Code](https://claude.com/claude-code) ${HOSTILE}`,
    headRef: refName(`claude/${HOSTILE}`),
    commits: [
      {
        message: [
          `Subject ${HOSTILE}`,
          '',
          `Body ${HOSTILE}`,
          '',
          `Assisted-by: ${HOSTILE.replace(/\n/g, ' ')}`,
          `Co-authored-by: ${HOSTILE.replace(/[<>\n]/g, ' ')} <noreply@anthropic.com>`,
        ].join('\n'),
        author: 'mallory',
      },
    ],
    files: [
      `services/payments/${HOSTILE.replace(/\//g, '_')}.ts`,
      'services/payments/`tick`|pipe|.ts',
      'services/payments/-->.ts',
    ].map((path) => ({ path, changeType: 'ADDED' as const })),
  });
  state.submitReview(REPO, pr.number, { user: 'mallory' });
  return pr;
}

const opened = (state: FakeGitHubState, pr: FakePullRequest) =>
  pullRequestEvent(state, REPO, pr.number, 'opened');

describe('hostile user text through the whole app', () => {
  it('reaches the check and the comment escaped: no HTML, table intact, no ping, no forgery', async () => {
    const state = hardeningState();
    const pr = hostilePr(state);
    const app = await start(state);
    expect(await app.send(opened(state, pr))).toBe(200);
    expect(app.errors()).toEqual([]);

    const check = one(app, 'POST', `${R}/check-runs`);
    expect(check.conclusion).toBe('action_required');
    assertInert(check.output.summary, 'summary');
    assertInert(check.output.text, 'text');
    // The evidence is all there, shown as written inside code spans.
    expect(check.output.summary).toContain('Assisted-by: <img src=x onerror=alert(1)>');
    expect(check.output.summary).toContain('AI-assisted (4 pieces of evidence)');
    expect(check.output.summary).toContain('Generated with [Claude Code]');
    expect(check.output.text).toContain('- `` services/payments/`tick`|pipe|.ts ``');

    const comment = app.comment(REPO, pr.number);
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
    const state = hardeningState();
    const pr = hostilePr(state);
    const app = await start(state);
    expect(await app.send(opened(state, pr))).toBe(200);
    const carol = state.submitReview(REPO, pr.number, { user: 'carol' });
    expect(await app.send(pullRequestReviewEvent(state, REPO, pr.number, carol.id))).toBe(200);
    const history = parseHistory(app.comment(REPO, pr.number));
    expect(history.map((e) => [e.outcome, e.approvedBy])).toEqual([
      ['approval_required', []],
      ['approval_required', ['carol']],
    ]);
    assertInert(app.comment(REPO, pr.number), 'comment');
  });

  it('labels and logins that look like markup are shown, not obeyed', async () => {
    const label = '<b>AI</b> @acme/admins |x|';
    const policy = `${PAYMENTS_POLICY}detection:\n  labels: ["${label}"]\n`;
    const state = hardeningState({ policy });
    const pr = openAiPaymentsPr(state);
    state.addLabel(REPO, pr.number, label, 'alice');
    const app = await start(state);
    const labeled = pullRequestEvent(state, REPO, pr.number, 'labeled', { label, sender: 'alice' });
    expect(await app.send(labeled)).toBe(200);
    const check = one(app, 'POST', `${R}/check-runs`);
    assertInert(check.output.summary, 'summary');
    assertInert(app.comment(REPO, pr.number), 'comment');
  });
});

describe('size limits with hostile, huge input', () => {
  it('3,000 files with long hostile names and 10,000 trailers: within limits, with notes', async () => {
    const state = hardeningState();
    const trailers = Array.from({ length: 10_000 }, (_, i) => `Assisted-by: ${HTML} ${i}`);
    const pr = openAiPaymentsPr(state, 7, {
      title: HOSTILE.repeat(50).slice(0, TITLE_LIMIT),
      commits: [{ message: `Many\n\n${trailers.join('\n')}\n` }],
      files: Array.from({ length: 3000 }, (_, i) => ({
        path: `services/payments/${i}-${'<@x|`'.repeat(40)}.ts`,
        changeType: 'ADDED' as const,
      })),
    });
    const app = await start(state);
    expect(await app.send(opened(state, pr))).toBe(200);
    expect(app.errors()).toEqual([]);

    const check = one(app, 'POST', `${R}/check-runs`);
    expect(check.conclusion).toBe('action_required');
    expect(check.output.title.length).toBeLessThanOrEqual(100);
    expect(check.output.summary.length).toBeLessThanOrEqual(65_535);
    expect(check.output.text.length).toBeLessThanOrEqual(65_535);
    expect(check.output.summary).toMatch(/\*… and [\d,]+ more evidence items\.\*/);
    expect(check.output.text).toMatch(/\*… and [\d,]+ more files\.\*|cut to fit/);
    assertInert(check.output.summary, 'summary');

    const comment = app.comment(REPO, pr.number);
    expect(comment.length).toBeLessThanOrEqual(65_536);
    expect(comment).toMatch(/\*… and [\d,]+ more evidence items\.\*/);
    assertInert(comment, 'comment');
  });

  it('a 1 MB commit message: judged, and what is shown of it is bounded', async () => {
    const state = hardeningState();
    const long = `${HTML} ${'y'.repeat(1024 * 1024)}`;
    const pr = openAiPaymentsPr(state, 7, {
      commits: [{ message: `Huge\n\n${long}\n\nAssisted-by: ${long}\n` }],
    });
    const app = await start(state);
    expect(await app.send(opened(state, pr))).toBe(200);
    const check = one(app, 'POST', `${R}/check-runs`);
    expect(check.conclusion).toBe('action_required');
    expect(check.output.summary.length).toBeLessThan(20_000);
    assertInert(check.output.summary, 'summary');
  });
});
