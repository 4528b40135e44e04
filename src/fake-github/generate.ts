/**
 * Generated pull requests for benchmarks: an organisation with teams, a repository with a policy
 * of a chosen number of path patterns, and pull requests of a chosen size. The same seed always
 * gives the same data.
 */

import type { FakeGitHubState } from './state.js';
import type { CommitSpec, FileSpec } from './model.js';

/** A small, fast, seedable generator (mulberry32). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const CRITICAL_TEAM = 'payments-seniors';
export const OTHER_TEAM = 'platform-leads';
/** The co-author trailer the generated AI-assisted commits carry. */
export const AI_TRAILER = 'Co-authored-by: Claude <noreply@anthropic.com>';

const WORDS = [
  'cache',
  'retry',
  'ledger',
  'invoice',
  'queue',
  'handler',
  'schema',
  'client',
  'limit',
  'token',
  'report',
  'export',
  'refund',
  'webhook',
  'session',
  'audit',
  'metrics',
  'config',
  'worker',
  'batch',
];
const VERBS = [
  'Add',
  'Fix',
  'Refactor',
  'Tidy',
  'Speed up',
  'Document',
  'Test',
  'Rename',
  'Split',
  'Guard',
];

/**
 * A policy with `patterns` path patterns in all: one `payments` rule on `services/payments/**`
 * (two approvals from the payments seniors) and further rules of up to ten patterns each that the
 * generated non-critical files never match.
 */
export function generatePolicy(patterns: number): string {
  if (!Number.isInteger(patterns) || patterns < 1)
    throw new Error('a policy needs at least one pattern');
  const lines = [
    'version: 1',
    'critical_paths:',
    '  - name: payments',
    '    paths: ["services/payments/**"]',
    '    approvals: 2',
    '    reviewers:',
    `      teams: [${CRITICAL_TEAM}]`,
  ];
  const shapes = [
    (i: number) => `services/svc-${i}/**`,
    (i: number) => `libs/lib-${i}/**/*.{ts,tsx}`,
    (i: number) => `infra/env-${i}/*.tf`,
    (i: number) => `**/schema-${i}/*.sql`,
  ];
  let made = 1;
  for (let rule = 1; made < patterns; rule++) {
    const count = Math.min(10, patterns - made);
    const paths = Array.from({ length: count }, (_, k) => {
      const i = made + k;
      return JSON.stringify(shapes[i % shapes.length]!(i));
    });
    made += count;
    lines.push(
      `  - name: area-${rule}`,
      `    paths: [${paths.join(', ')}]`,
      '    reviewers:',
      `      teams: [${OTHER_TEAM}]`,
    );
  }
  lines.push('actions:', '  label: ai-assisted', '  request_reviews: true', '  comment: true');
  return `${lines.join('\n')}\n`;
}

export interface GeneratedOrg {
  /** `owner/name` of the repository. */
  repo: string;
  owner: string;
  policy: string;
  /** Members of the critical team, who can approve. */
  seniors: string[];
  /** The developer who opens the pull requests. */
  author: string;
}

/** An organisation `owner` with two teams and a repository whose default branch holds the policy. */
export function generateOrg(
  state: FakeGitHubState,
  opts: { owner?: string; repo?: string; patterns?: number; seniors?: number } = {},
): GeneratedOrg {
  const owner = opts.owner ?? 'bench';
  const name = opts.repo ?? 'service';
  const seniors = Array.from(
    { length: Math.max(2, opts.seniors ?? 4) },
    (_, i) => `senior-${i + 1}`,
  );
  state.addOrg(owner);
  state.addTeam(owner, CRITICAL_TEAM, seniors);
  state.addTeam(owner, OTHER_TEAM, ['lead-1', 'lead-2']);
  state.addUser('dev-1');
  const policy = generatePolicy(opts.patterns ?? 1);
  state.addRepo({
    owner,
    name,
    files: { '.github/ai-governance.yml': policy, 'README.md': '# Service\n' },
  });
  return { repo: `${owner}/${name}`, owner, policy, seniors, author: 'dev-1' };
}

export interface PullRequestShape {
  seed?: number;
  commits: number;
  files: number;
  reviews: number;
  /** Approvals among the reviews (the rest are comments); default all of them, up to 2. */
  approvals?: number;
  /** The first commit carries an AI co-author trailer; default true. */
  aiAssisted?: boolean;
  /** How many files fall under the critical `services/payments/**` rule; default 1. */
  criticalFiles?: number;
}

/** A pull request of the given size in a generated repository; returns its number. */
export function generatePullRequest(
  state: FakeGitHubState,
  org: GeneratedOrg,
  shape: PullRequestShape,
): number {
  const rnd = prng(shape.seed ?? 1);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rnd() * list.length)]!;
  if (shape.commits < 1) throw new Error('a pull request needs at least one commit');
  const commits: CommitSpec[] = Array.from({ length: shape.commits }, (_, i) => {
    const headline = `${pick(VERBS)} ${pick(WORDS)} ${pick(WORDS)} (${i + 1})`;
    const body =
      i === 0 && shape.aiAssisted !== false ? `\n\nPart of the rollout.\n\n${AI_TRAILER}` : '';
    return { message: `${headline}${body}`, author: org.author };
  });
  const critical = Math.min(shape.criticalFiles ?? 1, shape.files);
  const files: FileSpec[] = Array.from({ length: shape.files }, (_, i) => {
    if (i < critical) return `services/payments/src/${pick(WORDS)}-${i}.ts`;
    const app = Math.floor(i / 50);
    return {
      path: `apps/app-${app}/src/${pick(WORDS)}/${pick(WORDS)}-${i}.ts`,
      changeType: rnd() < 0.1 ? 'ADDED' : 'MODIFIED',
      additions: 1 + Math.floor(rnd() * 40),
      deletions: Math.floor(rnd() * 20),
    };
  });
  const pr = state.openPullRequest(org.repo, {
    author: org.author,
    title: `${pick(VERBS)} the ${pick(WORDS)} ${pick(WORDS)}`,
    body: 'Generated for a benchmark.',
    commits,
    files,
  });
  const approvals = Math.min(shape.approvals ?? Math.min(shape.reviews, 2), shape.reviews);
  for (let i = 0; i < shape.reviews; i++) {
    state.submitReview(org.repo, pr.number, {
      user: org.seniors[i % org.seniors.length]!,
      state: i < approvals ? 'APPROVED' : 'COMMENTED',
    });
  }
  return pr.number;
}

/** A generated organisation with one pull request: the usual benchmark scenario. */
export function generateScenario(
  state: FakeGitHubState,
  shape: PullRequestShape & { patterns?: number; owner?: string; repo?: string },
): GeneratedOrg & { number: number } {
  const org = generateOrg(state, {
    ...(shape.owner ? { owner: shape.owner } : {}),
    ...(shape.repo ? { repo: shape.repo } : {}),
    patterns: shape.patterns ?? 1,
  });
  return { ...org, number: generatePullRequest(state, org, shape) };
}
