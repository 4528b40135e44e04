import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  AI_TOOLS,
  AI_TRAILER_KEYS,
  NON_AI_BOTS,
  isAffirmativeTrailerValue,
  isAiReviewBot,
  toolForBody,
  toolForBranch,
  toolForIdentity,
  toolForLogin,
  toolForTrailerValue,
  type AiTool,
} from '../../src/detect/catalogue.js';
import { IGNORED_BOTS } from '../evaluate/builders.js';

/** Splits `Name <email>` as a trailer parser would. */
function split(identity: string): [string, string] {
  const open = identity.lastIndexOf('<');
  return [identity.slice(0, open).trim(), identity.slice(open + 1, identity.length - 1)];
}

function idOf(identity: string): string | undefined {
  const [name, email] = split(identity);
  return toolForIdentity(name, email)?.id;
}

describe('catalogue shape', () => {
  it('has unique ids and names', () => {
    const ids = AI_TOOLS.map((t) => t.id);
    expect(new Set(ids).size).toBe(ids.length);
    const names = AI_TOOLS.map((t) => t.name);
    expect(new Set(names).size).toBe(names.length);
  });

  it.each(AI_TOOLS.map((t) => [t.id, t] as const))('%s is well-formed', (_id, tool: AiTool) => {
    expect(tool.source.trim()).not.toBe('');
    expect(['documented', 'observed']).toContain(tool.confidence);
    const markers =
      tool.identities.length +
      tool.authorLogins.length +
      tool.reviewLogins.length +
      tool.bodyMarkers.length +
      tool.branchPrefixes.length;
    expect(markers).toBeGreaterThan(0);
    for (const re of [...tool.identities, ...tool.bodyMarkers]) {
      expect(re.flags).toContain('i');
      expect(re.flags).not.toContain('g');
      expect(re.flags).not.toContain('y');
    }
    for (const re of tool.identities) {
      expect(re.source.startsWith('^')).toBe(true);
      expect(re.source.endsWith('$')).toBe(true);
    }
    for (const login of [...tool.authorLogins, ...tool.reviewLogins]) {
      expect(login).toBe(login.toLowerCase());
      expect(login).toBe(login.trim());
      expect(NON_AI_BOTS).not.toContain(login);
    }
    for (const prefix of tool.branchPrefixes) {
      expect(prefix).toMatch(/^[a-z0-9-]+\/$/);
    }
  });

  it('gives each author login to one tool only', () => {
    const logins = AI_TOOLS.flatMap((t) => t.authorLogins);
    expect(new Set(logins).size).toBe(logins.length);
  });

  it('keeps NON_AI_BOTS lower-case and free of duplicates', () => {
    expect(new Set(NON_AI_BOTS).size).toBe(NON_AI_BOTS.length);
    for (const bot of NON_AI_BOTS) expect(bot).toBe(bot.toLowerCase());
    for (const bot of IGNORED_BOTS) expect(NON_AI_BOTS).toContain(bot);
  });
});

