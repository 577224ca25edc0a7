import { type Compilable, CompiledQuery, type Kysely } from 'kysely';
import type { Database } from '../schema.js';

/** Stand-ins for the arguments while a query is compiled; never sent to a database. */
const SENTINEL = '\u0000opentrail-argument-';

type Slot = { argument: number } | { value: unknown };

/**
 * SQLite (built with STAT4, as better-sqlite3 is) re-prepares a statement on every run whose
 * LIMIT or OFFSET is a bare bound parameter, because the planner may use that value: 40–60 µs
 * per ListDeliveryHistoryJobs page against ~6 µs for the query itself (measured on the bench
 * store, round 5). A unary plus makes the value an expression the planner does not look into;
 * the result is the same. PostgreSQL's placeholders are `$n`, which this leaves alone.
 */
export function withStableLimits(sql: string): string {
  return sql.replace(/\b(limit|offset) \?/g, '$1 +?');
}

/**
 * A query of a fixed shape on the signed API's hot path ([G], docs/benchmarks.md), compiled
 * once per Kysely instance (the SQL differs between SQLite and PostgreSQL, and a transaction
 * is an instance of its own) instead of building, freezing and compiling a query tree on every
 * request, which cost tens of µs per query on a loaded 2-core machine. `build` receives
 * stand-ins for the arguments: it must put each one, unchanged, into a value position (a
 * comparison, limit, offset), and nothing about the query's shape may depend on them. A
 * stand-in that does not come out as one bound parameter is refused at the first compile.
 */
export function fixedQuery<A extends unknown[], R>(
  build: (db: Kysely<Database>, ...args: A) => Compilable<R>,
): (db: Kysely<Database>, ...args: A) => Promise<R[]> {
  const compiled = new WeakMap<Kysely<Database>, { sql: string; slots: Slot[] }>();
  const compile = (db: Kysely<Database>, arity: number) => {
    const stand = Array.from({ length: arity }, (_, i) => `${SENTINEL}${i}`) as A;
    const q = build(db, ...stand).compile();
    const slots = q.parameters.map((p): Slot => {
      if (typeof p === 'string' && p.startsWith(SENTINEL)) {
        return { argument: Number(p.slice(SENTINEL.length)) };
      }
      return { value: p };
    });
    for (let i = 0; i < arity; i++) {
      if (slots.filter((s) => 'argument' in s && s.argument === i).length !== 1) {
        throw new Error(`fixedQuery: argument ${i} is not exactly one bound parameter`);
      }
    }
    const entry = { sql: withStableLimits(q.sql), slots };
    compiled.set(db, entry);
    return entry;
  };
  return async (db, ...args) => {
    const { sql, slots } = compiled.get(db) ?? compile(db, args.length);
    const parameters = slots.map((s) => ('argument' in s ? args[s.argument] : s.value));
    const result = await db.executeQuery(CompiledQuery.raw(sql, parameters) as CompiledQuery<R>);
    return result.rows;
  };
}
