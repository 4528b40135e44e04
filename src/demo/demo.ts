/**
 * `ai-governance demo`: plays the story of story.ts against the real app and the fake GitHub,
 * prints what the app wrote after each step, and writes a page that shows it as GitHub would.
 */

import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Level } from 'pino';
import { CHECK_NAME, COMMENT_MARKER } from '../model/names.js';
import { FakeGitHubState } from '../fake-github/state.js';
import type { ReviewerRef } from '../fake-github/model.js';
import { parsePolicy } from '../policy/load.js';
import { compilePathMatcher } from '../policy/globs.js';
import type { Policy, PolicyError } from '../model/policy.js';
import { startHarness, throwawayKeys, type Harness } from './harness.js';
import { auditStep } from './audit-step.js';
import { simulateStep } from './simulate-step.js';
import { parseMarkdown } from './markdown.js';
import { blocksToText, markdownToText, terminalSafe } from './terminal-text.js';
import { renderPage } from './page.js';
import type { DemoAudit, DemoResult, StepResult } from './result.js';
import {
  DEMO_ORG,
  DEMO_REPO,
  PEOPLE,
  STORY,
  STORY_FILES,
  setUpWorld,
  type StoryStep,
} from './story.js';

/** The demo's own policy, shipped in the package. */
export const DEMO_POLICY = 'policies/demo.yml';

export interface DemoOptions {
  /** Where index.html goes; created when missing. */
  outDir: string;
  /** A policy to play the story under instead of policies/demo.yml. */
  policyFile?: string;
  /** Resolves `policyFile` and `outDir`; default the process's working directory. */
  cwd?: string;
  /** Terminal output; nothing is printed without it. */
  write?: (s: string) => void;
  color?: boolean;
  /** Terminal width for tables; default 100. */
  width?: number;
  /** Awaited before every step but the first (`--step` waits for Enter here). */
  pause?: (next: number, step: StoryStep) => Promise<void>;
  /** Aborting stops the story and closes both servers; runDemo then rejects with DemoInterrupted. */
  signal?: AbortSignal;
  /** Probot's log level; default `warn`. */
  logLevel?: Level | 'silent';
  logStream?: NodeJS.WritableStream;
  /** Called once the servers are up, with the running system (tests look inside). */
  onStart?: (harness: Harness) => void;
}

/** The policy file is not valid: nothing was started. */
export class DemoPolicyError extends Error {
  constructor(
    readonly file: string,
    readonly errors: PolicyError[],
  ) {
    super(`${file}: the policy is not valid`);
  }
}

export class DemoInterrupted extends Error {
  constructor() {
    super('the demo was interrupted');
  }
}

