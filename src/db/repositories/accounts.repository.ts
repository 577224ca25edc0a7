import type { Kysely } from 'kysely';
import type { AccountsTable, Database } from '../schema.js';

export async function insertAccount(db: Kysely<Database>, row: AccountsTable): Promise<void> {
  await db
    .insertInto('accounts')
    .values(row)
    .onConflict((oc) => oc.column('id').doNothing())
    .execute();
}

export async function findAccount(
  db: Kysely<Database>,
  id: string,
): Promise<AccountsTable | undefined> {
  return db.selectFrom('accounts').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function countAccounts(db: Kysely<Database>): Promise<number> {
  const row = await db
    .selectFrom('accounts')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function listAccounts(db: Kysely<Database>): Promise<AccountsTable[]> {
  return db.selectFrom('accounts').selectAll().orderBy('created_at').execute();
}

/**
 * Serialises an account's check-then-write transactions among all nodes (CreateTrail's quota
 * count and insert; CreateDeliveryHistoryJob and DeleteTrail against each other): a no-op
 * update locks the account's row until the transaction ends on PostgreSQL, and takes SQLite's
 * single write lock at once. Call it first in the transaction.
 */
export async function lockAccountForWrite(db: Kysely<Database>, id: string): Promise<void> {
  await db
    .updateTable('accounts')
    .set((eb) => ({ id: eb.ref('id') }))
    .where('id', '=', id)
    .execute();
}
