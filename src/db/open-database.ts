import type { Kysely } from 'kysely';
import type { Config } from '../config/config.js';
import type { DatabaseDialect } from './dialects/dialect.js';
import { describeDatabaseUrl, openPostgres, postgresDialect } from './dialects/postgres.dialect.js';
import { acquireProcessLock } from './dialects/process-lock.js';
import { openSqlite, sqliteDialect } from './dialects/sqlite.dialect.js';
import { migrateToLatest } from './migrations/migrate.js';
import type { Database } from './schema.js';

export interface DatabaseHandle {
  readonly db: Kysely<Database>;
  readonly dialect: DatabaseDialect;
  /** Human-readable location for logs (a file path, or a URL without its password). */
  readonly location: string;
  close(): Promise<void>;
}

export type DatabaseConfig = Pick<Config, 'databasePath' | 'databaseUrl'>;

export interface OpenOptions {
  /** Apply pending migrations (default true). */
  migrate?: boolean;
  /**
   * This process serves the database: on SQLite take the one-server lock file beside it
   * (decisions §2); PostgreSQL allows many servers, so nothing is taken there.
   */
  server?: boolean;
}

function openConfigured(config: DatabaseConfig, options: OpenOptions): DatabaseHandle {
  if (config.databaseUrl) {
    const { db } = openPostgres(config.databaseUrl);
    return {
      db,
      dialect: postgresDialect,
      location: describeDatabaseUrl(config.databaseUrl),
      close: () => db.destroy(),
    };
  }
  const release = options.server ? acquireProcessLock(`${config.databasePath}.lock`) : () => {};
  try {
    const { db } = openSqlite(config.databasePath);
    return {
      db,
      dialect: sqliteDialect,
      location: config.databasePath,
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

/** Opens the configured database (PostgreSQL when databaseUrl is set) and migrates it. */
export async function openDatabase(
  config: DatabaseConfig,
  options: OpenOptions = {},
): Promise<DatabaseHandle> {
  const handle = openConfigured(config, options);
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
