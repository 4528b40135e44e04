/**
 * A generated organisation of merged pull requests, for the audit's benchmark: repositories with
 * a policy file (some edited during the window, some without one), and pull requests merged
 * through the window with typical shapes (a few commits and files, a review or two, some
 * AI-assisted by their trailers, some drafts first, some overridden), a few large ones, and a few
 * merged before the window. The same seed always gives the same org.
 */

import { prng } from './generate.js';
import { markReadyForReview, mergePullRequest } from './merged.js';
import type { FakeGitHubState } from './state.js';
import type { CommitSpec, FileSpec } from './model.js';

export interface AuditOrgSpec {
  org?: string;
  repos: number;
  /** Pull requests merged inside the window, in all. */
  merged: number;
  seed?: number;
  /** The window's first instant (ISO 8601); pull requests merge through `days` days from it. */
  since?: string;
  days?: number;
}

export interface AuditOrg {
  org: string;
  repos: string[];
  since: string;
  until: string;
  /** Pull requests merged in the window, per repository. */
  mergedPerRepo: Map<string, number>;
  /** How many were large (over 100 commits or files). */
  large: number;
}

const POLICY_PATH = '.github/ai-governance.yml';
const AI_TRAILERS = [
  'Co-authored-by: Claude <noreply@anthropic.com>',
  'Co-authored-by: Copilot <175728472+Copilot@users.noreply.github.com>',
  'Co-authored-by: Cursor Agent <cursoragent@cursor.com>',
];
const AREAS = ['src/payments', 'src/api', 'src/web', 'lib/core', 'docs', 'infra'];

function policy(approvals: number): string {
  return [
    'version: 1',
    'critical_paths:',
    '  - name: payments',
    '    paths: ["src/payments/**"]',
    `    approvals: ${approvals}`,
    '    reviewers:',
    '      teams: [seniors]',
    '',
  ].join('\n');
}

/** Generates the org into `state` and says where its window is. */
export function generateAuditOrg(state: FakeGitHubState, spec: AuditOrgSpec): AuditOrg {
  const org = spec.org ?? 'bench';
  const rand = prng(spec.seed ?? 1);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)]!;
  const int = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));
  const days = spec.days ?? 90;
  const since = spec.since ?? '2026-06-01T00:00:00Z';
  const sinceMs = Date.parse(since);
  const untilMs = sinceMs + days * 86_400_000;

  state.addOrg(org);
  const people = Array.from({ length: 40 }, (_, i) => `dev-${i}`);
  const seniors = people.slice(0, 6);
  state.addTeam(org, 'seniors', seniors);
  state.addOrgMember(org, ...people, 'release-bot[bot]');
  state.addRepo({ owner: org, name: '.github', files: { [POLICY_PATH]: policy(1) } });

  // Repositories, with uneven activity: a few busy ones, many quiet ones.
  const weights = Array.from({ length: spec.repos }, () => 0.2 + rand() ** 3 * 4);
  const total = weights.reduce((a, b) => a + b, 0);
  const counts = weights.map((w) => Math.floor((w / total) * spec.merged));
  for (let i = 0; counts.reduce((a, b) => a + b, 0) < spec.merged; i++) counts[i % spec.repos]!++;

  const repos: string[] = [];
  const mergedPerRepo = new Map<string, number>();
  const plan: { repo: string; at: number; before: boolean }[] = [];
  state.advanceClock(new Date(sinceMs - 30 * 86_400_000).toISOString());
  for (let r = 0; r < spec.repos; r++) {
    const name = `service-${String(r).padStart(3, '0')}`;
    const full = `${org}/${name}`;
    const files: Record<string, string> = { 'README.md': name };
    if (r % 10 !== 0) files[POLICY_PATH] = policy(1 + (r % 2)); // every tenth has no policy
    state.addRepo({ owner: org, name, files });
    repos.push(full);
    mergedPerRepo.set(full, counts[r]!);
    for (let k = 0; k < counts[r]!; k++) {
      plan.push({
        repo: full,
        at: sinceMs + rand() * (untilMs - sinceMs - 3_600_000),
        before: false,
      });
    }
    for (let k = int(0, 3); k > 0; k--) {
      plan.push({ repo: full, at: sinceMs - rand() * 20 * 86_400_000 - 3_600_000, before: true });
    }
  }
  plan.sort((a, b) => a.at - b.at);

  let large = 0;
  let policyEdits = 0;
  for (const p of plan) {
    if (p.at > Date.parse(state.now())) state.advanceClock(new Date(p.at).toISOString());
    const shape = rand();
    const big = shape < 0.004;
    if (big) large++;
    const commitCount = big ? int(101, 240) : int(1, 12);
    const fileCount = big ? int(101, 900) : int(1, 35);
    const ai = rand() < 0.4;
    const author = pick(people);
    const area = pick(AREAS);
    const commits: CommitSpec[] = Array.from({ length: commitCount }, (_, i) => ({
      message:
        ai && i === 0
          ? `Change ${i + 1} in ${area}\n\n${pick(AI_TRAILERS)}`
          : `Change ${i + 1} in ${area}`,
    }));
    const files: FileSpec[] = Array.from({ length: fileCount }, (_, i) =>
      i === 0 && rand() < 0.03
        ? { path: `${area}/moved-${i}.ts`, previousPath: `src/payments/old-${i}.ts` }
        : `${area}/f${i}.ts`,
    );
    const draft = rand() < 0.2;
    const pr = state.openPullRequest(p.repo, {
      author,
      title: `Change ${area}`,
      body: ai ? 'Written with an AI assistant.' : '',
      commits,
      files,
      draft,
      ...(ai && rand() < 0.5 ? { labels: [{ name: 'ai-assisted', by: author }] } : {}),
    });
    if (draft) markReadyForReview(state, p.repo, pr.number, author);
    const reviews = big ? int(2, 6) : int(0, 3);
    for (let i = 0; i < reviews; i++) {
      const reviewer = i === 0 ? pick(seniors) : pick(people);
      if (reviewer === author) continue;
      state.submitReview(p.repo, pr.number, {
        user: reviewer,
        state: rand() < 0.8 ? 'APPROVED' : 'COMMENTED',
      });
    }
    if (rand() < 0.02) state.addLabel(p.repo, pr.number, 'ai-governance-override', pick(seniors));
    if (rand() < 0.9) {
      state.createCheckRun(p.repo, {
        name: 'AI Governance',
        headSha: pr.headSha,
        status: 'completed',
        conclusion: rand() < 0.85 ? 'success' : 'action_required',
        completedAt: state.now(),
        output: { title: 'AI Governance', summary: '', text: null },
        annotations: [],
        actions: [],
        appId: state.app.id,
        externalId: '',
        detailsUrl: null,
      });
    }
    mergePullRequest(state, p.repo, pr.number, { by: rand() < 0.05 ? seniors[0]! : author });
    if (!p.before && rand() < 0.01) {
      state.setDefaultBranchFile(p.repo, POLICY_PATH, policy(1 + (policyEdits++ % 3)));
    }
  }
  return {
    org,
    repos,
    since,
    until: new Date(Math.max(untilMs, Date.parse(state.now()) + 1000)).toISOString(),
    mergedPerRepo,
    large,
  };
}
