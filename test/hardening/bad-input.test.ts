/**
 * Bad input: hostile or broken policies, huge pull requests, huge commit messages, odd paths and
 * hostile names each give a clear error or a correct verdict, in bounded time and memory (the
 * tests assert results; a per-test time limit catches a run that would not end). Webhooks with a
 * missing or wrong signature are refused by Probot's HTTP server before anything reaches GitHub.
 *
 * Policy-level unit tests of the same bounds live in test/policy/bounds.test.ts and
 * test/policy/errors.test.ts; the tests here send the same inputs through the whole app.
 */
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { Minimatch } from 'minimatch';
import { describe, expect, it } from 'vitest';
import { detectAi } from '../../src/detect/detect.js';
import { compileIdentityGlob, compileIdentityGlobs } from '../../src/detect/globs.js';
import { evaluate } from '../../src/evaluate/evaluate.js';
import { pullRequestEvent, signPayload } from '../../src/fake-github/webhooks.js';
import { POLICY_PATH } from '../../src/model/names.js';
import { WEBHOOK_SECRET, plain } from '../support/app-on-fake.js';
import { commit, facts, policy, rule, HEAD } from '../evaluate/builders.js';
import {
  PAYMENTS_POLICY,
  R,
  REPO,
  hardeningState,
  one,
  openAiPaymentsPr,
  start,
  writeCalls,
} from './world.js';

/** A commit id made from a name. */
const sha = (name: string) => createHash('sha1').update(name).digest('hex');

/** The app on a fake GitHub whose default branch holds `policy`, and PR #7 opened. */
async function judgeWith(
  policy: string,
  change?: (pr: ReturnType<typeof openAiPaymentsPr>) => void,
) {
  const state = hardeningState({ policy });
  const pr = openAiPaymentsPr(state);
  change?.(pr);
  const app = await start(state);
  expect(await app.send(pullRequestEvent(state, REPO, pr.number, 'opened'))).toBe(200);
  return { state, pr, app, check: one(app, 'POST', `${R}/check-runs`) };
}

// ---------------------------------------------------------------------------------------------
// Policies

const ALIAS_BOMB = [
  'version: 1',
  'a: &a ["x","x","x","x","x","x","x","x","x","x"]',
  'b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]',
  'c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]',
  'd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]',
  'e: [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]',
  '',
].join('\n');

const BAD_POLICIES: [string, string, string][] = [
  [
    'invalid YAML',
    'version: 1\ncritical_paths: [\n',
    `${POLICY_PATH}:2:17: YAML syntax error: the flow list opened with \`[\` on line 2 is never closed`,
  ],
  [
    'wrong types',
    'version: 1\ncritical_paths:\n  - name: payments\n    paths: "services/**"\n    approvals: two\n    reviewers:\n      users: [bob]\n',
    `${POLICY_PATH}:4:12: \`critical_paths[0].paths\` must be a list, found the text "services/**"`,
  ],
  [
    'an unknown key',
    'version: 1\ncritcal_paths: []\n',
    `${POLICY_PATH}:2:1: unknown key \`critcal_paths\` in the policy (did you mean \`critical_paths\`?)`,
  ],
  [
    'an empty file',
    '',
    `${POLICY_PATH}:1:1: the policy file is empty; start it with \`version: 1\``,
  ],
  [
    'a 300 KB file (GitHub still sends its text)',
    `version: 1\n#${'x'.repeat(300 * 1024)}\n`,
    `${POLICY_PATH}:1:1: the policy file is 307,213 bytes; the limit is 262,144 bytes`,
  ],
  ['an alias bomb', ALIAS_BOMB, `${POLICY_PATH}:4:17: too many YAML aliases: more than 50`],
  [
    'runaway brace expansion',
    'version: 1\ncritical_paths:\n  - name: x\n    paths: ["src/{1..100000}/{a,b,c}/**"]\n    reviewers:\n      users: [bob]\n',
    'expands through braces to more than 256 alternatives',
  ],
  [
    'a co-author glob minimatch cannot compile',
    'version: 1\ndetection:\n  co_authors: ["[[:alpha:]] x"]\n',
    `${POLICY_PATH}:3:16: \`detection.co_authors[0]\`: \`[[:alpha:]] x\` cannot be turned into a matcher`,
  ],
];

