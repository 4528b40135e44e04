import { describe, expect, it } from 'vitest';
import { parsePolicy, type PolicyResult } from '../../src/policy/load.js';
import { formatPolicyError, type PolicyError } from '../../src/model/policy.js';

const FILE = '.github/ai-governance.yml';

function errorsOf(text: string, options: { knownTeams?: ReadonlySet<string>; org?: string } = {}) {
  const r: PolicyResult = parsePolicy(text, { file: FILE, ...options });
  if (r.ok) throw new Error(`expected errors, got a policy: ${JSON.stringify(r.policy)}`);
  for (const e of r.errors) {
    expect(e.file).toBe(FILE);
    expect(e.message.length).toBeGreaterThan(5);
    expect(e.fix.length).toBeGreaterThan(5);
  }
  return r.errors;
}

/** [line, column, fragment of the message] for each error, in order. */
function located(errors: PolicyError[]): [number, number, string][] {
  return errors.map((e) => [e.line, e.column, e.message]);
}

const RULE = (extra = '') =>
  `  - name: payments\n    paths: ["services/payments/**"]\n    reviewers: { teams: [seniors] }\n${extra}`;

// One case per kind of error: the text, then the expected line, column and a piece of the
// message (and of the fix, where it says something specific).
const CASES: [string, string, number, number, string, string?][] = [
  [
    'unknown top-level key',
    'version: 1\ncritical_path: []\n',
    2,
    1,
    'unknown key `critical_path` in the policy (did you mean `critical_paths`?)',
    'rename it to `critical_paths`',
  ],
  [
    'unknown nested key',
    'version: 1\ndetection:\n  co-authors: ["*@x.com"]\n',
    3,
    3,
    'did you mean `co_authors`?',
  ],
  [
    'unknown key in a rule',
    `version: 1\ncritical_paths:\n${RULE('    aprovals: 2\n')}`,
    6,
    5,
    'unknown key `aprovals` in `critical_paths[0]` (did you mean `approvals`?)',
  ],
  [
    '_extends below the top level',
    'version: 1\ndetection:\n  _extends: x\n',
    3,
    3,
    'unknown key `_extends` in `detection`',
  ],
  [
    'boolean written as text',
    'version: 1\napply_to_human_prs: "true"\n',
    2,
    21,
    '`apply_to_human_prs` must be `true` or `false`, found the text "true"',
    'without quotes',
  ],
  [
    'YAML 1.1 boolean word',
    'version: 1\napply_to_human_prs: yes\n',
    2,
    21,
    'found the text "yes"',
    'yes, no, on and off are text',
  ],
  [
    'text where a list is needed',
    'version: 1\ndetection:\n  labels: ai\n',
    3,
    11,
    '`detection.labels` must be a list, found the text "ai"',
    '`[ai]`',
  ],
  [
    'scalar where a mapping is needed',
    'version: 1\napproval: true\n',
    2,
    11,
    '`approval` must be a mapping, found `true`',
  ],
  [
    'number where text is needed',
    'version: 1\ndetection:\n  labels: [2024]\n',
    3,
    12,
    '`detection.labels[0]` must be text, found the number 2024',
    "quote it: `'2024'`",
  ],
  [
    'text where a number is needed',
    `version: 1\ncritical_paths:\n${RULE('    approvals: two\n')}`,
    6,
    16,
    'must be a whole number from 1 to 20, found the text "two"',
  ],
  [
    'approvals out of range',
    `version: 1\ncritical_paths:\n${RULE('    approvals: 0\n')}`,
    6,
    16,
    'from 1 to 20, found the number 0',
  ],
  [
    'approvals above the maximum',
    `version: 1\ncritical_paths:\n${RULE('    approvals: 21\n')}`,
    6,
    16,
    'from 1 to 20, found the number 21',
  ],
  [
    'fractional approvals',
    'version: 1\nai_default:\n  approvals: 1.5\n',
    3,
    14,
    '`ai_default.approvals` must be a whole number from 0 to 20, found the number 1.5',
  ],
  [
    'empty string',
    'version: 1\ndetection:\n  labels: [""]\n',
    3,
    12,
    '`detection.labels[0]` is empty',
  ],
  [
    'blank glob',
    'version: 1\ncritical_paths:\n  - name: a\n    paths: ["  "]\n    reviewers: { users: [alice] }\n',
    4,
    13,
    '`critical_paths[0].paths[0]` is empty',
  ],
  [
    'empty paths',
    'version: 1\ncritical_paths:\n  - name: a\n    paths: []\n    reviewers: { users: [alice] }\n',
    4,
    12,
    '`critical_paths[0].paths` is an empty list',
  ],
  [
    'bad glob',
    'version: 1\ncritical_paths:\n  - name: a\n    paths:\n      - ok/**\n      - "./src/**"\n    reviewers: { users: [alice] }\n',
    6,
    9,
    '`./src/**` starts with `./`',
    'remove the leading `./`',
  ],
  [
    'bad co-author glob',
    'version: 1\ndetection:\n  co_authors: ["{1..100000}@x.com"]\n',
    3,
    16,
    'more than 256 alternatives',
  ],
  [
    'duplicate list entry (case-insensitive)',
    'version: 1\ndetection:\n  labels: [ai, x, AI]\n',
    3,
    19,
    '`AI` is listed twice in `detection.labels` (first at line 3)',
  ],
  [
    'duplicate team after normalisation',
    'version: 1\nai_default:\n  reviewers:\n    teams: ["@Org/Leads", leads]\n',
    4,
    27,
    '`leads` is listed twice',
  ],
  [
    'duplicate rule name',
    `version: 1\ncritical_paths:\n${RULE()}  - name: Payments\n    paths: [b]\n    reviewers: { users: [bob] }\n`,
    6,
    11,
    'two entries of `critical_paths` have the name `Payments` (first at line 3)',
  ],
  [
    'duplicate YAML key',
    'version: 1\napproval:\n  latest_push_only: true\n  latest_push_only: false\n',
    4,
    3,
    'duplicate key `latest_push_only` (first written at line 3)',
  ],
  [
    'YAML syntax error',
    'version: 1\ndetection:\n  labels: [a, b\napproval: {}\n',
    3,
    11,
    'YAML syntax error: the flow list opened with `[` on line 3 is never closed',
    'add the `]` at the end of the list on line 3',
  ],
  [
    'unquoted [bot] in a flow list',
    'version: 1\ndetection:\n  authors: [my-agent[bot]]\n',
    3,
    21,
    'YAML syntax error',
    'quote names that end in `[bot]`',
  ],
  ['tab', 'version: 1\ndetection:\n\tbuiltin: true\n', 3, 1, 'tab character', 'use spaces'],
  ['tab after a key', 'version: 1\napply_to_human_prs:\ttrue\n', 2, 20, 'tab character'],
  ['several documents', 'version: 1\n---\nversion: 1\n', 2, 1, 'more than one YAML document'],
  [
    'list at the top level',
    '- version: 1\n',
    1,
    1,
    'the top level of the policy must be a mapping of keys, found a list',
  ],
  ['text at the top level', 'hello\n', 1, 1, 'found the text "hello"'],
  ['empty file', '', 1, 1, 'the policy file is empty', 'start it with `version: 1`'],
  ['file of comments only', '# nothing\n\n', 1, 1, 'the policy file is empty'],
  [
    'null value',
    'version: 1\napproval:\n  latest_push_only:\n',
    3,
    20,
    '`approval.latest_push_only` has no value',
    'remove the key to use `true`',
  ],
  ['explicit null', 'version: 1\ncritical_paths: ~\n', 2, 17, '`critical_paths` has no value'],
  [
    'null list item',
    'version: 1\ndetection:\n  labels: [a, ~]\n',
    3,
    15,
    '`detection.labels[1]` has no value',
  ],
  [
    'missing version',
    'detection: {}\n',
    1,
    1,
    'the policy is missing `version`',
    'add `version: 1`',
  ],
  [
    'unsupported version',
    'version: 2\n',
    1,
    10,
    '`version` must be the number 1, found the number 2',
  ],
  ['version as text', 'version: "1"\n', 1, 10, 'found the text "1"'],
  [
    'rule without name',
    'version: 1\ncritical_paths:\n  - paths: [a]\n    reviewers: { users: [alice] }\n',
    3,
    5,
    '`critical_paths[0]` is missing `name`',
  ],
  [
    'rule without reviewers',
    'version: 1\ncritical_paths:\n  - name: a\n    paths: [a]\n',
    3,
    5,
    '`critical_paths[0]` is missing `reviewers`',
  ],
  [
    'rule naming nobody',
    'version: 1\ncritical_paths:\n  - name: a\n    paths: [a]\n    reviewers: { teams: [], users: [] }\n',
    5,
    16,
    '`critical_paths[0].reviewers` names no team or user',
  ],
  [
    'override without label',
    'version: 1\noverride:\n  teams: [oncall]\n',
    3,
    3,
    '`override` is missing `label`',
  ],
  [
    'override naming nobody',
    'version: 1\noverride:\n  label: x\n',
    3,
    3,
    '`override` names no team or user',
  ],
  [
    'malformed team',
    'version: 1\nai_default:\n  reviewers:\n    teams: ["a b"]\n',
    4,
    13,
    '`a b` is not a team',
  ],
  [
    'malformed login',
    'version: 1\nai_default:\n  reviewers:\n    users: ["al_ice"]\n',
    4,
    13,
    '`al_ice` is not a GitHub login',
  ],
  [
    'bot as approver',
    'version: 1\nai_default:\n  reviewers:\n    users: ["ci[bot]"]\n',
    4,
    13,
    '`ci[bot]` is a bot account',
  ],
  [
    'trailer with a colon',
    'version: 1\ndetection:\n  trailers: ["Assisted-by:"]\n',
    3,
    14,
    'ends with a colon',
    '`Assisted-by`',
  ],
  [
    'label too long',
    `version: 1\nactions:\n  label: ${'x'.repeat(51)}\n`,
    3,
    10,
    '51 characters long; the limit is 50',
  ],
  [
    'name with surrounding spaces',
    'version: 1\ncritical_paths:\n  - name: " a"\n    paths: [a]\n    reviewers: { users: [alice] }\n',
    3,
    11,
    'has spaces at the start or end',
  ],
  [
    'multi-line label',
    'version: 1\ndetection:\n  labels: ["a\\nb"]\n',
    3,
    12,
    'spans several lines',
  ],
  [
    'alias without anchor',
    'version: 1\ndetection:\n  labels: *nope\n',
    3,
    11,
    'the alias `*nope` refers to no anchor',
  ],
  [
    'YAML tag',
    'version: 1\ndetection:\n  labels: !!set {a}\n',
    3,
    17,
    'YAML tags such as `!!set` are not supported',
  ],
  [
    'merge key',
    'version: 1\napproval:\n  <<: {comment: true}\n',
    3,
    3,
    'YAML merge keys (`<<`) are not supported',
  ],
  ['non-text key', 'version: 1\n1: a\n', 2, 1, 'keys must be plain text, found the value 1'],
  ['YAML directive', '%YAML 1.2\n---\nversion: 1\n', 1, 1, 'YAML directives'],
  [
    '_extends not text',
    'version: 1\n_extends: [a]\n',
    2,
    11,
    '`_extends` must be text',
    '`_extends: .github`',
  ],
];

