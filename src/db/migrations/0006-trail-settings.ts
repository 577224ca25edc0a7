import type { Kysely } from 'kysely';
import type { DatabaseDialect } from '../dialects/dialect.js';

/**
 * Issue 13: the per-trail data event selectors, the account's global events storage region and
 * the advanced query templates. Plain tables, the same on SQLite and PostgreSQL. Times are
 * epoch-ms bigint, booleans integer 0/1 (architecture.md "Adding a migration").
 */
export async function up(db: Kysely<unknown>, _dialect: DatabaseDialect): Promise<void> {
  // One selector set per trail; deleted with the trail. `event_selectors` is the JSON-array
  // string exactly as PutDataEventSelector received it (Terraform compares it byte for byte).
  await db.schema
    .createTable('data_event_selectors')
    .addColumn('account_id', 'varchar(64)', (c) => c.notNull().references('accounts.id'))
    .addColumn('trail_name', 'varchar(64)', (c) => c.notNull())
    .addColumn('event_selectors', 'text', (c) => c.notNull())
    .addColumn('is_trail_all_region', 'integer', (c) => c.notNull().defaultTo(0))
    // Comma-joined region ids as sent (TrailRegionIds), '' when none.
    .addColumn('trail_region_ids', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('data_event_selectors_pk', ['account_id', 'trail_name'])
    .execute();

  // At most one row per account; no row means "the home region" (never updated).
  await db.schema
    .createTable('global_events_storage_regions')
    .addColumn('account_id', 'varchar(64)', (c) => c.primaryKey().references('accounts.id'))
    .addColumn('storage_region', 'varchar(64)', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('advanced_query_templates')
    .addColumn('template_id', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('account_id', 'varchar(64)', (c) => c.notNull().references('accounts.id'))
    .addColumn('template_name', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('template_sql', 'text', (c) => c.notNull())
    .addColumn('simple_query', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  // DescribeAdvancedQueryTemplate: the account's templates, oldest first.
  await db.schema
    .createIndex('advanced_query_templates_account')
    .on('advanced_query_templates')
    .columns(['account_id', 'created_at', 'template_id'])
    .execute();

  // The GetAccessKeyLastUsed* Actions aggregate one AccessKey's events per service (docs/events.md
  // "AccessKey usage"): an index-only scan of the key's entries instead of every event of every
  // day. On PostgreSQL this is a partitioned index: each day partition gets its own (attached
  // partitions are given it automatically).
  await db.schema
    .createIndex('events_access_key_usage')
    .on('events')
    .columns(['account_id', 'access_key_id', 'service_name', 'event_time', 'seq'])
    .execute();
}
