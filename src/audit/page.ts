/**
 * The audit report page: one self-contained HTML file that opens offline. Totals, the weekly
 * AI-assisted share, AI-assisted critical changes per repository and per rule, tools, approval
 * time, the violations, overrides and merges around the check as tables linking to the PRs, and
 * what the report's integrity rests on (the chain head and the policy digests).
 *
 * Every piece of user text (titles, logins, repository, rule, label and team names) is escaped
 * for HTML; the charts get their data as JSON in a `<script type="application/json">` element,
 * never as code. A Content-Security-Policy lets only the page's own inline scripts and style run
 * and forbids every network request.
 */
import { escapeHtml, pageHead } from '../render/html.js';
import { AUDIT_CLASSES, type AuditRecord } from './model.js';
import {
  DATA_ID,
  PAGE_CSS,
  PAGE_SCRIPT,
  chartJsSource,
  contentSecurityPolicy,
  jsonForScript,
} from './page-assets.js';
import {
  classLabel,
  shortfalls,
  summarise,
  type AuditSummary,
  type NamedCount,
} from './summary.js';

export interface AuditPageMeta {
  /** The organisation audited. */
  org: string;
  /** The window (ISO 8601): merges from `since` up to `until`. */
  since: string;
  until: string;
  /** When the report was made (ISO 8601). */
  generatedAt: string;
  /** SHA-256 (hex) of the last record in the report's hash chain; null for an empty report. */
  chainHead: string | null;
  /** Whether the chain head was signed, and with which public key (fingerprint or file name). */
  signature?: { publicKey: string } | null;
  /** Repositories the audit was limited to (`--repo`); empty or absent for the whole org. */
  repositories?: string[];
  /** The file every record was judged by (`--policy FILE`), when one was given. */
  policyFile?: string | null;
}

/** How many bars a chart shows at most; the table under it lists them all. */
export const CHART_ROWS = 25;

const esc = escapeHtml;

function day(iso: string | null | undefined): string {
  if (!iso) return '';
  const t = Date.parse(iso);
  return Number.isFinite(t) ? new Date(t).toISOString().slice(0, 10) : iso;
}

function minute(iso: string | null | undefined): string {
  if (!iso) return '';
  const t = Date.parse(iso);
  return Number.isFinite(t)
    ? new Date(t).toISOString().slice(0, 16).replace('T', ' ') + ' UTC'
    : iso;
}

/** A duration as people read it: `45 min`, `3 h 20 min`, `2 d 4 h`. */
export function formatDuration(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms)) return '–';
  const minutes = Math.round(ms / 60_000);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return minutes % 60 === 0 ? `${hours} h` : `${hours} h ${minutes % 60} min`;
  const days = Math.floor(hours / 24);
  return hours % 24 === 0 ? `${days} d` : `${days} d ${hours % 24} h`;
}

/** A link to the PR when its address is a web address, else the name as text. */
function prLink(r: AuditRecord): string {
  const name = `${esc(r.repository)}#${r.number}`;
  return /^https?:\/\//i.test(r.url) ? `<a href="${esc(r.url)}">${name}</a>` : name;
}

function login(name: string | null | undefined): string {
  return name ? `@${esc(name)}` : '<span class="note">unknown</span>';
}

