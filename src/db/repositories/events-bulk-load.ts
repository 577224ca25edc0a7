import { totalmem } from 'node:os';
import type BetterSqlite3 from 'better-sqlite3';
import type { Kysely } from 'kysely';
import { nativeSqliteOf } from '../dialects/sqlite-native.js';
import type { Database } from '../schema.js';
import { indexEvent } from './event-columns.js';
import { type AccountEvent, type InsertResult, uniqueInOrder } from './events.repository.js';
import { insertEventsNative, insertPackedEventsNative } from './events-native-insert.js';
import type { PackedEvents } from './packed-events.js';

/** Stores one batch of a load; resolves with what it stored. */
export type StoreEvents = (items: readonly AccountEvent[]) => Promise<InsertResult>;

/**
 * Stores one batch indexed and ordered elsewhere (the seed's generator thread): unique, in
 * insert order; returns how many were new.
 */
export type StorePacked = (batch: PackedEvents) => number;

/**
 * The unique (account, eventId) index stays during a load: it is what makes a repeated or
 * overlapping load add nothing (decisions §3), and the rows' own B-tree and the resources'
 * primary key grow in sequence order anyway.
 */
const KEPT_INDEX = 'events_account_event_id';

/**
 * The load's page cache, in KiB: an eighth of the machine's memory, at least 256 MiB and at most
 * 1 GiB (SQLite takes the pages only as the load needs them). At 10 M events the kept unique
 * (account, eventId) index is ~670 MB of random keys: with 256 MiB its inserts missed the cache,
 * each a read and an evicted page's write, and the rows went in at ~27,700/s; with 1 GiB at
 * ~44,700/s (the whole 10 M seed 643 → 494 s, [G] round 8). Up to 1 M nothing changes: the index
 * fits either way.
 */
function loadCacheKiB(): number {
  const eighth = Math.floor(totalmem() / 8 / 1024);
  return Math.min(1024 * 1024, Math.max(256 * 1024, eighth));
}

/**
 * Settings for the load only, measured on 200k seeded events ([G], docs/benchmarks.md): a big
 * page cache (loadCacheKiB) keeps the growing unique index and the new pages from spilling in
 * the middle of the load (insert phase 34k → 47k events/s at 200k with 256 MiB). Every CREATE
 * INDEX reads the whole table again (~2.5 KB a row with its JSON); through a memory map (at
 * most 2 GB in this build) instead of read(2) into the page cache, the indexes of 200k events
 * built in 7–9 s instead of 11–14 s (round 4). The sorter's runs go to temporary files
 * (SQLite's default place), not memory: with temp_store = MEMORY, SQLite gives the sorter no
 * helper thread at all, whatever `threads` says (round 5; see indexBuildCacheKiB).
 */
const LOAD_PRAGMAS = [
  `cache_size = -${loadCacheKiB()}`,
  'temp_store = FILE',
  'threads = 2',
  'mmap_size = 2147418112',
];

/**
 * The page cache while the indexes are built ([G] round 5), in KiB. CREATE INDEX sorts its
 * entries in runs of at most the cache's size; with `threads` a helper thread sorts and
 * writes each full run while the writer goes on reading the table, and the runs are merged on
 * both. With the load's 256 MiB cache an index of 1 M events was one run, sorted by the writer
 * alone. Runs of about an eighth of the largest index (~80 bytes an entry) keep both threads
 * busy and merge in one pass (at most 16 runs): measured, the writer's own CPU for all the
 * indexes fell from 22 to 11–15 µs per event at 200k (4 MiB runs) and from 28–37 to 14–17 at
 * 1 M (4 and 16 MiB), the process's total staying within the noise: the rest ran on the
 * second core. The index pages are written in order, so the small cache costs them nothing.
 */
function indexBuildCacheKiB(rows: number): number {
  return Math.min(128 * 1024, Math.max(4 * 1024, Math.round((rows * 80) / 8 / 1024)));
}

