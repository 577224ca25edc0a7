import { type Kysely, sql } from 'kysely';

/**
 * One AccessKey index instead of two ([G] round 11, docs/events.md "Indexes and write speed").
 * `events_access_key` (account, day, key, time, seq) answered LookupEvents' EventAccessKeyId
 * and `events_access_key_usage` (account, key, service, time, seq) the GetAccessKeyLastUsed*
 * aggregations: two entries for every event that has a key, the self-audit record of every
 * signed call among them, and two index builds in a bulk load (~0.9 s each at 1 M events).
 *
 * The one left leads with (account, key, day): a LookupEvents day is the equality prefix
 * (account, key, day) and a time range, as before; a GetAccessKeyLastUsed* query reads the
 * key's entries of the retained days, (account, key) and a day range, and finds the service,
 * event name and source IP it groups by in the entry (covering, no row read). A query of one
 * service now reads the key's other services' entries too, at most what the query of every
 * service always read. New events still land in one place per key, today's end of its run.
 *
 * On PostgreSQL these are the partitioned parent's indexes: DROP and CREATE reach every day
 * partition and partitions made later copy them. The events are untouched; the rebuilt index
 * reads the store once.
 */
export const ACCESS_KEY_INDEX = {
  name: 'events_access_key',
  columns: [
    'account_id',
    'access_key_id',
    'event_day',
    'event_time',
    'seq',
    'service_name',
    'event_name',
    'source_ip',
  ],
  where: 'access_key_id is not null',
} as const;

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('events_access_key_usage').ifExists().execute();
  await db.schema.dropIndex(ACCESS_KEY_INDEX.name).ifExists().execute();
  await db.schema
    .createIndex(ACCESS_KEY_INDEX.name)
    .on('events')
    .columns([...ACCESS_KEY_INDEX.columns])
    .where(sql.raw<boolean>(ACCESS_KEY_INDEX.where))
    .execute();
}
