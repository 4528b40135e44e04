import type { WebhookDefinition } from '@octokit/webhooks-examples';
import { verify } from '@octokit/webhooks-methods';
import { createServer, type IncomingMessage } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { FakeGitHubState } from '../../src/fake-github/state.js';
import {
  checkRunEvent,
  checkSuiteEvent,
  mergeGroupEvent,
  pullRequestEvent,
  pullRequestReviewEvent,
  pushEvent,
  sendWebhook,
  signPayload,
  type WebhookDelivery,
} from '../../src/fake-github/webhooks.js';

// The package's entry is a JSON file: load it as such.
const examples = createRequire(import.meta.url)(
  '@octokit/webhooks-examples',
) as WebhookDefinition[];

const REPO = 'acme/api';

function world() {
  const s = new FakeGitHubState();
  s.addOrg('acme');
  s.addTeam('acme', 'seniors', ['sam']);
  s.addRepo({ owner: 'acme', name: 'api', files: { '.github/ai-governance.yml': 'version: 1\n' } });
  const pr = s.openPullRequest(REPO, {
    author: 'dana',
    title: 'Change',
    commits: [{ message: 'One' }, { message: 'Two' }],
    files: ['src/a.ts'],
  });
  s.addLabel(REPO, pr.number, 'ai-assisted', 'dana');
  return { s, pr };
}

/** Keys of GitHub's own example payloads (all examples of the event and action) that ours lack. */
function missingKeys(event: string, action: string | undefined, ours: unknown): string[] {
  const def = examples.find((d) => d.name === event);
  if (!def) throw new Error(`no examples for ${event}`);
  const list = (def.examples as Record<string, unknown>[]).filter(
    (e) => action === undefined || e.action === action,
  );
  expect(list.length).toBeGreaterThan(0);
  const missing = new Set<string>();
  const walk = (ex: unknown, mine: unknown, path: string, depth: number) => {
    if (!ex || typeof ex !== 'object' || Array.isArray(ex) || depth > 3) return;
    if (!mine || typeof mine !== 'object' || Array.isArray(mine)) return;
    for (const [k, v] of Object.entries(ex)) {
      if (!(k in (mine as object))) missing.add(`${path}${k}`);
      else walk(v, (mine as Record<string, unknown>)[k], `${path}${k}.`, depth + 1);
    }
  };
  for (const ex of list) walk(ex, ours, '', 0);
  return [...missing].sort();
}

/** Keys GitHub sends only in some deliveries (their examples hold them; ours need not). */
const CONDITIONAL = new Set([
  'check_run.deployment', // only for runs made by GitHub Actions deployments
  'check_run.check_suite.app.permissions', // examples vary
  'check_run.check_suite.app.events',
  'check_run.app.permissions',
  'check_run.app.events',
  'merge_group.head_commit.tree_id',
  'pull_request.head.repo.organization',
  'pull_request.base.repo.organization',
  'organization.description',
]);

const gaps = (event: string, action: string | undefined, d: WebhookDelivery) =>
  missingKeys(event, action, d.payload).filter(
    // An app's permissions are its own: the examples' apps ask for others.
    (k) => !CONDITIONAL.has(k) && !/\.permissions\./.test(k),
  );

