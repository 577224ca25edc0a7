import type BetterSqlite3 from 'better-sqlite3';
import type { Kysely, Transaction } from 'kysely';
import { byCodeUnit } from '../../lib/compare.js';
import { nativeSqliteOf } from '../dialects/sqlite-native.js';
import { retryTransaction } from '../retry-transaction.js';
import type { Database } from '../schema.js';
import { indexEvent } from './event-columns.js';
import { type AccountEvent, insertAccountEventsIn, uniqueInOrder } from './events.repository.js';
import { insertEventsNative } from './events-native-insert.js';

/** A request's nonce to record: refused when seen at or after `windowStart` (a replay). */
export interface NonceWrite {
  accessKeyId: string;
  nonce: string;
  now: number;
  windowStart: number;
}

const NONCE_UPSERT = `insert into used_nonces (access_key_id, nonce, seen_at) values (?, ?, ?)
  on conflict (access_key_id, nonce) do update set seen_at = excluded.seen_at
  where used_nonces.seen_at < ?`;

const nonceStatements = new WeakMap<BetterSqlite3.Database, BetterSqlite3.Statement>();

/**
 * The API's per-request writes of many concurrent requests in ONE transaction ([G] group
 * commit): each nonce is recorded exactly as rememberNonce does (one upsert that is also the
 * replay check) and the self-audit events are stored like insertAccountEvents. Returns, per
 * nonce in the given order, whether it was fresh. Nonces are written in (key, nonce) order so
 * two PostgreSQL nodes committing overlapping groups cannot deadlock; a transient conflict
 * runs the whole group again, since nothing of it is answered before the commit.
 */
export async function commitRequestWrites(
  db: Kysely<Database>,
  nonces: readonly NonceWrite[],
  events: readonly AccountEvent[],
): Promise<boolean[]> {
  // Index first: an event without id or time fails the group before anything is written.
  const indexed = events.map((e) => ({ accountId: e.accountId, ...indexEvent(e.event) }));
  const order = nonces
    .map((n, i) => ({ n, i }))
    .sort(
      (a, b) =>
        byCodeUnit(a.n.accessKeyId, b.n.accessKeyId) ||
        byCodeUnit(a.n.nonce, b.n.nonce) ||
        a.i - b.i,
    );
  const native = nativeSqliteOf(db);
  if (native) {
    return db.transaction().execute(async () => {
      let upsert = nonceStatements.get(native);
      if (!upsert) {
        upsert = native.prepare(NONCE_UPSERT);
        nonceStatements.set(native, upsert);
      }
      const fresh = new Array<boolean>(nonces.length);
      for (const { n, i } of order) {
        fresh[i] = upsert.run(n.accessKeyId, n.nonce, n.now, n.windowStart).changes > 0;
      }
      insertEventsNative(native, uniqueInOrder(indexed, 'given'));
      return fresh;
    });
  }
  return retryTransaction(() =>
    db.transaction().execute(async (trx) => {
      const fresh = new Array<boolean>(nonces.length);
      for (const { n, i } of order) fresh[i] = await upsertNonce(trx, n);
      await insertAccountEventsIn(trx, events);
      return fresh;
    }),
  );
}

async function upsertNonce(trx: Transaction<Database>, n: NonceWrite): Promise<boolean> {
  const r = await trx
    .insertInto('used_nonces')
    .values({ access_key_id: n.accessKeyId, nonce: n.nonce, seen_at: n.now })
    .onConflict((oc) =>
      oc
        .columns(['access_key_id', 'nonce'])
        .doUpdateSet({ seen_at: n.now })
        .where('used_nonces.seen_at', '<', n.windowStart),
    )
    .executeTakeFirst();
  return Number(r.numInsertedOrUpdatedRows ?? 0n) > 0;
}
