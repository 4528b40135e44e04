/**
 * Reads a repository's merged pull requests for the audit, in batches: one GraphQL query per
 * {@link MERGED_BATCH} pull requests with everything the audit judges, then follow-up pages only
 * for the pull requests whose lists GitHub cut (several in one query), REST file pages only for
 * pull requests that renamed a file (GraphQL does not give the previous path), and one query per
 * 100 co-author addresses not seen before in the run. Nothing is read per pull request that a
 * batch can carry.
 *
 * The batch lists merged pull requests most recently updated first and stops at the first one
 * updated before `since` (merging updates a pull request, so every later one merged earlier);
 * those merged outside [since, until) are dropped.
 */

import type { MergedPullRequestFacts } from '../../audit/model.js';
import type { ChangedFile } from '../../model/facts.js';
import { PR_FILES_CAP } from '../../model/github.js';
import { fail, nextCursor, type GitHubClient } from '../client.js';
import {
  AUDIT_CONNECTIONS,
  AUDIT_PAGE,
  FOLLOW_UP_BATCH,
  MERGED_BATCH_QUERY,
  commitAuthorsByOidQuery,
  followUpQuery,
  type AuditConnection,
  type AuditPullRequest,
  type CommitAuthorsAnswer,
  type FollowUpAnswer,
  type MergedBatchAnswer,
} from '../queries/audit.js';
import type { PageInfoForward } from '../queries/common.js';
import type { Endpoints, RequestParameters } from '@octokit/types';
import { auditQuery, auditRest, type OnRequest } from './requests.js';
import { isPresent, toMergedFacts, unknownCoAuthors, type PullRequestRead } from './to-facts.js';

export interface ReadMergedOptions {
  owner: string;
  repo: string;
  /** Merged at or after this instant (ISO 8601 or a Date). */
  since: string | Date;
  /** Merged before this instant; no bound when absent. */
  until?: string | Date;
  /** Told of every request once answered (GraphQL points included). */
  onRequest?: OnRequest;
  /**
   * Accounts GitHub links to commit addresses (lower-case address → login or null), shared across
   * the repositories of a run so that each address is asked about once.
   */
  accounts?: Map<string, string | null>;
}

/**
 * One repository's reads: every query carries its owner and name, and every request is reported
 * to the run's `onRequest`.
 */
interface RepoReader {
  /** `owner/repo`. */
  full: string;
  query<T extends MergedBatchAnswer | FollowUpAnswer | CommitAuthorsAnswer>(
    what: string,
    query: string,
    vars: Record<string, unknown>,
  ): Promise<T>;
  rest<R extends keyof Endpoints>(
    what: string,
    route: R,
    params: Omit<RestParams<R>, 'owner' | 'repo'>,
  ): Promise<Endpoints[R]['response']>;
}

type RestParams<R extends keyof Endpoints> = Endpoints[R]['parameters'] & RequestParameters;

function repoReader(
  gh: GitHubClient,
  owner: string,
  repo: string,
  onRequest?: OnRequest,
): RepoReader {
  return {
    full: `${owner}/${repo}`,
    query: (what, query, vars) => auditQuery(gh, what, query, { owner, repo, ...vars }, onRequest),
    rest: <R extends keyof Endpoints>(
      what: string,
      route: R,
      params: Omit<RestParams<R>, 'owner' | 'repo'>,
    ) => auditRest(gh, what, route, { owner, repo, ...params } as RestParams<R>, onRequest),
  };
}

function instant(value: string | Date, name: string): number {
  const t = value instanceof Date ? value.getTime() : Date.parse(value);
  if (Number.isNaN(t)) throw new Error(`${name} is not a time: ${String(value)}`);
  return t;
}

/** Each batch of merged pull requests in the window, most recently updated first. */
export async function* readMergedPullRequests(
  gh: GitHubClient,
  options: ReadMergedOptions,
): AsyncGenerator<MergedPullRequestFacts[]> {
  const read = repoReader(gh, options.owner, options.repo, options.onRequest);
  const { full } = read;
  const since = instant(options.since, 'since');
  const until = options.until === undefined ? Infinity : instant(options.until, 'until');
  const accounts = options.accounts ?? new Map<string, string | null>();
  const what = `merged pull requests of ${full}`;
  let cursor: string | null = null;
  for (;;) {
    const answer: MergedBatchAnswer = await read.query(what, MERGED_BATCH_QUERY, { cursor });
    const list = answer?.repository?.pullRequests;
    if (!list) fail(what, 'GitHub gave no list of pull requests');
    const reads: PullRequestRead[] = [];
    let reachedSince = false;
    for (const pr of (list.nodes ?? []).filter(isPresent)) {
      if (Date.parse(pr.updatedAt) < since) {
        reachedSince = true;
        break;
      }
      if (!pr.mergedAt) fail(what, `#${pr.number} is listed as merged but has no merge time`);
      const mergedAt = Date.parse(pr.mergedAt);
      if (mergedAt < since || mergedAt >= until) continue;
      reads.push(startRead(pr));
    }
    if (reads.length > 0) {
      await readFollowUps(read, reads);
      await readRenames(read, reads);
      await readCoAuthors(read, reads, accounts);
      yield reads.map((r) => toMergedFacts(full, r, accounts));
    }
    if (reachedSince || !list.pageInfo.hasNextPage) return;
    cursor = nextCursor(what, list.pageInfo, cursor);
  }
}

