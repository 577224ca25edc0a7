import { type Kysely, type Migration, Migrator, sql } from 'kysely';
import type { DatabaseDialect } from '../dialects/dialect.js';
import type { Database } from '../schema.js';
import { MIGRATIONS } from './index.js';

export class SchemaTooNewError extends Error {
  override name = 'SchemaTooNewError';
}

const TABLE = 'opentrail_migrations';

async function appliedNames(db: Kysely<Database>): Promise<string[]> {
  const tables = await db.introspection.getTables();
  if (!tables.some((t) => t.name === TABLE)) return []; // a fresh database
  const rows = await sql<{ name: string }>`select name from ${sql.table(TABLE)}`.execute(db);
  return rows.rows.map((r) => r.name);
}

/**
 * Applies pending migrations forward-only under an exclusive lock, so processes or nodes
 * starting together migrate once. Refuses a database that has migrations
 * this code does not know: it was written by a newer opentrail.
 */
export async function migrateToLatest(
  db: Kysely<Database>,
  dialect: DatabaseDialect,
): Promise<{ applied: string[] }> {
  // Kysely's own lock is a no-op on SQLite (it assumes one connection); two processes opening
  // one file at once (serve and `keys create`) must still migrate once, so take the dialect's
  // exclusive lock around the whole run.
  return dialect.withExclusiveLock(db, 'opentrail-migrations', async (locked) => {
    const known = new Set(MIGRATIONS.map(([name]) => name));
    const unknown = (await appliedNames(locked)).filter((n) => !known.has(n));
    if (unknown.length > 0) {
      throw new SchemaTooNewError(
        `the database was migrated by a newer opentrail (unknown migrations: ${unknown.join(', ')}); ` +
          'upgrade opentrail or point it at another data directory',
      );
    }
    const migrations: Record<string, Migration> = {};
    for (const [name, step] of MIGRATIONS) {
      migrations[name] = { up: (d) => step.up(d, dialect) };
    }
    const migrator = new Migrator({
      db: locked,
      provider: { getMigrations: async () => migrations },
      migrationTableName: TABLE,
      migrationLockTableName: `${TABLE}_lock`,
      // withExclusiveLock already runs us in one transaction where the database has
      // transactional DDL (PostgreSQL): every pending step commits together or not at all.
      disableTransactions: true,
    });
    const { error, results } = await migrator.migrateToLatest();
    if (error) throw error instanceof Error ? error : new Error(String(error));
    return {
      applied: (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName),
    };
  });
}
