import type BetterSqlite3 from 'better-sqlite3';

/**
 * The better-sqlite3 connection behind each Kysely instance openSqlite made. The event store's
 * hot writes ([G], docs/benchmarks.md) run on it directly: one prepared statement per row costs
 * a fraction of building, compiling and binding a 500-row INSERT through the query builder.
 *
 * Use it only while holding that Kysely instance's connection (inside its `transaction()` or
 * `connection()` callback): Kysely serialises its queries on the one connection, and a direct
 * call outside would run in the middle of whatever transaction Kysely has open.
 */
const natives = new WeakMap<object, BetterSqlite3.Database>();

export function registerNativeSqlite(db: object, raw: BetterSqlite3.Database): void {
  natives.set(db, raw);
}

/** The native connection of a root Kysely instance, or undefined (PostgreSQL, a transaction). */
export function nativeSqliteOf(db: object): BetterSqlite3.Database | undefined {
  return natives.get(db);
}
