/**
 * Pull requests: the list, one pull request, its files, commits and reviews, review requests, and
 * the pull requests a commit belongs to.
 */

import { PR_COMMITS_CAP, PR_FILES_CAP } from '../../model/github.js';
import { commitJson, fileJson, pullJson, pullSimpleJson, reviewJson } from '../shapes.js';
import type { FakePullRequest } from '../model.js';
import { HttpError, objectBody, pagedList, routeModule, stringList } from '../router.js';

export const pullRoutes = routeModule(({ state, hosts, route, repoOf, pullAt, full }) => {
  route('GET', '/repos/{owner}/{repo}/pulls', (ctx) => {
    const repo = repoOf(ctx.params);
    const want = ctx.query.get('state') ?? 'open';
    if (!['open', 'closed', 'all'].includes(want)) {
      throw new HttpError(422, 'Validation Failed', [
        { resource: 'Issue', field: 'state', code: 'invalid' },
      ]);
    }
    const sort = ctx.query.get('sort') ?? 'created';
    const direction = ctx.query.get('direction') ?? (sort === 'created' ? 'desc' : 'asc');
    const head = ctx.query.get('head');
    const base = ctx.query.get('base');
    let list = [...repo.pulls.values()].filter((p) => want === 'all' || p.state === want);
    if (head)
      list = list.filter(
        (p) =>
          `${repo.owner}:${p.headRef}`.toLowerCase() === head.toLowerCase() || p.headRef === head,
      );
    if (base) list = list.filter((p) => p.baseRef === base);
    const key = (p: FakePullRequest) => (sort === 'updated' ? p.updatedAt : p.createdAt);
    list.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : a.number - b.number));
    if (direction === 'desc') list.reverse();
    return pagedList(ctx, list, (p) => pullSimpleJson(state, repo, p, hosts));
  });

  route('GET', '/repos/{owner}/{repo}/pulls/{pull_number}', (ctx) => {
    const { repo, pr } = pullAt(ctx.params);
    return { status: 200, body: pullJson(state, repo, pr, hosts) };
  });

  route('GET', '/repos/{owner}/{repo}/pulls/{pull_number}/files', (ctx) => {
    const { repo, pr } = pullAt(ctx.params);
    return pagedList(ctx, pr.files.slice(0, PR_FILES_CAP), (f) =>
      fileJson(repo, pr.headSha, f, hosts),
    );
  });

  route('GET', '/repos/{owner}/{repo}/pulls/{pull_number}/commits', (ctx) => {
    const { repo, pr } = pullAt(ctx.params);
    return pagedList(ctx, pr.commits.slice(0, PR_COMMITS_CAP), (sha) =>
      commitJson(state, repo, repo.commits.get(sha)!, hosts),
    );
  });

  route('GET', '/repos/{owner}/{repo}/pulls/{pull_number}/reviews', (ctx) => {
    const { repo, pr } = pullAt(ctx.params);
    return pagedList(ctx, pr.reviews, (r) => reviewJson(state, repo, pr, r, hosts));
  });

  route('POST', '/repos/{owner}/{repo}/pulls/{pull_number}/requested_reviewers', (ctx) => {
    const { repo, pr } = pullAt(ctx.params);
    const body = objectBody(ctx.body);
    const users = stringList(body.reviewers, 'reviewers');
    const teams = stringList(body.team_reviewers, 'team_reviewers');
    if (users.length === 0 && teams.length === 0) {
      throw new HttpError(
        422,
        'Invalid request.\n\n"reviewers" or "team_reviewers" must be given.',
      );
    }
    if (users.some((u) => u.toLowerCase() === pr.author.toLowerCase())) {
      throw new HttpError(422, 'Review cannot be requested from pull request author.');
    }
    const notCollaborator = () =>
      new HttpError(
        422,
        `Reviews may only be requested from collaborators. One or more of the users or teams you specified is not a collaborator of the ${full(repo)} repository.`,
      );
    for (const u of users) if (state.user(u)?.type !== 'User') throw notCollaborator();
    for (const t of teams) if (!state.team(repo.owner, t)) throw notCollaborator();
    state.requestReviews(full(repo), pr.number, { users, teams }, ctx.actor);
    return { status: 201, body: pullSimpleJson(state, repo, pr, hosts) };
  });

  route('GET', '/repos/{owner}/{repo}/commits/{commit_sha}/pulls', (ctx) => {
    const repo = repoOf(ctx.params);
    const sha = state.resolveRef(repo, ctx.params.commit_sha!);
    if (!sha) throw new HttpError(422, `No commit found for SHA: ${ctx.params.commit_sha}`);
    const list = state.pullsWithCommit(repo, sha).sort((a, b) => b.number - a.number);
    return pagedList(ctx, list, (p) => pullSimpleJson(state, repo, p, hosts));
  });
});
