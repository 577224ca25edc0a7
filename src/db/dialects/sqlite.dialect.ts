import { mkdirSync } from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import type { DatabaseHandle } from '../open-database.js';
import type { Database } from '../schema.js';
import { sqliteGeneration } from './access-key-generation.js';
import type { DatabaseDialect } from './dialect.js';
import { acquireProcessLock, ProcessLockError } from './process-lock.js';
import { startCheckpointer } from './sqlite-checkpointer.js';
import { registerNativeSqlite } from './sqlite-native.js';

export const sqliteDialect: DatabaseDialect = {
  name: 'sqlite',
  capabilities: { skipLocked: false, concurrentWriters: false, listenNotify: false },
  autoIncrementIdType: 'integer',
  async databaseTime(db) {
    // The same machine's clock (SQLite runs in this process); asked anyway, for one code path.
    const r = await sql<{
      ms: number;
    }>`select cast((julianday('now') - 2440587.5) * 86400000 as integer) as ms`.execute(db);
    return Number(r.rows[0]?.ms);
  },
  async tableExists(db, name) {
    const r =
      await sql`select 1 from sqlite_master where type = 'table' and name = ${name}`.execute(db);
    return r.rows.length > 0;
  },
  withExclusiveLock(db, _name, fn) {
    // SQLite has one writer: BEGIN IMMEDIATE takes the write lock up front, so a second process
    // doing the same first-start work waits (busy_timeout) and then sees the first one's rows.
    // Holding the one connection keeps other queries of this process out of the transaction.
    return db.connection().execute(async (conn) => {
      await sql`BEGIN IMMEDIATE`.execute(conn);
      try {
        const out = await fn(conn);
        await sql`COMMIT`.execute(conn);
        return out;
      } catch (e) {
        await sql`ROLLBACK`.execute(conn);
        throw e;
      }
    });
  },
};

export interface SqliteHandle {
  db: Kysely<Database>;
  raw: BetterSqlite3.Database;
}

/**
 * Opens (creating if needed) the SQLite file. WAL lets readers (CLI, tests, a second engine
 * thread) work beside the server; synchronous=NORMAL in WAL mode keeps every committed
 * transaction across a process crash (kill -9); only an OS crash or power loss can drop the
 * last commits. `sqliteSynchronous: 'full'` closes that gap (docs/reliability.md).
 */
export function openSqlite(
  file: string,
  cacheKib = BULK_CACHE_KIB,
  synchronous: 'normal' | 'full' = 'normal',
): SqliteHandle {
  if (file !== ':memory:') mkdirSync(path.dirname(file), { recursive: true });
  const raw = new BetterSqlite3(file);
  raw.pragma('journal_mode = WAL');
  raw.pragma(synchronous === 'full' ? 'synchronous = FULL' : 'synchronous = NORMAL');
  raw.pragma('busy_timeout = 5000');
  raw.pragma('foreign_keys = ON');
  // [G] measured on 100k seeded events: SQLite's default 2 MB page cache re-reads the ~20
  // indexes' hot pages from the OS on every batch, and checkpoints every 1,000 WAL pages
  // (4 MB), which a 2,000-event batch fills each time: system time fell from ~14 s to ~5.5 s
  // with 64 MB and 10,000 pages. The cache is an upper bound, not an allocation, but a server
  // fills it (a history job's scan), so `serve` keeps less to stay within its RSS goal of
  // 300 MB (docs/benchmarks.md). A bigger WAL between checkpoints changes nothing about
  // durability (docs/configuration.md).
  raw.pragma(`cache_size = -${cacheKib}`);
  raw.pragma('wal_autocheckpoint = 10000');
  const db = new Kysely<Database>({
    dialect: new SqliteDialect({ database: withStatementCache(raw) }),
  });
  registerNativeSqlite(db, raw);
  return { db, raw };
}

/** Page cache of bulk writers (import, seed, migrate) and of a serving process, in KiB. */
const BULK_CACHE_KIB = 64 * 1024;
const SERVER_CACHE_KIB = 16 * 1024;

/** Distinct SQL texts kept prepared; the repositories issue a few dozen shapes. */
const STATEMENT_CACHE_SIZE = 256;

/**
 * Kysely's SQLite driver prepares every query it runs. SQLite parses and plans each time, which
 * for the event store's 500-row INSERTs costs more than running them ([G], docs/benchmarks.md).
 * This hands Kysely a view of the connection whose `prepare` reuses the statement last made
 * for the same text, unless that one is still busy (a streamed query being read), in which
 * case a fresh one is made as before.
 */
function withStatementCache(raw: BetterSqlite3.Database): BetterSqlite3.Database {
  const cache = new Map<string, BetterSqlite3.Statement>();
  const prepare = (source: string): BetterSqlite3.Statement => {
    const cached = cache.get(source);
    if (cached && !cached.busy) {
      // Most recently used last, so the oldest entry is the one to evict.
      cache.delete(source);
      cache.set(source, cached);
      return cached;
    }
    const stmt = raw.prepare(source);
    if (!cached) {
      cache.set(source, stmt);
      if (cache.size > STATEMENT_CACHE_SIZE) {
        const oldest = cache.keys().next().value;
        if (oldest !== undefined) cache.delete(oldest);
      }
    }
    return stmt;
  };
  return new Proxy(raw, {
    get(target, prop) {
      if (prop === 'prepare') return prepare;
      const value = Reflect.get(target, prop, target) as unknown;
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/**
 * Opens the SQLite file (not yet migrated). A serving process first takes the lock file beside
 * it: one `serve` per file (decisions §2). The lock is held by the operating system for as long
 * as the process lives (process-lock.ts), so a restart after kill -9 finds it free.
 */
export function openSqliteHandle(
  file: string,
  options: { server: boolean; synchronous?: 'normal' | 'full'; bulkWriter?: boolean },
): DatabaseHandle {
  const release = options.server
    ? acquireProcessLock(`${file}.lock`)
    : options.bulkWriter
      ? tryProcessLock(`${file}.lock`)
      : undefined;
  try {
    const { db, raw } = openSqlite(
      file,
      options.server ? SERVER_CACHE_KIB : BULK_CACHE_KIB,
      options.synchronous,
    );
    const keyGeneration = sqliteGeneration(raw);
    // The server's WAL is checkpointed off the event loop (sqlite-checkpointer.ts).
    const checkpointer =
      options.server && file !== ':memory:' ? startCheckpointer(raw, file) : undefined;
    return {
      db,
      dialect: sqliteDialect,
      location: file,
      // better-sqlite3 is synchronous: one connection, never waited for.
      poolStats: () => ({ size: 1, idle: 1, waiting: 0 }),
      bulkLoad: options.bulkWriter === true && release !== undefined,
      // One serving process per file: a job is created where the engine runs, which wakes it.
      watchNewJobs: async () => async () => {},
      accessKeyGeneration: () => keyGeneration.current(),
      close: async () => {
        await checkpointer?.stop();
        await db.destroy();
        release?.();
      },
    };
  } catch (e) {
    release?.();
    throw e;
  }
}

/** The server lock if nobody holds it (a bulk writer), else undefined. */
function tryProcessLock(lockPath: string): (() => void) | undefined {
  mkdirSync(path.dirname(lockPath), { recursive: true });
  try {
    return acquireProcessLock(lockPath);
  } catch (e) {
    if (e instanceof ProcessLockError) return undefined;
    throw e;
  }
}