describe('toolForIdentity', () => {
  // Real conventions, one or more per tool that has identities.
  const positives: Array<[string, string]> = [
    ['claude-code', 'Claude <noreply@anthropic.com>'],
    ['claude-code', 'Claude Opus 4.1 <noreply@anthropic.com>'],
    ['claude-code', 'Claude Sonnet 4.5 <noreply@anthropic.com>'],
    ['claude-code', 'Claude Opus 4.7 (1M context) <noreply@anthropic.com>'],
    ['claude-code', 'claude[bot] <209825114+claude[bot]@users.noreply.github.com>'],
    ['github-copilot', 'copilot-swe-agent[bot] <198982749+Copilot@users.noreply.github.com>'],
    ['github-copilot', 'Copilot <175728472+Copilot@users.noreply.github.com>'],
    [
      'github-copilot',
      'Copilot Autofix powered by AI <175728472+Copilot@users.noreply.github.com>',
    ],
    ['github-copilot', 'GitHub Copilot <copilot@github.com>'],
    ['openai-codex', 'Codex <noreply@openai.com>'],
    ['openai-codex', 'Codex <codex@openai.com>'],
    [
      'openai-codex',
      'chatgpt-codex-connector[bot] <199175422+chatgpt-codex-connector[bot]@users.noreply.github.com>',
    ],
    ['cursor', 'Cursor <cursoragent@cursor.com>'],
    ['cursor', 'Cursor Agent <cursoragent@cursor.com>'],
    ['cursor', 'cursor[bot] <206951365+cursor[bot]@users.noreply.github.com>'],
    ['aider', 'aider (anthropic/claude-sonnet-4) <aider@aider.chat>'],
    ['aider', 'aider (gpt-4o) <noreply@aider.chat>'],
    ['aider', 'aider (vertex_ai/gemini-2.5-pro-exp-03-25) <noreply@aider.dev>'],
    ['aider', 'Paul Gauthier (aider) <paul@example.com>'],
    ['devin', 'Devin <158243242+devin-ai-integration[bot]@users.noreply.github.com>'],
    [
      'google-jules',
      'google-labs-jules[bot] <161369871+google-labs-jules[bot]@users.noreply.github.com>',
    ],
    [
      'gemini',
      'gemini-code-assist[bot] <176961590+gemini-code-assist[bot]@users.noreply.github.com>',
    ],
    ['gemini', 'Gemini <gemini@google.com>'],
    ['qwen-code', 'Qwen-Coder <qwen-coder@alibabacloud.com>'],
    ['warp', 'Oz <oz-agent@warp.dev>'],
    ['crush', 'Crush <crush@charm.land>'],
    ['gemini', 'Gemini <noreply@google.com>'],
    ['gemini', 'Gemini CLI <noreply@google.com>'],
    ['amazon-q', 'Amazon Q Developer <208079219+amazon-q-developer[bot]@users.noreply.github.com>'],
    ['kiro', 'Kiro Agent <244629292+kiro-agent@users.noreply.github.com>'],
    ['windsurf', 'Windsurf <windsurf@codeium.com>'],
    ['windsurf', 'Windsurf Cascade <cascade@windsurf.ai>'],
    ['amp', 'Amp <amp@ampcode.com>'],
    [
      'sourcegraph-cody',
      'sourcegraph-cody[bot] <201248094+sourcegraph-cody[bot]@users.noreply.github.com>',
    ],
    ['openhands', 'openhands <openhands@all-hands.dev>'],
    ['sweep', 'sweep-ai[bot] <128439645+sweep-ai[bot]@users.noreply.github.com>'],
    ['factory', 'factory-droid[bot] <138933559+factory-droid[bot]@users.noreply.github.com>'],
    ['cline', 'cline[bot] <205137888+cline[bot]@users.noreply.github.com>'],
    ['roo-code', 'Roomote <roomote@roocode.com>'],
    ['roo-code', 'roomote[bot] <219738659+roomote[bot]@users.noreply.github.com>'],
    ['opencode', 'opencode <noreply@opencode.ai>'],
    ['opencode', 'OpenCode <noreply@opencode.ai>'],
    ['coderabbit', 'coderabbitai[bot] <136622811+coderabbitai[bot]@users.noreply.github.com>'],
  ];

  it.each(positives)('%s: %s', (id, identity) => {
    expect(idOf(identity)).toBe(id);
  });

  it('covers every tool that declares identities', () => {
    const covered = new Set(positives.map(([id]) => id));
    for (const tool of AI_TOOLS) {
      if (tool.identities.length > 0) expect(covered, tool.id).toContain(tool.id);
    }
  });

  it('ignores case and surrounding spaces', () => {
    expect(toolForIdentity('  CLAUDE  ', ' NoReply@Anthropic.COM ')?.id).toBe('claude-code');
    expect(toolForIdentity('copilot', '198982749+copilot@users.noreply.github.com')?.id).toBe(
      'github-copilot',
    );
  });

  it('accepts an empty display name when the address is the tool’s', () => {
    expect(toolForIdentity('', 'cursoragent@cursor.com')?.id).toBe('cursor');
  });

  const lookAlikes = [
    'Claude Monet <claude@monet.fr>',
    'Claude <claude@example.com>',
    'Claude Code <claude-code@users.noreply.github.com>',
    'Claude <noreply@anthropic.com.evil.example>',
    'Claude <noreply@anthropic.co>',
    'Claude <xnoreply@anthropic.com>',
    'claude <12345+claude@users.noreply.github.com>',
    'GitHub <noreply@github.com>',
    'Jane Doe <12345+jane@users.noreply.github.com>',
    'Copilot Fan <12345+notcopilot@users.noreply.github.com>',
    'Copilot <copilot@example.com>',
    'Codex Fan <codex@example.com>',
    'OpenAI Person <someone@openai.com>',
    'Cursor Smith <cursor@cursor.com>',
    'Jane (aider fan) <jane@example.com>',
    'Paul Aider <paul@aider.com>',
    'Bob <bob@aider.chat>',
    'aider <aider@example.com>',
    'Devin Smith <devin@example.com>',
    'Devin <devin@cognition.ai>',
    'Jules Verne <jules@example.fr>',
    'Gemma <noreply@google.com>',
    'Gemini Smith <gemini.smith@google.com>',
    'Someone <noreply@google.com>',
    'Jane <jane@codeium.com>',
    'Windsurf <windsurf@example.com>',
    'Amp <amp@example.com>',
    'Kiro <kiro@example.com>',
    'Roo <roo@example.com>',
    'Open Hands <hands@example.com>',
    'dependabot[bot] <49699333+dependabot[bot]@users.noreply.github.com>',
    'github-actions[bot] <41898282+github-actions[bot]@users.noreply.github.com>',
    'renovate[bot] <29139614+renovate[bot]@users.noreply.github.com>',
    'pre-commit-ci[bot] <66853113+pre-commit-ci[bot]@users.noreply.github.com>',
  ];

  it.each(lookAlikes)('does not take %s for a tool', (identity) => {
    expect(idOf(identity)).toBeUndefined();
  });

  it('does not let a name smuggle a tool address past the real one', () => {
    expect(toolForIdentity('Claude <noreply@anthropic.com>', 'claude@monet.fr')).toBeUndefined();
    expect(toolForIdentity('x', 'noreply@anthropic.com> <y@example.com')).toBeUndefined();
    expect(toolForIdentity('Jane (aider)', 'jane@example.com> x')).toBeUndefined();
  });

  it('never matches ordinary people (property)', () => {
    const name = fc
      .string({ maxLength: 40 })
      .filter((s) => !/\(aider\)\s*$/i.test(s) && !/^\s*(?:gemini|windsurf|cascade)\b/i.test(s));
    const local = fc.stringMatching(/^[a-z0-9._-]{1,20}$/);
    const domain = fc.constantFrom('example.com', 'gmail.com', 'monet.fr', 'corp.example');
    fc.assert(
      fc.property(name, local, domain, (n, l, d) => toolForIdentity(n, `${l}@${d}`) === undefined),
    );
  });
});

