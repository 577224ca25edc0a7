import { type Kysely, sql } from 'kysely';
import type { DatabaseDialect } from '../dialects/dialect.js';

/**
 * [G] round 5: self-audit records wait here, in a table without secondary indexes, between
 * the API's group commit and their merge into `events` (staged-events.repository.ts). A row
 * carries everything an `events` row does except its sequence, which the merge assigns. Each
 * self-audit event written straight into `events` cost ~14 B-tree inserts and ~20 WAL frames per
 * group commit; a staged one costs one row, and the merge writes the indexes in batches.
 * Created on both databases so the schema is one; only SQLite stages (PostgreSQL's group commit
 * is bound by round trips, not by index pages, and several nodes would each need a merger).
 */
export async function up(db: Kysely<unknown>, dialect: DatabaseDialect): Promise<void> {
  await db.schema
    .createTable('staged_events')
    .addColumn('id', sql.raw(dialect.autoIncrementIdType), (c) =>
      dialect.name === 'sqlite' ? c.primaryKey().autoIncrement() : c.primaryKey(),
    )
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('event_id', 'text', (c) => c.notNull())
    .addColumn('event_time', 'bigint', (c) => c.notNull())
    .addColumn('event_day', 'integer', (c) => c.notNull())
    .addColumn('acs_region', 'text')
    .addColumn('event_rw', 'text')
    .addColumn('service_name', 'text')
    .addColumn('event_name', 'text')
    .addColumn('event_type', 'text')
    .addColumn('user_name', 'text')
    .addColumn('principal_id', 'text')
    .addColumn('role_name', 'text')
    .addColumn('access_key_id', 'text')
    .addColumn('source_ip', 'text')
    .addColumn('sensitive_action', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('event_json', 'text', (c) => c.notNull())
    .execute();
}
