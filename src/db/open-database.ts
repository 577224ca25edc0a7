import type { Kysely } from 'kysely';
import type { Config } from '../config/config.js';
import type { DatabaseDialect } from './dialects/dialect.js';
import { openPostgresHandle } from './dialects/postgres.dialect.js';
import { openSqliteHandle } from './dialects/sqlite.dialect.js';
import { migrateToLatest } from './migrations/migrate.js';
import type { Database } from './schema.js';

export interface DatabaseHandle {
  readonly db: Kysely<Database>;
  readonly dialect: DatabaseDialect;
  /** Human-readable location for logs (a file path, or a URL without its password). */
  readonly location: string;
  /**
   * This process may bulk-load events (events-bulk-load.ts): a SQLite store whose server lock
   * it took because no `serve` runs on it (OpenOptions.bulkWriter). Always false on PostgreSQL.
   */
  readonly bulkLoad: boolean;
  /**
   * Calls `wake` whenever any node creates a delivery job (capabilities.listenNotify), and once
   * more after a lost connection came back; resolves to the function that stops it. Without
   * LISTEN/NOTIFY (SQLite: one serving process) it never calls: the engine polls.
   */
  watchNewJobs(wake: () => void, onError?: (err: unknown) => void): Promise<() => Promise<void>>;
  /**
   * A number that changes whenever a row of `access_keys` changes, in any process or node
   * (0011's triggers), so access keys may be cached (access-key-cache.ts); undefined while it
   * cannot be known, and then nothing may be served from a cache. SQLite reads the trigger's
   * counter (a cached single-row read); PostgreSQL counts NOTIFYs on a LISTEN connection it
   * opens on the first call and reports undefined until that connection is up and again
   * whenever it is lost (a notification sent meanwhile would be missed).
   */
  accessKeyGeneration(): number | undefined;
  /** Connection pool figures for /metrics (SQLite: its single connection). */
  poolStats(): { size: number; idle: number; waiting: number };
  close(): Promise<void>;
}

export type DatabaseConfig = Pick<Config, 'databasePath' | 'databaseUrl'> &
  Partial<Pick<Config, 'sqliteSynchronous'>>;

export interface OpenOptions {
  /** Apply pending migrations (default true). */
  migrate?: boolean;
  /**
   * This process serves the database: on SQLite take the one-server lock file beside it
   * (decisions §2); PostgreSQL allows many servers, so nothing is taken there.
   */
  server?: boolean;
  /**
   * A bulk writer (`seed`, `import`): on SQLite take the server lock if it is free, so this
   * process may hold the write lock for a whole load and no `serve` starts meanwhile; if a
   * server holds it, open as usual (bulkLoad false) and write batch by batch beside it.
   */
  bulkWriter?: boolean;
}

/** Opens the configured database (PostgreSQL when databaseUrl is set) and migrates it. */
export async function openDatabase(
  config: DatabaseConfig,
  options: OpenOptions = {},
): Promise<DatabaseHandle> {
  const handle = config.databaseUrl
    ? openPostgresHandle(config.databaseUrl)
    : openSqliteHandle(config.databasePath, {
        server: options.server === true,
        synchronous: config.sqliteSynchronous ?? 'normal',
        bulkWriter: options.bulkWriter === true,
      });
  if (options.migrate !== false) {
    try {
      await migrateToLatest(handle.db, handle.dialect);
    } catch (e) {
      await handle.close();
      throw e;
    }
  }
  return handle;
}