describe('each kind of error, located', () => {
  it.each(CASES)('%s', (_name, text, line, column, message, fix) => {
    const errors = errorsOf(text);
    const first = errors[0]!;
    expect([first.line, first.column]).toEqual([line, column]);
    expect(first.message).toContain(message);
    if (fix) expect(first.fix).toContain(fix);
  });
});

describe('error reporting', () => {
  it('collects every error in one pass, in file order', () => {
    const text = [
      'version: 1', // 1
      'detecton: {}', // 2
      'critical_paths:', // 3
      '  - name: a', // 4
      '    paths: ["/abs", "ok/**"]', // 5
      '    approvals: two', // 6
      '    reviewers: { users: ["x[bot]"] }', // 7
      'apply_to_human_prs: maybe', // 8
      'actions: { comment: }', // 9
      '',
    ].join('\n');
    expect(located(errorsOf(text))).toEqual([
      [2, 1, expect.stringContaining('unknown key `detecton`')],
      [5, 13, expect.stringContaining('`/abs` is an absolute path')],
      [6, 16, expect.stringContaining('`critical_paths[0].approvals` must be a whole number')],
      [7, 26, expect.stringContaining('`x[bot]` is a bot account')],
      [8, 21, expect.stringContaining('`apply_to_human_prs` must be `true` or `false`')],
      [9, 21, expect.stringContaining('`actions.comment` has no value')],
    ]);
  });

  it('reports a tab and still checks the rest', () => {
    const errors = errorsOf('version: 1\napply_to_human_prs:\ttrue\nbogus: 1\n');
    expect(located(errors)).toEqual([
      [2, 20, 'tab character'],
      [3, 1, expect.stringContaining('unknown key `bogus`')],
    ]);
  });

  it('formats as file:line:column: message; fix', () => {
    const [e] = errorsOf('version: 1\naproval: {}\n');
    expect(formatPolicyError(e!)).toBe(
      `${FILE}:2:1: unknown key \`aproval\` in the policy (did you mean \`approval\`?); rename it to \`approval\` or remove it; keys allowed here: version, enforcement, detection, critical_paths, ai_default, apply_to_human_prs, approval, override, floor, policy_file, actions`,
    );
  });

  it('points at the value for wrong values and at the key for unknown keys', () => {
    const [unknown] = errorsOf('version: 1\napproval:\n    comment_on: true\n');
    expect([unknown!.line, unknown!.column]).toEqual([3, 5]);
    const [wrong] = errorsOf('version: 1\napproval:\n    latest_push_only:    "no"\n');
    expect([wrong!.line, wrong!.column]).toEqual([3, 26]);
  });

  it('counts columns from the first character after a byte-order mark', () => {
    const [e] = errorsOf('\uFEFFbogus: 1\nversion: 1\n');
    expect([e!.line, e!.column]).toEqual([1, 1]);
  });

  it('locates problems inside an anchored value at the alias that uses it', () => {
    const text =
      'version: 1\nai_default:\n  reviewers: &r { users: [alice] }\npolicy_file:\n  reviewers: *r\n  approvals: 0\n';
    expect(located(errorsOf(text))).toEqual([
      [
        6,
        14,
        expect.stringContaining('`policy_file.approvals` must be a whole number from 1 to 20'),
      ],
    ]);
    const ok = parsePolicy(text.replace('approvals: 0', 'approvals: 2'), { file: FILE });
    expect(ok.ok && ok.policy.policy_file.reviewers).toEqual({ teams: [], users: ['alice'] });
  });

  it('rejects an alias that contains itself', () => {
    const errors = errorsOf('version: 1\ndetection:\n  labels: &l [a, *l]\n');
    expect(errors[0]!.message).toContain('refers to a value that contains it');
  });
});

describe('teams against the organisation', () => {
  const text =
    'version: 1\ncritical_paths:\n  - name: a\n    paths: [a]\n    reviewers: { teams: [payments-senors, "@acme/Platform"] }\n';

  it('rejects unknown teams when the known teams are given, suggesting the closest', () => {
    const errors = errorsOf(text, { knownTeams: new Set(['payments-seniors', 'platform']) });
    expect(located(errors)).toEqual([
      [
        5,
        26,
        expect.stringContaining(
          'no team `payments-senors` exists in the organisation (did you mean `payments-seniors`?)',
        ),
      ],
    ]);
  });

  it('accepts any well-formed team when the known teams are not given', () => {
    expect(parsePolicy(text, { file: FILE }).ok).toBe(true);
  });

  it('rejects a team of another organisation when the org is given', () => {
    const errors = errorsOf(text, { org: 'other' });
    expect(located(errors)).toEqual([
      [5, 43, expect.stringContaining('belongs to the organisation `acme`, not `other`')],
    ]);
    expect(parsePolicy(text, { file: FILE, org: 'ACME' }).ok).toBe(true);
  });
});
