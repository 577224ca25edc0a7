import type { Kysely } from 'kysely';

/**
 * [G] item 4, the same on both databases: the length of a planned batch's time bucket. A history
 * job's OSS-layout batches may cover an hour or a UTC day instead of 5 minutes (decisions §6);
 * after a crash the batch is read again with the same sequence range and the same bucket, so the
 * span is persisted with it. Batches planned before this migration are 5-minute ones (the default).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('delivery_batches')
    .addColumn('bucket_ms', 'integer', (c) => c.notNull().defaultTo(300_000))
    .execute();
}
