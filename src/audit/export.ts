/**
 * The report's data files as text: prs.jsonl (one chained record per line, canonical JSON),
 * prs.csv (one flat row per pull request) and the chain's manifest and signature. Pure: the
 * caller writes the files.
 *
 * CSV via csv-stringify (RFC 4180 quoting, CRLF rows); every cell that a spreadsheet would read
 * as a formula (starting with = + - @, a tab or a carriage return) is prefixed with a quote mark,
 * since titles, logins, labels and rule names are text other people wrote.
 */
import { stringify } from 'csv-stringify/sync';
import {
  buildManifest,
  canonicalJson,
  chainRecords,
  signManifest,
  type ChainManifest,
  type ChainSignature,
  type ChainedRecord,
  type JsonValue,
} from './chain.js';
import type { AuditRecord } from './model.js';

export const REPORT_FILES = {
  jsonl: 'prs.jsonl',
  csv: 'prs.csv',
  manifest: 'chain.json',
  signature: 'chain.sig',
} as const;

export function toJsonl(chained: readonly ChainedRecord[]): string {
  return chained.map((r) => `${canonicalJson(r)}\n`).join('');
}

const LIST = '; ';

function shortSha(sha: string | null): string {
  return sha ? sha.slice(0, 12) : '';
}

function unique(xs: string[]): string[] {
  return [...new Set(xs)];
}

type Cell = string | number | boolean | null;

interface Column {
  name: string;
  value: (r: ChainedRecord) => Cell;
}

/** The fields of `T` a column can show as they are: plain values, or lists of text. */
type CellField<T> = {
  [K in keyof T]-?: Exclude<T[K], undefined> extends Cell | readonly string[] ? K : never;
}[keyof T] &
  string;

const snakeCase = (field: string) => field.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

function cell(value: Cell | readonly string[] | undefined): Cell {
  return Array.isArray(value) ? value.join(LIST) : ((value as Cell | undefined) ?? null);
}

/** Columns that show fields of the record as they are, each named by its field in snake case. */
function fields(...names: CellField<ChainedRecord>[]): Column[] {
  return names.map((f) => ({ name: snakeCase(f), value: (r) => cell(r[f]) }));
}

/** The same for a part of the record, named `<part>_<field>`; empty when the part is absent. */
function partFields<P extends 'override' | 'policy' | 'check'>(
  part: P,
  ...names: CellField<NonNullable<ChainedRecord[P]>>[]
): Column[] {
  return names.map((f) => ({
    name: `${part}_${snakeCase(f)}`,
    value: (r) => {
      const of = r[part] as Record<string, Cell | readonly string[]> | null | undefined;
      return cell(of?.[f]);
    },
  }));
}

/** prs.csv's columns, in order; docs/audit.md describes each. */
export const CSV_COLUMNS: readonly Column[] = [
  ...fields('repository', 'number', 'url', 'title', 'author', 'mergedAt', 'mergedBy'),
  ...fields('mergeCommit', 'headSha', 'baseRef', 'class', 'reason', 'aiAssisted', 'tools'),
  { name: 'evidence_count', value: (r) => r.evidence.length },
  {
    name: 'evidence',
    value: (r) =>
      r.evidence
        .map((e) => `${e.kind}: ${e.detail}${e.commit ? ` (${shortSha(e.commit)})` : ''}`)
        .join(LIST),
  },
  { name: 'rules', value: (r) => unique(r.requirements.map((q) => q.rule)).join(LIST) },
  {
    name: 'requirements',
    value: (r) =>
      r.requirements
        .map(
          (q) =>
            `${q.rule}: ${q.counted.length}/${q.approvals} from ${q.reviewers.join(' ') || 'anyone with write access'} (${q.satisfied ? 'met' : 'not met'})`,
        )
        .join(LIST),
  },
  {
    name: 'requirements_met',
    value: (r) => r.requirements.every((q) => q.satisfied),
  },
  {
    name: 'approvers_counted',
    value: (r) => unique(r.requirements.flatMap((q) => q.counted.map((a) => a.login))).join(LIST),
  },
  {
    name: 'changes_requested_by',
    value: (r) => unique(r.requirements.flatMap((q) => q.changesRequestedBy ?? [])).join(LIST),
  },
  {
    name: 'approvers_discounted',
    value: (r) => r.discounted.map((d) => `${d.login} (${d.reason})`).join(LIST),
  },
  ...partFields('override', 'label', 'by', 'at', 'allowed'),
  ...partFields('policy', 'source', 'versions', 'digest'),
  ...partFields('check', 'conclusion', 'title', 'completedAt'),
  ...fields('bypassedCheck', 'readyForReviewAt', 'lastRequiredApprovalAt', 'sha256', 'previous'),
];

const FORMULA_START = /^[=+\-@\t\r]/;

/** A cell a spreadsheet will show as text: formula-like text gets a leading quote mark. */
export function neutralizeCell(value: string | number | boolean | null): string {
  if (value === null) return '';
  const text = String(value);
  return typeof value === 'string' && FORMULA_START.test(text) ? `'${text}` : text;
}

export function toCsv(chained: readonly ChainedRecord[]): string {
  const rows = [
    CSV_COLUMNS.map((c) => c.name),
    ...chained.map((r) => CSV_COLUMNS.map((c) => neutralizeCell(c.value(r)))),
  ];
  // csv-stringify quotes a field holding the delimiter, a quote or "\r\n", but not a bare "\n"
  // or "\r": RFC 4180 wants every field with a line break quoted.
  return stringify(rows, { record_delimiter: 'windows', quoted_match: /[\r\n]/ });
}

export interface ReportData {
  chained: ChainedRecord[];
  manifest: ChainManifest;
  signature: ChainSignature | null;
  /** File name in the output folder → its text. */
  files: Record<string, string>;
}

/**
 * Everything the report's data files hold, from the records: chained in the fixed order, the
 * manifest with the head, and its signature when a private key (PEM) is given.
 */
export function buildReportData(
  records: readonly AuditRecord[],
  options: { scope?: Record<string, JsonValue>; signingKey?: string | null } = {},
): ReportData {
  const chained = chainRecords(records);
  const manifest = buildManifest(chained, options.scope ?? {});
  const signature = options.signingKey ? signManifest(manifest, options.signingKey) : null;
  const files: Record<string, string> = {
    [REPORT_FILES.jsonl]: toJsonl(chained),
    [REPORT_FILES.csv]: toCsv(chained),
    [REPORT_FILES.manifest]: `${JSON.stringify(manifest, null, 2)}\n`,
  };
  if (signature) files[REPORT_FILES.signature] = `${JSON.stringify(signature, null, 2)}\n`;
  return { chained, manifest, signature, files };
}
