import { type Kysely, sql } from 'kysely';
import type { DatabaseDialect } from '../dialects/dialect.js';
import { EVENT_WRITERS_LOCK } from '../dialects/postgres-objects.js';
import { EVENT_INDEXES, RESOURCE_INDEXES } from './0003-events.js';

/**
 * PostgreSQL only (SQLite keeps 0003's tables): the event store partitioned by UTC day
 * (docs/events.md, "PostgreSQL"). `events` and `event_resources` become range-partitioned on
 * event_day with one partition per day (created ahead by the partition maintenance, see
 * src/db/dialects/postgres-partitions.ts) and a DEFAULT partition that takes events of days
 * without one, so a write never fails for want of a partition. Retention drops whole days.
 *
 * A unique index on a partitioned table must contain the partition key, so (account, eventId)
 * uniqueness (decisions §3) moves to the unpartitioned `event_ids`, filled by the insert
 * trigger: a repeat is skipped there (the trigger returns NULL, so INSERT … RETURNING leaves it
 * out, exactly like SQLite's ON CONFLICT DO NOTHING), and deleting an event forgets its id.
 *
 * Existing rows (a database migrated by 0001–0004) are carried over with their sequences.
 */
export async function up(db: Kysely<unknown>, dialect: DatabaseDialect): Promise<void> {
  if (dialect.name === 'sqlite') return;

  await sql`create table events_old as select * from events`.execute(db);
  await sql`create table event_resources_old as select * from event_resources`.execute(db);
  await sql`drop table events`.execute(db);
  await sql`drop table event_resources`.execute(db);

  await sql`
    create table event_ids (
      account_id text not null,
      event_id text not null,
      seq bigint not null,
      event_day integer not null,
      primary key (account_id, event_id)
    )`.execute(db);
  // Retention forgets the ids of a dropped day in batches.
  await sql`create index event_ids_day on event_ids (event_day)`.execute(db);
  // Days whose partitions were dropped and whose ids (up to max_seq) are still being forgotten.
  await sql`create table event_day_drops (event_day integer primary key, max_seq bigint not null)`.execute(
    db,
  );

  await sql`
    create table events (
      seq bigint not null,
      account_id text not null,
      event_id text not null,
      event_time bigint not null,
      event_day integer not null,
      acs_region text,
      event_rw text,
      service_name text,
      event_name text,
      event_type text,
      user_name text,
      principal_id text,
      role_name text,
      access_key_id text,
      source_ip text,
      sensitive_action integer not null default 0,
      event_json text not null,
      primary key (seq, event_day)
    ) partition by range (event_day)`.execute(db);
  // The EventId key: SQLite answers it from the unique (account_id, event_id) index.
  const indexes = [...EVENT_INDEXES, ['events_event_id', ['event_id']] as const];
  for (const [name, keys] of indexes) {
    await db.schema
      .createIndex(name)
      .on('events')
      .columns(['account_id', 'event_day', ...keys, 'event_time', 'seq'])
      .execute();
  }
  await db.schema
    .createIndex('events_delivery')
    .on('events')
    .columns(['account_id', 'acs_region', 'seq'])
    .execute();
  await sql`create table events_default partition of events default`.execute(db);

  await sql`
    create table event_resources (
      seq bigint not null,
      account_id text not null,
      event_time bigint not null,
      event_day integer not null,
      resource_type text not null,
      resource_name text not null,
      service_name text,
      event_name text,
      user_name text,
      role_name text,
      primary key (seq, resource_type, resource_name, event_day)
    ) partition by range (event_day)`.execute(db);
  for (const [name, keys] of RESOURCE_INDEXES) {
    await db.schema
      .createIndex(name)
      .on('event_resources')
      .columns(['account_id', 'event_day', ...keys, 'event_time', 'seq'])
      .execute();
  }
  await sql`create table event_resources_default partition of event_resources default`.execute(db);

  const [ns, key] = EVENT_WRITERS_LOCK;
  await sql`
    create or replace function opentrail_events_before_insert() returns trigger
    language plpgsql as $$
    begin
      -- The event writers gate (0004), before the sequence is drawn, held to commit.
      perform pg_advisory_xact_lock_shared(${sql.lit(ns)}, ${sql.lit(key)});
      if new.seq is null then
        new.seq := nextval('opentrail_event_seq');
      end if;
      -- decisions §3: one event per (account, eventId); a concurrent writer of the same id is
      -- waited for, then whichever committed first wins.
      insert into event_ids (account_id, event_id, seq, event_day)
        values (new.account_id, new.event_id, new.seq, new.event_day)
        on conflict do nothing;
      if not found then
        return null;
      end if;
      return new;
    end $$`.execute(db);
  await sql`
    create trigger events_before_insert before insert on events
    for each row execute function opentrail_events_before_insert()`.execute(db);
  await sql`
    create function opentrail_events_forget_ids() returns trigger language plpgsql as $$
    begin
      delete from event_ids i using gone g
       where i.account_id = g.account_id and i.event_id = g.event_id and i.seq = g.seq;
      return null;
    end $$`.execute(db);
  await sql`
    create trigger events_forget_ids after delete on events
    referencing old table as gone for each statement
    execute function opentrail_events_forget_ids()`.execute(db);

  // Same column order as 0003's tables; the trigger keeps the given sequences.
  await sql`insert into events select * from events_old`.execute(db);
  await sql`insert into event_resources select * from event_resources_old`.execute(db);
  await sql`drop table events_old`.execute(db);
  await sql`drop table event_resources_old`.execute(db);
}
