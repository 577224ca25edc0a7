import type BetterSqlite3 from 'better-sqlite3';
import type { Kysely } from 'kysely';
import { startBackgroundFlush } from '../dialects/sqlite-background-flush.js';
import { nativeSqliteOf } from '../dialects/sqlite-native.js';
import type { Database } from '../schema.js';
import { indexEvent } from './event-columns.js';
import { type AccountEvent, type InsertResult, uniqueInOrder } from './events.repository.js';
import { insertEventsNative } from './events-native-insert.js';
import { appendPackedEvents } from './events-packed-append.js';
import type { PackedEvents } from './packed-events.js';

/** Stores one batch of a load; resolves with what it stored. */
export type StoreEvents = (items: readonly AccountEvent[]) => Promise<InsertResult>;

/**
 * Stores one batch indexed and ordered elsewhere (the seed's generator thread): unique, in
 * insert order; returns how many were new.
 */
export type StorePacked = (batch: PackedEvents) => number;

/**
 * The unique (account, eventId) index: built first after the load, since duplicates the load
 * brought are removed before it can be (withBulkEventLoad), and the other indexes must not
 * hold the removed rows.
 */
const UNIQUE_INDEX = 'events_account_event_id';

/**
 * Indexes kept, and written row by row, during a load: those whose entries a load in time
 * order appends at a few places instead of all over the index, and the partial ones that
 * take few events. After (account, day) comes the time, or a column of few values (event
 * type, region, service; the rare non-Read/Write and sensitive events), so the pages written
 * are the last of each value's run and stay in the cache. Building one after the load costs
 * a read of the whole table: at 10 M events (~12 GB, beyond the 2 GB memory map) ~10 s each;
 * kept, they cost the load less (10 M: 295 → 283 s; 1 M: ~0.5 s less, [G] round 10).
 */
const KEPT_INDEXES = new Set([
  'events_time',
  'events_type',
  'events_service',
  'events_delivery',
  'events_rw',
  'events_sensitive',
]);

/**
 * The load's page cache, in KiB. Every B-tree the load writes grows in sequence order (the
 * rows, the resources' primary key), so the pages it needs are the rightmost few and a big
 * cache only holds dirty pages back until the commit writes them all at once: with 1 GiB the
 * commit of a 1 M-event seed took ~3.8 s, with 16–64 MiB ~1.1 s, the load itself no slower
 * ([G] round 10). 64 MiB: room for the statement journal and the temp table of duplicates.
 */
const LOAD_CACHE_KIB = 64 * 1024;

/**
 * Settings for the load only ([G], docs/benchmarks.md): a page cache of its own
 * (LOAD_CACHE_KIB). Every CREATE INDEX reads the whole table again (~1.2 KB a row with its
 * JSON); through a memory map (at most 2 GB in this build) instead of read(2) into the page
 * cache, the indexes of 200k events built in 7–9 s instead of 11–14 s (round 4). The sorter's
 * runs go to temporary files (SQLite's default place), not memory: with temp_store = MEMORY,
 * SQLite gives the sorter no helper thread at all, whatever `threads` says (round 5; see
 * indexBuildCacheKiB).
 */
