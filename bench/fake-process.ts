/**
 * The fake GitHub for the benchmark, in a process of its own: its state, its HTTP server on
 * loopback and the webhook deliveries it builds live here, so that the benchmark process holds
 * only the app (its memory is what the benchmark reports) and the fake's work runs on another
 * core, as GitHub's would. The parent drives it over Node's IPC channel with {@link FakeCall}s.
 */

import {
  generateOrg,
  generatePolicy,
  generatePullRequest,
  pullRequestEvent,
  pullRequestReviewEvent,
  pushEvent,
  startFakeGitHub,
  FakeGitHubState,
  type FakeGitHub,
  type GeneratedOrg,
  type PullRequestShape,
  type ReviewState,
  type WebhookDelivery,
} from '../src/fake-github/index.js';
import { CHECK_NAME, POLICY_PATH } from '../src/model/names.js';

/** Where an organisation's policy lives. */
export type PolicyPlace = 'repository' | 'org-dot-github';

/** What the parent can ask for; each answers with the matching entry of {@link FakeAnswers}. */
export type FakeCall =
  | { op: 'init'; publicKey: string; latencyMs?: number; secondaryLimits?: boolean }
  | { op: 'install'; owner: string }
  | { op: 'limits'; enabled: boolean }
  | { op: 'policyChange'; owner: string; patterns: number }
  | { op: 'checkTimes'; prs: { repo: string; number: number }[] }
  | { op: 'org'; owner: string; patterns: number; place: PolicyPlace; repos?: string[] }
  | { op: 'pull'; owner: string; repo?: string; shape: PullRequestShape }
  | { op: 'opened'; repo: string; number: number }
  | { op: 'review'; repo: string; number: number; user: string; state: ReviewState }
  | { op: 'label'; repo: string; number: number; name: string; add: boolean }
  | { op: 'push'; repo: string; number: number }
  | { op: 'edit'; repo: string; number: number; title: string }
  | { op: 'reset' }
  | { op: 'stats' }
  | { op: 'checkRuns'; repo: string; number: number }
  | { op: 'close' };

export interface InitAnswer {
  apiUrl: string;
  /** `127.0.0.1:PORT`, for `GHE_HOST`. */
  host: string;
  appId: number;
  installationId: number;
}

export interface StatsAnswer {
  reads: number;
  writes: number;
  notModified: number;
  tokens: number;
  unmatched: number;
  /** Requests by route or GraphQL operation. */
  byRoute: Record<string, number>;
  /** Requests GitHub would have refused (status 400 and up), as `route status`. */
  failures: string[];
  /** The fake's own time serving the requests, in ms. */
  servingMs: number;
  /** Requests refused for going over a secondary rate limit (when the fake enforces them). */
  secondaryLimited: number;
}

export interface FakeAnswers {
  init: InitAnswer;
  install: number;
  limits: null;

  policyChange: WebhookDelivery;
  /** Per pull request, when the last check run write on its head was answered (epoch ms). */
  checkTimes: (number | null)[];
  org: { owner: string; repos: string[]; seniors: string[] };
  pull: { repo: string; number: number };
  opened: WebhookDelivery;
  review: WebhookDelivery;
  label: WebhookDelivery | null;
  push: WebhookDelivery;
  edit: WebhookDelivery;
  reset: null;
  stats: StatsAnswer;
  checkRuns: { runs: number; conclusion: string | null };
  close: null;
}

type Message = { id: number; call: FakeCall };

let state: FakeGitHubState | null = null;
let fake: FakeGitHub | null = null;
const orgs = new Map<string, GeneratedOrg>();

function need<T>(v: T | null): T {
  if (v === null) throw new Error('the fake GitHub is not started (call init first)');
  return v;
}

