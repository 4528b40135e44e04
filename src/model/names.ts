/**
 * The names by which the app finds its own things on GitHub, and the places it reads its policy
 * from. Changing one changes what existing installations recognise as the app's.
 */

/** The check run's name on GitHub (a required status check names it). */
export const CHECK_NAME = 'AI Governance';

/** The first line of the audit comment; the app finds its own comment by it. */
export const COMMENT_MARKER = '<!-- ai-governance:audit-comment -->';

/** Where the policy lives in a repository, on its default branch. */
export const POLICY_PATH = '.github/ai-governance.yml';

/** The organisation's repository whose policy file is the org-wide default (and floor). */
export const ORG_CONFIG_REPO = '.github';
