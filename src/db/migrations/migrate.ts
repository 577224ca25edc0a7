import { type Kysely, type Migration, Migrator, sql } from 'kysely';
import type { DatabaseDialect } from '../dialects/dialect.js';
import type { Database } from '../schema.js';
import { MIGRATIONS } from './index.js';

export class SchemaTooNewError extends Error {
  override name = 'SchemaTooNewError';
}

const TABLE = 'opentrail_migrations';

async function appliedNames(db: Kysely<Database>): Promise<string[]> {
  try {
    const rows = await sql<{ name: string }>`select name from ${sql.table(TABLE)}`.execute(db);
    return rows.rows.map((r) => r.name);
  } catch {
    return []; // a fresh database has no migration table yet
  }
}

/**
 * Applies pending migrations forward-only, under Kysely's migration lock (an advisory lock on
 * PostgreSQL, so nodes starting together migrate once). Refuses a database that has migrations
 * this code does not know: it was written by a newer opentrail.
 */
export async function migrateToLatest(
  db: Kysely<Database>,
  dialect: DatabaseDialect,
): Promise<{ applied: string[] }> {
  const known = new Set(MIGRATIONS.map(([name]) => name));
  const unknown = (await appliedNames(db)).filter((n) => !known.has(n));
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
    db,
    provider: { getMigrations: async () => migrations },
    migrationTableName: TABLE,
    migrationLockTableName: `${TABLE}_lock`,
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return {
    applied: (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName),
  };
}
