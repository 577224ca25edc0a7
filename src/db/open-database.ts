import type { Kysely } from 'kysely';
import type { Config } from '../config/config.js';
import type { DatabaseDialect } from './dialects/dialect.js';
import { openSqlite, sqliteDialect } from './dialects/sqlite.dialect.js';
import { migrateToLatest } from './migrations/migrate.js';
import type { Database } from './schema.js';

export interface DatabaseHandle {
  readonly db: Kysely<Database>;
  readonly dialect: DatabaseDialect;
  /** Human-readable location for logs (a file path; never a URL with a password). */
  readonly location: string;
  close(): Promise<void>;
}

/** Opens the configured database and brings its schema up to date. */
export async function openDatabase(
  config: Pick<Config, 'databasePath'>,
  options: { migrate?: boolean } = {},
): Promise<DatabaseHandle> {
  const { db } = openSqlite(config.databasePath);
  const handle: DatabaseHandle = {
    db,
    dialect: sqliteDialect,
    location: config.databasePath,
    close: () => db.destroy(),
  };
  if (options.migrate !== false) {
    try {
      await migrateToLatest(db, sqliteDialect);
    } catch (e) {
      await handle.close();
      throw e;
    }
  }
  return handle;
}