const LOAD_PRAGMAS = [
  `cache_size = -${LOAD_CACHE_KIB}`,
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

/** What a bulk load returned, and the duplicates found once it had stored everything. */
export interface BulkLoadResult<T> {
  value: T;
  /**
   * Events the load's batches stored that repeated an (account, eventId) already in the
   * store or earlier in the load: removed before the commit, so never visible. The batches'
   * own counts included them as stored.
   */
  lateDuplicates: number;
}

/**
 * A bulk load into the event store ([G], docs/benchmarks.md): `seed` and `import` when no
 * server is running on the SQLite file. Maintaining the ~18 event indexes row by row costs
 * SQLite ~20 random B-tree descents per event; building each index once from the loaded table
 * sorts instead, several times faster. So, in ONE transaction: drop the event indexes but
 * those a load appends to (KEPT_INDEXES), store every batch `fn` hands over (prepared
 * statements), remove the rows that repeat an (account, eventId) (the first stored stays: what
 * "on conflict do nothing" keeps), create the indexes again from their stored definitions,
 * commit.
 *
 * The unique (account, eventId) index goes too ([G] round 10): its random keys made every row
 * a B-tree descent, ~2.4 s of a 1 M-event seed and the bound of a 10 M one (a 670 MB index
 * that no page cache holds). Built after, it is one sort; when it cannot be built, the load
 * brought duplicates, and they are found in one more sort (removeDuplicates) and it is built
 * again. A removed duplicate leaves a gap in the sequences, as a rolled-back insert does.
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
): Promise<BulkLoadResult<T>> {
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
    // The load's pages go to the database file, or to the WAL when it stays in WAL mode.
    const flush = startBackgroundFlush(rollbackJournal ? raw.name : `${raw.name}-wal`);
    try {
      const indexes = (
        raw
          .prepare(
            `select name, sql from sqlite_master where type = 'index' and tbl_name in ('events', 'event_resources') and sql is not null`,
          )
          .all() as Array<{ name: string; sql: string }>
      )
        .filter((i) => !KEPT_INDEXES.has(i.name))
        .sort((a, b) => Number(b.name === UNIQUE_INDEX) - Number(a.name === UNIQUE_INDEX));
      const [unique, ...rest] = indexes;
      if (unique?.name !== UNIQUE_INDEX) throw new Error(`the store has no ${UNIQUE_INDEX}`);
      for (const { name } of indexes) raw.exec(`drop index "${name.replaceAll('"', '""')}"`);
      const value = await fn(
        async (items) => {
          if (items.length === 0) return { inserted: 0, duplicates: 0 };
          const indexed = items.map((i) => ({
            accountId: i.accountId,
            ...indexEvent(i.event, i.json),
          }));
          const inserted = insertEventsNative(raw, uniqueInOrder(indexed, 'time'));
          return { inserted, duplicates: items.length - inserted };
        },
        (batch) => appendPackedEvents(raw, batch),
      );
      const rows = raw.prepare('select coalesce(max(seq), 0) from events').pluck().get() as number;
      raw.pragma(`cache_size = -${indexBuildCacheKiB(rows)}`);
      let lateDuplicates = 0;
      flush.kick();
      try {
        raw.exec(unique.sql);
      } catch (e) {
        if ((e as { code?: string }).code !== 'SQLITE_CONSTRAINT_UNIQUE') throw e;
        lateDuplicates = removeDuplicates(raw);
        raw.exec(unique.sql);
      }
      for (const { sql } of rest) {
        flush.kick(); // each build blocks the event loop, and the timer with it
        raw.exec(sql);
      }
      raw.exec('COMMIT');
      return { value, lateDuplicates };
    } catch (e) {
      if (raw.inTransaction) raw.exec('ROLLBACK');
      throw e;
    } finally {
      flush.stop();
      if (rollbackJournal) raw.pragma('journal_mode = WAL');
      for (const p of before) raw.pragma(p);
    }
  });
}

/**
 * Deletes every event whose (account, eventId) an earlier event (lower seq) has, with its
 * resource rows; returns how many. One window over the store: only a load that repeated
 * events gets here, and a bulk load's store holds at most as many events as it brings
 * (shouldBulkLoad).
 */
function removeDuplicates(raw: BetterSqlite3.Database): number {
  raw.exec(`create temp table bulk_load_duplicates (seq integer primary key)`);
  try {
    raw.exec(`insert into bulk_load_duplicates (seq)
      select seq from (
        select seq, row_number() over (partition by account_id, event_id order by seq) as n
        from events
      ) where n > 1`);
    raw.exec(
      'delete from event_resources where seq in (select seq from temp.bulk_load_duplicates)',
    );
    return raw
      .prepare('delete from events where seq in (select seq from temp.bulk_load_duplicates)')
      .run().changes;
  } finally {
    raw.exec('drop table temp.bulk_load_duplicates');
  }
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
