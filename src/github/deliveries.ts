/**
 * Redelivery of failed webhook deliveries. GitHub delivers each event once and never retries a
 * failed delivery by itself (the app was down, answered an error, or took longer than 10 s), so
 * an approval dismissed while the app was being redeployed would leave a stale verdict. GitHub
 * documents the remedy for apps: list the app's recent deliveries (`GET /app/hook/deliveries`,
 * cursor-paged, as the app), take every event (`guid`) none of whose attempts has `status` `OK`,
 * and ask for it again (`POST /app/hook/deliveries/{delivery_id}/attempts`). The redelivered
 * event then reaches the app as any other and goes through the same handlers.
 */

import { describeError, type Answer, type GitHubClient } from './client.js';
import { PAGE_MAX } from '../model/github.js';

/** The fields of GitHub's `hook-delivery-item` the round reads. */
export interface DeliveryItem {
  id: number;
  guid: string;
  delivered_at: string;
  redelivery: boolean;
  status: string;
  status_code: number;
  event: string;
  action: string | null;
  installation_id: number | null;
  repository_id: number | null;
}

/** GitHub's ids are 64-bit integers; the ones it sends fit in a JavaScript number. */
function deliveryItem(d: Answer<'GET /app/hook/deliveries'>[number]): DeliveryItem {
  const id = (n: number | bigint | null) => (n === null ? null : Number(n));
  return {
    id: Number(d.id),
    guid: d.guid,
    delivered_at: d.delivered_at,
    redelivery: d.redelivery,
    status: d.status,
    status_code: d.status_code,
    event: d.event,
    action: d.action,
    installation_id: id(d.installation_id),
    repository_id: id(d.repository_id),
  };
}

/** What one event looked like in the deliveries listed. */
export interface FailedEvent {
  guid: string;
  event: string;
  action: string | null;
  installationId: number | null;
  repositoryId: number | null;
  /** The newest attempt, the one to redeliver. */
  latest: DeliveryItem;
  /** Attempts listed (the first delivery and redeliveries), all failed. */
  attempts: number;
}

/**
 * The events to redeliver: those whose every listed attempt failed (`status` other than `OK`).
 * An event with any successful attempt is done, however many failed before it.
 */
export function failedEvents(items: readonly DeliveryItem[]): FailedEvent[] {
  const byGuid = new Map<string, DeliveryItem[]>();
  for (const d of items) {
    const list = byGuid.get(d.guid);
    if (list) list.push(d);
    else byGuid.set(d.guid, [d]);
  }
  const out: FailedEvent[] = [];
  for (const [guid, list] of byGuid) {
    if (list.some((d) => d.status === 'OK')) continue;
    const latest = list.reduce((a, b) =>
      Date.parse(b.delivered_at) > Date.parse(a.delivered_at) ||
      (b.delivered_at === a.delivered_at && b.id > a.id)
        ? b
        : a,
    );
    out.push({
      guid,
      event: latest.event,
      action: latest.action,
      installationId: latest.installation_id,
      repositoryId: latest.repository_id,
      latest,
      attempts: list.length,
    });
  }
  // Oldest event first, so that events for one pull request arrive in the order they happened.
  return out.sort((a, b) => a.latest.id - b.latest.id);
}

/** The `cursor` of the `rel="next"` link, or null on the last page. */
export function nextDeliveriesCursor(link: unknown): string | null {
  if (typeof link !== 'string') return null;
  for (const part of link.split(',')) {
    const m = /<([^>]+)>\s*;\s*rel="next"/.exec(part);
    if (!m) continue;
    const cursor = new URL(m[1]!, 'https://api.github.com').searchParams.get('cursor');
    if (cursor) return cursor;
  }
  return null;
}

/**
 * The app's deliveries made at or after `sinceMs`, newest first, reading at most `maxPages`
 * pages of 100. `truncated` says that older deliveries in the window were not read.
 */
export async function listDeliveriesSince(
  gh: GitHubClient,
  sinceMs: number,
  maxPages: number,
): Promise<{ items: DeliveryItem[]; truncated: boolean }> {
  const items: DeliveryItem[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < maxPages; page++) {
    const { data, headers } = await gh.request('GET /app/hook/deliveries', {
      per_page: PAGE_MAX,
      ...(cursor ? { cursor } : {}),
    });
    const list = data.map(deliveryItem);
    for (const d of list) {
      if (Date.parse(d.delivered_at) < sinceMs) return { items, truncated: false };
      items.push(d);
    }
    const next = nextDeliveriesCursor(headers.link);
    if (!next || list.length === 0) return { items, truncated: false };
    if (next === cursor) throw new Error('GitHub gave the same deliveries cursor twice');
    cursor = next;
  }
  return { items, truncated: true };
}

export interface RedeliveryOptions {
  /** Deliveries made before this time (ms since the epoch) are not looked at. */
  sinceMs: number;
  /** Pages of 100 deliveries read at most. */
  maxPages: number;
  /** An event whose attempts listed reach this many is given up on (logged, not redelivered). */
  maxAttempts: number;
  /** Only list what would be redelivered. */
  dryRun?: boolean;
}

export interface RedeliveredEvent {
  guid: string;
  deliveryId: number;
  event: string;
  action: string | null;
  installationId: number | null;
  repositoryId: number | null;
  attempts: number;
  /** The status GitHub recorded for the last failed attempt. */
  lastStatus: string;
}

export interface RedeliveryReport {
  since: string;
  listed: number;
  truncated: boolean;
  redelivered: RedeliveredEvent[];
  gaveUp: RedeliveredEvent[];
  /** Redeliveries GitHub refused, with why. */
  errors: { guid: string; deliveryId: number; error: string }[];
}

/** One round: list, pick the failed events, ask GitHub to redeliver each. */
export async function redeliverFailed(
  gh: GitHubClient,
  options: RedeliveryOptions,
): Promise<RedeliveryReport> {
  const { items, truncated } = await listDeliveriesSince(gh, options.sinceMs, options.maxPages);
  const report: RedeliveryReport = {
    since: new Date(options.sinceMs).toISOString(),
    listed: items.length,
    truncated,
    redelivered: [],
    gaveUp: [],
    errors: [],
  };
  for (const f of failedEvents(items)) {
    const entry: RedeliveredEvent = {
      guid: f.guid,
      deliveryId: f.latest.id,
      event: f.event,
      action: f.action,
      installationId: f.installationId,
      repositoryId: f.repositoryId,
      attempts: f.attempts,
      lastStatus: f.latest.status,
    };
    if (f.attempts >= options.maxAttempts) {
      report.gaveUp.push(entry);
      continue;
    }
    if (options.dryRun) {
      report.redelivered.push(entry);
      continue;
    }
    try {
      await gh.request('POST /app/hook/deliveries/{delivery_id}/attempts', {
        delivery_id: f.latest.id,
      });
      report.redelivered.push(entry);
    } catch (err) {
      report.errors.push({ guid: f.guid, deliveryId: f.latest.id, error: describeError(err) });
    }
  }
  return report;
}
