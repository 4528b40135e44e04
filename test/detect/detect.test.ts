import { describe, expect, it } from 'vitest';
import { detectAi, type DetectionFacts } from '../../src/detect/detect.js';
import type { Evidence } from '../../src/model/evidence.js';
import type { CommitFact, GitIdentity, LabelFact } from '../../src/model/facts.js';
import { detection as settings } from '../evaluate/builders.js';

const SHA = 'c0ffee0000000000000000000000000000000001';

const DEV: GitIdentity = { name: 'Dana Dev', email: 'dana@example.com', login: 'dana-dev' };

function commit(message: string, coAuthors: GitIdentity[] = []): CommitFact {
  return { sha: SHA, message, authors: [DEV, ...coAuthors], committer: DEV };
}

function pr(over: Partial<DetectionFacts> = {}): DetectionFacts {
  return {
    commits: [],
    labels: [],
    author: { login: 'dana-dev', type: 'User' },
    body: '',
    headRef: 'fix-refunds',
    ...over,
  };
}

function detectCommit(message: string, coAuthors: GitIdentity[] = []): Evidence[] {
  return detectAi(settings(), pr({ commits: [commit(message, coAuthors)] }));
}

/** Evidence from the test's commit; a tool the built-in catalogue knows is the reason by default. */
function fromCommit(
  source: Evidence['source'],
  kind: Evidence['kind'],
  detail: string,
  tool?: string,
  reason = `built-in catalogue: ${tool}`,
): Evidence {
  return { source, kind, commit: SHA, detail, ...(tool === undefined ? {} : { tool }), reason };
}

describe('trailers hidden below a markdown rule (bypass 1)', () => {
  it('finds a co-author in the last paragraph below a `---` line', () => {
    const message =
      'Retry failed refunds\n\nRefunds that time out are retried once.\n\n---\n\n' +
      'Co-authored-by: Codex <noreply@openai.com>\n';
    expect(detectCommit(message)).toEqual([
      fromCommit(
        'trailer',
        'co-author',
        'Co-authored-by: Codex <noreply@openai.com>',
        'OpenAI Codex',
      ),
    ]);
  });

  it('finds an AI trailer key below a `---` line', () => {
    const message = 'Fix\n\nSome notes.\n---\n\nAssisted-by: Claude:claude-opus-4\n';
    expect(detectCommit(message).map((e) => [e.kind, e.detail])).toEqual([
      ['trailer', 'Assisted-by: Claude:claude-opus-4'],
    ]);
  });

  it('still finds a trailer block above a `---` line (the patch reading)', () => {
    const message = 'Fix\n\nCo-authored-by: Codex <noreply@openai.com>\n---\nreviewer notes\n';
    expect(detectCommit(message).map((e) => e.detail)).toEqual([
      'Co-authored-by: Codex <noreply@openai.com>',
    ]);
  });
});

describe('co-authors GitHub attributes to a commit', () => {
  const codex: GitIdentity = { name: 'Codex', email: 'noreply@openai.com', login: null };

  it('are evidence, with the commit, when they are an AI tool', () => {
    expect(detectCommit('Retry failed refunds\n', [codex])).toEqual([
      fromCommit('author', 'co-author', 'co-author: Codex <noreply@openai.com>', 'OpenAI Codex'),
    ]);
  });

  it('are matched by linked bot login and by the policy globs', () => {
    const jules: GitIdentity = {
      name: 'google-labs-jules[bot]',
      email: '161369871+google-labs-jules[bot]@users.noreply.github.com',
      login: 'google-labs-jules[bot]',
    };
    const agent: GitIdentity = { name: 'Agent', email: 'agent@corp.example', login: null };
    const got = detectAi(
      settings({ co_authors: ['*@corp.example'] }),
      pr({ commits: [commit('Fix\n', [jules, agent])] }),
    );
    expect(got.map((e) => [e.kind, e.detail, e.reason])).toEqual([
      [
        'co-author',
        'co-author: google-labs-jules[bot] <161369871+google-labs-jules[bot]@users.noreply.github.com> (@google-labs-jules[bot])',
        'built-in catalogue: Google Jules',
      ],
      [
        'co-author',
        'co-author: Agent <agent@corp.example>',
        'detection.co_authors: *@corp.example',
      ],
    ]);
  });

  it('are not repeated when the trailer already named the same tool', () => {
    const got = detectCommit('Fix\n\nCo-authored-by: Codex <noreply@openai.com>\n', [codex]);
    expect(got.map((e) => [e.source, e.detail])).toEqual([
      ['trailer', 'Co-authored-by: Codex <noreply@openai.com>'],
    ]);
  });

  it('are not evidence when they are people', () => {
    const person: GitIdentity = { name: 'Sam', email: 'sam@openai.com', login: 'sam' };
    expect(detectCommit('Fix\n', [person])).toEqual([]);
  });

  it('respect ignore_authors', () => {
    const bot: GitIdentity = {
      name: 'claude[bot]',
      email: '209825114+claude[bot]@users.noreply.github.com',
      login: 'claude[bot]',
    };
    const facts = pr({ commits: [commit('Fix\n', [bot])] });
    expect(detectAi(settings(), facts).map((e) => e.kind)).toEqual(['co-author']);
    expect(detectAi(settings({ ignore_authors: ['claude[bot]'] }), facts)).toEqual([]);
  });
});

