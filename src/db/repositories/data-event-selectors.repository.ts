import type { Insertable, Kysely, Selectable } from 'kysely';
import type { Database, DataEventSelectorsTable } from '../schema.js';

export type DataEventSelectorRow = Selectable<DataEventSelectorsTable>;

export async function findDataEventSelectors(
  db: Kysely<Database>,
  accountId: string,
  trailName: string,
): Promise<DataEventSelectorRow | undefined> {
  return db
    .selectFrom('data_event_selectors')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('trail_name', '=', trailName)
    .executeTakeFirst();
}

/** Inserts or replaces the trail's selectors; `created_at` stays that of the first put. */
export async function upsertDataEventSelectors(
  db: Kysely<Database>,
  row: Insertable<DataEventSelectorsTable>,
): Promise<DataEventSelectorRow> {
  return db
    .insertInto('data_event_selectors')
    .values(row)
    .onConflict((oc) =>
      oc.columns(['account_id', 'trail_name']).doUpdateSet({
        event_selectors: row.event_selectors,
        is_trail_all_region: row.is_trail_all_region ?? 0,
        trail_region_ids: row.trail_region_ids ?? '',
        updated_at: row.updated_at,
      }),
    )
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function deleteDataEventSelectors(
  db: Kysely<Database>,
  accountId: string,
  trailName: string,
): Promise<void> {
  await db
    .deleteFrom('data_event_selectors')
    .where('account_id', '=', accountId)
    .where('trail_name', '=', trailName)
    .execute();
}

/** One page of the account's selector sets in trail-name order, after `afterName`. */
export async function listDataEventSelectors(
  db: Kysely<Database>,
  accountId: string,
  afterName: string | undefined,
  limit: number,
): Promise<DataEventSelectorRow[]> {
  let q = db.selectFrom('data_event_selectors').selectAll().where('account_id', '=', accountId);
  if (afterName !== undefined) q = q.where('trail_name', '>', afterName);
  return q.orderBy('trail_name').limit(limit).execute();
}
