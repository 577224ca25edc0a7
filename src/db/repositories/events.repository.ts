import { type Insertable, type Kysely, sql, type Transaction } from 'kysely';
import { byCodeUnit } from '../../lib/compare.js';
import type { PackedChunk } from '../../lib/packed-chunk.js';
import { REUSE_PLAN } from '../dialects/dialect.js';
import { nativeSqliteOf } from '../dialects/sqlite-native.js';
import { retryTransaction } from '../retry-transaction.js';
import type { Database, EventResourcesTable, EventsTable } from '../schema.js';
import { type EventObject, indexEvent } from './event-columns.js';
import { type DeliveryRow, type DeliveryScan, scanEventsNative } from './events-delivery-scan.js';
import { insertEventsNative, type PendingEvent } from './events-native-insert.js';
import { type ScanThreadOptions, scanOnThread } from './events-scan-thread.js';

export interface InsertResult {
  inserted: number;
  /** Events whose (account, eventId) was already stored, or repeated within the call. */
  duplicates: number;
}

/**
 * The order a write stores its events in, i.e. the order of their sequences. `given` keeps the
 * caller's (self-audit: the order of the calls). `time` sorts by (eventTime, account, eventId):
 * for events whose ids a client chose, so that two clients writing overlapping batches at once
 * claim the shared ids in one order and PostgreSQL never aborts one of them as a deadlock.
 */
export type InsertOrder = 'given' | 'time';

/** One event for one account; the self-audit writer mixes accounts in one commit. */
export interface AccountEvent {
  accountId: string;
  event: EventObject;
  /** `JSON.stringify(event)`, when the caller has it already (see indexEvent). */
  json?: string | undefined;
}

/**
 * Rows per multi-row INSERT. 16 bound values per event row keeps a statement far below
 * SQLite's 32,766-variable limit and PostgreSQL's 65,535.
 */
const EVENT_CHUNK = 500;
const RESOURCE_CHUNK = 1000;

/**
 * Stores events of one account in one transaction (decisions §3): unique per (account,
 * eventId); a repeat is skipped and counted as a duplicate. Each new event gets the next
 * insertion sequence. Throws InvalidEventError (nothing stored) when an event has no usable
 * eventId or eventTime.
 */
export async function insertEvents(
  db: Kysely<Database>,
  accountId: string,
  events: readonly EventObject[],
  order: InsertOrder = 'given',
): Promise<InsertResult> {
  return insertAccountEvents(
    db,
    events.map((event) => ({ accountId, event })),
    order,
  );
}

/** Like insertEvents, for events of several accounts, still one transaction. */
export async function insertAccountEvents(
  db: Kysely<Database>,
  items: readonly AccountEvent[],
  order: InsertOrder = 'given',
): Promise<InsertResult> {
  if (items.length === 0) return { inserted: 0, duplicates: 0 };
  // Index first: an invalid event fails the call before anything is written.
  const indexed = items.map((item) => ({
    accountId: item.accountId,
    ...indexEvent(item.event, item.json),
  }));
  const native = nativeSqliteOf(db);
  if (native) {
    // SQLite: the same rows through prepared statements, inside Kysely's transaction so nothing
    // else of this process runs on the connection meanwhile.
    const rows = uniqueInOrder(indexed, order);
    const inserted = await db.transaction().execute(async () => insertEventsNative(native, rows));
    return { inserted, duplicates: items.length - inserted };
  }
  // A deadlock the order did not prevent (PostgreSQL): the loser runs again.
  return retryTransaction(() =>
    db.transaction().execute((trx) => insertIndexed(trx, indexed, order)),
  );
}

/**
 * Like insertAccountEvents inside a transaction the caller holds (and commits), for writes that
 * must commit together with something else. The events' sequences stay in flight (below the
 * safe horizon's reach) until then.
 */
export async function insertAccountEventsIn(
  trx: Transaction<Database>,
  items: readonly AccountEvent[],
): Promise<InsertResult> {
  if (items.length === 0) return { inserted: 0, duplicates: 0 };
  const indexed = items.map((item) => ({
    accountId: item.accountId,
    ...indexEvent(item.event, item.json),
  }));
  return insertIndexed(trx, indexed, 'given');
}

type Pending = PendingEvent;