describe('toolForLogin', () => {
  const positives: Array<[string, string]> = [
    ['claude[bot]', 'claude-code'],
    ['copilot-swe-agent[bot]', 'github-copilot'],
    ['Copilot', 'github-copilot'],
    ['chatgpt-codex-connector[bot]', 'openai-codex'],
    ['cursor[bot]', 'cursor'],
    ['devin-ai-integration[bot]', 'devin'],
    ['google-labs-jules[bot]', 'google-jules'],
    ['amazon-q-developer[bot]', 'amazon-q'],
    ['kiro-agent', 'kiro'],
    ['sourcegraph-cody[bot]', 'sourcegraph-cody'],
    ['openhands-agent', 'openhands'],
    ['sweep-ai[bot]', 'sweep'],
    ['factory-droid[bot]', 'factory'],
    ['cline[bot]', 'cline'],
    ['roomote[bot]', 'roo-code'],
    ['opencode-agent[bot]', 'opencode'],
    ['coderabbitai[bot]', 'coderabbit'],
  ];

  it.each(positives)('%s → %s', (login, id) => {
    expect(toolForLogin(login)?.id).toBe(id);
    expect(toolForLogin(login.toUpperCase())?.id).toBe(id);
  });

  it('covers every author login in the catalogue', () => {
    for (const tool of AI_TOOLS) {
      for (const login of tool.authorLogins) expect(toolForLogin(login)?.id).toBe(tool.id);
    }
  });

  it.each([
    'claude',
    'claude-bot',
    'copilot-fan',
    'copilot-pull-request-reviewer[bot]',
    'gemini-code-assist[bot]',
    'devin',
    'octocat',
    '',
    '   ',
  ])('does not take %j for an AI author', (login) => {
    expect(toolForLogin(login)).toBeUndefined();
  });

  it.each([...NON_AI_BOTS])('never resolves the non-AI bot %s', (bot) => {
    expect(toolForLogin(bot)).toBeUndefined();
    expect(isAiReviewBot(bot)).toBe(false);
    expect(toolForIdentity(bot, `12345+${bot}@users.noreply.github.com`)).toBeUndefined();
    expect(toolForIdentity(bot, `${bot}@users.noreply.github.com`)).toBeUndefined();
  });
});

