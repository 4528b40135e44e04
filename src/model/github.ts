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
