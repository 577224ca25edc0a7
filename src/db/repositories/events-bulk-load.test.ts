import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { BASE_TIME, sampleEvent } from '../../../test/helpers/sample-events.js';
import { ensureAccounts } from '../../domain/events/ingest-seed.js';
import { type DatabaseHandle, openDatabase } from '../open-database.js';
import { indexEvent } from './event-columns.js';
import { type AccountEvent, insertAccountEvents } from './events.repository.js';
import { withBulkEventLoad } from './events-bulk-load.js';
import { packEvents } from './packed-events.js';

/**
 * The bulk load drops every event index, the unique (account, eventId) one included, and
 * removes the load's repeats before building them again ([G] round 10). What a user must not
 * be able to tell from a load batch by batch: the first copy of an event stays, a repeat
 * leaves nothing (no row, no resource row), the counts say so, the indexes are back.
 */
const ACCOUNT = '1000000000000001';
const dirs: string[] = [];
const handles: DatabaseHandle[] = [];

afterEach(async () => {
  for (const h of handles.splice(0)) await h.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function store(): Promise<DatabaseHandle> {
  const dir = mkdtempSync(path.join(tmpdir(), 'bulk-load-'));
  dirs.push(dir);
  const handle = await openDatabase({ databasePath: path.join(dir, 'opentrail.db') });
  handles.push(handle);
  await ensureAccounts(handle.db, [ACCOUNT], BASE_TIME);
  return handle;
}

const event = (eventId: string, minute: number, more: Record<string, unknown> = {}) => ({
  accountId: ACCOUNT,
  event: sampleEvent(BASE_TIME + minute * 60_000, { eventId, ...more }),
});

async function indexDefinitions(handle: DatabaseHandle) {
  const { rows } = await sql<{ name: string; sql: string }>`
    select name, sql from sqlite_master
    where type = 'index' and tbl_name in ('events', 'event_resources') order by name`.execute(
    handle.db,
  );
  return rows;
}

async function stored(handle: DatabaseHandle) {
  const events = await handle.db
    .selectFrom('events')
    .select(['seq', 'event_id', 'event_name'])
    .orderBy('seq')
    .execute();
  const resources = await handle.db
    .selectFrom('event_resources')
    .select(['seq', 'resource_name'])
    .orderBy('seq')
    .execute();
  return { events, resources };
}

describe('withBulkEventLoad', () => {
  it('keeps the first copy of a repeated event, counts the repeats and rebuilds every index', async () => {
    const handle = await store();
    const indexes = await indexDefinitions(handle);
    expect(indexes.map((i) => i.name)).toContain('events_account_event_id');
    await insertAccountEvents(handle.db, [event('old-1', 0, { eventName: 'Original' })]);

    const result = await withBulkEventLoad(handle.db, async (store) => {
      const first = await store([
        event('old-1', 1, { eventName: 'RepeatOfStored', resourceName: 'i-repeat' }),
        event('new-1', 2),
        event('new-2', 3, { eventName: 'FirstCopy', resourceName: 'i-first' }),
      ]);
      const second = await store([
        event('new-2', 4, { eventName: 'SecondCopy', resourceName: 'i-second' }),
        event('new-3', 5),
      ]);
      return [first, second];
    });

    // The batches stored every row; the repeats were found once the load had stored them all.
    expect(result.value).toEqual([
      { inserted: 3, duplicates: 0 },
      { inserted: 2, duplicates: 0 },
    ]);
    expect(result.lateDuplicates).toBe(2);
    const { events, resources } = await stored(handle);
    expect(events.map((e) => [e.event_id, e.event_name])).toEqual([
      ['old-1', 'Original'],
      ['new-1', 'DescribeInstances'],
      ['new-2', 'FirstCopy'],
      ['new-3', 'DescribeInstances'],
    ]);
    const names = resources.map((r) => r.resource_name);
    expect(names).toContain('i-first');
    expect(names).not.toContain('i-repeat');
    expect(names).not.toContain('i-second');
    const seqs = new Set(events.map((e) => e.seq));
    for (const r of resources) expect(seqs).toContain(r.seq);

    expect(await indexDefinitions(handle)).toEqual(indexes);
    // The unique index is back: a later write of a stored event changes nothing.
    expect(await insertAccountEvents(handle.db, [event('new-3', 9)])).toEqual({
      inserted: 0,
      duplicates: 1,
    });
  });

  it('finds no repeats in a load without any', async () => {
    const handle = await store();
    const result = await withBulkEventLoad(handle.db, (store) =>
      store([event('a', 0), event('b', 1), event('c', 2)]),
    );
    expect(result).toEqual({ value: { inserted: 3, duplicates: 0 }, lateDuplicates: 0 });
    expect((await stored(handle)).events.map((e) => e.event_id)).toEqual(['a', 'b', 'c']);
  });

  it('leaves the store as it was when the load fails, unique index included', async () => {
    const handle = await store();
    await insertAccountEvents(handle.db, [event('kept', 0)]);
    const indexes = await indexDefinitions(handle);
    const failing = withBulkEventLoad(handle.db, async (store) => {
      await store([event('lost', 1)]);
      throw new Error('disk full');
    });
    await expect(failing).rejects.toThrow('disk full');
    expect((await stored(handle)).events.map((e) => e.event_id)).toEqual(['kept']);
    expect(await indexDefinitions(handle)).toEqual(indexes);
  });

  // The seed's and the import's threads hand batches over packed; they are appended several
  // rows a statement, numbered by the load itself (events-packed-append.ts).
  it('stores a packed batch as batch-by-batch writes store it, sequences and resources alike', async () => {
    const withHole = async () => {
      const handle = await store();
      await insertAccountEvents(handle.db, [event('a', 0), event('b', 1), event('purged', 2)]);
      // Sequence 3 was handed out and is gone: AUTOINCREMENT never hands it out again.
      await handle.db.deleteFrom('events').where('event_id', '=', 'purged').execute();
      return handle;
    };
    // 40 events of two resources each: full statements of 32 rows and the rows left over.
    const batch: AccountEvent[] = Array.from({ length: 40 }, (_, i) =>
      event(`p-${i}`, 10 + i, { resourceName: `i-${i}-a,i-${i}-b` }),
    );
    const packed = await withHole();
    const result = await withBulkEventLoad(packed.db, async (_store, storePacked) =>
      storePacked(
        packEvents(batch.map((e) => ({ accountId: e.accountId, ...indexEvent(e.event) }))),
      ),
    );
    expect(result).toEqual({ value: 40, lateDuplicates: 0 });
    const plain = await withHole();
    await insertAccountEvents(plain.db, batch);
    const rows = await stored(packed);
    expect(rows).toEqual(await stored(plain));
    expect(rows.events.map((e) => e.seq)).toEqual([
      1,
      2,
      ...Array.from({ length: 40 }, (_, i) => 4 + i),
    ]);
    expect(rows.resources.filter((r) => r.seq >= 4)).toHaveLength(80);
    expect(rows.resources.slice(-2)).toEqual([
      { seq: 43, resource_name: 'i-39-a' },
      { seq: 43, resource_name: 'i-39-b' },
    ]);
  });

  it('fails a packed batch with a row the store cannot take, and keeps nothing of it', async () => {
    const handle = await store();
    const [good, bad] = [event('fine', 0), event('no-account', 1)].map((e) => ({
      accountId: e.accountId,
      ...indexEvent(e.event),
    }));
    // The second event has no account: neither it nor its resource row can be stored.
    const packed = packEvents([good!, { ...bad!, accountId: null as unknown as string }]);
    const failing = withBulkEventLoad(handle.db, async (_store, storePacked) =>
      storePacked(packed),
    );
    await expect(failing).rejects.toThrow('a bulk load stored 2 of 4 rows');
    expect((await stored(handle)).events).toEqual([]);
  });
});