describe('a bad policy on the default branch, through the app', () => {
  it.each(BAD_POLICIES)(
    '%s: a failing check with file:line:column and the fix',
    async (_what, text, expected) => {
      const { app, check } = await judgeWith(text);
      expect(check.status).toBe('completed');
      expect(check.conclusion).toBe('failure');
      expect(check.output.title).toMatch(/^Could not evaluate: /);
      expect(plain(check.output.summary)).toContain(expected);
      // Nothing else is written for a PR judged by a policy nobody can trust.
      expect(writeCalls(app)).toEqual([`POST ${R}/check-runs`]);
    },
  );

  it('a 10 MB file, as GitHub serves it: a failing check saying it is too big', async () => {
    // GraphQL cuts a blob's text at 512 KB and says so; the contents API gives no content for a
    // file over 1 MB. The fake serves both as GitHub does.
    const size = 10 * 1024 * 1024;
    const { app, check } = await judgeWith(`version: 1\n#${'x'.repeat(size - 13)}\n`);
    expect(check.conclusion).toBe('failure');
    expect(plain(check.output.summary)).toContain('the file is too big');
    expect(writeCalls(app)).toEqual([`POST ${R}/check-runs`]);
  });
});

// ---------------------------------------------------------------------------------------------
// Huge pull requests, through `evaluate`

const payments = policy({ critical_paths: [rule()] });

describe('100,000 changed files', () => {
  const files = Array.from({ length: 100_000 }, (_, i) => ({
    path: i % 1000 === 0 ? `services/payments/gen/f${i}.ts` : `src/gen/${i % 97}/f${i}.ts`,
  }));

  it('all listed: exactly the critical ones are matched', () => {
    const v = evaluate(payments, facts({ files, changedFilesCount: 100_000 }));
    expect(v.outcome).toBe('approval_required');
    expect(v.changedFiles).toBe(100_000);
    expect(v.requirements).toHaveLength(1);
    expect(v.requirements[0]!.files).toHaveLength(100);
    expect(v.requirements[0]!.files[1]).toBe('services/payments/gen/f1000.ts');
  });

  it('not all listed: an error, even with every approval there', () => {
    const v = evaluate(
      payments,
      facts({
        files: files.slice(0, 3000),
        filesComplete: false,
        changedFilesCount: 100_000,
        reviews: [],
      }),
    );
    expect(v.outcome).toBe('error');
    expect(v.errors).toContain(
      'GitHub listed 3000 of 100000 changed files, so critical paths may be missing; split the pull request',
    );
  });
});

describe('huge commit messages', () => {
  const MB = 1024 * 1024;

  it('1 MB of text with an AI trailer at the end: found', () => {
    const message = `Big change\n\n${'lorem ipsum '.repeat(MB / 12)}\n\nAssisted-by: Claude:claude-opus-4\n`;
    const v = evaluate(payments, facts({ commits: [commit(HEAD, message)] }));
    expect(v.aiAssisted).toBe(true);
    expect(v.evidence.map((e) => e.detail)).toEqual(['Assisted-by: Claude:claude-opus-4']);
  });

  it('1 MB of one line with no trailer: not AI-assisted', () => {
    const message = `Big change\n\n${'x'.repeat(MB)}\n`;
    const v = evaluate(payments, facts({ commits: [commit(HEAD, message)] }));
    expect(v.aiAssisted).toBe(false);
    expect(v.outcome).toBe('pass');
  });

  it('10,000 trailers: each read once, the only AI one found', () => {
    const people = Array.from(
      { length: 10_000 },
      (_, i) => `Co-authored-by: Person ${i} <p${i}@example.com>`,
    );
    people.splice(5000, 0, 'Co-authored-by: Claude <noreply@anthropic.com>');
    const message = `Many hands\n\n${people.join('\n')}\n`;
    const v = evaluate(payments, facts({ commits: [commit(HEAD, message)] }));
    expect(v.evidence).toEqual([
      expect.objectContaining({ kind: 'co-author', tool: 'Claude Code' }),
    ]);
  });

  it('10,000 AI trailers: 10,000 pieces of evidence, still one verdict', () => {
    const lines = Array.from({ length: 10_000 }, (_, i) => `Assisted-by: tool-${i}`);
    const v = evaluate(
      payments,
      facts({ commits: [commit(HEAD, `Tools\n\n${lines.join('\n')}\n`)] }),
    );
    expect(v.evidence).toHaveLength(10_000);
    expect(v.outcome).toBe('approval_required');
  });
});

