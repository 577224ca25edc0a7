import type { Kysely } from 'kysely';

/**
 * [C2]: a history job may cover a window its creator chose (StartTime/EndTime on
 * CreateDeliveryHistoryJob). Then its end bounds eventTime too; the default window's end
 * (created + 5 min) is only reported, never a bound (decisions §5). Same on both databases.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('delivery_jobs')
    .addColumn('window_chosen', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
}
