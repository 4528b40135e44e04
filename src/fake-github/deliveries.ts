/**
 * The fake's webhook deliveries, as GitHub keeps them for an app: every delivery it sends to the
 * app's webhook URL is recorded with its outcome (`status` is `OK` only for a 2xx answer; a
 * refused connection, an error status or an answer slower than GitHub's 10 s all count as
 * failed), listed newest first by `GET /app/hook/deliveries` (cursor-paged, JWT only) in the
 * shape of `hook-delivery-item`, shown one by one in the shape of `hook-delivery`, and sent again
 * by `POST /app/hook/deliveries/{delivery_id}/attempts`: a new delivery with a new id, the same
 * `guid` (`X-GitHub-Delivery`) and payload, and `redelivery: true`. Deliveries older than
 * {@link DELIVERY_RETENTION_MS} are neither listed nor redelivered, as on github.com.
 */

import { request } from 'node:http';
import type { components } from '@octokit/openapi-types';
import { PAGE_MAX } from '../model/github.js';
import { webhookHeaders, type WebhookDelivery } from './webhooks.js';

export type HookDeliveryItem = components['schemas']['hook-delivery-item'];
export type HookDelivery = components['schemas']['hook-delivery'];

/** How long github.com keeps deliveries for listing and redelivery: 3 days. */
export const DELIVERY_RETENTION_MS = 3 * 24 * 3600_000;
/** GitHub records a delivery as failed when the server takes longer than this to answer. */
export const DELIVERY_TIMEOUT_MS = 10_000;

export interface RecordedDelivery {
  id: number;
  guid: string;
  /** When it was sent, in ms since the epoch. */
  deliveredAt: number;
  redelivery: boolean;
  /** Seconds. */
  duration: number;
  status: string;
  statusCode: number;
  event: string;
  action: string | null;
  installationId: number | null;
  repositoryId: number | null;
  url: string;
  requestHeaders: Record<string, string>;
  payload: Record<string, unknown>;
  responseHeaders: Record<string, string> | null;
  responseBody: string | null;
  /** What was sent, to send it again. */
  source: WebhookDelivery;
}

/** An answer for the fake's router (the same shape its own handlers return). */
export interface DeliveryAnswer {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface DeliveryRoute {
  method: 'GET' | 'POST';
  template: string;
  auth: 'app';
  handler: (ctx: {
    params: Record<string, string>;
    query: URLSearchParams;
    selfUrl: string;
  }) => DeliveryAnswer;
}

const DOCS = 'https://docs.github.com/rest/apps/webhooks';

export class FakeDeliveries {
  private readonly recorded: RecordedDelivery[] = [];
  private readonly inFlight = new Set<Promise<unknown>>();
  private nextId = 1;
  private target: { url: string; secret: string } | null = null;
  /** How long a delivery stays listed and redeliverable. */
  retentionMs = DELIVERY_RETENTION_MS;
  /** How long the app may take to answer before the delivery counts as failed. */
  timeoutMs = DELIVERY_TIMEOUT_MS;

  constructor(private readonly now: () => number = Date.now) {}

  /** The app's webhook URL and secret (what the app's registration holds on GitHub). */
  configure(url: string, secret: string): void {
    if (new URL(url).protocol !== 'http:') throw new Error(`http:// URLs only, not ${url}`);
    this.target = { url, secret };
  }

  /** Sends a delivery to the app's webhook URL and records how it went. */
  send(delivery: WebhookDelivery): Promise<RecordedDelivery> {
    return this.track(this.post(delivery, false));
  }

  /** Every recorded delivery, newest first, including those past retention. */
  all(): RecordedDelivery[] {
    return [...this.recorded].reverse();
  }

  /** Deliveries GitHub still keeps, newest first. */
  kept(): RecordedDelivery[] {
    const oldest = this.now() - this.retentionMs;
    return this.all().filter((d) => d.deliveredAt >= oldest);
  }

  /** Moves every recorded delivery `ms` into the past: the fake's stand-in for time passing. */
  age(ms: number): void {
    for (const d of this.recorded) d.deliveredAt -= ms;
  }

  /** Sends a kept delivery again, as `POST .../attempts` does; null when it is unknown or expired. */
  redeliver(id: number): Promise<RecordedDelivery> | null {
    const original = this.kept().find((d) => d.id === id);
    if (!original) return null;
    return this.track(this.post(original.source, true));
  }

  /** Waits until every delivery and redelivery sent so far has been answered. */
  async settle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  /** The routes of GitHub's app-webhook deliveries API. */
  routes(): DeliveryRoute[] {
    return [
      {
        method: 'GET',
        template: '/app/hook/deliveries',
        auth: 'app',
        handler: (c) => this.list(c),
      },
      {
        method: 'GET',
        template: '/app/hook/deliveries/{delivery_id}',
        auth: 'app',
        handler: (c) => {
          const d = this.kept().find((x) => String(x.id) === c.params.delivery_id);
          return d ? { status: 200, body: detail(d) } : notFound();
        },
      },
      {
        method: 'POST',
        template: '/app/hook/deliveries/{delivery_id}/attempts',
        auth: 'app',
        handler: (c) => {
          const id = Number(c.params.delivery_id);
          if (!/^\d+$/.test(c.params.delivery_id ?? '')) return notFound();
          if (!this.target) return failed(422, 'The app has no webhook URL');
          // GitHub answers first and redelivers shortly after.
          const known = this.kept().some((d) => d.id === id);
          if (!known) return notFound();
          setImmediate(() => void this.redeliver(id));
          return { status: 202, body: {} };
        },
      },
    ];
  }

