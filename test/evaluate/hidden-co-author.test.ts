import { describe, expect, it } from 'vitest';
import { evaluate } from '../../src/evaluate/evaluate.js';
import { CLAUDE_MSG, commit, facts, HEAD, OLD, policy, review, rule } from './builders.js';

describe('evaluate: a co-author below a markdown rule is still a contributor', () => {
  it('does not count the approval of a co-author whose trailer follows a `---` line', () => {
    const hidden =
      'Tidy refunds\n\nNotes.\n\n---\n\nCo-authored-by: Alice <1234+alice@users.noreply.github.com>\n';
    const v = evaluate(
      policy({ critical_paths: [rule({ approvals: 1 })] }),
      facts({
        commits: [commit(OLD, CLAUDE_MSG), commit(HEAD, hidden, 'bob')],
        reviews: [review('alice', 'APPROVED')],
      }),
    );
    expect(v.outcome).toBe('approval_required');
    expect(v.requirements[0]?.discounted.map((d) => [d.login, d.reason])).toEqual([
      ['alice', 'contributor'],
    ]);
  });
});
