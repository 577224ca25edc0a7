import type { Kysely } from 'kysely';
import {
  eventAt,
  type KeyScope,
  lastUsePer,
  lastUsePerResource,
} from '../../db/repositories/access-key-usage.repository.js';
import { eventDay } from '../../db/repositories/event-columns.js';
import type { Database } from '../../db/schema.js';
import { DAY_MS } from '../../lib/time.js';

/**
 * What the event store knows of one AccessKey's use (GetAccessKeyLastUsed*): the latest event
 * per service, per event name, per source IP and per resource, within the retained events of
 * the caller's account. Another account's events are never read, whatever key is asked about.
 */
export interface UsageContext {
  db: Kysely<Database>;
  accountId: string;
  now: number;
  retentionDays: number;
}

export interface Use {
  key: string;
  usedAt: number;
  /** The event JSON as stored (`Detail`). */
  detail: string;
  /** `ManagementEvent`, or `DataEvent` for an event with `eventCategory: Data`. */
  source: 'ManagementEvent' | 'DataEvent';
}

function scope(ctx: UsageContext, accessKeyId: string): KeyScope {
  return {
    accountId: ctx.accountId,
    accessKeyId,
    // Ingest accepts eventTime up to 15 min ahead: one day of slack covers it.
    firstDay: eventDay(ctx.now - ctx.retentionDays * DAY_MS),
    lastDay: eventDay(ctx.now) + 1,
  };
}

function sourceOf(detail: string): Use['source'] {
  try {
    const e = JSON.parse(detail) as { eventCategory?: unknown };
    return typeof e.eventCategory === 'string' && e.eventCategory.toLowerCase() === 'data'
      ? 'DataEvent'
      : 'ManagementEvent';
  } catch {
    return 'ManagementEvent';
  }
}

function use(key: string, usedAt: number, detail: string | undefined): Use {
  const d = detail ?? '';
  return { key, usedAt, detail: d, source: sourceOf(d) };
}

export interface Page {
  offset: number;
  limit: number;
}

/** The page's slice; the event JSON is read for the rows on the page only. */
async function paged<T extends { key: string; usedAt: number }>(
  rows: T[],
  page: Page | undefined,
  detailOf: (r: T) => Promise<string | undefined>,
): Promise<{ items: Array<T & Use>; more: boolean }> {
  const slice = page ? rows.slice(page.offset, page.offset + page.limit) : rows;
  const items = await Promise.all(
    slice.map(async (r) => ({ ...r, ...use(r.key, r.usedAt, await detailOf(r)) })),
  );
  return { items, more: page ? rows.length > page.offset + page.limit : false };
}

/** Per service, newest first. */
export async function productsUsed(ctx: UsageContext, accessKeyId: string): Promise<Use[]> {
  const s = scope(ctx, accessKeyId);
  const rows = await lastUsePer(ctx.db, s, 'service_name');
  const { items } = await paged(rows, undefined, (r) =>
    eventAt(ctx.db, s, r.usedAt, { column: 'service_name', value: r.key }),
  );
  return items;
}

/** The key's latest event overall, or undefined when the store has none. */
export async function lastUse(ctx: UsageContext, accessKeyId: string): Promise<Use | undefined> {
  const s = scope(ctx, accessKeyId);
  const rows = await lastUsePer(ctx.db, s, 'service_name');
  const { items } = await paged(rows, { offset: 0, limit: 1 }, (r) =>
    eventAt(ctx.db, s, r.usedAt, { column: 'service_name', value: r.key }),
  );
  return items[0];
}

/** Per event name (`event_name`) or source IP (`source_ip`) within one service, newest first. */
export async function usesWithin(
  ctx: UsageContext,
  accessKeyId: string,
  serviceName: string,
  by: 'event_name' | 'source_ip',
  page: Page,
): Promise<{ items: Use[]; more: boolean }> {
  const s = scope(ctx, accessKeyId);
  const rows = await lastUsePer(ctx.db, s, by, serviceName);
  return paged(rows, page, (r) =>
    eventAt(ctx.db, s, r.usedAt, { column: by, value: r.key }, serviceName),
  );
}

/** Per resource (type and name) within one service, newest first. */
export async function resourcesUsed(
  ctx: UsageContext,
  accessKeyId: string,
  serviceName: string,
  page: Page,
): Promise<{ items: Array<Use & { type: string; name: string }>; more: boolean }> {
  const s = scope(ctx, accessKeyId);
  const rows = await lastUsePerResource(ctx.db, s, serviceName);
  return paged(rows, page, (r) => eventAt(ctx.db, s, r.usedAt, undefined, serviceName));
}
