/**
 * Audit records for the summary and page tests, in the shape the classifier writes them
 * (`AuditRecord`). Each test states the facts it depends on through `record({...})`.
 */
import type { AuditRecord, AuditRequirement } from '../../src/audit/model.js';

const POLICY_DIGEST = 'a'.repeat(64);

export function requirement(over: Partial<AuditRequirement> = {}): AuditRequirement {
  return {
    rule: 'payments',
    files: ['src/payments/ledger.ts'],
    fileCount: 1,
    approvals: 2,
    reviewers: ['@acme/payments-seniors'],
    counted: [],
    changesRequestedBy: [],
    satisfied: false,
    ...over,
  };
}

/** A compliant AI-assisted change to a critical path, unless `over` says otherwise. */
export function record(over: Partial<AuditRecord> = {}): AuditRecord {
  const number = over.number ?? 1;
  const repository = over.repository ?? 'acme/payments';
  return {
    repository,
    number,
    url: `https://github.com/${repository}/pull/${number}`,
    title: 'Round ledger totals to the cent',
    author: 'maya',
    mergedAt: '2026-10-07T12:00:00Z',
    mergedBy: 'ines',
    mergeCommit: 'c'.repeat(40),
    headSha: 'b'.repeat(40),
    baseRef: 'main',
    class: 'compliant',
    reason: 'Every requirement was met at merge.',
    aiAssisted: true,
    evidence: [
      {
        source: 'trailer',
        kind: 'co-author',
        commit: 'b'.repeat(40),
        detail: 'Co-authored-by: Claude <noreply@anthropic.com>',
        tool: 'Claude Code',
      },
    ],
    tools: ['Claude Code'],
    requirements: [
      requirement({
        satisfied: true,
        counted: [
          { login: 'omar', at: '2026-10-06T10:00:00Z', commit: 'b'.repeat(40) },
          { login: 'lena', at: '2026-10-06T11:00:00Z', commit: 'b'.repeat(40) },
        ],
      }),
    ],
    discounted: [],
    override: null,
    policy: {
      source: 'repository',
      versions: [`${repository}@${'d'.repeat(40)}`],
      digest: POLICY_DIGEST,
    },
    check: { conclusion: 'success', title: 'Approved', completedAt: '2026-10-06T11:00:05Z' },
    bypassedCheck: false,
    readyForReviewAt: '2026-10-06T09:00:00Z',
    lastRequiredApprovalAt: '2026-10-06T11:00:00Z',
    ...over,
  };
}

/** A human change to a file no rule names. */
export function humanRecord(over: Partial<AuditRecord> = {}): AuditRecord {
  return record({
    class: 'not_ai_assisted',
    reason: 'No AI evidence.',
    aiAssisted: false,
    evidence: [],
    tools: [],
    requirements: [],
    lastRequiredApprovalAt: null,
    ...over,
  });
}

/** An AI-assisted change that merged without the approvals its rule required. */
export function violation(over: Partial<AuditRecord> = {}): AuditRecord {
  return record({
    class: 'merged_without_required_approval',
    reason: 'payments needed 2 approvals from @acme/payments-seniors; 0 counted.',
    requirements: [requirement()],
    check: { conclusion: 'action_required', title: 'Needs 2 approvals', completedAt: null },
    bypassedCheck: true,
    lastRequiredApprovalAt: null,
    ...over,
  });
}