/** The events once each (the first of repeats within the call), in the write's order. */
export function uniqueInOrder(items: readonly Pending[], order: InsertOrder): Pending[] {
  const seen = new Set<string>();
  const unique: Pending[] = [];
  for (const item of items) {
    const key = `${item.accountId}\u0000${item.eventId}`;
    if (!seen.has(key)) {
      seen.add(key);
      unique.push(item);
    }
  }
  if (order === 'time') {
    unique.sort(
      (a, b) =>
        a.columns.event_time - b.columns.event_time ||
        byCodeUnit(a.accountId, b.accountId) ||
        byCodeUnit(a.eventId, b.eventId),
    );
  }
  return unique;
}

async function insertIndexed(
  trx: Kysely<Database>,
  items: Pending[],
  order: InsertOrder,
): Promise<InsertResult> {
  const unique = uniqueInOrder(items, order);
  let inserted = 0;
  for (let i = 0; i < unique.length; i += EVENT_CHUNK) {
    const chunk = unique.slice(i, i + EVENT_CHUNK);
    const rows: Insertable<EventsTable>[] = chunk.map((e) => ({
      account_id: e.accountId,
      ...e.columns,
    }));
    const stored = await trx
      .insertInto('events')
      .values(rows)
      // (account, eventId) is unique: SQLite's unique index, PostgreSQL's event_ids (0005)
      // whose trigger skips a repeat. Either way a repeat is not returned.
      .onConflict((oc) => oc.doNothing())
      .returning(['seq', 'account_id', 'event_id'])
      .execute();
    inserted += stored.length;
    await insertResources(trx, chunk, stored);
  }
  return { inserted, duplicates: items.length - inserted };
}

async function insertResources(
  trx: Kysely<Database>,
  chunk: Pending[],
  stored: ReadonlyArray<{ seq: number; account_id: string; event_id: string }>,
): Promise<void> {
  const seqOf = new Map(stored.map((r) => [`${r.account_id}\u0000${r.event_id}`, Number(r.seq)]));
  const rows: Insertable<EventResourcesTable>[] = [];
  for (const e of chunk) {
    const seq = seqOf.get(`${e.accountId}\u0000${e.eventId}`);
    if (seq === undefined) continue; // a duplicate: its resources are already indexed
    for (const r of e.resources) {
      rows.push({
        seq,
        account_id: e.accountId,
        event_time: e.columns.event_time,
        event_day: e.columns.event_day,
        resource_type: r.type,
        resource_name: r.name,
        service_name: e.columns.service_name ?? null,
        event_name: e.columns.event_name ?? null,
        user_name: e.columns.user_name ?? null,
        role_name: e.columns.role_name ?? null,
      });
    }
  }
  for (let i = 0; i < rows.length; i += RESOURCE_CHUNK) {
    await trx
      .insertInto('event_resources')
      .values(rows.slice(i, i + RESOURCE_CHUNK))
      .execute();
  }
}