async function answer(call: FakeCall): Promise<unknown> {
  switch (call.op) {
    case 'init': {
      state = new FakeGitHubState({ app: { publicKey: call.publicKey } });
      fake = await startFakeGitHub(state, {
        ...(call.latencyMs ? { latencyMs: call.latencyMs } : {}),
        ...(call.secondaryLimits ? { secondaryLimits: true } : {}),
      });
      return {
        apiUrl: fake.apiUrl,
        host: fake.host,
        appId: state.app.id,
        installationId: state.app.installationId,
      } satisfies InitAnswer;
    }
    case 'org': {
      const s = need(state);
      const names = call.repos && call.repos.length > 0 ? call.repos : ['service'];
      const org = generateOrg(s, { owner: call.owner, repo: names[0]!, patterns: call.patterns });
      orgs.set(call.owner, org);
      for (const name of names.slice(1)) {
        s.addRepo({
          owner: call.owner,
          name,
          files: { [POLICY_PATH]: org.policy, 'README.md': `# ${name}\n` },
        });
      }
      if (call.place === 'org-dot-github') {
        for (const name of names)
          s.setDefaultBranchFile(`${call.owner}/${name}`, POLICY_PATH, null);
        s.addRepo({
          owner: call.owner,
          name: '.github',
          files: { [POLICY_PATH]: generatePolicy(call.patterns) },
        });
      }
      return {
        owner: call.owner,
        repos: names.map((n) => `${call.owner}/${n}`),
        seniors: org.seniors,
      };
    }
    case 'pull': {
      const s = need(state);
      const org = orgs.get(call.owner);
      if (!org) throw new Error(`no generated org ${call.owner}`);
      const target = call.repo ? { ...org, repo: call.repo } : org;
      return { repo: target.repo, number: generatePullRequest(s, target, call.shape) };
    }
    case 'opened':
      return pullRequestEvent(need(state), call.repo, call.number, 'opened');
    case 'install':
      return need(state).installOn(call.owner);
    case 'limits': {
      const limits = need(fake).limits;
      if (limits) limits.enabled = call.enabled;
      return null;
    }
    case 'policyChange': {
      const s = need(state);
      const org = orgs.get(call.owner);
      if (!org) throw new Error(`no generated org ${call.owner}`);
      const repo = s.requireRepo(org.repo);
      const before = repo.branches.get(repo.defaultBranch)!;
      s.setDefaultBranchFile(org.repo, POLICY_PATH, generatePolicy(call.patterns));
      return pushEvent(s, org.repo, repo.defaultBranch, before);
    }
    case 'checkTimes': {
      const s = need(state);
      const records = need(fake).stats.requests;
      return call.prs.map((p) => {
        const head = s.requirePull(p.repo, p.number).headSha;
        const [owner, name] = p.repo.split('/');
        const prefix = `/repos/${owner}/${name}/check-runs`;
        let at: number | null = null;
        for (const r of records) {
          const write = r.method === 'POST' || r.method === 'PATCH';
          if (write && r.status < 300 && r.headSha === head && r.path.includes(prefix)) at = r.at;
        }
        return at;
      });
    }
    case 'review': {
      const s = need(state);
      const review = s.submitReview(call.repo, call.number, { user: call.user, state: call.state });
      return pullRequestReviewEvent(s, call.repo, call.number, review.id, 'submitted');
    }
    case 'label': {
      const s = need(state);
      const pr = s.requirePull(call.repo, call.number);
      const changed = call.add
        ? s.addLabel(call.repo, call.number, call.name, pr.author)
        : s.removeLabel(call.repo, call.number, call.name, pr.author);
      if (!changed) return null;
      return pullRequestEvent(s, call.repo, call.number, call.add ? 'labeled' : 'unlabeled', {
        label: call.name,
      });
    }
    case 'push': {
      const s = need(state);
      const pr = s.requirePull(call.repo, call.number);
      const before = pr.headSha;
      s.pushCommits(call.repo, call.number, [
        { message: `Address review (${pr.commits.length + 1})` },
      ]);
      return pullRequestEvent(s, call.repo, call.number, 'synchronize', { before });
    }
    case 'edit': {
      const s = need(state);
      const pr = s.requirePull(call.repo, call.number);
      const from = pr.title;
      s.editPullRequest(call.repo, call.number, { title: call.title });
      return pullRequestEvent(s, call.repo, call.number, 'edited', {
        changes: { title: { from } },
      });
    }
    case 'reset':
      need(fake).stats.reset();
      return null;
    case 'stats': {
      const st = need(fake).stats;
      return {
        reads: st.reads,
        writes: st.writes,
        notModified: st.notModified,
        tokens: st.tokens,
        unmatched: st.unmatched,
        byRoute: st.byRoute(),
        failures: st.requests
          .filter((r) => r.status >= 400)
          .map(
            (r) => `${r.operation ? `graphql ${r.operation}` : (r.route ?? r.path)} ${r.status}`,
          ),
        servingMs: st.requests.reduce((n, r) => n + r.durationMs, 0),
        secondaryLimited: st.requests.filter((r) => r.status === 403 || r.status === 429).length,
      } satisfies StatsAnswer;
    }
    case 'checkRuns': {
      const s = need(state);
      const pr = s.requirePull(call.repo, call.number);
      const runs = s.checkRunsFor(call.repo, pr.headSha, CHECK_NAME);
      return { runs: runs.length, conclusion: runs.at(-1)?.conclusion ?? null };
    }
    case 'close':
      await fake?.close();
      fake = null;
      return null;
  }
}

process.on('message', (raw: unknown) => {
  const { id, call } = raw as Message;
  answer(call).then(
    (value) => {
      process.send?.({ id, ok: true, value });
      if (call.op === 'close') process.disconnect();
    },
    (err: unknown) =>
      process.send?.({ id, ok: false, error: err instanceof Error ? err.message : String(err) }),
  );
});

// The parent going away (even killed) closes the channel: stop serving then.
process.on('disconnect', () => {
  const closing = fake ? fake.close() : Promise.resolve();
  void closing.finally(() => process.exit(0));
});
