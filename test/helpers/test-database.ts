import type { Kysely } from 'kysely';
import { type DatabaseHandle, openDatabase } from '../../src/db/open-database.js';
import type { Database } from '../../src/db/schema.js';

/** A fresh, migrated in-memory SQLite database for repository and domain tests. */
export async function openTestDatabase(): Promise<DatabaseHandle & { db: Kysely<Database> }> {
  return openDatabase({ databasePath: ':memory:' });
}
