/**
 * A pull request's issue side: its comments (listed, added, edited) and its labels (listed, added,
 * removed).
 */

import { COMMENT_BODY_LIMIT } from '../../model/github.js';
import { commentJson, labelJson } from '../shapes.js';
import { HttpError, objectBody, pagedList, routeModule, stringList } from '../router.js';

export const issueRoutes = routeModule(({ state, hosts, route, repoOf, pullAt, full }) => {
  route('GET', '/repos/{owner}/{repo}/issues/{issue_number}/comments', (ctx) => {
    const { repo, pr } = pullAt(ctx.params);
    return pagedList(ctx, pr.comments, (c) => commentJson(state, repo, pr, c, hosts));
  });

  route('POST', '/repos/{owner}/{repo}/issues/{issue_number}/comments', (ctx) => {
    const { repo, pr } = pullAt(ctx.params);
    const body = commentBody(objectBody(ctx.body));
    const c = state.addComment(full(repo), pr.number, { author: ctx.actor, body });
    return { status: 201, body: commentJson(state, repo, pr, c, hosts) };
  });

  route('PATCH', '/repos/{owner}/{repo}/issues/comments/{comment_id}', (ctx) => {
    const repo = repoOf(ctx.params);
    const found = state.findComment(full(repo), Number(ctx.params.comment_id));
    if (!found) throw new HttpError(404, 'Not Found');
    const body = commentBody(objectBody(ctx.body));
    const c = state.editComment(full(repo), found.comment.id, body);
    return { status: 200, body: commentJson(state, repo, found.pr, c, hosts) };
  });

  route('GET', '/repos/{owner}/{repo}/issues/{issue_number}/labels', (ctx) => {
    const { repo, pr } = pullAt(ctx.params);
    return pagedList(ctx, pr.labels, (n) => labelJson(repo, state.label(repo, n), hosts));
  });

  route('POST', '/repos/{owner}/{repo}/issues/{issue_number}/labels', (ctx) => {
    const { repo, pr } = pullAt(ctx.params);
    const raw = Array.isArray(ctx.body) ? ctx.body : objectBody(ctx.body).labels;
    const names = stringList(raw, 'labels').map((l) => l.trim());
    if (names.length === 0) {
      throw new HttpError(
        422,
        'Invalid request.\n\nNo subschema in "anyOf" matched.\n"labels" wasn\'t supplied.',
      );
    }
    for (const n of names) {
      if (n === '' || n.length > 50) {
        throw new HttpError(422, 'Validation Failed', [
          { resource: 'Label', code: 'invalid', field: 'name', value: n },
        ]);
      }
    }
    for (const n of names) state.addLabel(full(repo), pr.number, n, ctx.actor);
    return {
      status: 200,
      body: pr.labels.map((n) => labelJson(repo, state.label(repo, n), hosts)),
    };
  });

  route('DELETE', '/repos/{owner}/{repo}/issues/{issue_number}/labels/{name}', (ctx) => {
    const { repo, pr } = pullAt(ctx.params);
    if (
      !state.removeLabel(full(repo), pr.number, decodeURIComponent(ctx.params.name!), ctx.actor)
    ) {
      throw new HttpError(404, 'Label does not exist');
    }
    return {
      status: 200,
      body: pr.labels.map((n) => labelJson(repo, state.label(repo, n), hosts)),
    };
  });
});

function commentBody(body: Record<string, unknown>): string {
  if (typeof body.body !== 'string' || body.body === '') {
    throw new HttpError(422, 'Validation Failed', [
      { resource: 'IssueComment', code: 'missing_field', field: 'body' },
    ]);
  }
  if (body.body.length > COMMENT_BODY_LIMIT) {
    throw new HttpError(422, 'Validation Failed', [
      {
        resource: 'IssueComment',
        code: 'custom',
        field: 'body',
        message: `body is too long (maximum is ${COMMENT_BODY_LIMIT} characters)`,
      },
    ]);
  }
  return body.body;
}
