import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';

/**
 * Records a nonce for a key. Returns false when the same nonce was already seen at or after
 * `windowStart` (a replay). An older sighting is outside the window and is simply refreshed.
 * One statement, so two concurrent requests with one nonce cannot both pass.
 */
export async function rememberNonce(
  db: Kysely<Database>,
  accessKeyId: string,
  nonce: string,
  now: number,
  windowStart: number,
): Promise<boolean> {
  const r = await db
    .insertInto('used_nonces')
    .values({ access_key_id: accessKeyId, nonce, seen_at: now })
    .onConflict((oc) =>
      oc
        .columns(['access_key_id', 'nonce'])
        .doUpdateSet({ seen_at: now })
        .where('used_nonces.seen_at', '<', windowStart),
    )
    .executeTakeFirst();
  return Number(r.numInsertedOrUpdatedRows ?? 0n) > 0;
}

/**
 * Deletes nonces seen before `before`, about `limit` at a time (ties on the boundary time may
 * add a few), so a purge never holds the single SQLite writer for long.
 */
export async function purgeNonces(
  db: Kysely<Database>,
  before: number,
  limit: number,
): Promise<number> {
  const boundary = await db
    .selectFrom('used_nonces')
    .select('seen_at')
    .where('seen_at', '<', before)
    .orderBy('seen_at')
    .limit(1)
    .offset(limit - 1)
    .executeTakeFirst();
  const r = await db
    .deleteFrom('used_nonces')
    .where('seen_at', boundary ? '<=' : '<', boundary ? boundary.seen_at : before)
    .executeTakeFirst();
  return Number(r.numDeletedRows);
}