  private list(c: { query: URLSearchParams; selfUrl: string }): DeliveryAnswer {
    const perPageRaw = Number(c.query.get('per_page') ?? 30);
    const perPage = Math.min(PAGE_MAX, Math.max(1, Number.isFinite(perPageRaw) ? perPageRaw : 30));
    const want = c.query.get('status');
    if (want !== null && want !== 'success' && want !== 'failure') {
      return failed(422, `Invalid value for status: ${want}`);
    }
    let items = this.kept();
    if (want) items = items.filter((d) => (d.status === 'OK') === (want === 'success'));
    let start = 0;
    const cursor = c.query.get('cursor');
    if (cursor !== null) {
      const m = /^v1_(\d+)$/.exec(cursor);
      if (!m) return failed(400, 'Invalid cursor');
      start = items.findIndex((d) => d.id <= Number(m[1]));
      if (start < 0) start = items.length;
    }
    const page = items.slice(start, start + perPage);
    const next = items[start + perPage];
    const headers: Record<string, string> = {};
    if (next) {
      const q = new URLSearchParams(c.query);
      q.set('per_page', String(perPage));
      q.set('cursor', `v1_${next.id}`);
      headers.link = `<${c.selfUrl}?${q.toString()}>; rel="next"`;
    }
    return { status: 200, body: page.map(item), headers };
  }

  private track<T>(p: Promise<T>): Promise<T> {
    this.inFlight.add(p);
    void p.finally(() => this.inFlight.delete(p)).catch(() => undefined);
    return p;
  }

  private async post(source: WebhookDelivery, redelivery: boolean): Promise<RecordedDelivery> {
    if (!this.target) throw new Error('no webhook URL: call deliveries.configure(url, secret)');
    const { url, secret } = this.target;
    const body = JSON.stringify(source.payload);
    const headers = webhookHeaders(secret, source, body);
    const started = this.now();
    const t0 = performance.now();
    const outcome = await postOnce(url, headers, body, this.timeoutMs);
    const payload = source.payload;
    const repository = payload.repository as { id?: unknown } | undefined;
    const installation = payload.installation as { id?: unknown } | undefined;
    const record: RecordedDelivery = {
      id: this.nextId++,
      guid: source.id,
      deliveredAt: started,
      redelivery,
      duration: Math.round(performance.now() - t0) / 1000,
      status: outcome.status,
      statusCode: outcome.statusCode,
      event: source.name,
      action: typeof payload.action === 'string' ? payload.action : null,
      installationId: typeof installation?.id === 'number' ? installation.id : null,
      repositoryId: typeof repository?.id === 'number' ? repository.id : null,
      url,
      requestHeaders: headers,
      payload,
      responseHeaders: outcome.headers,
      responseBody: outcome.body,
      source,
    };
    this.recorded.push(record);
    return record;
  }
}

interface Outcome {
  status: string;
  statusCode: number;
  headers: Record<string, string> | null;
  body: string | null;
}

/** One POST; never rejects: a refused connection or a timeout is an outcome like any other. */
function postOnce(
  url: string,
  headers: Record<string, string>,
  body: string,
  timeoutMs: number,
): Promise<Outcome> {
  return new Promise((resolve) => {
    let done = false;
    const finish = (o: Outcome) => {
      if (done) return;
      done = true;
      resolve(o);
    };
    const req = request(url, { method: 'POST', agent: false, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const code = res.statusCode ?? 0;
        const flat: Record<string, string> = {};
        for (const [k, v] of Object.entries(res.headers)) {
          if (v !== undefined) flat[k] = Array.isArray(v) ? v.join(', ') : v;
        }
        finish({
          status: code >= 200 && code < 300 ? 'OK' : `Invalid HTTP Response: ${code}`,
          statusCode: code,
          headers: flat,
          body: Buffer.concat(chunks).toString('utf8'),
        });
      });
      res.on('error', () =>
        finish({ status: 'failed to connect', statusCode: 0, headers: null, body: null }),
      );
    });
    req.setTimeout(timeoutMs, () => {
      finish({ status: 'timed out', statusCode: 0, headers: null, body: null });
      req.destroy();
    });
    req.on('error', () =>
      finish({ status: 'failed to connect', statusCode: 0, headers: null, body: null }),
    );
    req.end(body);
  });
}

function iso(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function item(d: RecordedDelivery): HookDeliveryItem {
  return {
    id: d.id,
    guid: d.guid,
    delivered_at: iso(d.deliveredAt),
    redelivery: d.redelivery,
    duration: d.duration,
    status: d.status,
    status_code: d.statusCode,
    event: d.event,
    action: d.action,
    installation_id: d.installationId,
    repository_id: d.repositoryId,
    throttled_at: null,
  };
}

function detail(d: RecordedDelivery): HookDelivery {
  return {
    ...item(d),
    id: d.id,
    installation_id: d.installationId,
    repository_id: d.repositoryId,
    url: d.url,
    request: { headers: { ...d.requestHeaders }, payload: d.payload },
    response: { headers: d.responseHeaders, payload: d.responseBody },
  };
}

function failed(status: number, message: string): DeliveryAnswer {
  return { status, body: { message, documentation_url: DOCS, status: String(status) } };
}

function notFound(): DeliveryAnswer {
  return failed(404, 'Not Found');
}
