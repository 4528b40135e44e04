/**
 * What GitHub documents and both the app and the loopback fake GitHub hold to: the shape of a
 * check run annotation, and the limits GitHub puts on a request or a list.
 */

/** A check run annotation, as GitHub's REST API takes it in `output.annotations`. */
export interface CheckAnnotation {
  path: string;
  start_line: number;
  end_line: number;
  start_column?: number;
  end_column?: number;
  annotation_level: 'notice' | 'warning' | 'failure';
  title?: string;
  message: string;
  raw_details?: string;
}

/** GitHub takes at most this many annotations in one check run request. */
export const ANNOTATIONS_PER_REQUEST = 50;

/** GitHub lists at most this many commits of a pull request. */
export const PR_COMMITS_CAP = 250;

/** GitHub lists at most this many changed files of a pull request, by GraphQL or REST. */
export const PR_FILES_CAP = 3_000;

/** GitHub's largest page: a REST list's `per_page` and a GraphQL connection's `first`/`last`. */
export const PAGE_MAX = 100;

/** GitHub's limit on a check run's `output.summary` and `output.text`, each, in characters. */
export const CHECK_OUTPUT_LIMIT = 65_535;

/** GitHub's limit on an issue or pull request comment's body, in characters. */
export const COMMENT_BODY_LIMIT = 65_536;
