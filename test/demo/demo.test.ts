import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCliIn } from '../support/run-cli.js';
import {
  commentOnly,
  DemoInterrupted,
  DemoPolicyError,
  packageRoot,
  runDemo,
} from '../../src/demo/demo.js';
import type { DemoResult, StepResult } from '../../src/demo/result.js';
import type { Harness } from '../../src/demo/harness.js';
import { parseMarkdown, type Block } from '../../src/demo/markdown.js';
import { blocksToText, markdownToText } from '../../src/demo/terminal-text.js';
import { STORY } from '../../src/demo/story.js';
import { parseHistory } from '../../src/render/comment.js';
import { COMMENT_MARKER } from '../../src/model/names.js';

const HELD = 'Needs 2 approvals from @acme/payments-seniors';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'aig-demo-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** A log sink: what the app logged at warn level or above. */
function logSink(): { stream: Writable; lines: string[] } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { stream, lines };
}

/** Resolves true when something accepts connections on host:port. */
function listening(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host, port });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

/** The comment's text as a reader sees it, without the zero-width spaces that stop mentions. */
const readable = (markdown: string) => markdownToText(markdown).replace(/\u200B/g, '');

function section(markdown: string, heading: string): Block[] {
  const blocks = parseMarkdown(markdown);
  const at = blocks.findIndex(
    (b) => b.type === 'heading' && b.children.some((c) => c.type === 'text' && c.text === heading),
  );
  if (at < 0) return [];
  const end = blocks.findIndex((b, i) => i > at && b.type === 'heading');
  return blocks.slice(at + 1, end < 0 ? undefined : end);
}

