/**
 * Audit records for the chain, export, verify and store tests: records.ts's compliant record with
 * values that follow from each record's number (the classifier's own tests build records from
 * GitHub's shapes; these tests need only records).
 */
import { createHash } from 'node:crypto';
import type { AuditRecord } from '../../src/audit/model.js';
import { record as compliantRecord } from './records.js';

const sha = (seed: string) => createHash('sha1').update(seed).digest('hex');

/**
 * A compliant AI-assisted record whose hashes, dates and title follow from its number and
 * repository, so that records of different numbers differ everywhere a chain would notice.
 */
export function record(over: Partial<AuditRecord> & { number: number }): AuditRecord {
  const repository = over.repository ?? 'acme/payments';
  const n = over.number;
  const head = sha(`head ${repository} ${n}`);
  return compliantRecord({
    repository,
    title: `Change ${n}`,
    author: 'dev1',
    mergedAt: `2026-11-${String(1 + (n % 28)).padStart(2, '0')}T10:00:00Z`,
    mergedBy: 'lead1',
    mergeCommit: sha(`merge ${repository} ${n}`),
    headSha: head,
    evidence: [
      {
        source: 'trailer',
        kind: 'trailer',
        commit: head,
        detail: 'Assisted-by: Claude',
        tool: 'Claude',
      },
    ],
    tools: ['Claude'],
    requirements: [
      {
        rule: 'payments',
        files: ['services/payments/charge.ts'],
        fileCount: 1,
        approvals: 2,
        reviewers: ['@acme/payments-seniors'],
        counted: [
          { login: 'senior1', at: '2026-10-30T09:00:00Z', commit: head },
          { login: 'senior2', at: '2026-10-30T09:30:00Z', commit: head },
        ],
        satisfied: true,
      },
    ],
    discounted: [
      {
        login: 'dev2',
        at: '2026-10-29T12:00:00Z',
        commit: sha(`old ${repository} ${n}`),
        reason: 'stale',
        detail: 'approved an earlier commit',
      },
    ],
    policy: {
      source: 'repository',
      versions: [`${repository}@${sha(`policy ${repository}`)}`],
      digest: createHash('sha256').update(`policy ${repository}`).digest('hex'),
    },
    check: {
      conclusion: 'success',
      title: 'AI-assisted: 2 of 2 approvals',
      completedAt: '2026-10-30T09:31:00Z',
    },
    readyForReviewAt: '2026-10-29T08:00:00Z',
    lastRequiredApprovalAt: '2026-10-30T09:30:00Z',
    ...over,
  });
}

/** Ten records over three repositories, given out of order. */
export function sampleRecords(): AuditRecord[] {
  const repos = ['acme/payments', 'acme/web', 'acme/auth'];
  return Array.from({ length: 10 }, (_, i) =>
    record({ number: 100 + ((i * 7) % 10), repository: repos[i % 3]! }),
  );
}
