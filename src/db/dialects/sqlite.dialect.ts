import { mkdirSync } from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import type { DatabaseHandle } from '../open-database.js';
import type { Database } from '../schema.js';
import type { DatabaseDialect } from './dialect.js';
import { acquireProcessLock } from './process-lock.js';

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
 * last commits. docs/configuration.md says so.
 */
export function openSqlite(file: string): SqliteHandle {
  if (file !== ':memory:') mkdirSync(path.dirname(file), { recursive: true });
  const raw = new BetterSqlite3(file);
  raw.pragma('journal_mode = WAL');
  raw.pragma('synchronous = NORMAL');
  raw.pragma('busy_timeout = 5000');
  raw.pragma('foreign_keys = ON');
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: raw }) });
  return { db, raw };
}

/**
 * Opens the SQLite file (not yet migrated). A serving process first takes the lock file beside
 * it: one `serve` per file (decisions §2). The lock is held by the operating system for as long
 * as the process lives (process-lock.ts), so a restart after kill -9 finds it free.
 */
export function openSqliteHandle(file: string, options: { server: boolean }): DatabaseHandle {
  const release = options.server ? acquireProcessLock(`${file}.lock`) : () => {};
  try {
    const { db } = openSqlite(file);
    return {
      db,
      dialect: sqliteDialect,
      location: file,
      // One serving process per file: a job is created where the engine runs, which wakes it.
      watchNewJobs: async () => async () => {},
      close: async () => {
        await db.destroy();
        release();
      },
    };
  } catch (e) {
    release();
    throw e;
  }
}