describe('isAiReviewBot', () => {
  it.each([
    'copilot-pull-request-reviewer[bot]',
    'Copilot',
    'gemini-code-assist[bot]',
    'chatgpt-codex-connector[bot]',
    'coderabbitai[bot]',
    'cursor[bot]',
    'claude[bot]',
    'amazon-q-developer[bot]',
    'devin-ai-integration[bot]',
  ])('%s is an AI review bot', (login) => {
    expect(isAiReviewBot(login)).toBe(true);
  });

  it('counts every author and review login of every tool', () => {
    for (const tool of AI_TOOLS) {
      for (const login of [...tool.authorLogins, ...tool.reviewLogins]) {
        expect(isAiReviewBot(login), login).toBe(true);
      }
    }
  });

  it('accepts the GraphQL spelling of an app login, without [bot]', () => {
    expect(isAiReviewBot('copilot-pull-request-reviewer')).toBe(true);
    expect(isAiReviewBot('coderabbitai')).toBe(true);
    expect(isAiReviewBot('GEMINI-CODE-ASSIST')).toBe(true);
  });

  it.each(['octocat', 'senior-dev', 'dependabot[bot]', 'dependabot', '', 'copilot-fan'])(
    '%j is not',
    (login) => {
      expect(isAiReviewBot(login)).toBe(false);
    },
  );
});

