import { type Kysely, sql } from 'kysely';
import { nativeSqliteOf } from '../dialects/sqlite-native.js';
import type { Database } from '../schema.js';

/**
 * After a load (`seed`, `import`) on PostgreSQL: VACUUM (ANALYZE) of the event tables, whose
 * day partitions the load just filled ([G] round 7). Without it the first history job after a
 * fresh load planned its queries on partitions with no statistics while autovacuum vacuumed
 * and analysed them beside it: create → status 1 in 18.2 s against 0.66–1.9 s on the same
 * store once analysed (docs/benchmarks.md, round 5). VACUUM also sets the visibility map, so the
 * lookups' index-only scans read no table pages. On a partitioned table it reaches every
 * partition. SQLite: nothing (its planner runs without statistics by design: the index tests
 * pin its plans, and ANALYZE would change them).
 */
export async function settleEventStatistics(db: Kysely<Database>): Promise<void> {
  if (nativeSqliteOf(db)) return;
  await sql`vacuum (analyze) events, event_resources, event_ids`.execute(db);
}

/**
 * settleEventStatistics at the end of a load that stored `stored` events, its time added to the
 * load's `seconds`: it is part of the load as the user waits for it.
 */
export async function settleAfterLoad<S extends { seconds: number }>(
  db: Kysely<Database>,
  summary: S,
  stored: number,
): Promise<S> {
  if (stored === 0) return summary;
  const started = performance.now();
  await settleEventStatistics(db);
  return { ...summary, seconds: summary.seconds + (performance.now() - started) / 1000 };
}
