/**
 * Which open pull requests reconciliation re-judges (the pure part): a head without this app's
 * check, a check still in progress, or a check not newer than the newest review, dismissal, label,
 * force push or edit. The app's own label does not count; anything within the clock slack does.
 */
import { describe, expect, it } from 'vitest';
import {
  CLOCK_SLACK_MS,
  staleness,
  type RawReconcilePullRequest,
} from '../../src/github/reconcile.js';

const HEAD = 'a'.repeat(40);
const BOT = 'ai-governance[bot]';

function pr(
  runs: { status: string; completedAt: string | null }[] | null,
  items: RawReconcilePullRequest['timelineItems']['nodes'] = [],
  over: Partial<RawReconcilePullRequest> = {},
): RawReconcilePullRequest {
  return {
    number: 7,
    headRefOid: HEAD,
    lastEditedAt: null,
    commits: {
      nodes: [
        {
          commit: {
            oid: HEAD,
            checkSuites: {
              nodes: runs
                ? [{ checkRuns: { nodes: runs.map((r) => ({ ...r, startedAt: null })) } }]
                : [],
            },
          },
        },
      ],
    },
    timelineItems: { nodes: items },
    ...over,
  };
}

const done = (completedAt: string) => [{ status: 'COMPLETED', completedAt }];
const at = (iso: string, delta: number) => new Date(Date.parse(iso) + delta).toISOString();
const T = '2026-01-01T12:00:00Z';

describe('staleness', () => {
  it('re-judges a head without a check, or whose check is on another commit', () => {
    expect(staleness(pr(null), BOT)).toMatchObject({ reason: 'missing' });
    const moved = pr(done(T), [], { headRefOid: 'b'.repeat(40) });
    expect(staleness(moved, BOT)).toMatchObject({ reason: 'missing' });
  });

  it('re-judges a check still in progress', () => {
    expect(staleness(pr([{ status: 'IN_PROGRESS', completedAt: null }]), BOT)).toMatchObject({
      reason: 'in_progress',
    });
  });

  it('re-judges a head whose check suite or run GitHub gave as null (its state is unknown)', () => {
    const suite = (nodes: ({ checkRuns: null } | null)[]) => ({
      commits: { nodes: [{ commit: { oid: HEAD, checkSuites: { nodes } } }] },
    });
    expect(staleness(pr(done(T), [], suite([null])), BOT)).toMatchObject({
      reason: 'in_progress',
    });
    const nullRun = pr(done(T));
    nullRun.commits.nodes![0]!.commit.checkSuites!.nodes![0]!.checkRuns!.nodes!.push(null);
    expect(staleness(nullRun, BOT)).toMatchObject({ reason: 'in_progress' });
    expect(staleness(pr(done(T)), BOT)).toBeNull();
  });

  it('re-judges a check not newer than a dismissal, a label change or an edit', () => {
    const later = at(T, 5_000);
    const dismissal = { __typename: 'ReviewDismissedEvent', createdAt: later, actor: null };
    expect(staleness(pr(done(T), [dismissal]), BOT)).toEqual({
      reason: 'older_than_activity',
      checkAt: T,
      activityAt: later,
    });
    const unlabel = {
      __typename: 'UnlabeledEvent',
      createdAt: later,
      actor: { __typename: 'User', login: 'dana' },
    };
    expect(staleness(pr(done(T), [unlabel]), BOT)?.reason).toBe('older_than_activity');
    expect(staleness(pr(done(T), [], { lastEditedAt: later }), BOT)?.reason).toBe(
      'older_than_activity',
    );
  });

  it('leaves a check newer than every event (beyond the slack) alone', () => {
    const review = {
      __typename: 'PullRequestReview',
      submittedAt: at(T, -CLOCK_SLACK_MS - 1000),
      author: { __typename: 'User', login: 'sam' },
    };
    expect(staleness(pr(done(T), [review]), BOT)).toBeNull();
    const close = { ...review, submittedAt: at(T, -CLOCK_SLACK_MS + 1000) };
    expect(staleness(pr(done(T), [close]), BOT)?.reason).toBe('older_than_activity');
  });

  it("ignores the app's own label, whichever way GitHub spells the bot's login", () => {
    const own = {
      __typename: 'LabeledEvent',
      createdAt: at(T, 5_000),
      actor: { __typename: 'Bot', login: 'ai-governance' },
    };
    expect(staleness(pr(done(T), [own]), BOT)).toBeNull();
    const other = { ...own, actor: { __typename: 'Bot', login: 'renovate' } };
    expect(staleness(pr(done(T), [other]), BOT)?.reason).toBe('older_than_activity');
  });
});
