/**
 * The catalogue's second part: the other coding agents and review tools, Amp to Entire.
 * Each entry names where its convention was seen (`source`) and how strong that source is
 * (`confidence`); see `marks.ts` for the rules every pattern follows.
 */
import { anyNameWithEmail, footer, githubAccount, type AiTool } from './marks.js';

export const AGENT_TOOLS: readonly AiTool[] = [
  {
    id: 'amp',
    name: 'Amp',
    identities: [
      // `Co-authored-by: Amp <amp@ampcode.com>` (setting amp.git.commit.coauthor.enabled).
      anyNameWithEmail('amp@ampcode\\.com'),
    ],
    authorLogins: [],
    reviewLogins: [],
    bodyMarkers: [
      /^[ \t>]{0,16}Amp-Thread-ID:[ \t]{0,16}https:\/\/ampcode\.com\/threads\//im,
      footer('Generated with \\[Amp\\]\\(https://ampcode\\.com'),
    ],
    branchPrefixes: [],
    confidence: 'observed',
    source:
      'jackin-project/jackin#138 (Co-authored-by: Amp <amp@ampcode.com> and Amp-Thread-ID); ' +
      'unofficial Amp CLI docs (amp.git.commit.coauthor.enabled, default true)',
  },
  {
    id: 'sourcegraph-cody',
    name: 'Sourcegraph Cody',
    aliases: ['Cody'],
    identities: [githubAccount('sourcegraph-cody[bot]')],
    authorLogins: ['sourcegraph-cody[bot]'],
    reviewLogins: ['sourcegraph-cody[bot]'],
    bodyMarkers: [],
    branchPrefixes: [],
    confidence: 'observed',
    source:
      'code index: third-party agent tables list 201248094+sourcegraph-cody[bot]@users.noreply.github.com',
  },
  {
    id: 'openhands',
    name: 'OpenHands',
    identities: [
      // Default git identity and co-author `openhands <openhands@all-hands.dev>`.
      anyNameWithEmail('openhands@all-hands\\.dev'),
    ],
    // Observed: the hosted agent's GitHub account (logic-star-ai/insights#1).
    authorLogins: ['openhands-agent'],
    reviewLogins: [],
    bodyMarkers: [],
    branchPrefixes: [],
    confidence: 'documented',
    source:
      'OpenHands/OpenHands#10049 (Co-authored-by: openhands <openhands@all-hands.dev>); ' +
      'OpenHands/docs#22 (default git author); logic-star-ai/insights#1 (openhands-agent)',
  },
  {
    id: 'sweep',
    name: 'Sweep',
    identities: [githubAccount('sweep-ai[bot]')],
    authorLogins: ['sweep-ai[bot]'],
    reviewLogins: [],
    bodyMarkers: [],
    branchPrefixes: [],
    confidence: 'observed',
    source: 'sweepai/sweep source (GITHUB_BOT_USERNAME = "sweep-ai[bot]")',
  },
  {
    id: 'factory',
    name: 'Factory Droid',
    aliases: ['Droid'],
    identities: [
      // `Co-authored-by: factory-droid[bot] <138933559+factory-droid[bot]@users.noreply.github.com>`.
      githubAccount('factory-droid[bot]'),
    ],
    authorLogins: ['factory-droid[bot]'],
    reviewLogins: ['factory-droid[bot]'],
    bodyMarkers: [],
    branchPrefixes: [],
    confidence: 'observed',
    source: 'code index: public commits co-authored by 138933559+factory-droid[bot]',
  },
  {
    id: 'cline',
    name: 'Cline',
    identities: [githubAccount('cline[bot]')],
    authorLogins: ['cline[bot]'],
    reviewLogins: [],
    bodyMarkers: [],
    branchPrefixes: [],
    confidence: 'observed',
    source:
      'code index: third-party agent tables list 205137888+cline[bot]@users.noreply.github.com ' +
      '(no commit trailer convention found)',
  },
  {
    id: 'roo-code',
    name: 'Roo Code',
    identities: [
      // Roomote cloud agent: `Roomote <roomote@roocode.com>` co-author, commits as roomote[bot].
      anyNameWithEmail('roomote@roocode\\.com'),
      githubAccount('roomote[bot]'),
    ],
    authorLogins: ['roomote[bot]'],
    reviewLogins: ['roomote[bot]'],
    bodyMarkers: [],
    // Observed in Roomote's own examples (`Head Branch: roomote/fix-ci`).
    branchPrefixes: ['roomote/'],
    confidence: 'observed',
    source:
      'code index: upstream PRs authored by roomote[bot] with "Co-authored-by: Roomote ' +
      '<roomote@roocode.com>"; Roomote routing examples (roomote/ head branches)',
  },
  {
    id: 'opencode',
    name: 'OpenCode',
    identities: [
      // `Co-Authored-By: opencode <noreply@opencode.ai>`.
      anyNameWithEmail('noreply@opencode\\.ai'),
      githubAccount('opencode-agent[bot]'),
    ],
    authorLogins: ['opencode-agent[bot]'],
    reviewLogins: [],
    bodyMarkers: [footer('Generated with \\[opencode\\]\\(https://opencode\\.ai')],
    branchPrefixes: [],
    confidence: 'observed',
    source:
      'umputun/ralphex#240 (OpenCode: Co-Authored-By: opencode <noreply@opencode.ai>); ' +
      'public commits with "🤖 Generated with [opencode](https://opencode.ai)"',
  },
  {
    id: 'replit-agent',
    name: 'Replit Agent',
    // Replit's noreply author addresses are also used for manual commits, so they are not listed.
    identities: [],
    authorLogins: [],
    reviewLogins: [],
    bodyMarkers: [
      // `Replit-Commit-Author: Agent` (or `Assistant`); `Deployment` is not an AI author.
      /^[ \t>]{0,16}Replit-Commit-Author:[ \t]{0,16}(?:Agent|Assistant)\b/im,
    ],
    branchPrefixes: [],
    confidence: 'observed',
    source: 'code index: Replit checkpoint commits carrying "Replit-Commit-Author: Agent" trailers',
  },
  {
    id: 'coderabbit',
    name: 'CodeRabbit',
    identities: [
      // Applied review suggestions and autofix commits credit the bot as co-author.
      githubAccount('coderabbitai[bot]'),
    ],
    // Mainly a reviewer, but its write commands (docstrings, `fix ci`) push commits and open PRs.
    authorLogins: ['coderabbitai[bot]'],
    reviewLogins: ['coderabbitai[bot]'],
    bodyMarkers: [],
    branchPrefixes: [],
    confidence: 'observed',
    source:
      'open-learning-exchange/myplanet#15436 (CodeRabbit review and write commands); ' +
      'public commits "Co-authored-by: coderabbitai[bot] <136622811+coderabbitai[bot]@users.noreply.github.com>"',
  },
  {
    id: 'qwen-code',
    name: 'Qwen Code',
    identities: [
      // `Co-authored-by: Qwen-Coder <qwen-coder@alibabacloud.com>`, added by default (setting
      // `general.gitCoAuthor`).
      anyNameWithEmail('qwen-coder@alibabacloud\\.com'),
    ],
    authorLogins: [],
    reviewLogins: [],
    bodyMarkers: [],
    branchPrefixes: [],
    confidence: 'observed',
    source: 'QwenLM/qwen-code#2899 (default co-author trailer, setting general.gitCoAuthor)',
  },
  {
    id: 'warp',
    name: 'Warp',
    identities: [
      // Warp's agent (Oz) signs its commits `Co-Authored-By: Oz <oz-agent@warp.dev>`.
      anyNameWithEmail('oz-agent@warp\\.dev'),
    ],
    authorLogins: [],
    reviewLogins: [],
    bodyMarkers: [],
    branchPrefixes: [],
    confidence: 'observed',
    source: 'warpdotdev/warp#9215 and #10956 (Co-Authored-By: Oz <oz-agent@warp.dev>)',
  },
  {
    id: 'crush',
    name: 'Crush',
    identities: [
      // Before Nov 2025: `Co-Authored-By: Crush <crush@charm.land>`; now `Assisted-by: Crush:<model>`,
      // which the Assisted-by trailer covers.
      anyNameWithEmail('crush@charm\\.land'),
    ],
    authorLogins: [],
    reviewLogins: [],
    bodyMarkers: [
      // `💘 Generated with Crush`, sometimes with the model (`💘 Generated with Crush (GLM-5.3)`)
      // or in emphasis (`*Generated with Crush*`).
      footer('Generated with Crush\\b'),
    ],
    branchPrefixes: [],
    confidence: 'documented',
    source:
      'charmbracelet/crush#223 and #1025 (footer "💘 Generated with Crush" and co-author ' +
      'crush@charm.land, option attribution.generated_with); #2871 (Assisted-by: Crush:<model>)',
  },
  {
    id: 'entire',
    name: 'Entire',
    identities: [],
    authorLogins: [],
    reviewLogins: [],
    bodyMarkers: [
      // `Entire-Checkpoint: <id>` (12 hex digits, or a 26-character ULID), added to each commit made
      // while Entire records an agent session. Medium strength: it says an agent session was
      // recorded for the commit, not which part the agent wrote.
      /^[ \t>]{0,16}Entire-Checkpoint:[ \t]{0,16}[0-9a-z]{12,32}\b/im,
    ],
    branchPrefixes: [],
    confidence: 'observed',
    source:
      'entireio/cli#784 (Entire-Checkpoint trailer on commits made during recorded agent ' +
      'sessions; hooks for Claude Code, Codex, Copilot CLI, Cursor, Gemini CLI, OpenCode)',
  },
];
