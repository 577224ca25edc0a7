import type { Kysely } from 'kysely';

/**
 * [F3], the same on both databases: the worker whose expired lease a claim took over (null when
 * the job was free), written by the claim itself from the row's old `locked_by`, so the engine
 * counts lease takeovers exactly (`opentrail_lease_takeovers_total`) without a second query.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('delivery_jobs').addColumn('taken_over_from', 'text').execute();
}