describe('labels (bypass 3)', () => {
  const labelled = (by: LabelFact['appliedBy'], name = 'ai-assisted') =>
    detectAi(
      settings({ labels: ['ai-assisted', 'copilot'] }),
      pr({ labels: [{ name, appliedBy: by }] }),
      {
        selfLabel: 'ai-assisted',
        appLogin: 'ai-governance[bot]',
      },
    );
  const evidence = [
    { source: 'label', kind: 'label', detail: 'ai-assisted', reason: 'detection.labels' },
  ];

  it('counts the label when a labeler workflow (another bot) applied it', () => {
    expect(labelled({ login: 'github-actions[bot]', type: 'Bot' })).toEqual(evidence);
    expect(labelled({ login: 'some-labeler[bot]', type: 'Bot' })).toEqual(evidence);
  });

  it('counts the label when a person applied it', () => {
    expect(labelled({ login: 'dana-dev', type: 'User' })).toEqual(evidence);
  });

  it("does not count the app's own label, applied by the app's bot", () => {
    expect(labelled({ login: 'ai-governance[bot]', type: 'Bot' })).toEqual([]);
    expect(labelled({ login: 'AI-Governance[bot]', type: 'Bot' })).toEqual([]);
  });

  it('counts another listed label even when the app applied it', () => {
    expect(labelled({ login: 'ai-governance[bot]', type: 'Bot' }, 'copilot')).toEqual([
      { source: 'label', kind: 'label', detail: 'copilot', reason: 'detection.labels' },
    ]);
  });

  it('counts every listed label when the app is not known (the CLI)', () => {
    const got = detectAi(
      settings({ labels: ['ai-assisted'] }),
      pr({ labels: [{ name: 'ai-assisted', appliedBy: { login: 'x[bot]', type: 'Bot' } }] }),
      { selfLabel: 'ai-assisted' },
    );
    expect(got).toEqual(evidence);
  });
});

describe('markers of more tools and conventions', () => {
  it.each([
    ['Co-authored-by: Qwen-Coder <qwen-coder@alibabacloud.com>', 'Qwen Code'],
    ['Co-Authored-By: Oz <oz-agent@warp.dev>', 'Warp'],
    ['Co-Authored-By: Crush <crush@charm.land>', 'Crush'],
  ])('%s is a co-author of %s', (line, tool) => {
    expect(detectCommit(`Fix\n\n${line}\n`)).toEqual([
      fromCommit('trailer', 'co-author', line, tool),
    ]);
  });

  it.each([
    ['💘 Generated with Crush', 'Crush'],
    ['Entire-Checkpoint: 01M2VBJBJQZ2BP1W2PBWDF3J30', 'Entire'],
  ])('%s in a commit message marks %s', (line, tool) => {
    expect(detectCommit(`Fix\n\nBody.\n\n${line}\n`)).toEqual([
      fromCommit('body', 'body', line, tool),
    ]);
  });

  it.each(['Co-authored-by-AI: GitHub Copilot', 'AI-assisted-by: Claude'])(
    '%s is an AI trailer',
    (line) => {
      expect(detectCommit(`Fix\n\n${line}\n`).map((e) => [e.kind, e.detail, e.reason])).toEqual([
        ['trailer', line, 'built-in AI trailer'],
      ]);
    },
  );

  it('AI-assisted-by: none is a denial', () => {
    expect(detectCommit('Fix\n\nAI-assisted-by: none\n')).toEqual([]);
  });
});

describe('footers count only where they start a line', () => {
  it('a footer quoted in a sentence of a commit message or PR body is not evidence', () => {
    const prose =
      'Drop the footer 🤖 Generated with [Claude Code](https://claude.com/claude-code) from PRs.';
    expect(detectCommit(`Tidy templates\n\n${prose}\n`)).toEqual([]);
    expect(detectAi(settings(), pr({ body: `## Why\n\n${prose}\n` }))).toEqual([]);
  });

  it('the same footer on its own line is evidence', () => {
    const body =
      '## Why\n\nTidy.\n\n🤖 Generated with [Claude Code](https://claude.com/claude-code)\n';
    expect(detectAi(settings(), pr({ body })).map((e) => [e.kind, e.tool])).toEqual([
      ['body', 'Claude Code'],
    ]);
  });
});

describe('the tool an AI trailer names', () => {
  it.each([
    ['Assisted-by: GitHub Copilot', 'GitHub Copilot'],
    ['Assisted-by: Claude:claude-opus-4 coccinelle', 'Claude'],
    ['Generated-by: ChatGPT 5.2', 'ChatGPT 5.2'],
    ['AI-assisted-by: Cursor/claude-4-sonnet', 'Cursor'],
  ])('%s → %s', (line, tool) => {
    expect(detectCommit(`Fix\n\n${line}\n`)).toEqual([
      fromCommit('trailer', 'trailer', line, tool, 'built-in AI trailer'),
    ]);
  });

  it('leaves the tool out when the value names none', () => {
    const [e] = detectCommit('Fix\n\nAI-assisted: yes\n');
    expect(e).toEqual(
      fromCommit('trailer', 'trailer', 'AI-assisted: yes', undefined, 'built-in AI trailer'),
    );
  });

  it('fills it for a policy trailer key too', () => {
    const got = detectAi(
      settings({ trailers: ['AI-Tool'] }),
      pr({ commits: [commit('Fix\n\nAI-Tool: Copilot\n')] }),
    );
    expect(got.map((e) => [e.tool, e.reason])).toEqual([['GitHub Copilot', 'detection.trailers']]);
  });
});