function table(head: string[], rows: string[][], empty: string, id: string): string {
  if (rows.length === 0) return `<p class="note" id="${id}-none">${esc(empty)}</p>`;
  return (
    `<table id="${id}"><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead>` +
    `<tbody>${rows.map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join('')}</tr>`).join('')}</tbody></table>`
  );
}

function totals(s: AuditSummary): string {
  const items: [string, number, string][] = [
    ['merged PRs', s.total, ''],
    ['AI-assisted', s.aiAssisted, ''],
    ['AI-assisted critical', s.aiCritical, ''],
    ...AUDIT_CLASSES.map((c): [string, number, string] => [
      classLabel(c),
      s.byClass[c],
      c === 'merged_without_required_approval' ? 'violation' : c === 'unknown' ? 'unknown' : '',
    ]),
    ['merged around the check', s.bypassedCount, s.bypassedCount > 0 ? 'violation' : ''],
  ];
  return (
    '<ul class="totals" id="totals">' +
    items
      .map(
        ([label, n, cls]) =>
          `<li${cls ? ` class="${cls}"` : ''}><span class="n">${n}</span>${esc(label)}</li>`,
      )
      .join('') +
    '</ul>'
  );
}

/** A chart (when there is anything to draw) and the full table of what it shows. */
function countsSection(
  id: string,
  title: string,
  rows: NamedCount[],
  nameHead: string,
  countHead: string,
  empty: string,
): string {
  if (rows.length === 0)
    return `<h2>${esc(title)}</h2><p class="note" id="${id}-none">${esc(empty)}</p>`;
  const more =
    rows.length > CHART_ROWS
      ? `<p class="note">The chart shows the ${CHART_ROWS} largest of ${rows.length}.</p>`
      : '';
  const body = table(
    [nameHead, countHead],
    rows.map((r) => [esc(r.name), `${r.count}`]),
    empty,
    `table-${id}`,
  );
  return (
    `<h2>${esc(title)}</h2>` +
    `<div class="chart"><canvas id="chart-${id}" role="img" aria-label="${esc(title)}"></canvas></div>` +
    more +
    `<details><summary>Table</summary>${body}</details>`
  );
}

function weeklySection(s: AuditSummary): string {
  const title = 'AI-assisted share of merged PRs per week';
  if (s.total === 0)
    return `<h2>${esc(title)}</h2><p class="note" id="weekly-none">No merged PRs in the window.</p>`;
  const rows = s.weeks.map((w) => [
    esc(w.week),
    esc(w.start),
    `${w.merged}`,
    `${w.aiAssisted}`,
    w.share === null ? '–' : `${Math.round(w.share * 100)}%`,
  ]);
  return (
    `<h2>${esc(title)}</h2>` +
    `<div class="chart"><canvas id="chart-weekly" role="img" aria-label="${esc(title)}"></canvas></div>` +
    `<details><summary>Table</summary>${table(['ISO week', 'From', 'Merged', 'AI-assisted', 'Share'], rows, '', 'table-weekly')}</details>`
  );
}

function approvalSection(s: AuditSummary): string {
  const a = s.approvalTime;
  const body =
    a.count === 0
      ? '<p class="note" id="approval-none">No PR had both a ready-for-review time and its required approvals.</p>'
      : `<dl class="facts" id="approval-time"><dt>Median</dt><dd>${esc(formatDuration(a.medianMs))}</dd>` +
        `<dt>90th percentile</dt><dd>${esc(formatDuration(a.p90Ms))}</dd>` +
        `<dt>Over</dt><dd>${a.count} PR${a.count === 1 ? '' : 's'} with both times</dd></dl>`;
  return `<h2>Approval time</h2><p class="note">From ready for review to the last required approval.</p>${body}`;
}

/** A column of a table of pull requests: its heading and the cell (HTML) of a record. */
type PrColumn = [heading: string, cell: (r: AuditRecord) => string];

const MERGED_BY: PrColumn = ['Merged by', (r) => login(r.mergedBy)];
const MERGED: PrColumn = ['Merged', (r) => esc(day(r.mergedAt))];
const CLASS: PrColumn = ['Class', (r) => esc(classLabel(r.class))];

/**
 * A section that lists pull requests: its heading with their count, an optional note, and a
 * table of one row each, the pull request and its title first, then `columns`.
 */
function prSection(
  heading: string,
  id: string,
  records: readonly AuditRecord[],
  columns: readonly PrColumn[],
  note = '',
): string {
  const rows = records.map((r) => [prLink(r), esc(r.title), ...columns.map(([, cell]) => cell(r))]);
  const head = ['PR', 'Title', ...columns.map(([h]) => h)];
  return `<h2>${esc(heading)} (${records.length})</h2>${note}${table(head, rows, 'None.', id)}`;
}

function violationsSection(s: AuditSummary): string {
  return prSection('Merged without the required approval', 'violations', s.violations, [
    MERGED_BY,
    MERGED,
    [
      'Missing',
      (r) =>
        shortfalls(r)
          .map(
            (q) =>
              `${esc(q.rule)}: needs ${q.approvals} from ${q.reviewers.length ? q.reviewers.map(esc).join(' or ') : 'reviewers with write access'}, had ${q.had}`,
          )
          .join('<br>') || esc(r.reason),
    ],
    [
      'Reviews not counted',
      (r) =>
        r.discounted.map((d) => esc(d.detail || `@${d.login}: ${d.reason}`)).join('<br>') || '–',
    ],
  ]);
}

function overridesSection(s: AuditSummary): string {
  return prSection('Overrides', 'overrides', s.overrides, [
    ['Label', (r) => (r.override ? esc(r.override.label) : '')],
    ['Applied by', (r) => login(r.override?.by)],
    ['When', (r) => esc(minute(r.override?.at))],
    CLASS,
  ]);
}

function bypassedSection(s: AuditSummary): string {
  const note =
    s.bypassedCount > s.bypassed.length
      ? `<p class="note">${s.bypassedCount} merges in all went around the check; listed are those that were AI-assisted and critical or could not be judged.</p>`
      : '';
  const check: PrColumn = [
    'Check on head',
    (r) => esc(r.check ? (r.check.conclusion ?? 'not completed') : 'no check'),
  ];
  return prSection(
    'Merged around the check',
    'bypassed',
    s.bypassed,
    [MERGED_BY, MERGED, check, CLASS],
    note,
  );
}

function unknownSection(records: readonly AuditRecord[]): string {
  const unknown = records.filter((r) => r.class === 'unknown');
  return prSection('Could not be judged', 'unknown', unknown, [['Why', (r) => esc(r.reason)]]);
}

function integritySection(records: readonly AuditRecord[], meta: AuditPageMeta): string {
  const digests = new Map<string, { sources: Set<string>; versions: Set<string>; count: number }>();
  for (const r of records) {
    const d = digests.get(r.policy.digest) ?? { sources: new Set(), versions: new Set(), count: 0 };
    d.sources.add(r.policy.source);
    for (const v of r.policy.versions) d.versions.add(v);
    d.count++;
    digests.set(r.policy.digest, d);
  }
  const rows = [...digests]
    .sort((a, b) => b[1].count - a[1].count || (a[0] < b[0] ? -1 : 1))
    .map(([digest, d]) => [
      `<code>${esc(digest)}</code>`,
      esc([...d.sources].join(', ')),
      [...d.versions].map((v) => `<code>${esc(v)}</code>`).join('<br>'),
      `${d.count}`,
    ]);
  const signed = meta.signature
    ? `signed (Ed25519), public key <code>${esc(meta.signature.publicKey)}</code>`
    : 'not signed';
  return (
    '<h2>Integrity</h2><dl class="facts" id="integrity">' +
    `<dt>Chain head</dt><dd>${meta.chainHead ? `<code id="chain-head">${esc(meta.chainHead)}</code>` : 'no records'}</dd>` +
    `<dt>Signature</dt><dd>${signed}</dd>` +
    `<dt>Records</dt><dd><a href="prs.jsonl">prs.jsonl</a> · <a href="prs.csv">prs.csv</a> · <a href="chain.json">chain.json</a></dd></dl>` +
    '<p class="note">Run <code>ai-governance audit verify</code> on this folder to recompute the chain.</p>' +
    table(
      ['Policy digest (SHA-256)', 'Source', 'Versions', 'PRs'],
      rows,
      'No policies.',
      'policies',
    )
  );
}

function chartData(s: AuditSummary): unknown {
  const top = (rows: NamedCount[]) => {
    const shown = rows.slice(0, CHART_ROWS);
    return { labels: shown.map((r) => r.name), counts: shown.map((r) => r.count) };
  };
  return {
    weeks: {
      labels: s.weeks.map((w) => w.week),
      share: s.weeks.map((w) => (w.share === null ? null : Math.round(w.share * 1000) / 10)),
      ai: s.weeks.map((w) => w.aiAssisted),
      other: s.weeks.map((w) => w.merged - w.aiAssisted),
    },
    repositories: top(s.criticalByRepository),
    rules: top(s.criticalByRule),
    tools: top(s.tools),
  };
}

/** The whole page as one HTML document. */
export function renderAuditPage(records: readonly AuditRecord[], meta: AuditPageMeta): string {
  const s = summarise(records, { since: meta.since, until: meta.until });
  const library = chartJsSource();
  const csp = contentSecurityPolicy([library, PAGE_SCRIPT], [PAGE_CSS]);
  const scope =
    meta.repositories && meta.repositories.length > 0
      ? `repositories ${meta.repositories.map(esc).join(', ')}`
      : 'every repository';
  const policy = meta.policyFile
    ? `every PR judged by <code>${esc(meta.policyFile)}</code>`
    : 'each PR judged by the policy in force when it merged';
  const body = [
    `<header><h1>AI Governance audit: ${esc(meta.org)}</h1>`,
    `<p id="window">Merged from ${esc(day(meta.since))} to ${esc(day(meta.until))} in ${scope} of ${esc(meta.org)}; ${policy}.</p>`,
    `<p>Generated ${esc(minute(meta.generatedAt))}.</p></header>`,
    totals(s),
    weeklySection(s),
    countsSection(
      'repositories',
      'AI-assisted critical changes per repository',
      s.criticalByRepository,
      'Repository',
      'PRs',
      'No AI-assisted change touched a critical path.',
    ),
    countsSection(
      'rules',
      'AI-assisted critical changes per rule',
      s.criticalByRule,
      'Rule',
      'PRs',
      'No AI-assisted change touched a critical path.',
    ),
    countsSection('tools', 'AI tools seen', s.tools, 'Tool', 'PRs', 'No AI tool was named.'),
    approvalSection(s),
    violationsSection(s),
    overridesSection(s),
    bypassedSection(s),
    unknownSection(records),
    integritySection(records, meta),
  ].join('\n');
  return `${pageHead({ title: `AI Governance audit: ${meta.org}`, csp, css: PAGE_CSS })}
<body>
<main>
${body}
</main>
<script type="application/json" id="${DATA_ID}">${jsonForScript(chartData(s))}</script>
<script>${library}</script>
<script>${PAGE_SCRIPT}</script>
</body>
</html>
`;
}