/** How many events the store holds (every account). */
export async function countStoredEvents(db: Kysely<Database>): Promise<number> {
  const row = await db
    .selectFrom('events')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

/**
 * The highest sequence below which no write is still in flight (decisions §3): a cursor may
 * advance to it and never miss an event committed later. 0 when nothing was stored. The view
 * `event_horizon` (migration 0004) computes it per database; on PostgreSQL the call waits for
 * the event-writing transactions in flight, at most as long as the longest of them.
 */
export async function safeHorizon(db: Kysely<Database>): Promise<number> {
  const row = await db.selectFrom('event_horizon').select('seq').executeTakeFirst();
  return Number(row?.seq ?? 0);
}

export type { DeliveryScan };

export type StoredEvent = DeliveryRow;

/**
 * One chunk of events for delivery ([C1], [D2]) in sequence order, read through
 * events_delivery (account, region, seq). Call again with `afterSeq` = the last seq returned.
 */
export async function scanEventsForDelivery(
  db: Kysely<Database>,
  scan: DeliveryScan,
): Promise<StoredEvent[]> {
  const raw = nativeSqliteOf(db);
  // SQLite: a prepared statement on the native connection, run while holding Kysely's one
  // connection so it never reads inside another caller's open transaction.
  if (raw) return db.connection().execute(async () => scanEventsNative(raw, scan));
  // Not bound to days, so on PostgreSQL it reads every day partition: REUSE_PLAN saves planning
  // them all on each call.
  let q = db
    .selectFrom('events')
    .modifyFront(sql.raw(REUSE_PLAN))
    .select(['seq', 'event_time', 'event_json'])
    .where('account_id', '=', scan.accountId)
    .where('acs_region', '=', scan.region)
    .where('seq', '>', scan.afterSeq)
    .where('seq', '<=', scan.cutoffSeq)
    .where('event_time', '>=', scan.fromTime);
  if (scan.eventRW !== 'All') q = q.where('event_rw', '=', scan.eventRW);
  if (scan.toTime !== undefined) q = q.where('event_time', '<=', scan.toTime);
  const rows = await q.orderBy('seq').limit(scan.limit).execute();
  return rows.map((r) => ({
    seq: Number(r.seq),
    eventTime: Number(r.event_time),
    eventJson: r.event_json,
  }));
}

/**
 * A chunk of a delivery scan as packed bytes, read on the scan thread (events-scan-thread.ts),
 * or undefined where there is none (PostgreSQL, an in-memory SQLite, a thread that failed).
 */
export async function scanEventsPacked(
  db: Kysely<Database>,
  scan: DeliveryScan,
  options: ScanThreadOptions,
): Promise<PackedChunk | undefined> {
  const raw = nativeSqliteOf(db);
  return raw ? scanOnThread(raw, scan, options) : undefined;
}

/** The account's oldest or newest eventTime (index events_time), or undefined without events. */
async function accountTimeBound(db: Kysely<Database>, accountId: string, newest: boolean) {
  const order = newest ? 'desc' : 'asc';
  const row = await db
    .selectFrom('events')
    .select('event_time')
    .where('account_id', '=', accountId)
    .orderBy('event_day', order)
    .orderBy('event_time', order)
    .limit(1)
    .executeTakeFirst();
  return row === undefined ? undefined : Number(row.event_time);
}

/**
 * How many events a delivery scan over the whole range would read, for each of the regions
 * ([C2] TotalEvents): one grouped query for a job's streams, not one per region.
 *
 * The time window usually cuts nothing (a history job's 90 days hold every event of the
 * account): then it is left out of the count, which events_delivery (account, region, seq)
 * answers alone. With it, each event's row had to be read for its eventTime: on 1 M events
 * ~3.6 s for the home region, on the event loop, at the first GetDeliveryHistoryJob of a job
 * ([G] round 4). The same number either way: the window is left out only when the account's
 * oldest and newest events (index events_time) lie inside it. On PostgreSQL each of these
 * statements plans over every day partition (none can be pruned: no day bound), ~90 ms under
 * load; a job's first answer made three per region, now three in all ([G] round 5).
 */
export async function countEventsForDelivery(
  db: Kysely<Database>,
  scan: Omit<DeliveryScan, 'limit' | 'region'> & { regions: readonly string[] },
): Promise<Map<string, number>> {
  const counts = new Map(scan.regions.map((r) => [r, 0]));
  if (scan.regions.length === 0) return counts;
  const oldest = await accountTimeBound(db, scan.accountId, false);
  if (oldest === undefined) return counts;
  const windowCutsNothing =
    oldest >= scan.fromTime &&
    (scan.toTime === undefined ||
      ((await accountTimeBound(db, scan.accountId, true)) ?? Number.POSITIVE_INFINITY) <=
        scan.toTime);
  let q = db
    .selectFrom('events')
    .select((eb) => ['acs_region', eb.fn.countAll<number>().as('n')])
    .where('account_id', '=', scan.accountId)
    .where('acs_region', 'in', [...scan.regions])
    .where('seq', '>', scan.afterSeq)
    .where('seq', '<=', scan.cutoffSeq);
  if (!windowCutsNothing) {
    q = q.where('event_time', '>=', scan.fromTime);
    if (scan.toTime !== undefined) q = q.where('event_time', '<=', scan.toTime);
  }
  if (scan.eventRW !== 'All') q = q.where('event_rw', '=', scan.eventRW);
  for (const row of await q.groupBy('acs_region').execute()) {
    if (row.acs_region !== null) counts.set(row.acs_region, Number(row.n));
  }
  return counts;
}
