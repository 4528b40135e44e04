import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, validate } from 'graphql';
import { describe, expect, it } from 'vitest';
import { PAGE_SIZE } from '../../src/github/queries/common.js';
import { commitAuthorsQuery, commitsByOidQuery } from '../../src/github/queries/commits.js';
import { forcePushesPageQuery } from '../../src/github/queries/force-pushes.js';
import { MERGE_QUEUE_QUERY } from '../../src/github/queries/merge-queue.js';
import { RECONCILE_QUERY } from '../../src/github/queries/open-pull-requests.js';
import {
  PULL_REQUEST_HEAD_QUERY,
  PULL_REQUEST_QUERY,
  pullRequestPageQuery,
  pullRequestQuery,
  type PullRequestConnection,
} from '../../src/github/queries/pull-request.js';
import { ORG_TEAMS_QUERY, teamMembersQuery } from '../../src/github/queries/teams.js';
import { githubSchema } from '../../src/fake-github/graphql.js';
import {
  AUDIT_CONNECTIONS,
  MERGED_BATCH_QUERY,
  POLICY_HISTORY_QUERY,
  commitAuthorsByOidQuery,
  policyHistoriesQuery,
  followUpQuery,
  type AuditConnection,
} from '../../src/github/queries/audit.js';

/**
 * Every GraphQL document the app sends, validated against GitHub's published schema: a misnamed
 * field, a wrong argument or a variable of the wrong type fails here rather than in production.
 */

const CONNECTIONS: PullRequestConnection[] = [
  'commits',
  'files',
  'labels',
  'labelEvents',
  'reviews',
];

/** Every non-empty subset of the page-round connections, in the order the app asks for them. */
function connectionSubsets(): PullRequestConnection[][] {
  const out: PullRequestConnection[][] = [];
  for (let mask = 1; mask < 1 << CONNECTIONS.length; mask++) {
    out.push(CONNECTIONS.filter((_, i) => mask & (1 << i)));
  }
  return out;
}

/** The documents, by the name of the export in src/github/queries/ that builds them. */
const DOCUMENTS: Record<string, string[]> = {
  PULL_REQUEST_QUERY: [PULL_REQUEST_QUERY],
  pullRequestQuery: [pullRequestQuery(), pullRequestQuery({ withCheckRuns: true })],
  pullRequestPageQuery: connectionSubsets().map((c) => pullRequestPageQuery(c)),
  commitsByOidQuery: [1, 2, PAGE_SIZE].map((n) => commitsByOidQuery(n)),
  commitAuthorsQuery: [1, 2, PAGE_SIZE].map((n) => commitAuthorsQuery(n)),
  teamMembersQuery: [1, 2, PAGE_SIZE].map((n) => teamMembersQuery(n)),
  ORG_TEAMS_QUERY: [ORG_TEAMS_QUERY],
  PULL_REQUEST_HEAD_QUERY: [PULL_REQUEST_HEAD_QUERY],
  MERGE_QUEUE_QUERY: [MERGE_QUEUE_QUERY],
  RECONCILE_QUERY: [RECONCILE_QUERY],
  forcePushesPageQuery: [forcePushesPageQuery(true), forcePushesPageQuery(false)],
  MERGED_BATCH_QUERY: [MERGED_BATCH_QUERY],
  followUpQuery: auditConnectionSubsets().flatMap((c) => [
    followUpQuery([c]),
    followUpQuery([c, AUDIT_CONNECTIONS, ['timeline']]),
  ]),
  commitAuthorsByOidQuery: [1, 2, 100].map((n) => commitAuthorsByOidQuery(n)),
  POLICY_HISTORY_QUERY: [POLICY_HISTORY_QUERY],
  policyHistoriesQuery: [1, 2, 10].map((n) => policyHistoriesQuery(n)),
};

/** Every non-empty subset of the audit's paged connections. */
function auditConnectionSubsets(): AuditConnection[][] {
  const out: AuditConnection[][] = [];
  for (let mask = 1; mask < 1 << AUDIT_CONNECTIONS.length; mask++) {
    out.push(AUDIT_CONNECTIONS.filter((_, i) => mask & (1 << i)));
  }
  return out;
}

function errorsOf(document: string): string[] {
  return validate(githubSchema(), parse(document)).map((e) => e.message);
}

describe("the app's GraphQL documents against GitHub's schema", () => {
  for (const [name, documents] of Object.entries(DOCUMENTS)) {
    it(`${name}: every variant is valid`, () => {
      expect(documents.length).toBeGreaterThan(0);
      for (const document of documents) expect(errorsOf(document), document).toEqual([]);
    });
  }

  it('rejects a misnamed field, a wrong argument and a mistyped variable (the check can fail)', () => {
    const misnamed = PULL_REQUEST_QUERY.replace('headRefOid', 'headRefSha');
    expect(errorsOf(misnamed).join('\n')).toMatch(/Cannot query field "headRefSha"/);
    const badArgument = ORG_TEAMS_QUERY.replace('first:', 'frist:');
    expect(errorsOf(badArgument).join('\n')).toMatch(/Unknown argument "frist"/);
    const badVariable = ORG_TEAMS_QUERY.replace('$cursor: String', '$cursor: Int');
    expect(errorsOf(badVariable).join('\n')).toMatch(/Variable "\$cursor" of type "Int"/);
  });

  it('covers every document src/ sends (every gh.graphql call uses one of the builders above)', () => {
    const sent = new Map<string, string>();
    const inline: string[] = [];
    for (const file of sourceFiles(join(import.meta.dirname, '../../src'))) {
      if (file.includes('/fake-github/')) continue; // the fake answers queries; it sends none
      if (file.endsWith('/github/pacing.ts')) continue; // passes on the documents the others send
      const text = readFileSync(file, 'utf8');
      // The audit's reads pass their documents through auditQuery (github/audit/requests.ts) and
      // the rate-limit waits (github/audit/rate-limits.ts).
      if (!/\/github\/audit\/(requests|rate-limits)\.ts$/.test(file)) {
        for (const m of text.matchAll(/\.graphql(?:<[^>]*>)?\(\s*([^\s,(]+)/g))
          sent.set(m[1]!, file);
      }
      for (const m of text.matchAll(/\bauditQuery<[^>]*>\(\s*gh,\s*[^,]+,\s*([^\s,(]+)/g))
        sent.set(m[1]!, file);
      // The merged pull requests' reader sends through its per-repository reader's query.
      if (file.includes('/github/audit/')) {
        for (const m of text.matchAll(/\bread\.query(?:<[^>]*>)?\(\s*[^,]+,\s*([^\s,(]+)/g))
          sent.set(m[1]!, file);
      }
      if (!file.includes('/github/queries/') && /\b(query|mutation)\s+[A-Z]\w*\s*[({]/.test(text))
        inline.push(file);
    }
    expect([...sent.keys()]).toContain('pullRequestPageQuery');
    expect([...sent.keys()]).toEqual(
      expect.arrayContaining(['MERGED_BATCH_QUERY', 'followUpQuery', 'POLICY_HISTORY_QUERY']),
    );
    for (const [argument, file] of sent) {
      expect(Object.keys(DOCUMENTS), `${file} sends ${argument}`).toContain(argument);
    }
    expect(inline, 'GraphQL documents written outside src/github/queries/').toEqual([]);
  });
});

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? sourceFiles(join(dir, e.name))
      : e.name.endsWith('.ts')
        ? [join(dir, e.name)]
        : [],
  );
}
