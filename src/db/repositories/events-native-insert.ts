import type BetterSqlite3 from 'better-sqlite3';
import type { IndexedEvent } from './event-columns.js';
import { PACKED_COLUMNS } from './packed-events.js';

/** An indexed event and the account it is stored for. */
export type PendingEvent = IndexedEvent & { accountId: string };

/** The stored columns after the account: the packed batch's short ones, then the JSON. */
export const EVENT_COLUMNS = [...PACKED_COLUMNS, 'event_json'] as const satisfies ReadonlyArray<
  keyof IndexedEvent['columns']
>;

/** A resource row's columns: its event's sequence, then what its lookups filter on. */
export const RESOURCE_COLUMNS = [
  'seq',
  'account_id',
  'event_time',
  'event_day',
  'resource_type',
  'resource_name',
  'service_name',
  'event_name',
  'user_name',
  'role_name',
] as const;

interface Statements {
  event: BetterSqlite3.Statement;
  resource: BetterSqlite3.Statement;
}

const prepared = new WeakMap<BetterSqlite3.Database, Statements>();

function statementsOf(raw: BetterSqlite3.Database): Statements {
  let s = prepared.get(raw);
  if (!s) {
    const cols = ['account_id', ...EVENT_COLUMNS];
    const params = cols.map(() => '?');
    // (account, eventId) is unique (events_account_event_id): a repeat changes nothing.
    s = {
      event: raw.prepare(
        `insert into events (${cols.join(', ')}) values (${params.join(', ')}) on conflict do nothing`,
      ),
      resource: raw.prepare(
        `insert into event_resources (${RESOURCE_COLUMNS.join(', ')}) values (${RESOURCE_COLUMNS.map(() => '?').join(', ')})`,
      ),
    };
    prepared.set(raw, s);
  }
  return s;
}

/**
 * Stores events on SQLite's native connection, one prepared single-row INSERT each (the caller
 * holds the transaction). The row's rowid is its sequence; a duplicate (account, eventId)
 * changes nothing and its resources are not indexed again. Returns how many were stored.
 */
export function insertEventsNative(
  raw: BetterSqlite3.Database,
  events: readonly PendingEvent[],
): number {
  const { event: insertEvent, resource: insertResource } = statementsOf(raw);
  let inserted = 0;
  const values: unknown[] = new Array(EVENT_COLUMNS.length + 1);
  for (const e of events) {
    const c = e.columns;
    values[0] = e.accountId;
    for (let i = 0; i < EVENT_COLUMNS.length; i++) values[i + 1] = c[EVENT_COLUMNS[i]!] ?? null;
    const r = insertEvent.run(values);
    if (r.changes === 0) continue;
    inserted += 1;
    for (const p of e.resources) {
      insertResource.run(
        r.lastInsertRowid,
        e.accountId,
        c.event_time,
        c.event_day,
        p.type,
        p.name,
        c.service_name ?? null,
        c.event_name ?? null,
        c.user_name ?? null,
        c.role_name ?? null,
      );
    }
  }
  return inserted;
}
