import { type Kysely, sql } from 'kysely';
import { DAY_MS } from '../../lib/time.js';
import type { Database } from '../schema.js';
import type { EventPartitions } from './dialect.js';
import { NAMED_LOCK_NAMESPACE } from './postgres-objects.js';

/** The partitioned tables of the event store (migration 0005); both split by the same days. */
const TABLES = ['events', 'event_resources'] as const;

/** `events_p20260110`: the UTC date of the day, so operators can read it. */
export function partitionName(table: (typeof TABLES)[number], day: number): string {
  return `${table}_p${new Date(day * DAY_MS).toISOString().slice(0, 10).replaceAll('-', '')}`;
}

function dayOfName(name: string): number | undefined {
  const m = /^events_p(\d{4})(\d{2})(\d{2})$/.exec(name);
  return m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) / DAY_MS : undefined;
}

/** SQLSTATE 55P03: lock_timeout expired. */
function isLockTimeout(e: unknown): boolean {
  return (e as { code?: unknown })?.code === '55P03';
}

/**
 * One transaction under the partition-maintenance lock, so nodes doing the same work take
 * turns, with a bound on how long it queues behind other sessions' locks.
 */
function locked<T>(
  db: Kysely<Database>,
  lockTimeout: string,
  fn: (trx: Kysely<Database>) => Promise<T>,
) {
  return db.transaction().execute(async (trx) => {
    await sql`select pg_advisory_xact_lock(${NAMED_LOCK_NAMESPACE}, hashtext('opentrail-event-partitions'))`.execute(
      trx,
    );
    await sql`select set_config('lock_timeout', ${lockTimeout}, true)`.execute(trx);
    return fn(trx);
  });
}

async function exists(db: Kysely<Database>, name: string): Promise<boolean> {
  const r = await sql<{ oid: unknown }>`select to_regclass(${name}) as oid`.execute(db);
  return r.rows[0]?.oid !== null && r.rows[0]?.oid !== undefined;
}

export const postgresEventPartitions: EventPartitions = {
  async listDays(db) {
    const r = await sql<{ name: string }>`
      select c.relname as name from pg_inherits i join pg_class c on c.oid = i.inhrelid
       where i.inhparent = 'events'::regclass`.execute(db);
    return r.rows
      .map((row) => dayOfName(row.name))
      .filter((d): d is number => d !== undefined)
      .sort((a, b) => a - b);
  },

  /**
   * A new day: the table is created outside the partition tree and then attached, which locks
   * the parent only in SHARE UPDATE EXCLUSIVE mode (reads and writes go on; CREATE TABLE …
   * PARTITION OF would take ACCESS EXCLUSIVE). Events of the day that went to the default
   * partition meanwhile move into it, with their sequences.
   */
  async createDay(db, day) {
    try {
      return await locked(db, '10s', async (trx) => {
        if (await exists(trx, partitionName('events', day))) return false;
        for (const table of TABLES) {
          const part = sql.table(partitionName(table, day));
          const fallback = sql.table(`${table}_default`);
          await sql`create table ${part} (like ${sql.table(table)} including defaults)`.execute(
            trx,
          );
          await sql`lock table ${fallback} in access exclusive mode`.execute(trx);
          await sql`insert into ${part} select * from ${fallback} where event_day = ${sql.lit(day)}`.execute(
            trx,
          );
          await sql`delete from ${fallback} where event_day = ${sql.lit(day)}`.execute(trx);
          await sql`alter table ${sql.table(table)} attach partition ${part}
            for values from (${sql.lit(day)}) to (${sql.lit(day + 1)})`.execute(trx);
        }
        return true;
      });
    } catch (e) {
      if (isLockTimeout(e)) return false; // busy: the next maintenance pass tries again
      throw e;
    }
  },

  /**
   * Drops a day when every event in it is below `belowSeq` (a retention hold, decisions §3).
   * The parents are locked first, as every query locks them, so no query can hold a partition
   * we then wait for; the lock is held for milliseconds (a max() on the primary key and two
   * DROPs). The day's ids are forgotten afterwards, in batches (forgetDroppedIds).
   */
  async dropDay(db, day, belowSeq) {
    const name = partitionName('events', day);
    if (!(await exists(db, name))) return undefined;
    const counted = await sql<{ n: number }>`select count(*) as n from ${sql.table(name)}`.execute(
      db,
    );
    try {
      return await locked(db, '2s', async (trx) => {
        if (!(await exists(trx, name))) return undefined;
        await sql`lock table only events, only event_resources in access exclusive mode`.execute(
          trx,
        );
        const top = await sql<{
          max: number | null;
        }>`select max(seq) as max from ${sql.table(name)}`.execute(trx);
        const maxSeq = top.rows[0]?.max ?? 0;
        if (belowSeq !== undefined && maxSeq >= belowSeq) return undefined;
        for (const table of TABLES)
          await sql`drop table ${sql.table(partitionName(table, day))}`.execute(trx);
        await sql`insert into event_day_drops (event_day, max_seq) values (${day}, ${maxSeq})
          on conflict (event_day) do update set max_seq = greatest(event_day_drops.max_seq, excluded.max_seq)`.execute(
          trx,
        );
        return Number(counted.rows[0]?.n ?? 0);
      });
    } catch (e) {
      if (isLockTimeout(e)) return undefined; // busy now; the next retention pass tries again
      throw e;
    }
  },

  async forgetDroppedIds(db, limit) {
    const next = await sql<{ event_day: number; max_seq: number }>`
      select event_day, max_seq from event_day_drops order by event_day limit 1`.execute(db);
    const drop = next.rows[0];
    if (!drop) return false;
    // Only ids up to the dropped partition's highest sequence: an event of that day stored
    // after the drop (in the default partition) keeps its id.
    const r = await sql`
      delete from event_ids where ctid = any (array(
        select ctid from event_ids
         where event_day = ${drop.event_day} and seq <= ${drop.max_seq} limit ${limit}))`.execute(
      db,
    );
    if (Number(r.numAffectedRows ?? 0) < limit) {
      // Done only when none is left: another node may be deleting the same batch right now
      // (then we deleted nothing, yet some rows of the day may remain).
      await sql`delete from event_day_drops d where d.event_day = ${drop.event_day}
        and not exists (select 1 from event_ids i
                         where i.event_day = d.event_day and i.seq <= d.max_seq)`.execute(db);
    }
    return true;
  },
};
