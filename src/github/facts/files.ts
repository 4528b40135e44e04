/**
 * A pull request's changed files. GraphQL lists them without their previous paths, so when a
 * file on the first page was renamed or copied, or there are more pages, REST lists them (100 a
 * page, several pages at once, alongside the GraphQL page rounds): from the first page in the
 * former case, from the second in the latter (GraphQL's first page is kept).
 */
import type { ChangedFile } from '../../model/facts.js';
import { PR_FILES_CAP } from '../../model/github.js';
import { PAGE_CONCURRENCY, fail, mapBounded, reading } from '../client.js';
import { PAGE_SIZE } from '../queries/common.js';
import { PULL_REQUEST_HEAD_QUERY, type PullRequestHeadAnswer } from '../queries/pull-request.js';
import type { PullRequestAt } from './first-query.js';
import type { PullRequestLists } from './lists.js';

/** REST pages being read, from `fromPage` on. */
export interface RestFiles {
  fromPage: number;
  files: Promise<ChangedFile[]>;
}

/** Starts reading REST's pages when GraphQL's first page is not enough; null when it is. */
export function startRestFiles(
  at: PullRequestAt,
  lists: PullRequestLists,
  count: number,
): RestFiles | null {
  if (!lists.renamedOrCopied && !lists.pages.files.hasNextPage) return null;
  const fromPage = lists.renamedOrCopied ? 1 : 2;
  const files = readFilesRest(at, fromPage, count);
  files.catch(() => undefined); // awaited in finishFiles; not an unhandled rejection meanwhile
  return { fromPage, files };
}

/**
 * The changed files: GraphQL's first page, with REST's pages when they were read. Those name no
 * commit, so the head is then read again to make sure it stood still. Complete when the list
 * holds as many files as GitHub counts.
 */
export async function finishFiles(
  at: PullRequestAt,
  firstPage: ChangedFile[],
  rest: RestFiles | null,
  count: number,
  headSha: string,
): Promise<{ files: ChangedFile[]; complete: boolean }> {
  let files = firstPage;
  if (rest) {
    const later = await rest.files;
    files = rest.fromPage === 1 ? later : mergeFirstPage(firstPage, later);
    if (files.length < Math.min(count, PR_FILES_CAP) && rest.fromPage > 1) {
      // GraphQL's first page and REST's later ones did not line up: take REST's first page too.
      const first = await readFilesRest(at, 1, PAGE_SIZE, 1);
      files = [...first, ...later];
    }
    await checkHeadStill(at, headSha, `changed files of ${at.ref}`);
  }
  return { files, complete: files.length >= count };
}

async function checkHeadStill(at: PullRequestAt, headSha: string, what: string): Promise<void> {
  const now = await reading(what, () =>
    at.gh.graphql<PullRequestHeadAnswer>(PULL_REQUEST_HEAD_QUERY, {
      owner: at.owner,
      repo: at.repo,
      number: at.number,
    }),
  );
  const head = now?.repository?.pullRequest?.headRefOid;
  if (!head) fail(what, 'pull request not found');
  if (head !== headSha) fail(what, `the head moved from ${headSha} to ${head} while it was read`);
}

/**
 * Changed files with previous paths, from REST (100 a page, GitHub stops at 3,000): the pages from
 * `fromPage` that `count` files fill, a few at once, then on one by one while GitHub links a next
 * page (the list grew meanwhile); at most `maxPages` pages in all.
 */
async function readFilesRest(
  at: PullRequestAt,
  fromPage: number,
  count: number,
  maxPages = Math.ceil(PR_FILES_CAP / PAGE_SIZE) + 5,
): Promise<ChangedFile[]> {
  const what = `changed files of ${at.ref}`;
  const readPage = async (page: number) => {
    const res = await reading(what, () =>
      at.gh.request('GET /repos/{owner}/{repo}/pulls/{pull_number}/files', {
        owner: at.owner,
        repo: at.repo,
        pull_number: at.number,
        per_page: PAGE_SIZE,
        page,
      }),
    );
    if (!Array.isArray(res.data)) fail(what, 'the answer is not a list of files');
    const files = res.data.map((f) => {
      const file: ChangedFile = { path: f.filename };
      if ((f.status === 'renamed' || f.status === 'copied') && f.previous_filename) {
        file.previousPath = f.previous_filename;
      }
      return file;
    });
    return { files, next: hasNextLink(res.headers) };
  };
  const last = Math.min(
    Math.max(fromPage, Math.ceil(Math.min(count, PR_FILES_CAP) / PAGE_SIZE)),
    maxPages,
  );
  const numbers = Array.from({ length: last - fromPage + 1 }, (_, i) => fromPage + i);
  const pages = await mapBounded(numbers, PAGE_CONCURRENCY, readPage);
  const out = pages.flatMap((p) => p.files);
  let more = pages.at(-1)?.next ?? false;
  for (let page = last + 1; more && page <= maxPages; page++) {
    const p = await readPage(page);
    out.push(...p.files);
    more = p.next;
  }
  return out;
}

/** GraphQL's first page of files before REST's later pages, each path once. */
function mergeFirstPage(first: ChangedFile[], rest: ChangedFile[]): ChangedFile[] {
  const seen = new Set<string>();
  const out: ChangedFile[] = [];
  for (const f of [...first, ...rest]) {
    if (seen.has(f.path)) continue;
    seen.add(f.path);
    out.push(f);
  }
  return out;
}

function hasNextLink(headers: { link?: string } | undefined): boolean {
  const link = headers?.link;
  return typeof link === 'string' && /<[^>]*>\s*;\s*rel="next"/.test(link);
}
