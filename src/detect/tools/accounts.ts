/** Accounts and trailer keys the catalogue knows besides its tools. */

/**
 * Bots that automate a repository without writing code with a language model. A PR or commit
 * from one of these is not AI-assisted by default, and none of them resolves to a catalogue tool.
 */
export const NON_AI_BOTS: readonly string[] = [
  'dependabot[bot]',
  'dependabot-preview[bot]',
  'renovate[bot]',
  'github-actions[bot]',
  'pre-commit-ci[bot]',
  'mergify[bot]',
  'allcontributors[bot]',
  'imgbot[bot]',
  'codecov[bot]',
  'release-please[bot]',
  'semantic-release-bot',
  'snyk-bot',
  'greenkeeper[bot]',
  'depfu[bot]',
  'pyup-bot',
  'stale[bot]',
  'netlify[bot]',
  'vercel[bot]',
  'sonarcloud[bot]',
  'github-merge-queue[bot]',
  'web-flow',
];

/**
 * Trailer keys that mark AI assistance by themselves (lower-case).
 * - `assisted-by`: Linux kernel Documentation/process/coding-assistants.rst
 *   (`Assisted-by: AGENT_NAME:MODEL_VERSION [TOOL1] [TOOL2]`), Fedora AI-Assisted Contributions
 *   Policy, OpenInfra Foundation policy (OpenStack Nova commit-message docs).
 * - `generated-by`: ASF Generative Tooling Guidance (`Generated-by:` token), OpenInfra policy.
 * - `ai-assisted`: seen in public commits (`AI-Assisted: <tool>`).
 * - `co-authored-by-ai`: OpenLiberty's GENAI_GUIDELINES.md (`Co-authored-by-AI: <tool>`).
 * - `ai-assisted-by`: contribution guides of some projects (`AI-assisted-by: <tool>`).
 */
export const AI_TRAILER_KEYS: readonly string[] = [
  'assisted-by',
  'generated-by',
  'ai-assisted',
  'co-authored-by-ai',
  'ai-assisted-by',
];
