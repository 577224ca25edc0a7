import { type Kysely, sql } from 'kysely';
import { DAY_MS } from '../../lib/time.js';
import type { Database } from '../schema.js';
import type { CreateDayHooks, EventPartitions } from './dialect.js';
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

/** The default partition holds rows of the day: createDay starts again, locking the parents. */
class RowsToMove extends Error {}

async function createDayIn(
  trx: Kysely<Database>,
  day: number,
  mode: 'nothing-to-move' | 'move',
  hooks: CreateDayHooks | undefined,
): Promise<boolean> {
  if (await exists(trx, partitionName('events', day))) return false;
  // With the parents' indexes already built, ATTACH adopts them instead of building them
  // under the lock below.
  for (const table of TABLES) {
    const part = sql.table(partitionName(table, day));
    await sql`create table ${part} (like ${sql.table(table)} including defaults including indexes)`.execute(
      trx,
    );
  }
  await (mode === 'move'
    ? sql`lock table only events, only event_resources in access exclusive mode`
    : sql`lock table only events, only event_resources in share mode`
  ).execute(trx);
  // Held until commit: no row of the day can reach the default partition meanwhile.
  await sql`lock table events_default, event_resources_default in access exclusive mode`.execute(
    trx,
  );
  for (const table of TABLES) {
    const part = sql.table(partitionName(table, day));
    const fallback = sql.table(`${table}_default`);
    if (mode === 'nothing-to-move') {
      const some =
        await sql`select 1 from ${fallback} where event_day = ${sql.lit(day)} limit 1`.execute(trx);
      if (some.rows.length > 0) throw new RowsToMove();
    } else {
      await sql`insert into ${part} select * from ${fallback} where event_day = ${sql.lit(day)}`.execute(
        trx,
      );
      await sql`delete from ${fallback} where event_day = ${sql.lit(day)}`.execute(trx);
    }
    await sql`alter table ${sql.table(table)} attach partition ${part}
      for values from (${sql.lit(day)}) to (${sql.lit(day + 1)})`.execute(trx);
  }
  await hooks?.beforeCommit?.();
  return true;
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
   * A new day: its tables are created outside the partition tree and then attached. A query
   * that planned with the old partition list and then waited for a lock of ours must not miss
   * the day ([E2]), so the parents are locked before anything moves:
   * - When the default partition holds none of the day's rows (the usual case: days are
   *   created ahead), SHARE mode: reads go on (they find no row of the day anywhere before the
   *   commit, as after it); writes wait, as an insert routed by the old list would otherwise
   *   put a row of the day into the default partition and fail its new constraint.
   * - When it holds some, they move into the new partition with their sequences, under ACCESS
   *   EXCLUSIVE as in dropDay: a read waiting for the default partition would find the moved
   *   rows nowhere. Queued behind the parents' lock, a query plans again afterwards.
   * Either lock lasts the few milliseconds of the work (measured in docs/events.md).
   */
  async createDay(db, day, hooks) {
    try {
      try {
        return await locked(db, '2s', (trx) => createDayIn(trx, day, 'nothing-to-move', hooks));
      } catch (e) {
        if (!(e instanceof RowsToMove)) throw e;
      }
      return await locked(db, '2s', (trx) => createDayIn(trx, day, 'move', hooks));
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
