import { type Kysely, sql } from 'kysely';
import type { DatabaseDialect } from '../dialects/dialect.js';

/**
 * LookupEvents reads one account's events in (event_time, seq) order, filtered by at most two
 * keys. Every allowed key and every allowed pair gets an index
 * (account_id, event_day, key…, event_time, seq), so a page is one ordered index range read per
 * UTC day of the searched range whatever the filter (docs/events.md).
 *
 * Why event_day leads: new events all land in today's part of every index, so inserts touch a
 * few hot pages instead of random pages across ~30 B-trees. Measured on SQLite with 1 M events:
 * ~23k rows/s steady with the day, 6k/s and falling without it. It is also the layout of the
 * PostgreSQL day partitions ([E]), where each day's partition has these indexes.
 */
export const EVENT_INDEXES: ReadonlyArray<readonly [string, readonly string[]]> = [
  // No filter; also the retention purge (per account, oldest day first).
  ['events_time', []],
  // Single keys.
  ['events_service', ['service_name']],
  ['events_name', ['event_name']],
  ['events_user', ['user_name']],
  ['events_rw', ['event_rw']],
  ['events_access_key', ['access_key_id']],
  ['events_sensitive', ['sensitive_action']],
  ['events_source_ip', ['source_ip']],
  ['events_type', ['event_type']],
  ['events_role', ['role_name']],
  ['events_principal', ['principal_id']],
  // Allowed pairs (ServiceName + X, EventType + EventName).
  ['events_service_name', ['service_name', 'event_name']],
  ['events_service_user', ['service_name', 'user_name']],
  ['events_service_principal', ['service_name', 'principal_id']],
  ['events_service_role', ['service_name', 'role_name']],
  ['events_service_rw', ['service_name', 'event_rw']],
  ['events_service_sensitive', ['service_name', 'sensitive_action']],
  ['events_service_type', ['service_name', 'event_type']],
  ['events_type_name', ['event_type', 'event_name']],
];

/** ResourceName alone, ResourceType alone, and ResourceName + each of its partners. */
export const RESOURCE_INDEXES: ReadonlyArray<readonly [string, readonly string[]]> = [
  ['event_resources_name', ['resource_name']],
  ['event_resources_type', ['resource_type']],
  ['event_resources_name_type', ['resource_name', 'resource_type']],
  ['event_resources_name_event', ['resource_name', 'event_name']],
  ['event_resources_name_user', ['resource_name', 'user_name']],
  ['event_resources_name_role', ['resource_name', 'role_name']],
  ['event_resources_name_service', ['resource_name', 'service_name']],
];

/** The event store (events, their resource pairs) and the server secrets table. */
export async function up(db: Kysely<unknown>, dialect: DatabaseDialect): Promise<void> {
  await db.schema
    .createTable('events')
    .addColumn('seq', sql.raw(dialect.autoIncrementIdType), (c) =>
      // AUTOINCREMENT: a sequence is never handed out twice, even after the newest events were
      // purged, so cursors built on it never move backwards.
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
  // Identity (decisions §3) and the EventId key: at most one row per (account, eventId).
  await db.schema
    .createIndex('events_account_event_id')
    .unique()
    .on('events')
    .columns(['account_id', 'event_id'])
    .execute();
  for (const [name, keys] of EVENT_INDEXES) {
    await db.schema
      .createIndex(name)
      .on('events')
      .columns(['account_id', 'event_day', ...keys, 'event_time', 'seq'])
      .execute();
  }
  // Delivery scans: one account and region in sequence order between a checkpoint and a cut-off.
  await db.schema
    .createIndex('events_delivery')
    .on('events')
    .columns(['account_id', 'acs_region', 'seq'])
    .execute();

  await db.schema
    .createTable('event_resources')
    .addColumn('seq', 'bigint', (c) => c.notNull())
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('event_time', 'bigint', (c) => c.notNull())
    .addColumn('event_day', 'integer', (c) => c.notNull())
    .addColumn('resource_type', 'text', (c) => c.notNull())
    .addColumn('resource_name', 'text', (c) => c.notNull())
    .addColumn('service_name', 'text')
    .addColumn('event_name', 'text')
    .addColumn('user_name', 'text')
    .addColumn('role_name', 'text')
    .addPrimaryKeyConstraint('event_resources_pk', ['seq', 'resource_type', 'resource_name'])
    .execute();
  for (const [name, keys] of RESOURCE_INDEXES) {
    await db.schema
      .createIndex(name)
      .on('event_resources')
      .columns(['account_id', 'event_day', ...keys, 'event_time', 'seq'])
      .execute();
  }

  await db.schema
    .createTable('server_secrets')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
}