describe('toolForBody', () => {
  const positives: Array<[string, string]> = [
    ['claude-code', '🤖 Generated with [Claude Code](https://claude.com/claude-code)'],
    ['claude-code', '🤖 Generated with [Claude Code](https://claude.ai/code)'],
    [
      'claude-code',
      '_Generated by [Claude Code](https://claude.ai/code/session_016czT8ByqutUhNqPPqNj9pS)_',
    ],
    ['claude-code', 'Claude-Session: https://claude.ai/code/session_01MgNYH1A9cGSt3nU71SJKyc'],
    ['github-copilot', '<!-- START COPILOT CODING AGENT SUFFIX -->'],
    ['github-copilot', '<!-- START COPILOT CODING AGENT TIPS -->'],
    ['github-copilot', '<!-- START COPILOT ORIGINAL PROMPT -->'],
    [
      'github-copilot',
      'Agent-Logs-Url: https://github.com/xhluca/bm25s/sessions/31474705-fbd9-4eed-bbb9-f011558ccd5e',
    ],
    ['github-copilot', '🤖 Generated with [GitHub Copilot](https://github.com/features/copilot)'],
    [
      'openai-codex',
      '[Codex Task](https://chatgpt.com/codex/tasks/task_e_694400e34efc8325807c70c531c15e20)',
    ],
    ['cursor', 'Made with [Cursor](https://cursor.com)'],
    ['cursor', 'Made-with: Cursor'],
    [
      'cursor',
      '<div><a href="https://cursor.com/agents/bc-35d5bb64-57a3-4b14-b265-7cd90382eeea"><picture>',
    ],
    ['devin', 'Link to Devin run: https://app.devin.ai/sessions/9dd691a894354cbfb1558e3002227078'],
    ['devin', 'Generated with [Devin](https://devin.ai)'],
    ['devin', 'Generated with [Devin](https://cli.devin.ai/docs)'],
    ['amp', 'Amp-Thread-ID: https://ampcode.com/threads/T-019c58d6-7447-76d1-8e5b-c1c0e03cac36'],
    ['amp', '🤖 Generated with [Amp](https://ampcode.com)'],
    ['opencode', '🤖 Generated with [opencode](https://opencode.ai)'],
    ['replit-agent', 'Replit-Commit-Author: Agent'],
    ['replit-agent', 'Replit-Commit-Author: Assistant'],
    ['crush', '💘 Generated with Crush'],
    ['crush', '💘 Generated with Crush (GLM-5.3-flash)'],
    ['crush', '*Generated with Crush* | *Assisted-by: Crush:hf:moonshotai/Kimi-K2.6*'],
    ['entire', 'Entire-Checkpoint: aaa111aaa111'],
    ['entire', 'Entire-Checkpoint: 01M2VBJBJQZ2BP1W2PBWDF3J30'],
    ['claude-code', '> 🤖 Generated with [Claude Code](https://claude.com/claude-code)'],
    ['claude-code', '_🤖 Generated with [Claude Code](https://claude.ai/code)_'],
  ];

  it.each(positives)('%s: %s', (id, line) => {
    const body = `## Summary\n\nFixes the parser.\n\n${line}\n\nMore text after.`;
    const hit = toolForBody(body);
    expect(hit?.tool.id).toBe(id);
    expect(hit?.line).toBe(line);
  });

  it('covers every tool that declares body markers', () => {
    const covered = new Set(positives.map(([id]) => id));
    for (const tool of AI_TOOLS) {
      if (tool.bodyMarkers.length > 0) expect(covered, tool.id).toContain(tool.id);
    }
  });

  it('returns the exact line, trimmed, with CRLF line ends and at the edges of the text', () => {
    const footer = '🤖 Generated with [Claude Code](https://claude.com/claude-code)';
    expect(toolForBody(`a\r\n  ${footer}  \r\nb`)?.line).toBe(footer);
    expect(toolForBody(footer)?.line).toBe(footer);
    expect(toolForBody(`x\n${footer}`)?.line).toBe(footer);
    expect(toolForBody(`${footer}\ny`)?.line).toBe(footer);
  });

  it('returns the first marked line when several tools are named', () => {
    const body = [
      'intro',
      'Made with [Cursor](https://cursor.com)',
      '🤖 Generated with [Claude Code](https://claude.com/claude-code)',
    ].join('\n');
    expect(toolForBody(body)).toEqual({
      tool: expect.objectContaining({ id: 'cursor' }),
      line: 'Made with [Cursor](https://cursor.com)',
    });
  });

  it('finds trailers quoted in a blockquote', () => {
    expect(toolForBody('> Claude-Session: https://claude.ai/code/session_01abc')?.tool.id).toBe(
      'claude-code',
    );
  });

  it.each([
    '',
    'I used Claude Code to explore the bug, then wrote the fix myself.',
    'Generated with [Claude Code](https://example.com/claude-code)',
    'Generated with Claude',
    'Claude-Session: abc123',
    'See https://github.com/features/copilot for details.',
    'Made with Cursor and love',
    'Made with [Cursor](https://example.com)',
    'Replit-Commit-Author: Deployment',
    'Agent-Logs-Url: https://example.com/x/y/sessions/1',
    'Amp-Thread-ID: T-123',
    'The devin.ai homepage is nice.',
    'Signed-off-by: Jane Doe <jane@example.com>',
    'Co-authored-by: Claude <noreply@anthropic.com>',
    'Entire-Checkpoint: [auto-generated]',
    'Generated with Crushing speed',
    // Footers quoted in a sentence are prose, not footers.
    'Our tools add 🤖 Generated with [Claude Code](https://claude.com/claude-code) to each PR.',
    'Please remove "Generated with [Claude Code](https://claude.ai/code)" from bodies.',
    'Fixes #3121 Made with [Cursor](https://cursor.com)',
    'AI attribution footers (e.g., "Generated with Crush", "Assisted by...") are forbidden.',
    'We never write Generated with [Devin](https://devin.ai) here.',
    'Drop the `Generated with [opencode](https://opencode.ai)` line.',
    'It said Generated with [Amp](https://ampcode.com) at the end.',
    'A note: Generated by [GitHub Copilot](https://github.com/features/copilot) is optional.',
  ])('does not mark %j', (text) => {
    expect(toolForBody(text)).toBeUndefined();
  });

  it('never lets a marker span two lines', () => {
    expect(toolForBody('Claude-Session:\nhttps://claude.ai/code/session_1')).toBeUndefined();
    expect(toolForBody('Made with [Cursor](\nhttps://cursor.com)')).toBeUndefined();
  });
});

