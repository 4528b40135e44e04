import { describe, expect, it } from 'vitest';
import { parsePolicy, readExtends } from '../../src/policy/load.js';
import type { PolicyError } from '../../src/model/policy.js';

const FILE = '.github/ai-governance.yml';

function errorsOf(text: string): PolicyError[] {
  const r = parsePolicy(text, { file: FILE });
  if (r.ok) throw new Error('expected errors');
  return r.errors;
}

/** Runs `f` and checks it returned in reasonable time: the point is that it returns at all. */
function quickly<T>(f: () => T): T {
  const start = Date.now();
  const out = f();
  expect(Date.now() - start).toBeLessThan(5_000);
  return out;
}

const rules = (n: number, pathsPerRule: number) =>
  Array.from(
    { length: n },
    (_, i) =>
      `  - name: r${i}\n    paths: [${Array.from({ length: pathsPerRule }, (_, j) => `"d${i}/f${j}/**"`).join(', ')}]\n    reviewers: { users: [alice] }\n`,
  ).join('');

describe('bounds', () => {
  it('rejects 10 MB of text before parsing it', () => {
    const text = 'version: 1\n' + '# padding\n'.repeat(1_048_576);
    const errors = quickly(() => errorsOf(text));
    expect(errors).toEqual([
      expect.objectContaining({
        line: 1,
        column: 1,
        message: 'the policy file is 10,485,771 bytes; the limit is 262,144 bytes (256 KiB)',
      }),
    ]);
    expect(quickly(() => readExtends(text, FILE)).ok).toBe(false);
  });

  it('counts bytes, not characters', () => {
    // 100,000 three-byte characters: under the limit in characters, over it in bytes.
    const text = `version: 1\ndetection:\n  body_markers: ["${'€'.repeat(100_000)}"]\n`;
    expect(errorsOf(text)[0]!.message).toContain('300,043 bytes');
  });

  it('accepts a file just under the limit', () => {
    const text = 'version: 1\n' + '#'.repeat(256 * 1024 - 12) + '\n';
    expect(Buffer.byteLength(text)).toBe(256 * 1024);
    expect(parsePolicy(text, { file: FILE }).ok).toBe(true);
  });

  /** Ten levels of anchors, each a list of ten aliases of the level below. */
  function aliasBomb(): string {
    const lines = ['version: 1', 'a0: &a0 [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i <= 9; i++) {
      lines.push(`a${i}: &a${i} [${Array.from({ length: 10 }, () => `*a${i - 1}`).join(', ')}]`);
    }
    return lines.join('\n') + '\n';
  }
  const big = Array.from({ length: 3000 }, (_, i) => `l${i}`).join(', ');

  it.each([
    {
      proves: 'stops an alias bomb (exponential expansion) at once',
      text: aliasBomb(),
      at: { line: 4, column: 25 },
      says: 'too many YAML aliases',
    },
    {
      proves: 'stops a few aliases that repeat a large anchored value',
      text: `version: 1\nbig: &big [${big}]\nx: [*big, *big, *big, *big]\n`,
      at: { line: 3, column: 23 },
      says: 'expand to more than 10,000 values',
    },
  ])('$proves', ({ text, at, says }) => {
    const errors = quickly(() => errorsOf(text));
    expect(errors).toEqual([
      expect.objectContaining({ ...at, message: expect.stringContaining(says) }),
    ]);
  });

  it('rejects {1..100000} without expanding it', () => {
    const text =
      'version: 1\ncritical_paths:\n  - name: a\n    paths: ["x/{1..100000}/**"]\n    reviewers: { users: [alice] }\n';
    const errors = quickly(() => errorsOf(text));
    expect(errors.map((e) => [e.line, e.column, e.message])).toEqual([
      [4, 13, expect.stringContaining('expands through braces to more than 256 alternatives')],
    ]);
  });

  it('rejects a product of brace groups without expanding it', () => {
    const text = `version: 1\ndetection:\n  co_authors: ["${'{a,b,c}'.repeat(100)}@x"]\n`;
    expect(quickly(() => errorsOf(text))[0]!.message).toContain('more than 256 alternatives');
  });

  it('accepts 1,000 patterns and rejects the 1,001st, wherever it is written', () => {
    const thousand = `version: 1\ncritical_paths:\n${rules(100, 10)}`;
    expect(quickly(() => parsePolicy(thousand, { file: FILE })).ok).toBe(true);
    const over = `version: 1\ndetection:\n  co_authors: ["*@x.com"]\ncritical_paths:\n${rules(100, 10)}`;
    const errors = quickly(() => errorsOf(over));
    // The 1,001st pattern is the last path of the last rule, on the second-to-last line.
    const lines = over.split('\n');
    expect(errors.map((e) => [e.line, e.message])).toEqual([
      [lines.length - 2, 'the policy has more than 1,000 glob patterns (this is pattern 1001)'],
    ]);
  });

  it('rejects a glob over 1,000 characters', () => {
    const text = `version: 1\ncritical_paths:\n  - name: a\n    paths: ["${'a'.repeat(1001)}"]\n    reviewers: { users: [alice] }\n`;
    expect(errorsOf(text)[0]!.message).toContain('1001 characters long; the limit is 1000');
  });

  it('rejects deep nesting without overflowing the stack', () => {
    const flow = 'version: 1\nx: ' + '['.repeat(100_000) + ']'.repeat(100_000) + '\n';
    expect(quickly(() => errorsOf(flow)).length).toBeGreaterThan(0);
    let block = 'version: 1\nx:\n';
    for (let i = 1; i <= 40; i++) block += `${'  '.repeat(i)}k${i}:\n`;
    const errors = quickly(() => errorsOf(block));
    expect(errors[0]!.message).toContain('nested more than 32 levels deep');
  });

  it('reports at most 100 errors and says how many more there are', () => {
    const text =
      'version: 1\n' + Array.from({ length: 500 }, (_, i) => `bad${i}: 1`).join('\n') + '\n';
    const errors = quickly(() => errorsOf(text));
    expect(errors).toHaveLength(101);
    expect(errors[100]!.message).toBe('400 more errors not shown');
    expect(errors[100]!.line).toBe(102);
  });

  it('reads a long but ordinary file quickly', () => {
    const text = `version: 1\ncritical_paths:\n${rules(200, 4)}`;
    const r = quickly(() => parsePolicy(text, { file: FILE }));
    expect(r.ok && r.policy.critical_paths).toHaveLength(200);
  });
});
