import type { Kysely } from 'kysely';

/**
 * Fewer B-trees per stored event ([G], docs/events.md "Indexes and write speed"). Every event
 * used to update one index per LookupEvents key and one per allowed pair; the write cost is
 * per index, so ten of them go. A pair whose second key is coarse (EventRW, EventType,
 * SensitiveAction) or nearly implied by the first (a ServiceName by its EventName, an EventType
 * by its EventName, anything by a ResourceName, which names one resource) is answered from one
 * key's index that carries the partner columns after (event_time, seq): the filter is read
 * from the index entry, the page still comes out in time order, and no row is fetched for an
 * entry that does not match. Pairs of two fine-grained keys (ServiceName + User, PrincipalId or
 * RoleName) keep their own index: a busy user filtered by a rarely used service would
 * otherwise read most of the user's entries.
 *
 * The same on both databases: on PostgreSQL these are the partitioned parents' indexes, so
 * DROP and CREATE reach every day partition, and partitions made later copy them. Rebuilding
 * on an existing store reads it once per new index; the events themselves are untouched.
 */
export const DROPPED_INDEXES = [
  'events_service_name',
  'events_service_rw',
  'events_service_sensitive',
  'events_service_type',
  'events_type_name',
  'event_resources_name_type',
  'event_resources_name_event',
  'event_resources_name_user',
  'event_resources_name_role',
  'event_resources_name_service',
] as const;

/** Indexes rebuilt under their old names with the partner columns of the pairs they take over. */
export const WIDENED_INDEXES: ReadonlyArray<{
  name: string;
  table: 'events' | 'event_resources';
  key: string;
  partners: readonly string[];
}> = [
  // ServiceName alone, + EventRW, + EventType, + SensitiveAction.
  {
    name: 'events_service',
    table: 'events',
    key: 'service_name',
    partners: ['event_rw', 'event_type', 'sensitive_action'],
  },
  // EventName alone, + ServiceName, + EventType.
  {
    name: 'events_name',
    table: 'events',
    key: 'event_name',
    partners: ['service_name', 'event_type'],
  },
  // ResourceName alone and with each of its five partners.
  {
    name: 'event_resources_name',
    table: 'event_resources',
    key: 'resource_name',
    partners: ['resource_type', 'service_name', 'event_name', 'user_name', 'role_name'],
  },
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const name of DROPPED_INDEXES) await db.schema.dropIndex(name).ifExists().execute();
  for (const { name, table, key, partners } of WIDENED_INDEXES) {
    await db.schema.dropIndex(name).ifExists().execute();
    await db.schema
      .createIndex(name)
      .on(table)
      .columns(['account_id', 'event_day', key, 'event_time', 'seq', ...partners])
      .execute();
  }
}
