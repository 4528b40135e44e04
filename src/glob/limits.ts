/**
 * Limits on one glob, checked before brace expansion runs (see docs/policy.md, "Limits").
 */

/** Longest glob pattern, in characters. */
export const MAX_GLOB_LENGTH = 1000;

/** Most alternatives one glob may expand to through braces (`{a,b}`, `{1..9}`). */
export const MAX_BRACE_ALTERNATIVES = 256;