/** The package's root: the nearest folder up from this file that holds policies/demo.yml. */
export function packageRoot(from = dirname(fileURLToPath(import.meta.url))): string {
  let dir = from;
  for (let i = 0; i < 10; i++) {
    if (existsSync(join(dir, DEMO_POLICY)) && existsSync(join(dir, 'package.json'))) return dir;
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  throw new Error(`cannot find ${DEMO_POLICY} above ${from}`);
}

const ICON: Record<string, string> = {
  success: '✅',
  action_required: '⏳',
  failure: '❌',
  neutral: '⚪',
};

/** True when some critical-path rule of the policy matches a file the story changes. */
export function matchesStory(policy: Policy): boolean {
  return policy.critical_paths.some((rule) => {
    const matches = compilePathMatcher(rule.paths, rule.exclude);
    return STORY_FILES.some((f) => matches(f));
  });
}

/** Plays the whole story; resolves when the page is written and both servers are closed. */
export async function runDemo(options: DemoOptions): Promise<DemoResult> {
  const started = Date.now();
  const cwd = options.cwd ?? process.cwd();
  const out = options.write ?? (() => undefined);
  const color = options.color ?? false;
  const paint = (code: string, s: string) => (color ? `\u001b[${code}m${s}\u001b[0m` : s);

  const policyFile = options.policyFile ?? DEMO_POLICY;
  const policyPath = options.policyFile
    ? resolve(cwd, options.policyFile)
    : join(packageRoot(), DEMO_POLICY);
  let policyText: string;
  try {
    policyText = readFileSync(policyPath, 'utf8');
  } catch (err) {
    throw new DemoPolicyError(policyFile, [
      {
        file: policyFile,
        line: 1,
        column: 1,
        message: `cannot read the file (${(err as NodeJS.ErrnoException).code ?? String(err)})`,
        fix: 'give the path of a policy file',
      },
    ]);
  }
  const parsed = parsePolicy(policyText, { file: policyFile });
  if (!parsed.ok) throw new DemoPolicyError(policyFile, parsed.errors);

  const signal = options.signal;
  if (signal?.aborted) throw new DemoInterrupted();
  const keys = throwawayKeys();
  const state = new FakeGitHubState({ app: { publicKey: keys.publicKey } });
  const world = setUpWorld(state, policyText, parsed.policy);
  const harness = await startHarness(state, keys.privateKey, {
    ...(options.logLevel ? { logLevel: options.logLevel } : {}),
    ...(options.logStream ? { logStream: options.logStream } : {}),
  });
  const onAbort = () => void harness.close().catch(() => undefined);
  signal?.addEventListener('abort', onAbort, { once: true });
  options.onStart?.(harness);

  const outDir = resolve(cwd, options.outDir);
  const page = join(outDir, 'index.html');
  const steps: StepResult[] = [];
  let simulated = '';
  let audited: DemoAudit | null = null;
  const result = (): DemoResult => ({
    steps,
    simulation: simulated,
    audit: audited,
    page,
    policyFile,
    policyText,
    addedTeams: world.addedTeams,
    ms: Date.now() - started,
  });
  const writePage = (done: boolean) => {
    mkdirSync(outDir, { recursive: true });
    writeFileSync(page, renderPage(result(), { done, total: STORY.length }));
  };

  out(
    `${paint('1', 'AI Governance demo')}: the real app, run by Probot, against a fake GitHub on ` +
      `${harness.fake.host} (loopback only: no account, token or network).\n` +
      `Organisation @${DEMO_ORG}: @${DEMO_ORG}/payments-seniors (${[PEOPLE.author, ...PEOPLE.seniors].map((p) => `@${p}`).join(', ')}), ` +
      `@${DEMO_ORG}/incident-commanders (@${PEOPLE.commander}). Repository ${DEMO_REPO}, ` +
      `policy ${terminalSafe(policyFile)}.\n`,
  );
  if (options.policyFile && !matchesStory(parsed.policy)) {
    out(
      `${paint('33', 'Warning')}: no critical path in ${terminalSafe(policyFile)} matches a file the ` +
        `demo's pull requests change (${STORY_FILES.join(', ')}), so none of its rules will be ` +
        `seen at work; add 'services/payments/**' to a rule's paths to see one hold a pull request.\n`,
    );
  }
  if (world.addedTeams.length > 0) {
    out(
      `Teams your policy names were added to the sample organisation: ` +
        `${world.addedTeams.map((t) => `@${DEMO_ORG}/${terminalSafe(t)}`).join(', ')}.\n`,
    );
  }

  const prs: number[] = [];
  const lastComment = new Map<number, string>();
  try {
    for (const [index, step] of STORY.entries()) {
      if (signal?.aborted) throw new DemoInterrupted();
      if (index > 0 && options.pause) await options.pause(index + 1, step);
      if (signal?.aborted) throw new DemoInterrupted();
      const t0 = Date.now();
      const action = step.act(state, world, prs);
      for (const delivery of action.deliveries) await harness.send(delivery);
      const ms = Date.now() - t0;
      const view = capture(state, action.pr, lastComment);
      const stepResult: StepResult = {
        number: index + 1,
        title: step.title,
        story: step.story,
        ...view,
        ms,
      };
      steps.push(stepResult);
      out(stepText(stepResult, { color, width: options.width ?? 100 }));
      writePage(false);
    }
    if (signal?.aborted) throw new DemoInterrupted();
    const table = await simulateStep(state, harness, keys.privateKey, outDir);
    out(
      `\n${paint('1', 'Before merging a policy change: ai-governance simulate')} --org ${DEMO_ORG} --open ` +
        `--policy ${join(outDir, 'candidate-policy.yml')} (one approval, human PRs judged too, no override; writes nothing):\n\n${table}`,
    );
    simulated = table;
    if (signal?.aborted) throw new DemoInterrupted();
    audited = await auditStep(state, harness, keys.privateKey, outDir);
    out(
      `\n${paint('1', 'Looking back: ai-governance audit')} --org ${DEMO_ORG} --since ... (every ` +
        `pull request merged, the policy in force then, who approved, what went around the check):\n\n` +
        `${terminalSafe(audited.summary)}`,
    );
  } catch (err) {
    if (signal?.aborted) throw new DemoInterrupted();
    throw err;
  } finally {
    signal?.removeEventListener('abort', onAbort);
    await harness.close();
  }
  writePage(true);
  const done = result();
  out(
    `\n${paint('1', `Done in ${(done.ms / 1000).toFixed(1)} s.`)} Each step as GitHub would show it: ` +
      `${page}\n`,
  );
  return done;
}

function reviewerName(r: ReviewerRef): string {
  return r.type === 'team' ? `@${DEMO_ORG}/${r.slug}` : `@${r.login}`;
}

function capture(
  state: FakeGitHubState,
  number: number,
  lastComment: Map<number, string>,
): Pick<StepResult, 'pr' | 'check' | 'comment'> {
  const pr = state.requirePull(DEMO_REPO, number);
  const run = state
    .checkRunsFor(DEMO_REPO, pr.headSha, CHECK_NAME)
    .filter((r) => r.appId === state.app.id)
    .at(-1);
  const mine = pr.comments.filter((c) => c.viaApp && c.body.startsWith(COMMENT_MARKER)).at(-1);
  let comment: StepResult['comment'] = null;
  if (mine) {
    const before = lastComment.get(number);
    comment = {
      body: mine.body,
      change: before === undefined ? 'new' : before === mine.body ? 'unchanged' : 'updated',
    };
    lastComment.set(number, mine.body);
  }
  return {
    pr: {
      number: pr.number,
      title: pr.title,
      author: pr.author,
      headSha: pr.headSha,
      labels: [...pr.labels],
      requestedReviewers: pr.requestedReviewers.map(reviewerName),
    },
    check: run
      ? {
          name: run.name,
          status: run.status,
          conclusion: run.conclusion,
          title: run.output.title,
          summary: run.output.summary,
          text: run.output.text,
        }
      : null,
    comment,
  };
}

const indent = (text: string, by: string) =>
  text
    .split('\n')
    .map((l) => (l === '' ? by.trimEnd() : by + l))
    .join('\n');

/**
 * The audit comment's markdown without the blocks that the check run's summary already shows (the
 * comment repeats the verdict, then adds its history), and whether any were left out.
 */
export function commentOnly(
  comment: string,
  summary: string | null,
): { blocks: ReturnType<typeof parseMarkdown>; repeated: boolean } {
  const seen = new Set(parseMarkdown(summary ?? '').map((b) => JSON.stringify(b)));
  const blocks = parseMarkdown(comment);
  const kept = blocks.filter((b) => !seen.has(JSON.stringify(b)));
  return { blocks: kept, repeated: kept.length < blocks.length };
}

/** One step as terminal text. */
export function stepText(step: StepResult, opts: { color: boolean; width: number }): string {
  const paint = (code: string, s: string) => (opts.color ? `\u001b[${code}m${s}\u001b[0m` : s);
  const conclusionColour: Record<string, string> = {
    success: '32',
    action_required: '33',
    failure: '31',
  };
  const md = (s: string) => markdownToText(s, { color: opts.color, width: opts.width - 4 });
  const lines: string[] = [];
  const rule = '━'.repeat(Math.max(10, Math.min(opts.width, 100)));
  lines.push('', paint('2', rule));
  lines.push(
    paint('1', `Step ${step.number} of ${STORY.length}: ${terminalSafe(step.title)}`),
    paint('2', terminalSafe(step.story)),
    '',
  );
  const pr = step.pr;
  const extras = [
    ...(pr.labels.length > 0 ? [`labels: ${pr.labels.map(terminalSafe).join(', ')}`] : []),
    ...(pr.requestedReviewers.length > 0
      ? [`review requested from ${pr.requestedReviewers.map(terminalSafe).join(', ')}`]
      : []),
  ];
  lines.push(
    `${DEMO_REPO}#${pr.number} “${terminalSafe(pr.title)}” by @${terminalSafe(pr.author)}, ` +
      `head ${pr.headSha.slice(0, 7)}${extras.length > 0 ? ` · ${extras.join(' · ')}` : ''}`,
    '',
  );
  const check = step.check;
  if (check) {
    const conclusion = check.conclusion ?? check.status;
    lines.push(
      `${paint('1', `Check run “${terminalSafe(check.name)}”`)}: ` +
        paint(
          `1;${conclusionColour[conclusion] ?? '0'}`,
          `${ICON[conclusion] ?? ''} ${terminalSafe(conclusion)}`,
        ) +
        ` (${step.ms} ms)`,
      `  ${paint('1', terminalSafe(check.title ?? ''))}`,
      '',
      indent(md(check.summary ?? ''), '  │ '),
    );
  } else {
    lines.push(paint('1', 'No check run.'));
  }
  lines.push('');
  if (step.comment) {
    const change = { new: 'posted', updated: 'updated', unchanged: 'unchanged' }[
      step.comment.change
    ];
    const { blocks, repeated } = commentOnly(step.comment.body, check?.summary ?? null);
    lines.push(
      `${paint('1', 'Audit comment')} (${change})` +
        (repeated ? ', without the parts that repeat the check run above:' : ':'),
      '',
      indent(blocksToText(blocks, { color: opts.color, width: opts.width - 4 }), '  │ '),
    );
  } else {
    lines.push(`${paint('1', 'Audit comment')}: none.`);
  }
  return `${lines.join('\n')}\n`;
}
