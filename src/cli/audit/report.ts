/**
 * The report on disk: prs.jsonl, prs.csv, the chain's manifest (and its signature with
 * --sign-key) and index.html, each written through a temporary file and a rename, the page last;
 * and the summary the command prints.
 */
import { join } from 'node:path';
import { buildReportData, REPORT_FILES } from '../../audit/export.js';
import type { AuditRecord } from '../../audit/model.js';
import { renderAuditPage } from '../../audit/page.js';
import { summarise, summaryText } from '../../audit/summary.js';
import { writeReportFiles } from './files.js';
import type { AuditInputs } from './inputs.js';
import type { AuditOptions } from './options.js';

export const PAGE_FILE = 'index.html';

export interface WrittenReport {
  summary: string;
  violations: number;
  page: string;
}

export function writeReport(
  o: AuditOptions,
  records: readonly AuditRecord[],
  inputs: AuditInputs,
  requests: number,
): WrittenReport {
  const scope = {
    org: o.org,
    since: o.since,
    until: o.until,
    repositories: o.repos.length > 0 ? o.repos.map((r) => `${o.org}/${r}`) : null,
    policy: inputs.policy ? 'file' : 'history',
  };
  const data = buildReportData(records, { scope, signingKey: inputs.signKey });
  const page = renderAuditPage(data.chained, {
    org: o.org,
    since: o.since,
    until: o.until,
    generatedAt: new Date().toISOString(),
    chainHead: data.chained.length > 0 ? data.manifest.head : null,
    signature: data.signature ? { publicKey: data.signature.key } : null,
    repositories: o.repos.map((r) => `${o.org}/${r}`),
    policyFile: inputs.policy?.path ?? null,
  });
  writeReportFiles(o.outDir, { ...data.files, [PAGE_FILE]: page }, [REPORT_FILES.signature]);
  const violations = summarise(records).violations.length;
  const where = join(o.outDir, PAGE_FILE);
  const summary =
    summaryText(records, { org: o.org, since: o.since, until: o.until }) +
    `\nReport: ${where} (with ${REPORT_FILES.csv}, ${REPORT_FILES.jsonl}` +
    `${inputs.signKey ? `, signed in ${REPORT_FILES.signature}` : ''}); ${requests} requests to GitHub.\n`;
  return { summary, violations, page: where };
}
