import type BetterSqlite3 from 'better-sqlite3';
import { EVENT_COLUMNS, RESOURCE_COLUMNS } from './events-native-insert.js';
import {
  PACKED_COLUMNS,
  PACKED_NUMBER,
  PACKED_WIDTH,
  type PackedEvents,
  unpackText,
} from './packed-events.js';

/**
 * Rows per multi-row INSERT ([G] round 11). One statement run per row costs better-sqlite3 a
 * call into C++, a result object and a statement reset: ~0.6 µs of the ~4 µs a 1 KB row takes
 * (a 300 k-row microbenchmark: 32 rows a statement, 17 % less CPU). The statements are `or
 * ignore`: one of several rows that may fail midway (a NOT NULL, a key) keeps a statement
 * journal, a copy of every page it changes first, and with it a 1 M seed was 1–2 s slower
 * than with one row a statement. Nothing here can fail that way (new sequences, filled
 * columns), and `appendPackedEvents` checks that every row landed.
 */
const ROWS = 32;

/** The events' columns: the load numbers the rows itself, so the sequence comes first. */
const APPENDED_COLUMNS = ['seq', 'account_id', ...EVENT_COLUMNS];

interface Statements {
  events: BetterSqlite3.Statement;
  event: BetterSqlite3.Statement;
  resources: BetterSqlite3.Statement;
  resource: BetterSqlite3.Statement;
  nextSeq: BetterSqlite3.Statement;
}

const prepared = new WeakMap<BetterSqlite3.Database, Statements>();

function statementsOf(raw: BetterSqlite3.Database): Statements {
  let s = prepared.get(raw);
  if (s) return s;
  // A blob cast to text keeps its bytes: the stored text is exactly the JSON's UTF-8.
  const eventRow = `(${APPENDED_COLUMNS.map((c) => (c === 'event_json' ? 'cast(? as text)' : '?')).join(', ')})`;
  const resourceRow = `(${RESOURCE_COLUMNS.map(() => '?').join(', ')})`;
  const insert = (table: string, columns: readonly string[], row: string, rows: number) =>
    raw.prepare(
      `insert or ignore into ${table} (${columns.join(', ')}) values ${new Array(rows).fill(row).join(', ')}`,
    );
  s = {
    events: insert('events', APPENDED_COLUMNS, eventRow, ROWS),
    event: insert('events', APPENDED_COLUMNS, eventRow, 1),
    resources: insert('event_resources', RESOURCE_COLUMNS, resourceRow, ROWS),
    resource: insert('event_resources', RESOURCE_COLUMNS, resourceRow, 1),
    // What AUTOINCREMENT would hand out next: past every sequence the table ever had.
    nextSeq: raw
      .prepare(
        `select max(coalesce((select seq from sqlite_sequence where name = 'events'), 0), coalesce((select max(seq) from events), 0)) + 1`,
      )
      .pluck(),
  };
  prepared.set(raw, s);
  return s;
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
 * Appends a packed batch (packed-events.ts) during a bulk load: every event and its resource
 * rows, the events numbered on from the table's next sequence as AUTOINCREMENT would number
 * them, several rows per statement. Only for a load with the unique (account, eventId) index
 * dropped (events-bulk-load.ts): every row lands, and the load removes repeats before it
 * builds that index again. Returns how many events it stored: all of them.
 */
export function appendPackedEvents(raw: BetterSqlite3.Database, batch: PackedEvents): number {
  const s = statementsOf(raw);
  const { codes: v, texts, jsonEnds } = batch;
  const text = (code: number) => unpackText(texts, code);
  const json = Buffer.from(batch.json.buffer, batch.json.byteOffset, batch.json.byteLength);
  const eventWidth = APPENDED_COLUMNS.length;
  const resourceWidth = RESOURCE_COLUMNS.length;
  const events: unknown[] = new Array(eventWidth * ROWS);
  const resources: unknown[] = new Array(resourceWidth * ROWS);
  let seq = s.nextSeq.get() as number;
  let stored = 0; // rows the statements reported, checked against those handed to them
  let expected = 0;
  let pendingEvents = 0;
  let pendingResources = 0;
  let e = 0; // the current event's first value
  let jsonStart = 0;
  for (let i = 0; i < batch.count; i++, seq++) {
    let o = pendingEvents * eventWidth;
    events[o++] = seq;
    for (let k = 0; k < PACKED_WIDTH; k++) {
      const code = v[e + k] as number;
      events[o++] = PACKED_NUMBER[k] ? code : text(code);
    }
    const jsonEnd = jsonEnds[i] as number;
    events[o] = json.subarray(jsonStart, jsonEnd);
    jsonStart = jsonEnd;
    if (++pendingEvents === ROWS) {
      stored += s.events.run(events).changes;
      pendingEvents = 0;
    }
    const pairs = v[e + PACKED_WIDTH] as number;
    for (let p = e + PACKED_WIDTH + 1; p < e + PACKED_WIDTH + 1 + 2 * pairs; p += 2) {
      let r = pendingResources * resourceWidth;
      resources[r++] = seq;
      resources[r++] = text(v[e] as number);
      resources[r++] = v[e + TIME];
      resources[r++] = v[e + DAY];
      resources[r++] = text(v[p] as number);
      resources[r++] = text(v[p + 1] as number);
      resources[r++] = text(v[e + SERVICE] as number);
      resources[r++] = text(v[e + NAME] as number);
      resources[r++] = text(v[e + USER] as number);
      resources[r] = text(v[e + ROLE] as number);
      expected += 1;
      if (++pendingResources === ROWS) {
        stored += s.resources.run(resources).changes;
        pendingResources = 0;
      }
    }
    e += PACKED_WIDTH + 1 + 2 * pairs;
  }
  for (let i = 0; i < pendingEvents; i++) {
    stored += s.event.run(events.slice(i * eventWidth, (i + 1) * eventWidth)).changes;
  }
  for (let i = 0; i < pendingResources; i++) {
    stored += s.resource.run(resources.slice(i * resourceWidth, (i + 1) * resourceWidth)).changes;
  }
  expected += batch.count;
  if (stored !== expected) throw new Error(`a bulk load stored ${stored} of ${expected} rows`);
  return batch.count;
}
