import type { Kysely, Selectable } from 'kysely';
import type { AccessKeyStatus, AccessKeysTable, Database } from '../schema.js';

export type AccessKeyRow = Selectable<AccessKeysTable>;

export async function insertAccessKey(db: Kysely<Database>, row: AccessKeyRow): Promise<void> {
  await db.insertInto('access_keys').values(row).execute();
}

export async function findAccessKey(
  db: Kysely<Database>,
  id: string,
): Promise<AccessKeyRow | undefined> {
  return db.selectFrom('access_keys').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function listAccessKeys(
  db: Kysely<Database>,
  accountId?: string,
): Promise<AccessKeyRow[]> {
  let q = db.selectFrom('access_keys').selectAll();
  if (accountId !== undefined) q = q.where('account_id', '=', accountId);
  return q.orderBy('created_at').orderBy('id').execute();
}

export async function setAccessKeyStatus(
  db: Kysely<Database>,
  id: string,
  status: AccessKeyStatus,
): Promise<boolean> {
  const r = await db
    .updateTable('access_keys')
    .set({ status })
    .where('id', '=', id)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/** Presets (OPENTRAIL_ACCESS_KEY_*) are the source of truth for their key on every start. */
export async function updatePresetKey(
  db: Kysely<Database>,
  id: string,
  values: Pick<AccessKeyRow, 'secret' | 'account_id' | 'status'>,
): Promise<void> {
  await db.updateTable('access_keys').set(values).where('id', '=', id).execute();
}
