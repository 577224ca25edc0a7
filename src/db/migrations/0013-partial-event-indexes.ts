import { type Kysely, sql } from 'kysely';

/**
 * Fewer index entries per stored event ([G] round 4, docs/events.md "Indexes and write speed",
 * docs/benchmarks.md). Every entry costs a single insert (ingest, the self-audit record of
 * every signed call) one B-tree descent, and a bulk load (seed, import) one sorted entry when
 * the index is built; measured on 200k seeded events, ~2.5 µs each. Three changes:
 *
 * - EventRW has two values, each a large share of any account's events, so `events_time`
 *   carries `event_rw` (and `sensitive_action`) after (event_time, seq) and a Read or Write
 *   page reads the day's time-ordered entries, comparing the value inside the entry: ~2–3
 *   entries per event returned, no row read for one that does not match. `events_rw` keeps
 *   only the events with any other value (normally none), so a lookup of a value no event has
 *   (`EventRW=write`) is still one index search instead of a read of every entry of the range.
 * - `events_sensitive` holds only the sensitive events (`WHERE sensitive_action = 1`, which
 *   LookupEvents writes as a literal so both planners can match it); `SensitiveAction=false`,
 *   nearly every event, is read from `events_time` like EventRW.
 * - The indexes of keys many events lack (RoleName: only assumed-role callers; AccessKeyId:
 *   not console or service calls) keep only the events that have the key
 *   (`WHERE key IS NOT NULL`). A lookup `key = ?` implies `key IS NOT NULL`, which SQLite and
 *   PostgreSQL both infer, so they still read these indexes; an event without the key can never
 *   match such a lookup.
 *
 * On PostgreSQL these are the partitioned parents' indexes: DROP and CREATE reach every day
 * partition and partitions made later copy them. The events are untouched; each rebuilt index
 * reads the store once.
 */
export const EVENT_RW_VALUES = ['Read', 'Write'] as const;

/** The condition of `events_rw`; LookupEvents writes it as is for any other value. */
export const EVENT_RW_OTHER = "event_rw not in ('Read', 'Write')";

export interface RebuiltIndex {
  name: string;
  columns: readonly string[];
  /** SQL of the partial index's condition, the same on both databases. */
  where?: string;
}

export const REBUILT_INDEXES: readonly RebuiltIndex[] = [
  // No filter, EventRW, SensitiveAction=false; the retention purge.
  {
    name: 'events_time',
    columns: ['account_id', 'event_day', 'event_time', 'seq', 'event_rw', 'sensitive_action'],
  },
  {
    name: 'events_rw',
    columns: ['account_id', 'event_day', 'event_rw', 'event_time', 'seq'],
    where: EVENT_RW_OTHER,
  },
  {
    name: 'events_sensitive',
    columns: ['account_id', 'event_day', 'event_time', 'seq'],
    where: 'sensitive_action = 1',
  },
  {
    name: 'events_role',
    columns: ['account_id', 'event_day', 'role_name', 'event_time', 'seq'],
    where: 'role_name is not null',
  },
  {
    name: 'events_service_role',
    columns: ['account_id', 'event_day', 'service_name', 'role_name', 'event_time', 'seq'],
    where: 'role_name is not null',
  },
  {
    name: 'events_access_key',
    columns: ['account_id', 'event_day', 'access_key_id', 'event_time', 'seq'],
    where: 'access_key_id is not null',
  },
  // GetAccessKeyLastUsed*: every query names the key (0006).
  {
    name: 'events_access_key_usage',
    columns: ['account_id', 'access_key_id', 'service_name', 'event_time', 'seq'],
    where: 'access_key_id is not null',
  },
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const { name, columns, where } of REBUILT_INDEXES) {
    await db.schema.dropIndex(name).ifExists().execute();
    let create = db.schema
      .createIndex(name)
      .on('events')
      .columns([...columns]);
    if (where) create = create.where(sql.raw<boolean>(where));
    await create.execute();
  }
}