describe('toolForBranch', () => {
  it.each([
    ['copilot/fix-123', 'github-copilot'],
    ['refs/heads/copilot/add-tests', 'github-copilot'],
    ['codex/hook-based-coauthor-attribution', 'openai-codex'],
    ['claude/issue-42-20250101', 'claude-code'],
    ['cursor/fix-login-bug-1a2b', 'cursor'],
    ['devin/1763121919-api-alignment-patch', 'devin'],
    ['roomote/fix-ci', 'roo-code'],
    ['Copilot/Fix-Case', 'github-copilot'],
  ])('%s → %s', (branch, id) => {
    expect(toolForBranch(branch)?.id).toBe(id);
  });

  it.each(['main', 'copilot', 'copilot/', 'copilotx/fix', 'feature/copilot/x', 'my-codex/fix', ''])(
    'does not take %j for a tool branch',
    (branch) => {
      expect(toolForBranch(branch)).toBeUndefined();
    },
  );
});

describe('AI_TRAILER_KEYS', () => {
  it('holds the sourced keys, lower-case', () => {
    for (const key of [
      'assisted-by',
      'generated-by',
      'ai-assisted',
      'co-authored-by-ai',
      'ai-assisted-by',
    ]) {
      expect(AI_TRAILER_KEYS).toContain(key);
    }
    for (const key of AI_TRAILER_KEYS) expect(key).toBe(key.toLowerCase());
    expect(AI_TRAILER_KEYS).not.toContain('co-authored-by');
    expect(AI_TRAILER_KEYS).not.toContain('signed-off-by');
  });
});

describe('isAffirmativeTrailerValue', () => {
  it.each([
    ['', false],
    ['   ', false],
    ['none', false],
    ['None', false],
    ['NONE', false],
    [' none ', false],
    ['no', false],
    ['No', false],
    ['false', false],
    ['FALSE', false],
    ['n/a', false],
    ['N/A', false],
    ['0', false],
    ['off', false],
    ['\tOff\t', false],
    ['Claude:claude-3-opus coccinelle sparse', true],
    ['ChatGPTv5', true],
    ['generic LLM chatbot', true],
    ['GitHub Copilot', true],
    ['yes', true],
    ['true', true],
    ['1', true],
    ['on', true],
    ['none of the code, only the tests', true],
    ['no-idea', true],
    ['n/a?', true],
    ['nope', true],
  ])('%j → %s', (value, expected) => {
    expect(isAffirmativeTrailerValue(value)).toBe(expected);
  });
});

