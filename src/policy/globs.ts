/**
 * The globs of a policy: their checks and the path matcher of critical-path rules, from the glob
 * module shared with detection (`src/glob/`).
 */
export { estimateBraceAlternatives } from '../glob/braces.js';
export {
  globIssue,
  globProblem,
  identityGlobIssue,
  identityGlobProblem,
  type GlobIssue,
} from '../glob/issues.js';
export {
  compilePathMatcher,
  compileRulesMatcher,
  countMatches,
  matchSteps,
  type PathMatcher,
  type RuleGlobs,
  type RulesMatcher,
} from '../glob/paths.js';
