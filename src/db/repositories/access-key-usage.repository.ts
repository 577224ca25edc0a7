import { type Kysely, sql } from 'kysely';
import { nativeSqliteOf } from '../dialects/sqlite-native.js';
import type { Database } from '../schema.js';

/**
 * Per-AccessKey aggregations for the GetAccessKeyLastUsed* Actions. Every query names the
 * account, the key and the retained day range: the range lets PostgreSQL prune day partitions,
 * the (account, key, day) index (0014, `events_access_key`) serves the rest
 * (access-key-usage-plans.test.ts pins it on SQLite).
 */
export interface KeyScope {
  accountId: string;
  accessKeyId: string;
  firstDay: number;
  lastDay: number;
}

export interface LastUse {
  key: string;
  usedAt: number;
}

/** Grouping the usage by one column of the key's events. */
export type UsageColumn = 'service_name' | 'event_name' | 'source_ip';

/**
 * The key's events in the scope: (account, key) and the range of retained days, the prefix
 * and range of `events_access_key` (migration 0014), whose entries also carry the service,
 * event name and source IP these queries group by. On PostgreSQL the day range also prunes
 * the day partitions.
 */
function keyEvents(db: Kysely<Database>, s: KeyScope) {
  return db
    .selectFrom('events')
    .where('account_id', '=', s.accountId)
    .where('access_key_id', '=', s.accessKeyId)
    .where('event_day', '>=', s.firstDay)
    .where('event_day', '<=', s.lastDay);
}

/** The query of lastUsePer (exported for the plan test). */
export function lastUsePerQuery(
  db: Kysely<Database>,
  s: KeyScope,
  column: UsageColumn,
  serviceName?: string,
) {
  let q = keyEvents(db, s).where(column, 'is not', null);
  if (serviceName !== undefined) q = q.where('service_name', '=', serviceName);
  return q
    .select([sql<string>`${sql.ref(column)}`.as('k'), sql<number>`max(event_time)`.as('t')])
    .groupBy(column);
}

/** The last use per value of `column`, newest first (values are few: services, names, IPs). */
export async function lastUsePer(
  db: Kysely<Database>,
  s: KeyScope,
  column: UsageColumn,
  serviceName?: string,
): Promise<LastUse[]> {
  const rows = await lastUsePerQuery(db, s, column, serviceName).execute();
  return rows
    .map((r) => ({ key: String(r.k), usedAt: Number(r.t) }))
    .sort((a, b) => b.usedAt - a.usedAt || (a.key < b.key ? -1 : 1));
}

/**
 * The query of lastUsePerResource (exported for the plan test): the resource rows of the key's
 * events of one service. On PostgreSQL the account and day range stay on `event_resources` too,
 * so its day partitions are pruned. SQLite's planner, which has no statistics, took them for
 * the better search and read every resource row of the account's retained days (32–37 ms on a
 * 1 M store whatever the key, [G] round 11); without them it looks each of the key's events up
 * by sequence in the primary key (0.2–20 ms). The events are the account's, so their resource
 * rows are too.
 */
export function lastUsePerResourceQuery(db: Kysely<Database>, s: KeyScope, serviceName: string) {
  const seqs = keyEvents(db, s).where('service_name', '=', serviceName).select('seq');
  let q = db.selectFrom('event_resources').where('seq', 'in', seqs);
  if (!nativeSqliteOf(db)) {
    q = q
      .where('account_id', '=', s.accountId)
      .where('event_day', '>=', s.firstDay)
      .where('event_day', '<=', s.lastDay);
  }
  return q
    .where('resource_name', '!=', '')
    .select(['resource_type', 'resource_name', sql<number>`max(event_time)`.as('t')])
    .groupBy(['resource_type', 'resource_name']);
}

/** The last use per (resource type, resource name) within one service. */
export async function lastUsePerResource(
  db: Kysely<Database>,
  s: KeyScope,
  serviceName: string,
): Promise<Array<LastUse & { type: string; name: string }>> {
  const rows = await lastUsePerResourceQuery(db, s, serviceName).execute();
  return rows
    .map((r) => ({
      type: r.resource_type,
      name: r.resource_name,
      key: `${r.resource_type}\u0000${r.resource_name}`,
      usedAt: Number(r.t),
    }))
    .sort((a, b) => b.usedAt - a.usedAt || (a.key < b.key ? -1 : 1));
}

/**
 * The JSON of the key's latest event at `usedAt` (optionally with `column` = `value`), the
 * `Detail` of an answer row.
 */
export async function eventAt(
  db: Kysely<Database>,
  s: KeyScope,
  usedAt: number,
  where: { column: UsageColumn; value: string } | undefined,
  serviceName?: string,
): Promise<string | undefined> {
  const row = await eventAtQuery(db, s, usedAt, where, serviceName).executeTakeFirst();
  return row?.event_json;
}

/** The query of eventAt (exported for the plan test). */
export function eventAtQuery(
  db: Kysely<Database>,
  s: KeyScope,
  usedAt: number,
  where: { column: UsageColumn; value: string } | undefined,
  serviceName?: string,
) {
  let q = keyEvents(db, s).where('event_time', '=', usedAt);
  if (where) q = q.where(where.column, '=', where.value);
  if (serviceName !== undefined) q = q.where('service_name', '=', serviceName);
  return q.select('event_json').orderBy('seq', 'desc').limit(1);
}
