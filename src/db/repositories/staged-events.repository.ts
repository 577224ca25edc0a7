import type BetterSqlite3 from 'better-sqlite3';
import { type Kysely, SqliteAdapter, sql } from 'kysely';
import type { Database } from '../schema.js';
import type { PendingEvent } from './events-native-insert.js';

/**
 * Staged self-audit records ([G] round 5, migration 0014). The API's group commit writes each
 * record as one row of `staged_events`, a table without secondary indexes, in the same
 * transaction as the request's nonce; batches of them are later merged into `events` with all
 * its indexes, in one transaction (insert, then delete what was inserted), so a crash leaves
 * the rows either staged or merged, never both nor neither. A request is answered once its
 * staged row committed (durable); every reader of events calls `mergeStagedEvents` first, so
 * an answered request's record is visible to LookupEvents, delivery, statistics at once.
 *
 * SQLite only: on PostgreSQL events are written straight into `events` (the table exists but
 * stays empty, and readers do not look at it).
 */

const COLUMNS = [
  'account_id',
  'event_id',
  'event_time',
  'event_day',
  'acs_region',
  'event_rw',
  'service_name',
  'event_name',
  'event_type',
  'user_name',
  'principal_id',
  'role_name',
  'access_key_id',
  'source_ip',
  'sensitive_action',
  'event_json',
] as const;

const statements = new WeakMap<BetterSqlite3.Database, BetterSqlite3.Statement>();

/**
 * Stages events on SQLite's native connection inside the caller's transaction. Only events
 * without resource pairs qualify (the merge copies `events` columns, not `event_resources`);
 * returns the ones that do not, for the caller to store directly.
 */
export function stageEventsNative(
  raw: BetterSqlite3.Database,
  events: readonly PendingEvent[],
): PendingEvent[] {
  let insert = statements.get(raw);
  if (!insert) {
    insert = raw.prepare(
      `insert into staged_events (${COLUMNS.join(', ')}) values (${COLUMNS.map(() => '?').join(', ')})`,
    );
    statements.set(raw, insert);
  }
  const direct: PendingEvent[] = [];
  const values: unknown[] = new Array(COLUMNS.length);
  for (const e of events) {
    if (e.resources.length > 0) {
      direct.push(e);
      continue;
    }
    const c = e.columns as Readonly<Record<string, unknown>>;
    values[0] = e.accountId;
    for (let i = 1; i < COLUMNS.length; i++) values[i] = c[COLUMNS[i] as string] ?? null;
    insert.run(values);
  }
  return direct;
}

/** Whether this database stages self-audit records (SQLite; see the top of this file). */
export function stagesEvents(db: Kysely<Database>): boolean {
  return db.getExecutor().adapter instanceof SqliteAdapter;
}

const list = COLUMNS.join(', ');

/**
 * Moves every staged row into `events` (a duplicate (account, eventId) is dropped there, as
 * any repeated event is) and returns how many rows left the staging table. Costs one indexed
 * read of an empty table when nothing is staged. Works on the root instance (its own
 * transaction) or inside a caller's transaction (then part of it).
 */
export async function mergeStagedEvents(db: Kysely<Database>): Promise<number> {
  if (!stagesEvents(db)) return 0;
  const last = await sql<{ id: number }>`select max(id) as id from staged_events`.execute(db);
  const upTo = last.rows[0]?.id;
  if (upTo === null || upTo === undefined) return 0;
  const move = async (trx: Kysely<Database>) => {
    // Staging order is commit order: the merged rows get their sequences in that order.
    await sql`insert into events (${sql.raw(list)})
      select ${sql.raw(list)} from staged_events where id <= ${upTo} order by id
      on conflict do nothing`.execute(trx);
    const gone = await sql`delete from staged_events where id <= ${upTo}`.execute(trx);
    return Number(gone.numAffectedRows ?? 0n);
  };
  return db.isTransaction ? move(db) : db.transaction().execute(move);
}
