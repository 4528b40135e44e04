/**
 * What the globs mean, as minimatch options: path globs are matched with `dot: true` (dot files
 * like any other name); co-author globs also without regard to case, with `(`, `|` and a leading
 * `#` read as ordinary characters.
 */
import type { MinimatchOptions } from 'minimatch';

export const PATH_OPTIONS: MinimatchOptions = { dot: true };

export const IDENTITY_OPTIONS: MinimatchOptions = {
  nocase: true,
  dot: true,
  noext: true,
  nocomment: true,
};
