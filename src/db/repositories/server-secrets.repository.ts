import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';

async function readSecret(db: Kysely<Database>, name: string): Promise<string | undefined> {
  const row = await db
    .selectFrom('server_secrets')
    .select('value')
    .where('name', '=', name)
    .executeTakeFirst();
  return row?.value;
}

/**
 * Returns the secret stored under `name`, creating it with `generate()` if there is none.
 * Insert-if-absent then read again, so nodes starting together agree on one value.
 */
export async function getOrCreateSecret(
  db: Kysely<Database>,
  name: string,
  generate: () => string,
  now: number,
): Promise<string> {
  const existing = await readSecret(db, name);
  if (existing !== undefined) return existing;
  await db
    .insertInto('server_secrets')
    .values({ name, value: generate(), created_at: now })
    .onConflict((oc) => oc.column('name').doNothing())
    .execute();
  const stored = await readSecret(db, name);
  if (stored === undefined) throw new Error(`server secret ${name} vanished after insert`);
  return stored;
}
