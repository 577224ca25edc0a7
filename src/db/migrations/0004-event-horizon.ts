import { type Kysely, sql } from 'kysely';
import type { DatabaseDialect } from '../dialects/dialect.js';
import { EVENT_WRITERS_LOCK, JOBS_CHANNEL } from '../dialects/postgres-objects.js';

/**
 * The safe horizon (decisions §3) as the view `event_horizon(seq)`: the highest insertion
 * sequence below which no writing transaction is still in flight, so a cursor that advances to
 * it never skips an event that commits later. Repositories read the view on both databases;
 * how it is computed is the database's business, hence the one branch on the dialect here.
 *
 * SQLite has one writer: the highest stored seq is the horizon.
 *
 * PostgreSQL has concurrent writers whose sequences commit in any order. Every statement that
 * stores events takes a shared advisory lock (the "event writers" gate) before it draws a
 * sequence, and holds it until its transaction ends. The horizon is the last sequence handed out,
 * read first, after waiting for every transaction that held the gate at that moment: any
 * sequence at or below it belongs to one of them (or to one that already ended). Writers never
 * wait for readers; a reader waits at most for the longest write transaction in flight.
 *
 * PostgreSQL also announces new delivery jobs on the `opentrail_jobs` channel, so an idle
 * engine on any node wakes at once instead of at its next poll.
 */
export async function up(db: Kysely<unknown>, dialect: DatabaseDialect): Promise<void> {
  if (dialect.name === 'sqlite') {
    await sql`create view event_horizon as select coalesce(max(seq), 0) as seq from events`.execute(
      db,
    );
    return;
  }
  const [ns, key] = EVENT_WRITERS_LOCK;
  // Our own sequence (the bigserial default goes): the trigger draws from it after the gate.
  await sql`create sequence opentrail_event_seq as bigint`.execute(db);
  await sql`select setval('opentrail_event_seq', max(seq)) from events having max(seq) is not null`.execute(
    db,
  );
  await sql`alter table events alter column seq drop default`.execute(db);
  await sql`drop sequence if exists events_seq_seq`.execute(db);

  await sql`
    create function opentrail_events_before_insert() returns trigger language plpgsql as $$
    begin
      -- Taken before the sequence is drawn and held to commit or rollback (see 0004).
      perform pg_advisory_xact_lock_shared(${sql.lit(ns)}, ${sql.lit(key)});
      if new.seq is null then
        new.seq := nextval('opentrail_event_seq');
      end if;
      return new;
    end $$`.execute(db);
  await sql`
    create trigger events_before_insert before insert on events
    for each row execute function opentrail_events_before_insert()`.execute(db);

  await sql`
    create function opentrail_event_horizon() returns bigint language plpgsql volatile as $$
    declare
      handed_out bigint := coalesce(pg_sequence_last_value('opentrail_event_seq'), 0);
      writers text[];
      waited_since timestamptz := clock_timestamp();
    begin
      -- pg_locks is live lock state, not a snapshot, so every pass sees who still holds the gate.
      select array_agg(virtualtransaction) into writers from pg_locks
       where locktype = 'advisory' and database = (select oid from pg_database where datname = current_database())
         and classid = ${sql.lit(ns)} and objid = ${sql.lit(key)} and objsubid = 2
         and granted and pid <> pg_backend_pid();
      while writers is not null and exists (
        select 1 from pg_locks
         where locktype = 'advisory' and classid = ${sql.lit(ns)} and objid = ${sql.lit(key)}
           and objsubid = 2 and virtualtransaction = any (writers)
      ) loop
        if clock_timestamp() - waited_since > interval '120 seconds' then
          raise exception 'event horizon: event writers still in flight after 120 s';
        end if;
        perform pg_sleep(0.002);
      end loop;
      return handed_out;
    end $$`.execute(db);
  await sql`create view event_horizon as select opentrail_event_horizon() as seq`.execute(db);

  await sql`
    create function opentrail_jobs_notify() returns trigger language plpgsql as $$
    begin
      perform pg_notify(${sql.lit(JOBS_CHANNEL)}, new.id::text);
      return null;
    end $$`.execute(db);
  await sql`
    create trigger delivery_jobs_notify after insert on delivery_jobs
    for each row execute function opentrail_jobs_notify()`.execute(db);
}
