import type BetterSqlite3 from 'better-sqlite3';
import { type Kysely, sql, type Transaction } from 'kysely';
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
 * A self-audit event, and the nonce (by its index in the group's nonces) it is stored only with:
 * a Read Action's request records its nonce in its self-audit commit (EventWriter).
 */
export type RequestEvent = AccountEvent & { nonceAt?: number | undefined };

/**
 * The API's per-request writes of many concurrent requests in ONE transaction ([G] group
 * commit): each nonce is recorded exactly as rememberNonce does (one upsert that is also the
 * replay check) and the self-audit events are stored like insertAccountEvents, except an event
 * tied to a nonce that was not fresh (a replay: not audited, as a replay refused before its
 * Action is not). Returns, per nonce in the given order, whether it was fresh. Nonces are
 * written in (key, nonce) order so two PostgreSQL nodes committing overlapping groups cannot
 * deadlock; a transient conflict runs the whole group again, since nothing of it is answered
 * before the commit.
 */
export async function commitRequestWrites(
  db: Kysely<Database>,
  nonces: readonly NonceWrite[],
  events: readonly RequestEvent[],
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
  const kept = <T>(items: readonly T[], fresh: readonly boolean[]): T[] =>
    items.filter((_, at) => {
      const nonceAt = events[at]?.nonceAt;
      return nonceAt === undefined || fresh[nonceAt] === true;
    });
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
      insertEventsNative(native, uniqueInOrder(kept(indexed, fresh), 'given'));
      return fresh;
    });
  }
  return retryTransaction(() =>
    db.transaction().execute(async (trx) => {
      const sortedFresh = await upsertNonces(
        trx,
        order.map((o) => o.n),
      );
      const fresh = new Array<boolean>(nonces.length);
      for (const [at, { i }] of order.entries()) fresh[i] = sortedFresh[at] === true;
      await insertAccountEventsIn(trx, kept(events, fresh));
      return fresh;
    }),
  );
}

/**
 * The group's nonces (in (key, nonce) order) in one statement when they share one window length
 * (they do: the window is a setting): on PostgreSQL each statement is a round trip, and one
 * upsert per request was the largest cost of a signed call there. A nonce twice in the group is
 * a replay after its first sighting, as the statements one by one would have found; a multi-row
 * upsert may not touch a row twice, so only the first goes in. RETURNING lists the rows
 * inserted or refreshed, i.e. the fresh nonces.
 */
async function upsertNonces(
  trx: Transaction<Database>,
  sorted: readonly NonceWrite[],
): Promise<boolean[]> {
  const window = sorted[0] ? sorted[0].now - sorted[0].windowStart : 0;
  if (sorted.length < 2 || sorted.some((n) => n.now - n.windowStart !== window)) {
    const fresh: boolean[] = [];
    for (const n of sorted) fresh.push(await upsertNonce(trx, n));
    return fresh;
  }
  const first = sorted.map(
    (n, at) =>
      at === 0 ||
      n.accessKeyId !== sorted[at - 1]?.accessKeyId ||
      n.nonce !== sorted[at - 1]?.nonce,
  );
  const firsts = sorted.filter((_, at) => first[at]);
  const { rows } = await sql<{ access_key_id: string; nonce: string }>`
    insert into used_nonces (access_key_id, nonce, seen_at)
    select k, n, s from unnest(
      ${firsts.map((n) => n.accessKeyId)}::text[],
      ${firsts.map((n) => n.nonce)}::text[],
      ${firsts.map((n) => n.now)}::bigint[]) as t(k, n, s)
    on conflict (access_key_id, nonce) do update set seen_at = excluded.seen_at
    where used_nonces.seen_at < excluded.seen_at - ${window}
    returning access_key_id, nonce`.execute(trx);
  const fresh = new Set(rows.map((r) => `${r.access_key_id}\n${r.nonce}`));
  return sorted.map((n, at) => first[at] === true && fresh.has(`${n.accessKeyId}\n${n.nonce}`));
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
