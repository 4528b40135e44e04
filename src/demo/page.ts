/**
 * The demo's page: one self-contained HTML file (inline CSS, no scripts, no external requests,
 * enforced by its Content-Security-Policy) that shows each step's check run and audit comment the
 * way GitHub renders the markdown the app wrote.
 */

import { AUDIT_DIR, type DemoResult, type StepResult } from './result.js';
import { escapeHtml, pageHead } from '../render/html.js';
import { markdownToHtml } from './markdown.js';
import { DEMO_ORG, DEMO_REPO, PEOPLE, PAYMENTS_TEAM, COMMANDERS_TEAM } from './story.js';

/** Colour emoji fonts of each platform, so that ✅ ⏳ ❌ ⚠️ do not show as empty boxes. */
export const EMOJI_FONTS =
  '"Apple Color Emoji", "Segoe UI Emoji", "Segoe UI Symbol", "Noto Color Emoji"';

const CSS = `
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0; background: #f6f8fa; color: #1f2328; font: 14px/1.5 -apple-system,
  BlinkMacSystemFont, "Segoe UI", "Noto Sans", Helvetica, Arial, sans-serif, ${EMOJI_FONTS}; }
main { max-width: 980px; margin: 0 auto; padding: 24px 16px 64px; }
header h1 { font-size: 26px; margin: 8px 0 4px; }
header p { margin: 4px 0; color: #59636e; }
a { color: #0969da; }
code, pre { font-family: ui-monospace, SFMono-Regular, "SF Mono", Menlo, Consolas, monospace,
  ${EMOJI_FONTS}; font-size: 85%; }
.facts { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; margin: 12px 0;
  background: #fff; border: 1px solid #d1d9e0; border-radius: 6px; padding: 12px 16px; }
.facts dt { color: #59636e; }
.facts dd { margin: 0; }
nav ol { list-style: none; padding: 0; margin: 16px 0; display: grid; gap: 4px; }
nav li a { text-decoration: none; color: inherit; display: flex; gap: 8px; align-items: baseline; }
nav li a:hover .t { text-decoration: underline; }
section.step { margin-top: 40px; }
section.step > h2 { font-size: 20px; margin: 0 0 4px; padding-bottom: 6px;
  border-bottom: 1px solid #d1d9e0; }
.story { color: #59636e; margin: 6px 0 12px; }
.pr { display: flex; flex-wrap: wrap; gap: 6px 10px; align-items: center; margin: 0 0 12px; }
.pr .num { color: #59636e; }
.pill { display: inline-block; border-radius: 2em; padding: 0 8px; font-size: 12px;
  font-weight: 500; line-height: 20px; border: 1px solid transparent; }
.pill.label { background: #ddf4ff; color: #0a3069; border-color: #b6e3ff; }
.pill.success { background: #1f883d; color: #fff; }
.pill.action_required { background: #9a6700; color: #fff; }
.pill.failure { background: #d1242f; color: #fff; }
.pill.other { background: #818b98; color: #fff; }
.card { background: #fff; border: 1px solid #d1d9e0; border-radius: 6px; margin: 12px 0;
  overflow: hidden; }
.card > .head { background: #f6f8fa; border-bottom: 1px solid #d1d9e0; padding: 8px 16px;
  display: flex; gap: 8px; align-items: center; flex-wrap: wrap; }
.card > .head .who { font-weight: 600; }
.card > .head .meta { color: #59636e; }
.card > .head .title { flex-basis: 100%; font-weight: 600; }
.card > .none { padding: 12px 16px; color: #59636e; font-style: italic; }
.markdown-body { padding: 16px; overflow-wrap: break-word; }
.markdown-body > :first-child { margin-top: 0; }
.markdown-body > :last-child { margin-bottom: 0; }
.markdown-body h1, .markdown-body h2 { font-size: 1.4em; padding-bottom: .3em;
  border-bottom: 1px solid #d1d9e0; margin: 24px 0 16px; }
.markdown-body h3 { font-size: 1.15em; margin: 24px 0 12px; }
.markdown-body h4, .markdown-body h5, .markdown-body h6 { font-size: 1em; margin: 20px 0 10px; }
.markdown-body p, .markdown-body ul, .markdown-body ol, .markdown-body table,
.markdown-body pre, .markdown-body blockquote { margin: 0 0 16px; }
.markdown-body ul, .markdown-body ol { padding-left: 2em; }
.markdown-body li + li { margin-top: .25em; }
.markdown-body code { background: rgba(129, 139, 152, .12); border-radius: 6px;
  padding: .2em .4em; }
.markdown-body pre { background: #f6f8fa; border-radius: 6px; padding: 12px 16px; overflow: auto; }
.markdown-body pre code { background: none; padding: 0; font-size: 100%; }
.markdown-body table { border-collapse: collapse; display: block; width: max-content;
  max-width: 100%; overflow: auto; }
.markdown-body th, .markdown-body td { border: 1px solid #d1d9e0; padding: 6px 13px; }
.markdown-body th { font-weight: 600; background: #f6f8fa; }
.markdown-body td.status { white-space: nowrap; }
details.repeated { border-top: 0; margin: 0 0 16px; }
details.repeated > summary { padding: 0; }
details.repeated > .markdown-body { padding: 8px 0 0; }
.markdown-body tr:nth-child(2n) td { background: #f6f8fa; }
.markdown-body blockquote { color: #59636e; border-left: .25em solid #d1d9e0; padding: 0 1em; }
.markdown-body hr { border: 0; border-top: 2px solid #d1d9e0; margin: 24px 0; }
details { border-top: 1px solid #d1d9e0; }
details > summary { cursor: pointer; padding: 8px 16px; color: #59636e; }
details.policy { background: #fff; border: 1px solid #d1d9e0; border-radius: 6px; }
details.policy pre { margin: 0; padding: 12px 16px; border-top: 1px solid #d1d9e0;
  overflow: auto; }
footer { margin-top: 48px; color: #59636e; font-size: 12px; }
`;

