/**
 * Check runs: listed for a ref, read, created and updated, with GitHub's validation of the status,
 * conclusion, output, annotations and actions, and its rule that only the creating app may update.
 */

import { checkRunJson } from '../shapes.js';
import {
  ANNOTATIONS_PER_REQUEST,
  CHECK_OUTPUT_LIMIT,
  type CheckAnnotation,
} from '../../model/github.js';
import type { FakeCheckRun, FakeCheckRunAction } from '../model.js';
import { HttpError, invalid, linkHeader, objectBody, paginate, routeModule } from '../router.js';

export const checkRoutes = routeModule(({ state, hosts, route, repoOf, full }) => {
  route('GET', '/repos/{owner}/{repo}/commits/{ref}/check-runs', (ctx) => {
    const repo = repoOf(ctx.params);
    const ref = decodeURIComponent(ctx.params.ref!);
    const sha = state.resolveRef(repo, ref);
    if (!sha) throw new HttpError(422, `No commit found for SHA: ${ref}`);
    const name = ctx.query.get('check_name');
    const status = ctx.query.get('status');
    const appId = ctx.query.get('app_id');
    const filter = ctx.query.get('filter') ?? 'latest';
    if (filter !== 'latest' && filter !== 'all') {
      throw new HttpError(422, 'Validation Failed', [
        { resource: 'CheckRun', field: 'filter', code: 'invalid' },
      ]);
    }
    let runs = repo.checkRuns.filter(
      (r) =>
        r.headSha === sha &&
        (name === null || r.name === name) &&
        (status === null || r.status === status) &&
        (appId === null || String(r.appId) === appId),
    );
    if (filter === 'latest') {
      const newest = new Map<string, FakeCheckRun>();
      for (const r of runs) {
        const key = `${r.appId}\0${r.name}`;
        if ((newest.get(key)?.id ?? -1) < r.id) newest.set(key, r);
      }
      runs = [...newest.values()];
    }
    runs.sort((a, b) => b.id - a.id);
    const { items, link } = paginate(runs, ctx, 30);
    return {
      status: 200,
      headers: linkHeader(link),
      body: {
        total_count: runs.length,
        check_runs: items.map((r) => checkRunJson(state, repo, r, hosts)),
      },
    };
  });

  route('GET', '/repos/{owner}/{repo}/check-runs/{check_run_id}', (ctx) => {
    const repo = repoOf(ctx.params);
    const run = repo.checkRuns.find((r) => String(r.id) === ctx.params.check_run_id);
    if (!run) throw new HttpError(404, 'Not Found');
    return { status: 200, body: checkRunJson(state, repo, run, hosts) };
  });

  route('POST', '/repos/{owner}/{repo}/check-runs', (ctx) => {
    const repo = repoOf(ctx.params);
    const body = objectBody(ctx.body);
    if (typeof body.name !== 'string' || body.name === '')
      throw invalid('"name" wasn\'t supplied.');
    if (typeof body.head_sha !== 'string') throw invalid('"head_sha" wasn\'t supplied.');
    const sha =
      /^[0-9a-f]{40}$/.test(body.head_sha) && repo.commits.has(body.head_sha)
        ? body.head_sha
        : null;
    if (!sha) throw new HttpError(422, `No commit found for SHA: ${body.head_sha}`);
    const fields = checkRunFields(body, null);
    const run = state.createCheckRun(full(repo), {
      name: body.name,
      headSha: sha,
      status: fields.status ?? 'queued',
      conclusion: fields.conclusion ?? null,
      completedAt: fields.completedAt ?? null,
      output: fields.output ?? { title: null, summary: null, text: null },
      annotations: fields.annotations ?? [],
      actions: fields.actions ?? [],
      appId: state.app.id,
      externalId: typeof body.external_id === 'string' ? body.external_id : '',
      detailsUrl: typeof body.details_url === 'string' ? body.details_url : null,
      ...(typeof body.started_at === 'string' ? { startedAt: body.started_at } : {}),
    });
    return { status: 201, body: checkRunJson(state, repo, run, hosts) };
  });

  route('PATCH', '/repos/{owner}/{repo}/check-runs/{check_run_id}', (ctx) => {
    const repo = repoOf(ctx.params);
    const run = repo.checkRuns.find((r) => String(r.id) === ctx.params.check_run_id);
    if (!run) throw new HttpError(404, 'Not Found');
    if (run.appId !== state.app.id || ctx.actor !== state.botLogin) {
      throw new HttpError(
        403,
        'Invalid app_id - check run can only be modified by the GitHub App that created it.',
      );
    }
    const body = objectBody(ctx.body);
    if (body.name !== undefined && (typeof body.name !== 'string' || body.name === ''))
      throw invalid('"name" is not a string.');
    const f = checkRunFields(body, run);
    if (typeof body.name === 'string') run.name = body.name;
    if (f.status) run.status = f.status;
    if (f.conclusion !== undefined) run.conclusion = f.conclusion;
    if (f.completedAt !== undefined) run.completedAt = f.completedAt;
    if (f.output) run.output = f.output;
    if (f.annotations) run.annotations.push(...f.annotations);
    if (f.actions) run.actions = f.actions;
    if (typeof body.details_url === 'string') run.detailsUrl = body.details_url;
    if (typeof body.external_id === 'string') run.externalId = body.external_id;
    if (run.status === 'completed' && !run.completedAt) run.completedAt = state.now();
    run.updatedAt = state.now();
    return { status: 200, body: checkRunJson(state, repo, run, hosts) };
  });

  function checkRunFields(body: Record<string, unknown>, existing: FakeCheckRun | null) {
    const out: {
      status?: string;
      conclusion?: string | null;
      completedAt?: string | null;
      output?: FakeCheckRun['output'];
      annotations?: CheckAnnotation[];
      actions?: FakeCheckRunAction[];
    } = {};
    const STATUSES = ['queued', 'in_progress', 'completed'];
    const CONCLUSIONS = [
      'action_required',
      'cancelled',
      'failure',
      'neutral',
      'success',
      'skipped',
      'timed_out',
    ];
    if (body.status !== undefined) {
      if (typeof body.status !== 'string' || !STATUSES.includes(body.status)) {
        throw invalid(
          `${JSON.stringify(body.status)} is not a member of ${JSON.stringify(STATUSES)}.`,
        );
      }
      out.status = body.status;
    }
    if (body.conclusion !== undefined) {
      if (typeof body.conclusion !== 'string' || !CONCLUSIONS.includes(body.conclusion)) {
        throw invalid(
          `${JSON.stringify(body.conclusion)} is not a member of ${JSON.stringify(CONCLUSIONS)}.`,
        );
      }
      out.conclusion = body.conclusion;
      if (out.status && out.status !== 'completed') {
        throw invalid('"status" must be "completed" when a "conclusion" is given.');
      }
      out.status = 'completed';
    }
    if (body.completed_at !== undefined) {
      if (typeof body.completed_at !== 'string' || Number.isNaN(Date.parse(body.completed_at))) {
        throw invalid('"completed_at" is not a timestamp.');
      }
      out.completedAt = body.completed_at;
    }
    const completing = out.status === 'completed' || out.completedAt !== undefined;
    if (completing && out.conclusion === undefined && !existing?.conclusion) {
      throw invalid('"conclusion" wasn\'t supplied.');
    }
    if (out.status === 'completed' && out.completedAt === undefined && !existing?.completedAt) {
      out.completedAt = state.now();
    }
    if (body.output !== undefined) {
      const o = body.output as Record<string, unknown> | null;
      if (!o || typeof o !== 'object' || Array.isArray(o))
        throw invalid('"output" is not an object.');
      if (typeof o.title !== 'string') throw invalid('"title" wasn\'t supplied.');
      if (typeof o.summary !== 'string') throw invalid('"summary" wasn\'t supplied.');
      for (const k of ['summary', 'text'] as const) {
        const v = o[k];
        if (v === undefined || v === null) continue;
        if (typeof v !== 'string') throw invalid(`"${k}" is not a string.`);
        if (v.length > CHECK_OUTPUT_LIMIT) {
          throw invalid(
            `Only ${CHECK_OUTPUT_LIMIT} characters are allowed; ${v.length} were supplied.`,
          );
        }
      }
      out.output = {
        title: o.title,
        summary: o.summary,
        text: typeof o.text === 'string' ? o.text : null,
      };
      if (o.annotations !== undefined) {
        if (!Array.isArray(o.annotations)) throw invalid('"annotations" is not an array.');
        if (o.annotations.length > ANNOTATIONS_PER_REQUEST) {
          throw invalid(
            `Only ${ANNOTATIONS_PER_REQUEST} annotations are allowed per request; ${o.annotations.length} were supplied.`,
          );
        }
        out.annotations = o.annotations.map((a, i) => annotation(a, i));
      }
    }
    if (body.actions !== undefined) {
      if (!Array.isArray(body.actions)) throw invalid('"actions" is not an array.');
      if (body.actions.length > 3)
        throw invalid(`Only 3 actions are allowed; ${body.actions.length} were supplied.`);
      out.actions = body.actions.map((a, i) => {
        const x = (a ?? {}) as Record<string, unknown>;
        const limits = { label: 20, description: 40, identifier: 20 } as const;
        for (const [k, max] of Object.entries(limits)) {
          const v = x[k];
          if (typeof v !== 'string' || v === '')
            throw invalid(`actions[${i}]: "${k}" wasn't supplied.`);
          if (v.length > max) {
            throw invalid(
              `actions[${i}].${k} is too long (maximum is ${max} characters); "${v}" has ${v.length}.`,
            );
          }
        }
        return {
          label: x.label as string,
          description: x.description as string,
          identifier: x.identifier as string,
        };
      });
    }
    return out;
  }

  function annotation(a: unknown, i: number): CheckAnnotation {
    const x = (a ?? {}) as Record<string, unknown>;
    const where = `annotations[${i}]`;
    if (typeof x.path !== 'string' || x.path === '')
      throw invalid(`${where}: "path" wasn't supplied.`);
    for (const k of ['start_line', 'end_line'] as const) {
      if (!Number.isInteger(x[k]) || (x[k] as number) < 1)
        throw invalid(`${where}: "${k}" must be a positive integer.`);
    }
    if (!['notice', 'warning', 'failure'].includes(x.annotation_level as string)) {
      throw invalid(`${where}: "annotation_level" must be notice, warning or failure.`);
    }
    if (typeof x.message !== 'string' || x.message === '')
      throw invalid(`${where}: "message" wasn't supplied.`);
    if (
      (x.start_column !== undefined || x.end_column !== undefined) &&
      x.start_line !== x.end_line
    ) {
      throw invalid(
        `${where}: columns are only allowed when start_line and end_line are the same.`,
      );
    }
    return x as unknown as CheckAnnotation;
  }
});
