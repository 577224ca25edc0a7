import { type Kysely, type Migration, Migrator, sql } from 'kysely';
import type { DatabaseDialect } from '../dialects/dialect.js';
import type { Database } from '../schema.js';
import { MIGRATIONS } from './index.js';

export class SchemaTooNewError extends Error {
  override name = 'SchemaTooNewError';
}

const TABLE = 'opentrail_migrations';

async function appliedNames(db: Kysely<Database>, dialect: DatabaseDialect): Promise<string[]> {
  if (!(await dialect.tableExists(db, TABLE))) return []; // a fresh database
  const rows = await sql<{ name: string }>`select name from ${sql.table(TABLE)}`.execute(db);
  return rows.rows.map((r) => r.name);
}

export interface MigrationStatus {
  /** Known migrations the database has, in order. */
  applied: string[];
  /** Known migrations it lacks. */
  pending: string[];
  /** Migrations it has that this code does not know: written by a newer opentrail. */
  unknown: string[];
}

/** What `opentrail doctor` reports about the schema; reads only. */
export async function migrationStatus(
  db: Kysely<Database>,
  dialect: DatabaseDialect,
): Promise<MigrationStatus> {
  const applied = new Set(await appliedNames(db, dialect));
  const known = MIGRATIONS.map(([name]) => name);
  return {
    applied: known.filter((n) => applied.has(n)),
    pending: known.filter((n) => !applied.has(n)),
    unknown: [...applied].filter((n) => !known.includes(n)).sort(),
  };
}

/**
 * Applies pending migrations forward-only under an exclusive lock, so processes or nodes
 * starting together migrate once. Refuses a database that has migrations
 * this code does not know: it was written by a newer opentrail.
 */
export async function migrateToLatest(
  db: Kysely<Database>,
  dialect: DatabaseDialect,
  options: { until?: string } = {},
): Promise<{ applied: string[] }> {
  // Kysely's own lock is a no-op on SQLite (it assumes one connection); two processes opening
  // one file at once (serve and `keys create`) must still migrate once, so take the dialect's
  // exclusive lock around the whole run.
  return dialect.withExclusiveLock(db, 'opentrail-migrations', async (locked) => {
    const known = new Set(MIGRATIONS.map(([name]) => name));
    const applied = await appliedNames(locked, dialect);
    const unknown = applied.filter((n) => !known.has(n));
    if (unknown.length > 0) {
      throw new SchemaTooNewError(
        `the database was migrated by a newer opentrail (unknown migrations: ${unknown.join(', ')}); ` +
          'upgrade opentrail or point it at another data directory',
      );
    }
    // Up to date (every start but the first after an upgrade): done, without Kysely's
    // Migrator, which introspects the whole schema first.
    if (!options.until && MIGRATIONS.every(([name]) => applied.includes(name))) {
      return { applied: [] };
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
      // Numbers are claimed per branch (0008 landed while 0007 was still open): a database that
      // ran a later number first still gets an earlier one when it arrives.
      allowUnorderedMigrations: true,
    });
    // `until` (tests of a migration's data conversion) stops after the named migration.
    const { error, results } = await (options.until
      ? migrator.migrateTo(options.until)
      : migrator.migrateToLatest());
    if (error) throw error instanceof Error ? error : new Error(String(error));
    return {
      applied: (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName),
    };
  });
}