const STATUS_CELL = /<td([^>]*)>(\s*(?:✅|❌|⏳|⚠️|⚠|✔|✘))/gu;

/** Markdown to HTML, with table cells that start with a status mark kept on one line. */
function markdownHtml(markdown: string): string {
  return markdownToHtml(markdown).replace(STATUS_CELL, '<td$1 class="status">$2');
}

/** Blocks of markdown: the text between blank lines, with fenced code kept whole. */
export function markdownBlocks(markdown: string): string[] {
  const blocks: string[] = [];
  let current: string[] = [];
  let fenced = false;
  for (const line of markdown.split('\n')) {
    if (/^\s*(```|~~~)/.test(line)) fenced = !fenced;
    if (!fenced && line.trim() === '') {
      if (current.length > 0) blocks.push(current.join('\n'));
      current = [];
    } else {
      current.push(line);
    }
  }
  if (current.length > 0) blocks.push(current.join('\n'));
  return blocks;
}

/**
 * The audit comment, with each run of blocks the check run above already shows (the comment
 * repeats the verdict, then adds its history) collapsed under one summary line.
 */
export function commentHtml(comment: string, checkSummary: string | null): string {
  const seen = new Set(markdownBlocks(checkSummary ?? '').map((b) => b.trim()));
  const groups: { repeated: boolean; blocks: string[] }[] = [];
  for (const block of markdownBlocks(comment)) {
    const repeated = seen.has(block.trim());
    const last = groups.at(-1);
    if (last && last.repeated === repeated) last.blocks.push(block);
    else groups.push({ repeated, blocks: [block] });
  }
  return groups
    .map(({ repeated, blocks }) => {
      const html = markdownHtml(blocks.join('\n\n'));
      return repeated
        ? `<details class="repeated"><summary>As in the check run above (${blocks.length} part${blocks.length === 1 ? '' : 's'})</summary><div class="markdown-body">${html}</div></details>`
        : html;
    })
    .join('\n');
}

function pill(conclusion: string | null): string {
  const c = conclusion ?? 'pending';
  const cls = ['success', 'action_required', 'failure'].includes(c) ? c : 'other';
  return `<span class="pill ${cls}">${escapeHtml(c.replace(/_/g, ' '))}</span>`;
}

function prLine(step: StepResult): string {
  const pr = step.pr;
  const labels = pr.labels.map((l) => `<span class="pill label">${escapeHtml(l)}</span>`).join(' ');
  const waiting =
    pr.requestedReviewers.length > 0
      ? `<span class="meta">review requested from ${escapeHtml(pr.requestedReviewers.join(', '))}</span>`
      : '';
  return (
    `<div class="pr"><strong>${escapeHtml(pr.title)}</strong>` +
    `<span class="num">${escapeHtml(DEMO_REPO)}#${pr.number} by @${escapeHtml(pr.author)} · ` +
    `head <code>${escapeHtml(pr.headSha.slice(0, 7))}</code></span>${labels}${waiting}</div>`
  );
}

function checkCard(step: StepResult): string {
  const check = step.check;
  if (!check) {
    return `<div class="card"><div class="head"><span class="who">Checks</span></div><div class="none">No check run.</div></div>`;
  }
  const details = check.text
    ? `<details><summary>Details</summary><div class="markdown-body">${markdownHtml(check.text)}</div></details>`
    : '';
  return (
    `<div class="card check"><div class="head"><span class="who">Check run: ${escapeHtml(check.name)}</span>` +
    `${pill(check.conclusion ?? check.status)}<span class="title">${escapeHtml(check.title ?? '')}</span></div>` +
    `<div class="markdown-body">${markdownHtml(check.summary ?? '')}</div>${details}</div>`
  );
}

function commentCard(step: StepResult): string {
  const c = step.comment;
  if (!c) {
    return `<div class="card comment"><div class="head"><span class="who">Audit comment</span></div><div class="none">The app left no comment on this pull request.</div></div>`;
  }
  const change = {
    new: 'commented',
    updated: 'updated its comment',
    unchanged: 'comment unchanged',
  }[c.change];
  return (
    `<div class="card comment"><div class="head"><span class="who">ai-governance[bot]</span>` +
    `<span class="meta">${escapeHtml(change)}</span></div>` +
    `<div class="markdown-body">${commentHtml(c.body, step.check?.summary ?? null)}</div></div>`
  );
}

function stepSection(step: StepResult): string {
  return (
    `<section class="step" id="step-${step.number}">` +
    `<h2>Step ${step.number}: ${escapeHtml(step.title)}</h2>` +
    `<p class="story">${escapeHtml(step.story)}</p>` +
    `${prLine(step)}${checkCard(step)}${commentCard(step)}</section>`
  );
}

/** The audit run after the story, linked: its report is a page of its own beside this one. */
function auditSection(result: DemoResult): string {
  if (!result.audit) return '';
  return (
    `<section class="step" id="audit"><h2>Looking back: the audit</h2>` +
    `<p class="story">Once the pull requests were merged, <code>${escapeHtml(result.audit.command)}</code> ` +
    `read every merge from the fake GitHub and judged it by the policy in force when it merged.</p>` +
    `<p><a href="${AUDIT_DIR}/index.html">Open the audit report</a> ` +
    `(with <a href="${AUDIT_DIR}/prs.csv">prs.csv</a> and <a href="${AUDIT_DIR}/prs.jsonl">prs.jsonl</a>).</p>` +
    `<pre><code>${escapeHtml(result.audit.summary)}</code></pre></section>`
  );
}

/** The whole page for the steps played so far. */
export function renderPage(result: DemoResult, progress: { done: boolean; total: number }): string {
  const nav = result.steps
    .map(
      (s) =>
        `<li><a href="#step-${s.number}">${pill(s.check?.conclusion ?? null)}` +
        `<span class="t">${s.number}. ${escapeHtml(s.title)}</span></a></li>`,
    )
    .join('\n')
    .concat(
      result.audit
        ? `\n<li><a href="#audit"><span class="t">The audit, looking back</span></a></li>`
        : '',
    );
  const added =
    result.addedTeams.length > 0
      ? `<dt>Added for your policy</dt><dd>${escapeHtml(result.addedTeams.map((t) => `@${DEMO_ORG}/${t}`).join(', '))}</dd>`
      : '';
  const status = progress.done
    ? `All ${progress.total} steps played in ${(result.ms / 1000).toFixed(1)} s.`
    : `${result.steps.length} of ${progress.total} steps played so far; reload to see the rest.`;
  return `${pageHead({ title: 'AI Governance demo', csp: "default-src 'none'; style-src 'unsafe-inline'", css: CSS })}
<body>
<main>
<header>
<h1>AI Governance demo</h1>
<p>What the app wrote on the pull requests of a sample organisation, step by step: the check run
and the audit comment, rendered from the app’s markdown as GitHub shows them. The app ran
unchanged, against a fake GitHub on this machine; nothing reached the network.</p>
<p>${escapeHtml(status)}</p>
</header>
<dl class="facts">
<dt>Repository</dt><dd>${escapeHtml(DEMO_REPO)}</dd>
<dt>@${escapeHtml(`${DEMO_ORG}/${PAYMENTS_TEAM}`)}</dt><dd>${escapeHtml([PEOPLE.author, ...PEOPLE.seniors].map((p) => `@${p}`).join(', '))}</dd>
<dt>@${escapeHtml(`${DEMO_ORG}/${COMMANDERS_TEAM}`)}</dt><dd>@${escapeHtml(PEOPLE.commander)}</dd>
<dt>Others</dt><dd>@${escapeHtml(PEOPLE.human)} (a developer), @${escapeHtml(PEOPLE.bot)} (an AI review bot)</dd>
${added}
</dl>
<details class="policy"><summary>Policy: <code>${escapeHtml(result.policyFile)}</code>, committed as <code>.github/ai-governance.yml</code></summary>
<pre><code>${escapeHtml(result.policyText)}</code></pre></details>
<nav><ol>
${nav}
</ol></nav>
${result.steps.map(stepSection).join('\n')}
${auditSection(result)}
<footer>Written by <code>npm run demo</code> (<code>ai-governance demo</code>).</footer>
</main>
</body>
</html>
`;
}
