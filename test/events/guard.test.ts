import { createRequire } from 'node:module';
import type { WebhookDefinition } from '@octokit/webhooks-examples';
import { describe, expect, it } from 'vitest';
import { commitOf } from '../../src/events/guard.js';
import { PULL_REQUEST_ACTIONS, REVIEW_ACTIONS } from '../../src/events/pull-request.js';

const EXAMPLES = createRequire(import.meta.url)(
  '@octokit/webhooks-examples',
) as WebhookDefinition[];

/** GitHub's example payloads of an event, of one action when it is given. */
function examples(name: string, action?: string): any[] {
  const all = EXAMPLES.find((d) => d.name === name)?.examples ?? [];
  return all.filter((p: any) => action === undefined || p.action === action);
}

/**
 * The commit a failing check goes on when a handler fails, read from GitHub's own example payloads
 * of every event the app handles.
 */
describe('the commit an event names', () => {
  const byAction = (name: string, action: string): any => {
    const found = examples(name, action)[0];
    if (!found) throw new Error(`no example payload for ${name}.${action}`);
    return found;
  };

  it('is the head of the pull request for pull request and review events', () => {
    // GitHub's examples hold no `edited` payloads; every other action the app handles is tried.
    const payloads = [...PULL_REQUEST_ACTIONS, ...REVIEW_ACTIONS].flatMap((event) => {
      const [name, action] = event.split('.') as [string, string];
      return examples(name, action);
    });
    expect(payloads.length).toBeGreaterThanOrEqual(8);
    for (const payload of payloads) {
      expect(commitOf(payload)).toBe(payload.pull_request.head.sha);
      expect(commitOf(payload)).toMatch(/^[0-9a-f]{40}$/);
    }
  });

  it('is the commit of the check run, the check suite or the merge group', () => {
    const run = byAction('check_run', 'rerequested');
    expect(commitOf(run)).toBe(run.check_run.head_sha);
    const action = byAction('check_run', 'requested_action');
    expect(commitOf(action)).toBe(action.check_run.head_sha);
    const suite = byAction('check_suite', 'rerequested');
    expect(commitOf(suite)).toBe(suite.check_suite.head_sha);
    const group = byAction('merge_group', 'checks_requested');
    expect(commitOf(group)).toBe(group.merge_group.head_sha);
    for (const sha of [run, action, suite, group].map(commitOf)) {
      expect(sha).toMatch(/^[0-9a-f]{40}$/);
    }
  });

  it('is none for pushes, team and membership changes, and a payload without fields', () => {
    for (const push of examples('push')) expect(commitOf(push)).toBeNull();
    expect(examples('push').length).toBeGreaterThan(0);
    expect(commitOf(byAction('membership', 'added'))).toBeNull();
    expect(commitOf(byAction('team', 'edited'))).toBeNull();
    expect(commitOf(byAction('organization', 'member_added'))).toBeNull();
    expect(commitOf({})).toBeNull();
    expect(commitOf(undefined)).toBeNull();
  });
});
