import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import type { DatabaseDialect } from '../dialects/dialect.js';

/**
 * [C2], the same on both databases:
 * - a history job may cover a window its creator chose (StartTime/EndTime): then its end bounds
 *   eventTime too; the default window's end (created + 5 min) is only reported (decisions §5);
 * - progress counters per stream (batches, bytes, an estimated total) and the job's start, for
 *   the `Progress` extension fields;
 * - the failures a job met, per (region, destination), for ListDeliveryHistoryJobFailures.
 */
export async function up(db: Kysely<unknown>, dialect: DatabaseDialect): Promise<void> {
  await db.schema
    .alterTable('delivery_jobs')
    .addColumn('window_chosen', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.alterTable('delivery_jobs').addColumn('started_at', 'bigint').execute();
  for (const [column, type] of [
    ['total_events', 'bigint'],
    ['batches', 'bigint'],
    ['bytes', 'bigint'],
  ] as const) {
    await db.schema
      .alterTable('delivery_job_progress')
      .addColumn(column, type, (c) => (column === 'total_events' ? c : c.notNull().defaultTo(0)))
      .execute();
  }
  await db.schema
    .alterTable('delivery_batches')
    .addColumn('bytes', 'bigint', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema
    .createTable('delivery_job_failures')
    .addColumn('id', sql.raw(dialect.autoIncrementIdType), (c) =>
      dialect.name === 'sqlite' ? c.primaryKey().autoIncrement() : c.primaryKey(),
    )
    .addColumn('job_id', 'bigint', (c) => c.notNull())
    .addColumn('region', 'text', (c) => c.notNull())
    .addColumn('destination', 'text', (c) => c.notNull())
    .addColumn('error_code', 'text', (c) => c.notNull())
    .addColumn('error_message', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull())
    .addColumn('first_event_time', 'bigint')
    .addColumn('last_event_time', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('delivery_job_failures_job')
    .on('delivery_job_failures')
    .columns(['job_id', 'id'])
    .execute();
}
