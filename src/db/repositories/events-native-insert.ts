import type BetterSqlite3 from 'better-sqlite3';
import type { IndexedEvent } from './event-columns.js';
import { PACKED_COLUMNS, PACKED_WIDTH, type PackedEvents } from './packed-events.js';

/** An indexed event and the account it is stored for. */
export type PendingEvent = IndexedEvent & { accountId: string };

/** The stored columns after the account: the packed batch's short ones, then the JSON. */
const EVENT_COLUMNS = [...PACKED_COLUMNS, 'event_json'] as const satisfies ReadonlyArray<
  keyof IndexedEvent['columns']
>;

interface Statements {
  event: BetterSqlite3.Statement;
  /** The same insert with `event_json` bound as UTF-8 bytes (a packed batch). */
  packedEvent: BetterSqlite3.Statement;
  resource: BetterSqlite3.Statement;
}

const prepared = new WeakMap<BetterSqlite3.Database, Statements>();

function statementsOf(raw: BetterSqlite3.Database): Statements {
  let s = prepared.get(raw);
  if (!s) {
    const cols = ['account_id', ...EVENT_COLUMNS];
    const params = cols.map(() => '?');
    // (account, eventId) is unique (events_account_event_id): a repeat changes nothing.
    const insert = (values: string[]) =>
      raw.prepare(
        `insert into events (${cols.join(', ')}) values (${values.join(', ')}) on conflict do nothing`,
      );
    s = {
      event: insert(params),
      // A blob cast to text keeps its bytes: the stored text is exactly the JSON's UTF-8.
      packedEvent: insert([...params.slice(0, -1), 'cast(? as text)']),
      resource: raw.prepare(
        `insert into event_resources (seq, account_id, event_time, event_day, resource_type, resource_name, service_name, event_name, user_name, role_name) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
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

/** Where a column sits in a packed event's values (0 is the account). */
const at = (name: (typeof PACKED_COLUMNS)[number]) => 1 + PACKED_COLUMNS.indexOf(name);
const [TIME, DAY, SERVICE, NAME, USER, ROLE] = [
  at('event_time'),
  at('event_day'),
  at('service_name'),
  at('event_name'),
  at('user_name'),
  at('role_name'),
];

/**
 * `insertEventsNative` for a packed batch (packed-events.ts): the same rows, sequences and
 * resource rows, with each `event_json` bound from the batch's UTF-8 bytes instead of a string.
 */
export function insertPackedEventsNative(raw: BetterSqlite3.Database, batch: PackedEvents): number {
  const { packedEvent: insertEvent, resource: insertResource } = statementsOf(raw);
  const { values: v, jsonEnds } = batch;
  const json = Buffer.from(batch.json.buffer, batch.json.byteOffset, batch.json.byteLength);
  const row: unknown[] = new Array(PACKED_WIDTH + 1);
  let inserted = 0;
  let e = 0; // the current event's first value
  let jsonStart = 0;
  for (let i = 0; i < batch.count; i++) {
    for (let k = 0; k < PACKED_WIDTH; k++) row[k] = v[e + k];
    const jsonEnd = jsonEnds[i] as number;
    row[PACKED_WIDTH] = json.subarray(jsonStart, jsonEnd);
    jsonStart = jsonEnd;
    const pairs = v[e + PACKED_WIDTH] as number;
    const r = insertEvent.run(row);
    if (r.changes !== 0) {
      inserted += 1;
      for (let p = e + PACKED_WIDTH + 1; p < e + PACKED_WIDTH + 1 + 2 * pairs; p += 2) {
        insertResource.run(
          r.lastInsertRowid,
          v[e],
          v[e + TIME],
          v[e + DAY],
          v[p],
          v[p + 1],
          v[e + SERVICE],
          v[e + NAME],
          v[e + USER],
          v[e + ROLE],
        );
      }
    }
    e += PACKED_WIDTH + 1 + 2 * pairs;
  }
  return inserted;
}