describe('paths with spaces, unicode and leading dots', () => {
  const odd = policy({
    critical_paths: [
      rule({ name: 'spaces', paths: ['services/pay ments/**'] }),
      rule({ name: 'unicode', paths: ['docs/日本語/**', 'src/café/*.ts'] }),
      rule({ name: 'dots', paths: ['.github/workflows/**', '**/.env*'] }),
    ],
  });
  const paths = [
    'services/pay ments/refund.ts',
    'services/payments/refund.ts',
    'docs/日本語/仕様.md',
    'src/café/menu.ts',
    'src/cafe\u0301/menu.ts',
    '.github/workflows/deploy.yml',
    'config/.env.production',
    'config/env',
    ' leading-space.ts',
  ];

  it('each file falls under exactly the rule that names it', () => {
    const v = evaluate(odd, facts({ files: paths.map((path) => ({ path })) }));
    expect(Object.fromEntries(v.requirements.map((r) => [r.rule, r.files]))).toEqual({
      spaces: ['services/pay ments/refund.ts'],
      // Unicode is compared as written: the decomposed `café` is another name.
      unicode: ['docs/日本語/仕様.md', 'src/café/menu.ts'],
      dots: ['.github/workflows/deploy.yml', 'config/.env.production'],
    });
  });

  it('through the app, annotations name the files exactly', async () => {
    const text = `version: 1\ncritical_paths:\n  - name: odd\n    paths: ["services/pay ments/**", "docs/日本語/**", "**/.env*"]\n    reviewers:\n      teams: [payments-seniors]\n`;
    const { check } = await judgeWith(text, (pr) => {
      pr.files = paths.map((path) => ({ path, changeType: 'ADDED', additions: 1, deletions: 0 }));
    });
    expect(check.conclusion).toBe('action_required');
    expect(check.output.annotations.map((a: { path: string }) => a.path)).toEqual([
      'services/pay ments/refund.ts',
      'docs/日本語/仕様.md',
      'config/.env.production',
    ]);
  });
});

// ---------------------------------------------------------------------------------------------
// Hostile names against `detection.co_authors`

