import { type Kysely, sql } from 'kysely';
import type { DatabaseDialect } from '../dialects/dialect.js';

/**
 * [D2] OSS and live delivery. Plain columns and a partial index, the same on SQLite and
 * PostgreSQL (architecture.md "Adding a migration").
 */
export async function up(db: Kysely<unknown>, _dialect: DatabaseDialect): Promise<void> {
  // The region the bucket reported when CreateTrail/UpdateTrail checked it (OssBucketLocation);
  // NULL when no OSS endpoint was configured then, which keeps `oss-<home region>`.
  await db.schema.alterTable('trails').addColumn('oss_bucket_location', 'varchar(64)').execute();

  // A trail's live delivery is a delivery job of kind `live` (same leases, planned batches and
  // checkpoints as history jobs); every history-job Action only sees kind `history`.
  await db.schema
    .alterTable('delivery_jobs')
    .addColumn('kind', 'varchar(8)', (c) => c.notNull().defaultTo('history'))
    .execute();
  // The one-running-job rule (decisions §5) is about history jobs: a logging trail's live
  // stream must not take the account's slot.
  await db.schema.dropIndex('delivery_jobs_one_active').execute();
  await db.schema
    .createIndex('delivery_jobs_one_active')
    .unique()
    .on('delivery_jobs')
    .column('account_id')
    .where(sql<boolean>`job_status in (0, 1) and deleted_at is null and kind = 'history'`)
    .execute();
  // GetTrailStatus: the live streams of a trail.
  await db.schema
    .createIndex('delivery_jobs_trail_kind')
    .on('delivery_jobs')
    .columns(['account_id', 'trail_name', 'kind'])
    .execute();

  // When a stream last acknowledged a chunk (LatestDeliveryTime; the live OSS flush clock).
  await db.schema
    .alterTable('delivery_job_progress')
    .addColumn('last_delivered_at', 'bigint')
    .execute();
}