function startRead(raw: AuditPullRequest): PullRequestRead {
  return {
    raw,
    commits: (raw.commits.nodes ?? []).filter(isPresent).map((n) => n.commit),
    files: (raw.files?.nodes ?? []).filter(isPresent),
    reviews: (raw.reviews?.nodes ?? []).filter(isPresent),
    timeline: (raw.timeline.nodes ?? []).filter(isPresent),
    restFiles: null,
    problems: {},
  };
}

/** Where each connection of a pull request stands: null once read to the end. */
type Pending = Partial<Record<AuditConnection, string>>;

function pendingOf(
  page: Partial<Record<AuditConnection, { pageInfo: PageInfoForward } | null>>,
  previous: Pending,
  what: string,
): Pending {
  const out: Pending = {};
  for (const c of AUDIT_CONNECTIONS) {
    const info = page[c]?.pageInfo;
    if (info?.hasNextPage) out[c] = nextCursor(`${c} of ${what}`, info, previous[c] ?? null);
  }
  return out;
}

/** Reads further pages of every cut list, {@link FOLLOW_UP_BATCH} pull requests a query. */
async function readFollowUps(read: RepoReader, reads: PullRequestRead[]): Promise<void> {
  const pending = new Map<PullRequestRead, Pending>();
  for (const r of reads) {
    const p = pendingOf(r.raw, {}, `${read.full}#${r.raw.number}`);
    if (Object.keys(p).length > 0) pending.set(r, p);
  }
  while (pending.size > 0) {
    const batch = [...pending.entries()].slice(0, FOLLOW_UP_BATCH);
    const wanted = batch.map(([, p]) => AUDIT_CONNECTIONS.filter((c) => p[c] !== undefined));
    const vars: Record<string, unknown> = {};
    batch.forEach(([r, p], i) => {
      vars[`n${i}`] = r.raw.number;
      for (const c of wanted[i]!) vars[`${c}${i}`] = p[c];
    });
    const what = `further pages of pull requests of ${read.full}`;
    const answer = await read.query<FollowUpAnswer>(what, followUpQuery(wanted), vars);
    batch.forEach(([r, p], i) => {
      const page = answer?.repository?.[`p${i}`];
      const label = `${read.full}#${r.raw.number}`;
      if (!page) fail(what, `${label} was not found`);
      for (const c of wanted[i]!) if (!page[c]) fail(what, `GitHub gave no ${c} for ${label}`);
      r.commits.push(...(page.commits?.nodes ?? []).filter(isPresent).map((n) => n.commit));
      r.files.push(...(page.files?.nodes ?? []).filter(isPresent));
      r.reviews.push(...(page.reviews?.nodes ?? []).filter(isPresent));
      r.timeline.push(...(page.timeline?.nodes ?? []).filter(isPresent));
      const next = pendingOf(page, p, label);
      if (Object.keys(next).length > 0) pending.set(r, next);
      else pending.delete(r);
    });
  }
}

/**
 * Changed files with previous paths from REST for the pull requests that renamed or copied a
 * file (a rename away from a critical path must match the rule); GraphQL gives no previous path.
 */
async function readRenames(read: RepoReader, reads: PullRequestRead[]): Promise<void> {
  for (const r of reads) {
    if (!r.files.some((f) => f.changeType === 'RENAMED' || f.changeType === 'COPIED')) continue;
    const what = `changed files of ${read.full}#${r.raw.number}`;
    const pages = Math.ceil(Math.min(r.raw.changedFiles, PR_FILES_CAP) / AUDIT_PAGE);
    const files: ChangedFile[] = [];
    for (let page = 1; page <= pages; page++) {
      const res = await read.rest(what, 'GET /repos/{owner}/{repo}/pulls/{pull_number}/files', {
        pull_number: r.raw.number,
        per_page: AUDIT_PAGE,
        page,
      });
      if (!Array.isArray(res.data)) fail(what, 'the answer is not a list of files');
      for (const f of res.data) {
        const file: ChangedFile = { path: f.filename };
        if ((f.status === 'renamed' || f.status === 'copied') && f.previous_filename) {
          file.previousPath = f.previous_filename;
        }
        files.push(file);
      }
    }
    r.restFiles = files;
  }
}

/** Asks GitHub which account each new co-author address is linked to, 100 commits a query. */
async function readCoAuthors(
  read: RepoReader,
  reads: PullRequestRead[],
  accounts: Map<string, string | null>,
): Promise<void> {
  const unknown = [...unknownCoAuthors(reads, accounts)];
  const what = `commit authors in ${read.full}`;
  for (let start = 0; start < unknown.length; start += AUDIT_PAGE) {
    const batch = unknown.slice(start, start + AUDIT_PAGE);
    const oids = [...new Set(batch.map(([, oid]) => oid))];
    const vars: Record<string, unknown> = {};
    oids.forEach((oid, i) => (vars[`o${i}`] = oid));
    const answer = await read.query<CommitAuthorsAnswer>(
      what,
      commitAuthorsByOidQuery(oids.length),
      vars,
    );
    const whole = new Set<string>();
    oids.forEach((oid, i) => {
      const c = answer?.repository?.[`c${i}`];
      if (!c?.authors) fail(what, `commit ${oid} was not found`);
      for (const a of (c.authors.nodes ?? []).filter(isPresent)) {
        const email = a.email?.toLowerCase();
        if (email && !accounts.has(email)) accounts.set(email, a.user?.login ?? null);
      }
      if (!c.authors.pageInfo.hasNextPage) whole.add(oid);
    });
    // An address GitHub's whole list leaves out is linked to no account (GitHub did not take it
    // as a co-author); one past a cut list stays unknown, and its commits are not complete.
    for (const [email, oid] of batch)
      if (!accounts.has(email) && whole.has(oid)) accounts.set(email, null);
  }
}
