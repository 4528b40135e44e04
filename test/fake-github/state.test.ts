import { describe, expect, it } from 'vitest';
import { FakeGitHubState } from '../../src/fake-github/state.js';
import { parseCoAuthors } from '../../src/fake-github/state/repos.js';

const REPO = 'acme/api';

function world() {
  const s = new FakeGitHubState();
  s.addOrg('acme');
  s.addTeam('acme', 'seniors', ['sam']);
  s.addUser('dana');
  s.addRepo({ owner: 'acme', name: 'api', files: { 'a.txt': 'a' } });
  return s;
}

describe('the fake GitHub state', () => {
  it('runs a clock one second per event from a fixed start, and counts ids up', () => {
    const s = new FakeGitHubState({ start: '2025-03-01T00:00:00Z' });
    expect(s.now()).toBe('2025-03-01T00:00:00Z');
    expect(s.now()).toBe('2025-03-01T00:00:01Z');
    expect(s.nextId()).toBeLessThan(s.nextId());
    expect(s.user(s.botLogin)).toMatchObject({ type: 'Bot', login: 'ai-governance[bot]' });
  });

  it('adds co-authors as trailers and links identities to accounts by email', () => {
    const s = world();
    const pr = s.openPullRequest(REPO, {
      author: 'dana',
      title: 't',
      commits: [
        {
          message: 'Work\n\nSigned-off-by: Dana <d@x>',
          coAuthors: ['sam', { name: 'Claude', email: 'noreply@anthropic.com' }],
        },
      ],
      files: ['a.txt'],
    });
    const c = s.repo(REPO)!.commits.get(pr.headSha)!;
    expect(c.message).toBe(
      `Work\n\nSigned-off-by: Dana <d@x>\nCo-authored-by: Sam <${s.user('sam')!.email}>\nCo-authored-by: Claude <noreply@anthropic.com>`,
    );
    expect(c.coAuthors.map((a) => [a.name, a.login])).toEqual([
      ['Sam', 'sam'],
      ['Claude', null],
    ]);
    expect(c.author).toMatchObject({ login: 'dana', name: 'Dana' });
    expect(parseCoAuthors('x\n\nco-authored-by: A B <a@b>')).toEqual([
      { name: 'A B', email: 'a@b' },
    ]);
  });

  it('pushes move the head, keep older reviews on their commit, and merge files', () => {
    const s = world();
    const pr = s.openPullRequest(REPO, {
      author: 'dana',
      title: 't',
      commits: [{ message: 'one' }],
      files: [{ path: 'n.ts', changeType: 'ADDED' }],
    });
    const first = pr.headSha;
    const review = s.submitReview(REPO, pr.number, { user: 'sam' });
    const head = s.pushCommits(REPO, pr.number, [{ message: 'two' }], { files: ['n.ts', 'm.ts'] });
    expect(head).not.toBe(first);
    expect(pr.headSha).toBe(head);
    expect(pr.commits).toEqual([first, head]);
    expect(review.commitId).toBe(first);
    expect(pr.files.map((f) => [f.path, f.changeType])).toEqual([
      ['n.ts', 'ADDED'],
      ['m.ts', 'MODIFIED'],
    ]);
    expect(s.repo(REPO)!.branches.get(pr.headRef)).toBe(head);
  });

  it('records label events once per change, and review requests answered by reviews', () => {
    const s = world();
    const pr = s.openPullRequest(REPO, {
      author: 'dana',
      title: 't',
      commits: [{ message: 'one' }],
      files: ['a.txt'],
    });
    expect(s.addLabel(REPO, pr.number, 'ai-assisted', 'dana')).toBe(true);
    expect(s.addLabel(REPO, pr.number, 'AI-assisted', 'sam')).toBe(false);
    expect(s.removeLabel(REPO, pr.number, 'ai-assisted', 'sam')).toBe(true);
    expect(pr.labelEvents.map((e) => [e.action, e.actor])).toEqual([
      ['labeled', 'dana'],
      ['unlabeled', 'sam'],
    ]);
    s.requestReviews(REPO, pr.number, { users: ['sam'], teams: ['seniors'] }, 'dana');
    s.requestReviews(REPO, pr.number, { users: ['sam'] }, 'dana');
    expect(pr.reviewRequestEvents).toHaveLength(2);
    // A review by someone outside the team leaves the team's request.
    s.submitReview(REPO, pr.number, { user: 'dana', state: 'COMMENTED' });
    expect(pr.requestedReviewers).toEqual([
      { type: 'user', login: 'sam' },
      { type: 'team', slug: 'seniors' },
    ]);
    // A member's review answers their own request and their team's, as on GitHub; the timeline
    // keeps both requests.
    s.submitReview(REPO, pr.number, { user: 'sam', state: 'COMMENTED' });
    expect(pr.requestedReviewers).toEqual([]);
    expect(pr.reviewRequestEvents).toHaveLength(2);
  });

  it('compares ranges like git: ahead commits oldest first, merge base, behind count', () => {
    const s = world();
    const repo = s.repo(REPO)!;
    const base = repo.branches.get('main')!;
    const pr = s.openPullRequest(REPO, {
      author: 'dana',
      title: 't',
      commits: [{ message: '1' }, { message: '2' }],
      files: ['a.txt'],
    });
    const moved = s.setDefaultBranchFile(REPO, 'a.txt', 'b');
    expect(s.compare(repo, moved, pr.headSha)).toEqual({
      commits: pr.commits,
      mergeBase: base,
      behindBy: 1,
    });
    const group = s.createMergeGroup(REPO, pr.number);
    expect(s.compare(repo, moved, group.headSha).commits).toEqual([...pr.commits, group.headSha]);
    expect(s.treeAt(repo, moved)!.get('a.txt')).toBe('b');
    expect(s.resolveRef(repo, 'HEAD')).toBe(moved);
    expect(s.resolveRef(repo, moved.slice(0, 7))).toBe(moved);
  });

  it('builds each merge group on the group of the entry ahead, and takes entries out', () => {
    const s = world();
    const repo = s.requireRepo(REPO);
    const spec = { author: 'dana', title: 't', files: ['a.txt'] };
    const one = s.openPullRequest(REPO, { ...spec, commits: [{ message: '1' }] });
    const two = s.openPullRequest(REPO, { ...spec, commits: [{ message: '2' }] });
    const first = s.createMergeGroup(REPO, one.number);
    const second = s.createMergeGroup(REPO, two.number);
    expect(repo.commits.get(second.headSha)!.parents).toEqual([first.headSha, two.headSha]);
    expect(s.ancestors(repo, second.headSha).has(one.headSha)).toBe(true);
    expect(repo.mergeQueues.get('main')!.map((e) => e.number)).toEqual([one.number, two.number]);
    s.leaveMergeQueue(REPO, one.number);
    expect(repo.mergeQueues.get('main')!.map((e) => e.number)).toEqual([two.number]);
  });

  it('lists team members with child teams', () => {
    const s = world();
    s.addTeam('acme', 'juniors', ['jo'], { parent: 'seniors' });
    expect(s.teamMembersAll('acme', 'seniors')).toEqual(['sam', 'jo']);
    expect(s.teamMembersAll('acme', 'juniors')).toEqual(['jo']);
  });
});