describe('linear time on hostile input', () => {
  const MB = 1_000_000;

  function timed(fn: () => void): number {
    const start = performance.now();
    fn();
    return performance.now() - start;
  }

  // Near-miss prefixes of every marker, repeated to 1 MB: each would make a backtracking pattern
  // rescan the rest of the text.
  const nearMisses = [
    'Generated with [Claude Code](https://claude.',
    'Claude-Session: https://claude.ai/code',
    '<!-- START COPILOT CODING ',
    'Agent-Logs-Url: https://github.com/a/b',
    'https://chatgpt.com/codex/tasks/task',
    'Made with [Cursor](https://cursor.com',
    'Made-with: Curso',
    'https://cursor.com/agents/bc',
    'https://app.devin.ai/session',
    'Generated with [Devin](https://devin.a',
    'Amp-Thread-ID: https://ampcode.com/threads',
    'Replit-Commit-Author: Agen',
    '💘 Generated with Crus',
    'Entire-Checkpoint: ',
    '> 🤖 **Generated with [Claude Code](https://claude.',
    ' \t> ',
  ];

  it.each(nearMisses)('scans 1 MB of %j quickly', (piece) => {
    const text = piece.repeat(Math.ceil(MB / piece.length));
    let hit: ReturnType<typeof toolForBody>;
    const ms = timed(() => {
      hit = toolForBody(text);
    });
    expect(hit).toBeUndefined();
    expect(ms).toBeLessThan(1500);
  });

  it('scans a 1 MB body made of many short lines quickly', () => {
    const text = 'line of prose\n'.repeat(MB / 14);
    expect(timed(() => toolForBody(text))).toBeLessThan(1500);
  });

  it('finds a marker at the end of a 1 MB body', () => {
    const footer = '🤖 Generated with [Claude Code](https://claude.com/claude-code)';
    const text = `${'x'.repeat(MB)}\n${footer}`;
    expect(toolForBody(text)?.line).toBe(footer);
  });

  it.each([
    ['x'.repeat(MB), 'x'.repeat(MB)],
    [' (aider)'.repeat(MB / 8), 'a@b'],
    ['Gemini ' + 'a'.repeat(MB), 'noreply@google.co'],
    ['Windsurf ' + 'a'.repeat(MB), 'a'.repeat(MB)],
    ['a', `${'1'.repeat(MB)}+copilot@users.noreply.github.com`],
    ['a', `${'a'.repeat(MB)}@aider.chat`],
  ])('matches a 1 MB identity quickly (%#)', (name, email) => {
    const ms = timed(() => toolForIdentity(name, email));
    expect(ms).toBeLessThan(1500);
  });

  it('handles arbitrary strings without throwing (property)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), fc.string({ maxLength: 200 }), (a, b) => {
        toolForIdentity(a, b);
        toolForLogin(a);
        toolForBranch(a);
        isAiReviewBot(a);
        isAffirmativeTrailerValue(a);
        const hit = toolForBody(`${a}\n${b}`);
        if (hit) expect(`${a}\n${b}`).toContain(hit.line);
        return true;
      }),
    );
  });
});

describe('toolForTrailerValue', () => {
  it.each([
    ['GitHub Copilot', 'GitHub Copilot'],
    ['Copilot', 'GitHub Copilot'],
    ['Claude:claude-opus-4 coccinelle', 'Claude'],
    ['Claude:claude-3-opus coccinelle sparse', 'Claude'],
    ['Claude Code:opus-4-8', 'Claude Code'],
    ['Cursor/claude-4-sonnet', 'Cursor'],
    ['Crush:glm-5.2', 'Crush'],
    ['codex (gpt-5)', 'OpenAI Codex'],
    ['Claude <noreply@anthropic.com>', 'Claude Code'],
    ['ChatGPT 5.2', 'ChatGPT 5.2'],
    ['Claude Opus 4.5', 'Claude Opus 4.5'],
    ['Jay Satiro', 'Jay Satiro'],
    ['  GitHub Copilot  ', 'GitHub Copilot'],
  ])('%j names %j', (value, tool) => {
    expect(toolForTrailerValue(value)).toBe(tool);
  });

  it.each(['', 'yes', 'TRUE', '1', 'Jay Satiro <jay@example.com>'])('%j names no tool', (value) => {
    expect(toolForTrailerValue(value)).toBeUndefined();
  });

  it('does not take a URL scheme for an agent', () => {
    expect(toolForTrailerValue('https://chatgpt.com/x')).toBe('https://chatgpt.com/x');
  });

  it('does not take a longer word for a tool name', () => {
    expect(toolForTrailerValue('Copilotish helper')).toBe('Copilotish helper');
    expect(toolForTrailerValue('Ampere:v1')).toBe('Ampere');
  });
});
