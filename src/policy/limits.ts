/**
 * Hard limits on policy input. Each one is enforced before the expensive step it protects, so a
 * hostile or mistaken policy is rejected with a clear error instead of stalling the app.
 */

/** Largest policy file accepted, in bytes of UTF-8, checked before parsing. */
export const MAX_POLICY_BYTES = 256 * 1024;

/** Most glob patterns in one effective policy (critical paths, excludes and co-author globs). */
export const MAX_PATTERNS = 1000;

/** Longest glob pattern, and most alternatives one glob may expand to (kept with the globs). */
export { MAX_BRACE_ALTERNATIVES, MAX_GLOB_LENGTH } from '../glob/limits.js';

/** Most uses of YAML aliases (`*name`) in one file, counting uses inside repeated anchors. */
export const MAX_ALIASES = 50;

/** Most values that aliases may add to one file when expanded. */
export const MAX_ALIAS_EXPANSION = 10_000;

/** Deepest nesting of mappings and lists in one file. */
export const MAX_DEPTH = 32;

/** Most layers (org defaults plus the repository file) in one effective policy. */
export const MAX_LAYERS = 10;

/** Most approvals any requirement may ask for. */
export const MAX_APPROVALS = 20;

/** Most errors reported for one policy; the rest are summarised in one final error. */
export const MAX_ERRORS = 100;

/** GitHub's limit on label names. */
export const MAX_LABEL_LENGTH = 50;

/** Longest rule name, trailer key or body marker. */
export const MAX_NAME_LENGTH = 100;
