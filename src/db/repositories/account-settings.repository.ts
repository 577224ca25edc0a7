import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';

/** The account's global events storage region, undefined until UpdateGlobalEventsStorageRegion. */
export async function findStorageRegion(
  db: Kysely<Database>,
  accountId: string,
): Promise<string | undefined> {
  const row = await db
    .selectFrom('global_events_storage_regions')
    .select('storage_region')
    .where('account_id', '=', accountId)
    .executeTakeFirst();
  return row?.storage_region;
}

export async function saveStorageRegion(
  db: Kysely<Database>,
  accountId: string,
  region: string,
  now: number,
): Promise<void> {
  await db
    .insertInto('global_events_storage_regions')
    .values({ account_id: accountId, storage_region: region, updated_at: now })
    .onConflict((oc) =>
      oc.column('account_id').doUpdateSet({ storage_region: region, updated_at: now }),
    )
    .execute();
}