/**
 * A bulk load into the event store ([G], docs/benchmarks.md): `seed` and `import` when no
 * server is running on the SQLite file. Maintaining the ~17 lookup indexes row by row costs
 * SQLite ~20 random B-tree descents per event; building each index once from the loaded table
 * sorts instead, several times faster. So, in ONE transaction: drop the lookup indexes, store
 * every batch `fn` hands over (prepared statements, unique index still enforced), create the
 * indexes again from their stored definitions, commit.
 *
 * Crash rule: nothing is visible, and nothing is kept, before the commit. A load killed at any
 * point (kill -9 included) leaves the store exactly as it was, indexes and all, and running it
 * again repeats it; a load that fails rolls back the same way. The price: the write lock is
 * held for the whole load, so it is only for writers that hold the server lock file (no
 * `serve` can write meanwhile), and an interrupted load keeps none of its batches.
 */
export async function withBulkEventLoad<T>(
  db: Kysely<Database>,
  fn: (store: StoreEvents, storePacked: StorePacked) => Promise<T>,
): Promise<T> {
  const raw = nativeSqliteOf(db);
  if (!raw) throw new Error('a bulk event load needs the SQLite store');
  // Holding Kysely's one connection keeps every other query of this process off it.
  return db.connection().execute(async () => {
    const before = LOAD_PRAGMAS.map((p) => {
      const name = p.split(' ')[0] as string;
      return `${name} = ${raw.pragma(name, { simple: true }) as number}`;
    });
    for (const p of LOAD_PRAGMAS) raw.pragma(p);
    const rollbackJournal = useRollbackJournal(raw);
    raw.exec('BEGIN IMMEDIATE');
    try {
      const indexes = raw
        .prepare(
          `select name, sql from sqlite_master where type = 'index' and tbl_name in ('events', 'event_resources') and sql is not null and name <> ?`,
        )
        .all(KEPT_INDEX) as Array<{ name: string; sql: string }>;
      for (const { name } of indexes) raw.exec(`drop index "${name.replaceAll('"', '""')}"`);
      const out = await fn(
        async (items) => {
          if (items.length === 0) return { inserted: 0, duplicates: 0 };
          const indexed = items.map((i) => ({
            accountId: i.accountId,
            ...indexEvent(i.event, i.json),
          }));
          const inserted = insertEventsNative(raw, uniqueInOrder(indexed, 'time'));
          return { inserted, duplicates: items.length - inserted };
        },
        (batch) => insertPackedEventsNative(raw, batch),
      );
      const rows = raw.prepare('select coalesce(max(seq), 0) from events').pluck().get() as number;
      raw.pragma(`cache_size = -${indexBuildCacheKiB(rows)}`);
      for (const { sql } of indexes) raw.exec(sql);
      raw.exec('COMMIT');
      return out;
    } catch (e) {
      if (raw.inTransaction) raw.exec('ROLLBACK');
      throw e;
    } finally {
      if (rollbackJournal) raw.pragma('journal_mode = WAL');
      for (const p of before) raw.pragma(p);
    }
  });
}

/**
 * The load runs with a rollback journal instead of the WAL when this is the file's only
 * connection. In WAL mode every page of the load (~3 KB per event with its indexes) is written
 * twice, into the WAL and again by the checkpoint, and the WAL grows to the size of the load
 * (tens of GB for 10 M events). A rollback journal keeps only the original content of pages
 * that existed before the load: pages appended to the file are not journaled at all, since
 * undoing them is truncating the file. A kill -9 leaves a hot journal, which the next
 * connection (any opentrail command) rolls back before it reads; openSqlite then sets WAL
 * again. Readers wait while the load writes to the file. If another connection has the file
 * open, the mode cannot change and the load stays in WAL mode.
 */
function useRollbackJournal(raw: BetterSqlite3.Database): boolean {
  if (raw.pragma('journal_mode', { simple: true }) !== 'wal') return false;
  try {
    return raw.pragma('journal_mode = DELETE', { simple: true }) === 'delete';
  } catch {
    return false; // busy: someone else has the file open
  }
}