describe('webhook payloads have the keys of GitHub’s examples', () => {
  it('pull_request', () => {
    const { s, pr } = world();
    for (const action of [
      'opened',
      'synchronize',
      'reopened',
      'edited',
      'ready_for_review',
    ] as const) {
      const d = pullRequestEvent(s, REPO, pr.number, action);
      expect(d.name).toBe('pull_request');
      expect(gaps('pull_request', action === 'edited' ? 'opened' : action, d)).toEqual([]);
    }
    const labeled = pullRequestEvent(s, REPO, pr.number, 'labeled', {
      label: 'ai-assisted',
      sender: 'dana',
    });
    expect(gaps('pull_request', 'labeled', labeled)).toEqual([]);
    expect(labeled.payload).toMatchObject({
      label: { name: 'ai-assisted' },
      sender: { login: 'dana' },
    });
    const sync = pullRequestEvent(s, REPO, pr.number, 'synchronize');
    expect(sync.payload).toMatchObject({ before: pr.commits[0], after: pr.headSha });
    expect(sync.payload).toMatchObject({
      installation: { id: s.app.installationId },
      organization: { login: 'acme' },
      repository: { full_name: REPO, default_branch: 'main', owner: { type: 'Organization' } },
      pull_request: {
        number: pr.number,
        head: { sha: pr.headSha, ref: pr.headRef },
        labels: [{ name: 'ai-assisted' }],
      },
    });
  });

  it('pull_request_review', () => {
    const { s, pr } = world();
    const review = s.submitReview(REPO, pr.number, { user: 'sam', state: 'APPROVED' });
    const d = pullRequestReviewEvent(s, REPO, pr.number, review.id);
    expect(gaps('pull_request_review', 'submitted', d)).toEqual([]);
    expect(d.payload).toMatchObject({
      action: 'submitted',
      review: { id: review.id, state: 'approved', commit_id: pr.headSha, user: { login: 'sam' } },
      sender: { login: 'sam' },
    });
  });

  it('check_run and check_suite', () => {
    const { s, pr } = world();
    const run = s.createCheckRun(REPO, {
      name: 'AI Governance',
      headSha: pr.headSha,
      status: 'completed',
      conclusion: 'action_required',
      completedAt: s.now(),
      output: { title: 'T', summary: 'S', text: null },
      annotations: [],
      actions: [],
      appId: s.app.id,
      externalId: '',
      detailsUrl: null,
    });
    const rerun = checkRunEvent(s, REPO, run.id, 'rerequested', { sender: 'sam' });
    expect(gaps('check_run', 'rerequested', rerun)).toEqual([]);
    const action = checkRunEvent(s, REPO, run.id, 'requested_action', { identifier: 'reevaluate' });
    expect(gaps('check_run', 'requested_action', action)).toEqual([]);
    expect(action.payload).toMatchObject({
      requested_action: { identifier: 'reevaluate' },
      check_run: {
        name: 'AI Governance',
        app: { id: s.app.id },
        pull_requests: [{ number: pr.number }],
      },
    });
    const suite = checkSuiteEvent(s, REPO, pr.headSha, 'rerequested');
    expect(gaps('check_suite', 'rerequested', suite)).toEqual([]);
    expect(suite.payload).toMatchObject({
      check_suite: {
        head_sha: pr.headSha,
        head_branch: pr.headRef,
        pull_requests: [{ number: pr.number }],
      },
    });
  });

  it('merge_group', () => {
    const { s, pr } = world();
    const group = s.createMergeGroup(REPO, pr.number);
    expect(group.headRef).toBe(`refs/heads/gh-readonly-queue/main/pr-${pr.number}-${pr.headSha}`);
    const d = mergeGroupEvent(s, REPO, group);
    expect(gaps('merge_group', 'checks_requested', d)).toEqual([]);
    expect(d.payload).toMatchObject({
      merge_group: { head_sha: group.headSha, base_ref: 'refs/heads/main' },
    });
    // The group's commit is no PR's commit.
    expect(s.pullsWithCommit(s.repo(REPO)!, group.headSha)).toEqual([]);
  });

  it('push', () => {
    const { s } = world();
    const before = s.repo(REPO)!.branches.get('main')!;
    s.setDefaultBranchFile(REPO, '.github/ai-governance.yml', 'version: 1\n# new\n');
    s.setDefaultBranchFile(REPO, 'docs/new.md', 'hi');
    const d = pushEvent(s, REPO, 'main', before);
    expect(gaps('push', undefined, d)).toEqual([]);
    const commits = d.payload.commits as { modified: string[]; added: string[] }[];
    expect(commits.map((c) => [c.modified, c.added])).toEqual([
      [['.github/ai-governance.yml'], []],
      [[], ['docs/new.md']],
    ]);
    expect(d.payload).toMatchObject({ ref: 'refs/heads/main', before, deleted: false });
    expect(d.payload.forced).toBe(false);
  });

  it('push: forced when the branch moved back past `before`, and the push of a new tag', () => {
    const { s } = world();
    const repo = s.repo(REPO)!;
    const old = repo.branches.get('main')!;
    const dropped = s.setDefaultBranchFile(REPO, 'docs/new.md', 'hi');
    repo.branches.set('main', old);
    const forced = pushEvent(s, REPO, 'main', dropped);
    expect(gaps('push', undefined, forced)).toEqual([]);
    expect(forced.payload).toMatchObject({
      before: dropped,
      after: old,
      forced: true,
      commits: [],
    });

    const tag = pushEvent(s, REPO, 'main', old, { tag: 'v1.0.0' });
    expect(gaps('push', undefined, tag)).toEqual([]);
    expect(tag.payload).toMatchObject({
      ref: 'refs/tags/v1.0.0',
      before: '0'.repeat(40),
      after: old,
      created: true,
      forced: false,
      base_ref: 'refs/heads/main',
      commits: [],
      head_commit: { id: old },
    });
  });

  it('check_run of another app shows that app, not this one', () => {
    const { s, pr } = world();
    const run = s.createCheckRun(REPO, {
      name: 'CI',
      headSha: pr.headSha,
      status: 'completed',
      conclusion: 'success',
      completedAt: s.now(),
      output: { title: 'T', summary: 'S', text: null },
      annotations: [],
      actions: [],
      appId: 15368,
      externalId: '',
      detailsUrl: null,
    });
    const d = checkRunEvent(s, REPO, run.id, 'completed');
    expect(gaps('check_run', 'completed', d)).toEqual([]);
    expect(d.payload).toMatchObject({
      check_run: {
        app: { id: 15368, slug: 'app-15368' },
        check_suite: { app: { id: 15368 } },
      },
    });
  });
});

describe('signing and sending', () => {
  it('signs as GitHub does and posts with its headers', async () => {
    const { s, pr } = world();
    const seen: { headers: IncomingMessage['headers']; body: string }[] = [];
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        seen.push({ headers: req.headers, body: Buffer.concat(chunks).toString() });
        res.writeHead(202).end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as AddressInfo;
    try {
      const d = pullRequestEvent(s, REPO, pr.number, 'opened');
      expect(await sendWebhook(`http://127.0.0.1:${port}/hook`, 's3cret', d)).toBe(202);
      const got = seen[0]!;
      expect(got.headers).toMatchObject({
        'x-github-event': 'pull_request',
        'x-github-delivery': d.id,
        'x-github-hook-installation-target-id': String(s.app.id),
        'content-type': 'application/json',
      });
      expect(JSON.parse(got.body)).toEqual(d.payload);
      const sig = got.headers['x-hub-signature-256'] as string;
      expect(sig).toBe(signPayload('s3cret', got.body));
      expect(await verify('s3cret', got.body, sig)).toBe(true);
      expect(await verify('other', got.body, sig)).toBe(false);
    } finally {
      await new Promise((r) => server.close(r));
    }
  });

  it('gives distinct GUID-shaped delivery ids', () => {
    const { s, pr } = world();
    const a = pullRequestEvent(s, REPO, pr.number, 'opened');
    const b = pullRequestEvent(s, REPO, pr.number, 'opened');
    expect(a.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-8[0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(a.id).not.toBe(b.id);
  });
});
