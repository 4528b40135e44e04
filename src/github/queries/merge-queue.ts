/** The entries of a branch's merge queue. */
import { PAGE_SIZE } from './common.js';

/** The entries of a branch's merge queue: each with its position and its pull request. */
export const MERGE_QUEUE_QUERY = `query MergeQueueEntries($owner: String!, $repo: String!, $branch: String!) {
  repository(owner: $owner, name: $repo) {
    mergeQueue(branch: $branch) {
      entries(first: ${PAGE_SIZE}) {
        totalCount
        pageInfo { hasNextPage }
        nodes { position pullRequest { number } }
      }
    }
  }
}`;

export interface MergeQueueAnswer {
  repository: {
    mergeQueue: {
      entries: {
        totalCount: number;
        pageInfo: { hasNextPage: boolean };
        nodes: Array<{
          position: number;
          pullRequest: { number: number } | null;
        } | null> | null;
      } | null;
    } | null;
  } | null;
}
