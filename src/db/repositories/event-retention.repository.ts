import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';
import { eventDay } from './event-columns.js';

/**
 * The account after `previous` that has events (in account order), or undefined. One index
 * seek on events_time each, so walking the accounts never scans the events.
 */
export async function nextEventAccount(
  db: Kysely<Database>,
  previous: string | undefined,
): Promise<string | undefined> {
  let q = db.selectFrom('events').select((eb) => eb.fn.min('account_id').as('account_id'));
  if (previous !== undefined) q = q.where('account_id', '>', previous);
  const row = await q.executeTakeFirst();
  return row?.account_id ?? undefined;
}

export interface PurgeBatch {
  accountId: string;
  /** Delete only events with event_time below this (epoch ms). */
  before: number;
  /** And, when set, only events with seq below this (a hold needs everything from it on). */
  belowSeq?: number | undefined;
  limit: number;
}

/**
 * Deletes up to `limit` of the account's oldest events matching the batch (and their resource
 * rows) in one short transaction, so the single SQLite writer is never held for long.
 * Returns how many events were deleted.
 */
export async function purgeEventBatch(db: Kysely<Database>, batch: PurgeBatch): Promise<number> {
  return db.transaction().execute(async (trx) => {
    let q = trx
      .selectFrom('events')
      .select('seq')
      .where('account_id', '=', batch.accountId)
      .where('event_day', '<=', eventDay(batch.before)) // a range on events_time's day column
      .where('event_time', '<', batch.before);
    if (batch.belowSeq !== undefined) q = q.where('seq', '<', batch.belowSeq);
    const rows = await q
      .orderBy('event_day')
      .orderBy('event_time')
      .orderBy('seq')
      .limit(batch.limit)
      .execute();
    if (rows.length === 0) return 0;
    const seqs = rows.map((r) => r.seq);
    await trx.deleteFrom('event_resources').where('seq', 'in', seqs).execute();
    const r = await trx.deleteFrom('events').where('seq', 'in', seqs).executeTakeFirst();
    return Number(r.numDeletedRows);
  });
}

/** How many of the account's events have an event_time below `before`. */
export async function countEventsBefore(
  db: Kysely<Database>,
  accountId: string,
  before: number,
): Promise<number> {
  const row = await db
    .selectFrom('events')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('account_id', '=', accountId)
    .where('event_day', '<=', eventDay(before))
    .where('event_time', '<', before)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
