import { type Kysely, sql } from 'kysely';
import type { DatabaseHandle } from '../open-database.js';
import type { Database } from '../schema.js';

/** Delivery jobs and live streams by kind and State, deleted ones left out (/metrics). */
export async function countJobsByState(
  db: Kysely<Database>,
): Promise<Array<{ kind: string; state: string; count: number }>> {
  const rows = await db
    .selectFrom('delivery_jobs')
    .select(['kind', 'state', sql<number>`count(*)`.as('count')])
    .where('deleted_at', 'is', null)
    .groupBy(['kind', 'state'])
    .execute();
  return rows.map((r) => ({ kind: r.kind, state: r.state, count: Number(r.count) }));
}

export async function countNonces(db: Kysely<Database>): Promise<number> {
  const row = await db
    .selectFrom('used_nonces')
    .select(sql<number>`count(*)`.as('count'))
    .executeTakeFirst();
  return Number(row?.count ?? 0);
}

/** What /metrics reads from the database at scrape time (observability/metrics.ts). */
export function metricSourcesOf(handle: DatabaseHandle) {
  return {
    jobStates: () => countJobsByState(handle.db),
    nonceCount: () => countNonces(handle.db),
    pool: () => handle.poolStats(),
  };
}