describe('co-author globs against hostile names', () => {
  // Sizes are chosen so that a backtracking matcher (minimatch's own expression, as the app used
  // before) takes many seconds and fails the time limit, while a linear one answers at once.
  const backtracker = '*a*a*a*b';
  const withGlob = (glob: string) =>
    policy({
      critical_paths: [rule()],
      detection: { ...policy().detection, co_authors: [glob] },
    });

  it(
    'a glob with several wildcards against a 300-character name: answered at once',
    {
      timeout: 5_000,
    },
    () => {
      const name = 'a'.repeat(300);
      const miss = `Work\n\nCo-authored-by: ${name} <${name}@example.com>\n`;
      const hit = `Work\n\nCo-authored-by: ${name}b <x@example.com>\n`;
      expect(
        evaluate(withGlob(backtracker), facts({ commits: [commit(HEAD, miss)] })).aiAssisted,
      ).toBe(false);
      const v = evaluate(withGlob(backtracker), facts({ commits: [commit(HEAD, hit)] }));
      expect(v.aiAssisted).toBe(true);
      expect(v.evidence[0]!.reason).toBe(`detection.co_authors: ${backtracker}`);
    },
  );

  it(
    'several hostile globs and names through detectAi: no match, no stall',
    { timeout: 5_000 },
    () => {
      const globs = ['*a*a*a*b', '{*a,*b}*{c,d}*{e,f}*z', '*@*.*.*.*.*q'];
      const names = ['a'.repeat(300), `${'ab'.repeat(150)}@`, `@${'.'.repeat(150)}`];
      const commits = names.map((n, i) =>
        commit(sha(`c${i}`), `x\n\nCo-authored-by: ${n} <${n}>\n`),
      );
      const d = policy().detection;
      expect(
        detectAi({ ...d, builtin: false, co_authors: globs }, { ...facts(), commits, labels: [] }),
      ).toEqual([]);
    },
  );

  it('a 100,000-character name takes time in proportion to its length', { timeout: 5_000 }, () => {
    const match = compileIdentityGlob(backtracker)!;
    expect(match(`${'a'.repeat(100_000)}b`)).toBe(true);
    expect(match('a'.repeat(100_000))).toBe(false);
  });

  it('means what minimatch means, for names and emails (no `/`)', () => {
    const options = { nocase: true, dot: true, noext: true, nocomment: true };
    const pattern = fc
      .array(
        fc.constantFrom(
          'a',
          'A',
          'b',
          '.',
          '*',
          '**',
          '?',
          '[ab]',
          '[!a]',
          '[A-Z]',
          '{a,b}',
          '{,x}',
          '@',
          '<',
          '>',
          ' ',
          'é',
          '!',
          '[[:alpha:]]',
          '[]a]',
          '\u{1F600}',
          '/',
          '[',
          '$',
          '(',
          '|',
        ),
        { maxLength: 7 },
      )
      .map((a) => a.join(''));
    const text = fc
      .array(
        fc.constantFrom(
          'a',
          'A',
          'b',
          '.',
          '@',
          '<',
          '>',
          ' ',
          'é',
          'É',
          '\u{1F600}',
          '$',
          '[',
          '\r',
        ),
        { maxLength: 8 },
      )
      .map((a) => a.join(''));
    fc.assert(
      fc.property(pattern, text, (p, t) => {
        let re: RegExp | false;
        try {
          re = new Minimatch(p, options).makeRe();
        } catch {
          re = false;
        }
        const test = compileIdentityGlob(p);
        expect(test ? test(t) : false).toBe(re === false ? false : re.test(t));
      }),
      { numRuns: 3000 },
    );
  });

  it('matches the whole identity, the email or the name, case-insensitively', () => {
    const match = compileIdentityGlobs(['*@anthropic.com', 'Devin*', 'bot <*>']);
    expect(match('Claude', 'NoReply@Anthropic.COM')).toBe('*@anthropic.com');
    expect(match('devin-ai-integration', '')).toBe('Devin*');
    expect(match('Bot', 'x@y')).toBe('bot <*>');
    expect(match('Alice', 'alice@acme.test')).toBeNull();
  });

  it('a hostile name through the app: the PR is judged', { timeout: 10_000 }, async () => {
    const name = 'a'.repeat(300);
    const state = hardeningState({
      policy: `${PAYMENTS_POLICY}detection:\n  co_authors: ["${backtracker}"]\n`,
    });
    const pr = openAiPaymentsPr(state, 7, {
      commits: [{ message: `Work\n\nCo-authored-by: ${name} <${name}@example.com>\n` }],
    });
    const app = await start(state);
    expect(await app.send(pullRequestEvent(state, REPO, pr.number, 'opened'))).toBe(200);
    const check = one(app, 'POST', `${R}/check-runs`);
    expect(check.conclusion).toBe('success');
    expect(check.output.title).toBe('Not AI-assisted');
  });
});

// ---------------------------------------------------------------------------------------------
// Webhook signatures, through Probot's own HTTP server

describe('webhook signatures (Probot’s Server, as `probot run` starts it)', () => {
  it('a missing, wrong or stale signature: 4xx and no request to GitHub; a good one: judged', async () => {
    const state = hardeningState();
    const pr = openAiPaymentsPr(state);
    const app = await start(state);
    const delivery = pullRequestEvent(state, REPO, pr.number, 'opened');
    const body = JSON.stringify(delivery.payload);
    const sign = (text: string, secret = WEBHOOK_SECRET) => signPayload(secret, text);
    const post = (payload: string, signature: string | null) =>
      fetch(app.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-github-event': 'pull_request',
          'x-github-delivery': delivery.id,
          ...(signature === null ? {} : { 'x-hub-signature-256': signature }),
        },
        body: payload,
      });

    for (const res of [
      await post(body, null),
      await post(body, sign(body, 'guessed-secret')),
      await post(body, 'sha256=' + '0'.repeat(64)),
      await post(body.replace('"opened"', '"reopened"'), sign(body)),
      await post(body, sign(body).replace('sha256=', 'sha1=')),
    ]) {
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
    }
    expect(app.fake.stats.requests).toEqual([]);
    expect(app.fake.stats.tokens).toBe(0);

    const good = await post(body, sign(body));
    expect(good.status).toBe(200);
    expect(app.check(REPO, pr.headSha).conclusion).toBe('action_required');
  });
});
