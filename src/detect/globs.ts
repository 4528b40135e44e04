/**
 * Identity globs (policy `detection.co_authors`), from the glob module shared with the policy's
 * path globs (`src/glob/identity.ts`).
 */
export { compileIdentityGlob, compileIdentityGlobs } from '../glob/identity.js';