describe('the demo story under policies/demo.yml', () => {
  let result: DemoResult;
  let text = '';
  let harness: Harness | undefined;
  const log = logSink();

  beforeAll(async () => {
    result = await runDemo({
      outDir: join(dir, 'story'),
      write: (s) => (text += s),
      logStream: log.stream,
      onStart: (h) => (harness = h),
    });
  }, 60_000);

  const step = (n: number): StepResult => result.steps[n - 1]!;

  it('ends with simulate: the proposed policy would hold two open PRs and release one', () => {
    const rows = result.simulation.trim().split('\n').slice(2);
    expect(rows).toEqual([
      expect.stringMatching(
        /^acme\/payments-api#1\s+success\s+action_required\s+success → action_required; new requirement payments \(1\)$/,
      ),
      expect.stringMatching(
        /^acme\/payments-api#2\s+success\s+action_required\s+success → action_required; payments: 2 → 1$/,
      ),
      expect.stringMatching(
        /^acme\/payments-api#3\s+action_required\s+success\s+action_required → success; payments: 2 → 1$/,
      ),
    ]);
    expect(text).toContain('Before merging a policy change: ai-governance simulate');
  });

  it('ends with an audit of the merged PRs, its report linked from the demo page', () => {
    const audit = result.audit!;
    expect(text).toContain('Looking back: ai-governance audit');
    expect(audit.summary).toMatch(/^4 merged pull requests in acme/);
    expect(audit.summary).toMatch(/compliant\s+1\b/);
    expect(audit.summary).toMatch(/not AI-assisted\s+1\b/);
    // The PR with one senior's approval merged anyway: the audit names it and what it lacked.
    expect(audit.summary).toMatch(
      /acme\/payments-api#3 Log refund retries \(merged by @priya on [\d-]+\): needs 2 from @acme\/payments-seniors, had 1/,
    );
    const jsonl = readFileSync(join(dirname(audit.page), 'prs.jsonl'), 'utf8')
      .trim()
      .split('\n');
    expect(jsonl).toHaveLength(4);
    expect(existsSync(audit.page)).toBe(true);
    const page = readFileSync(result.page, 'utf8');
    expect(page).toContain('<a href="audit/index.html">Open the audit report</a>');
    expect(page).toContain('<a href="#audit">');
  });

  it('plays all six steps, well under a minute, with nothing logged at warn or above', () => {
    expect(result.steps).toHaveLength(6);
    expect(result.steps.map((s) => s.title)).toEqual(STORY.map((s) => s.title));
    expect(result.ms).toBeLessThan(30_000);
    expect(log.lines).toEqual([]);
    expect(result.policyFile).toBe('policies/demo.yml');
    expect(result.addedTeams).toEqual([]);
  });

  it('uses the real app against the fake: no request went unanswered or failed', () => {
    expect(harness).toBeDefined();
    expect(harness!.env).toMatchObject({ GHE_PROTOCOL: 'http', LOG_LEVEL: 'warn' });
    expect(harness!.env.GHE_HOST).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(harness!.webhookUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api\/github\/webhooks$/);
    expect(harness!.fake.stats.unmatched).toBe(0);
    // The sample org has no .github repository: the snapshot query learns that, no request fails.
    expect(harness!.fake.stats.requests.filter((r) => r.status >= 400)).toEqual([]);
    expect(harness!.fake.stats.writes).toBeGreaterThan(0);
  });

  it('1: a human PR on the critical path passes, with no comment', () => {
    const s = step(1);
    expect(s.check).toMatchObject({ conclusion: 'success', title: 'Not AI-assisted' });
    expect(s.comment).toBeNull();
    expect(s.pr.labels).toEqual([]);
    expect(s.pr.author).toBe('lee');
  });

  it('2: an AI-assisted PR is held for two payments seniors, labelled, and reviews are requested', () => {
    const s = step(2);
    expect(s.pr.number).not.toBe(step(1).pr.number);
    expect(s.check).toMatchObject({ conclusion: 'action_required', title: HELD });
    expect(s.comment?.change).toBe('new');
    expect(s.comment!.body.startsWith(COMMENT_MARKER)).toBe(true);
    expect(s.pr.labels).toContain('ai-assisted');
    expect(s.pr.requestedReviewers).toContain('@acme/payments-seniors');
    expect(readable(s.check!.summary!)).toContain('Co-authored-by: Claude <noreply@anthropic.com>');
  });

  it('3: the author’s and the bot’s approvals do not count, and the comment says why', () => {
    const s = step(3);
    expect(s.check).toMatchObject({ conclusion: 'action_required', title: HELD });
    expect(s.comment?.change).toBe('updated');
    const why = blocksToText(section(s.comment!.body, 'Reviews that did not count'));
    expect(why).toContain('@maya (payments) opened the pull request');
    expect(why).toContain('@maya opened this PR and cannot approve it');
    expect(why).toContain('@acme-ai-reviewer[bot] (payments) is a bot');
    expect(why).toContain("a bot's review never counts");
  });

  it('4: two seniors approve and the check passes', () => {
    const s = step(4);
    expect(s.check).toMatchObject({
      conclusion: 'success',
      title: 'AI-assisted: approved by @omar, @priya',
    });
    expect(s.pr.headSha).toBe(step(3).pr.headSha);
  });

  it('5: a new push holds it again, because the approvals are on an older commit', () => {
    const s = step(5);
    expect(s.pr.headSha).not.toBe(step(4).pr.headSha);
    expect(s.check).toMatchObject({ conclusion: 'action_required', title: HELD });
    const body = readable(s.comment!.body);
    const old = step(4).pr.headSha.slice(0, 7);
    expect(body).toContain(
      `@omar approved ${old}, not the latest commit ${s.pr.headSha.slice(0, 7)}`,
    );
    expect(body).toContain(`@priya approved ${old}, not the latest commit`);
  });

  it('6: the incident commander’s override passes it, and the comment’s history records it', () => {
    const s = step(6);
    expect(s.check).toMatchObject({
      conclusion: 'success',
      title: 'Overridden by @ines with label ai-governance-override',
    });
    expect(s.pr.labels).toContain('ai-governance-override');
    const history = parseHistory(s.comment!.body);
    expect(history.map((h) => h.outcome)).toEqual([
      'approval_required',
      'pass',
      'approval_required',
      'overridden',
    ]);
    expect(history.at(-1)!.override).toEqual({
      label: 'ai-governance-override',
      appliedBy: 'ines',
    });
    const table = section(s.comment!.body, 'History').find((b) => b.type === 'table');
    expect(table).toBeDefined();
    const rows = blocksToText(section(s.comment!.body, 'History'), { width: 1000 }).split('\n');
    expect(rows[3]).toMatch(/│ ⚠️ overridden +│ — +│ ai-governance-override by @ines │$/);
  });

  it('prints every step, with the check run and the comment as text, not markdown', () => {
    for (let n = 1; n <= 6; n++) expect(text).toContain(`Step ${n} of 6: ${STORY[n - 1]!.title}`);
    expect(text).toContain(`success`);
    expect(text).toContain(HELD);
    expect(text).toContain('Audit comment: none.');
    expect(text).toContain('Audit comment (posted)');
    expect(text).toContain('│ │ Time');
    expect(text).not.toMatch(/\*\*|\| --- \||<!--|&#8203;|&lt;|\\[-:.#@]/);
    expect(text).not.toContain('\u200B');
    expect(text).not.toMatch(/\u001b/);
    expect(text).toContain(result.page);
  });

  it('writes a self-contained page with every step rendered', () => {
    expect(result.page).toBe(join(dir, 'story', 'index.html'));
    const html = readFileSync(result.page, 'utf8');
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html).toContain(`content="default-src 'none'; style-src 'unsafe-inline'"`);
    for (let n = 1; n <= 6; n++) expect(html).toContain(`id="step-${n}"`);
    expect((html.match(/<table>/g) ?? []).length).toBeGreaterThanOrEqual(10);
    // Nothing that would fetch anything: no scripts, images, frames, stylesheets or fonts.
    expect(html).not.toMatch(/<(script|img|iframe|link|object|embed|video|audio|source)\b/i);
    expect(html).not.toMatch(/\bsrc=|url\(|@import/i);
    // The policy is shown as written (its globs hold `**`); the steps must hold no raw markdown.
    const steps = html.slice(html.indexOf('<section class="step"'));
    expect(steps).not.toMatch(/\| --- \||<!--|\*\*|&amp;#|\\[-:.#@]/);
    expect(html).toContain('<pre><code># yaml-language-server');
    expect(html).toContain('All 6 steps played');
  });

  it('leaves no server behind', async () => {
    const [host, port] = harness!.env.GHE_HOST!.split(':');
    expect(await listening(host!, Number(port))).toBe(false);
    const hook = new URL(harness!.webhookUrl);
    expect(await listening(hook.hostname, Number(hook.port))).toBe(false);
  });
});

describe('commentOnly', () => {
  it('leaves out the blocks the check summary already shows', () => {
    const summary = '**Held**\n\n### Requirements\n\n| a | b |\n| --- | --- |\n| 1 | 2 |\n';
    const comment = `${COMMENT_MARKER}\n\n## Audit\n\n${summary}\n### History\n\n- one\n`;
    const { blocks, repeated } = commentOnly(comment, summary);
    expect(repeated).toBe(true);
    expect(markdownToText(comment)).toContain('Requirements');
    expect(blocks.map((b) => b.type)).toEqual(['heading', 'heading', 'list']);
    expect(commentOnly('just this', null)).toMatchObject({ repeated: false });
  });
});

describe('the demo under another policy, interrupted, or misused', () => {
  it('plays the story under strict.yml, adding the teams it names', async () => {
    const result = await runDemo({
      outDir: join(dir, 'strict'),
      cwd: packageRoot(),
      policyFile: 'policies/strict.yml',
      logLevel: 'silent',
    });
    expect(result.policyFile).toBe('policies/strict.yml');
    expect(result.addedTeams).toEqual(
      expect.arrayContaining(['security-engineering', 'senior-engineers', 'platform-leads']),
    );
    expect(result.addedTeams).not.toContain('payments-seniors');
    // strict.yml judges human pull requests too.
    expect(result.steps[0]!.check?.conclusion).toBe('action_required');
    expect(result.steps.map((s) => s.check?.conclusion).slice(1)).toEqual([
      'action_required',
      'action_required',
      'success',
      'action_required',
      'success',
    ]);
    expect(readFileSync(result.page, 'utf8')).toContain('@acme/security-engineering');
  }, 60_000);

  it('stops when aborted between steps, closes both servers and keeps the steps played', async () => {
    const controller = new AbortController();
    let harness: Harness | undefined;
    const out = join(dir, 'aborted');
    const run = runDemo({
      outDir: out,
      logLevel: 'silent',
      signal: controller.signal,
      onStart: (h) => (harness = h),
      pause: async (next) => {
        if (next === 3) controller.abort();
      },
    });
    await expect(run).rejects.toBeInstanceOf(DemoInterrupted);
    const [host, port] = harness!.env.GHE_HOST!.split(':');
    expect(await listening(host!, Number(port))).toBe(false);
    const html = readFileSync(join(out, 'index.html'), 'utf8');
    expect(html).toContain('id="step-2"');
    expect(html).not.toContain('id="step-3"');
    expect(html).toContain('2 of 6 steps played so far');
  }, 60_000);

  it('stops when aborted while the app is working', async () => {
    const controller = new AbortController();
    let harness: Harness | undefined;
    const run = runDemo({
      outDir: join(dir, 'aborted-mid'),
      logLevel: 'silent',
      signal: controller.signal,
      onStart: (h) => {
        harness = h;
        controller.abort();
      },
    });
    await expect(run).rejects.toBeInstanceOf(DemoInterrupted);
    const hook = new URL(harness!.webhookUrl);
    expect(await listening(hook.hostname, Number(hook.port))).toBe(false);
  });

  it('refuses an invalid policy before starting anything', async () => {
    const bad = join(dir, 'bad.yml');
    writeFileSync(bad, 'version: 1\ncritical_paths: nope\n');
    let started = false;
    const run = runDemo({
      outDir: join(dir, 'bad'),
      policyFile: bad,
      onStart: () => (started = true),
    });
    await expect(run).rejects.toBeInstanceOf(DemoPolicyError);
    await run.catch((e: DemoPolicyError) => {
      expect(e.errors[0]).toMatchObject({ file: bad, line: 2 });
    });
    expect(started).toBe(false);
    expect(existsSync(join(dir, 'bad'))).toBe(false);
  });
});

describe('ai-governance demo', () => {
  const cli = (...argv: string[]) => runCliIn(dir, ...argv);

  it('is listed in the main help and has its own', async () => {
    expect((await cli('--help')).stdout).toMatch(/^ {2}demo {2,}/m);
    const help = await cli('demo', '--help');
    expect(help.code).toBe(0);
    for (const flag of ['--policy FILE', '--step', '--out DIR', '--help']) {
      expect(help.stdout).toContain(flag);
    }
  });

  it('plays the story into --out, and --step goes on by itself when stdin is not a terminal', async () => {
    const before = process.listenerCount('SIGINT');
    const r = await cli('demo', '--step', '--out', 'cli-out');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Step 6 of 6');
    expect(r.stdout).not.toContain('Press Enter');
    expect(existsSync(join(dir, 'cli-out', 'index.html'))).toBe(true);
    expect(process.listenerCount('SIGINT')).toBe(before);
  }, 60_000);

  it('exits 2 on a bad option, an extra argument, or a missing or invalid policy', async () => {
    expect((await cli('demo', '--nope')).code).toBe(2);
    const extra = await cli('demo', 'now');
    expect(extra.code).toBe(2);
    expect(extra.stderr).toContain("unexpected argument 'now'");
    const missing = await cli('demo', '--policy', 'missing.yml', '--out', 'x');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^missing\.yml:1:1: cannot read the file \(ENOENT\)/);
    writeFileSync(join(dir, 'invalid.yml'), 'version: 2\n');
    const invalid = await cli('demo', '--policy', 'invalid.yml', '--out', 'x');
    expect(invalid.code).toBe(2);
    expect(invalid.stderr).toMatch(/^invalid\.yml:1:\d+: /);
    expect(invalid.stderr).toContain('the policy is not valid');
    expect(existsSync(join(dir, 'x'))).toBe(false);
  });
});
