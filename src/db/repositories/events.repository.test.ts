import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BASE_TIME, sampleEvent } from '../../../test/helpers/sample-events.js';
import { openTestDatabase } from '../../../test/helpers/test-database.js';
import type { DatabaseHandle } from '../open-database.js';
import { InvalidEventError } from './event-columns.js';
import {
  countEventsForDelivery,
  insertEvents,
  safeHorizon,
  scanEventsForDelivery,
} from './events.repository.js';

const A = '1000000000000001';
const B = '1000000000000002';

describe('event store', () => {
  let handle: DatabaseHandle;
  beforeEach(async () => {
    handle = await openTestDatabase();
  });
  afterEach(async () => {
    await handle.close();
  });

  const stored = (accountId: string) =>
    handle.db
      .selectFrom('events')
      .select(['seq', 'event_id', 'event_json'])
      .where('account_id', '=', accountId)
      .orderBy('seq')
      .execute();

  it('stores each (account, eventId) once and counts repeats as duplicates', async () => {
    const first = sampleEvent(BASE_TIME);
    const second = sampleEvent(BASE_TIME + 1000);
    expect(await insertEvents(handle.db, A, [first, second, first])).toEqual({
      inserted: 2,
      duplicates: 1,
    });
    const changed = { ...first, eventName: 'Changed' };
    expect(await insertEvents(handle.db, A, [changed])).toEqual({ inserted: 0, duplicates: 1 });
    // The first copy wins; the repeat did not overwrite it.
    const rows = await stored(A);
    expect(rows.map((r) => r.event_id)).toEqual([first.eventId, second.eventId]);
    expect(JSON.parse(rows[0]?.event_json ?? '{}').eventName).toBe('DescribeInstances');
    // Another account may hold the same eventId.
    expect(await insertEvents(handle.db, B, [first])).toEqual({ inserted: 1, duplicates: 0 });
  });

  it('hands out increasing sequences and reports the highest as the safe horizon', async () => {
    expect(await safeHorizon(handle.db)).toBe(0);
    await insertEvents(handle.db, A, [sampleEvent(BASE_TIME), sampleEvent(BASE_TIME - 5000)]);
    await insertEvents(handle.db, B, [sampleEvent(BASE_TIME)]);
    const seqs = [...(await stored(A)), ...(await stored(B))].map((r) => r.seq);
    expect(seqs).toEqual([...seqs].sort((x, y) => x - y));
    expect(new Set(seqs).size).toBe(3);
    expect(await safeHorizon(handle.db)).toBe(Math.max(...seqs));
  });

  it('stores nothing when one event of the call is invalid', async () => {
    await expect(
      insertEvents(handle.db, A, [sampleEvent(BASE_TIME), sampleEvent(BASE_TIME, { eventId: 7 })]),
    ).rejects.toThrow(InvalidEventError);
    expect(await stored(A)).toEqual([]);
  });

  it('inserts batches larger than one multi-row statement', async () => {
    const events = Array.from({ length: 1234 }, (_, i) => sampleEvent(BASE_TIME + i * 10));
    expect(await insertEvents(handle.db, A, events)).toEqual({ inserted: 1234, duplicates: 0 });
    const resources = await handle.db
      .selectFrom('event_resources')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(resources.n)).toBe(1234);
  });

  it('stores overlapping batches sent at once in opposite orders once each, without failing', async () => {
    const events = Array.from({ length: 400 }, (_, i) => sampleEvent(BASE_TIME + i * 10));
    const reversed = [...events].reverse();
    const results = await Promise.all([
      insertEvents(handle.db, A, events, 'time'),
      insertEvents(handle.db, A, reversed, 'time'),
      insertEvents(handle.db, A, events.slice(200), 'time'),
      insertEvents(handle.db, A, reversed.slice(100), 'time'),
    ]);
    expect(results.reduce((n, r) => n + r.inserted, 0)).toBe(400);
    expect(results.reduce((n, r) => n + r.duplicates, 0)).toBe(400 + 200 + 300);
    const ids = (await stored(A)).map((r) => r.event_id);
    expect(new Set(ids)).toEqual(new Set(events.map((e) => e.eventId)));
    expect(ids).toHaveLength(400);
  });

  it('keeps the order it was given unless asked for time order', async () => {
    const later = sampleEvent(BASE_TIME + 5000);
    const earlier = sampleEvent(BASE_TIME);
    await insertEvents(handle.db, A, [later, earlier]);
    await insertEvents(handle.db, B, [later, earlier], 'time');
    expect((await stored(A)).map((r) => r.event_id)).toEqual([later.eventId, earlier.eventId]);
    expect((await stored(B)).map((r) => r.event_id)).toEqual([earlier.eventId, later.eventId]);
  });

  it('reads delivery chunks by account, region and eventRW in seq order up to the cut-off', async () => {
    const events = [
      sampleEvent(BASE_TIME, { eventRW: 'Write' }),
      sampleEvent(BASE_TIME, { eventRW: 'Read' }),
      sampleEvent(BASE_TIME, { eventRW: 'Write', acsRegion: 'cn-beijing' }),
      sampleEvent(BASE_TIME - 60_000, { eventRW: 'Write' }),
      sampleEvent(BASE_TIME + 1000, { eventRW: 'Write' }),
      sampleEvent(BASE_TIME + 2000, { eventRW: 'Write' }),
    ];
    await insertEvents(handle.db, A, events);
    await insertEvents(handle.db, B, [sampleEvent(BASE_TIME, { eventRW: 'Write' })]);
    const cutoff = (await safeHorizon(handle.db)) - 2; // excludes the last A event and B's
    const scan = {
      accountId: A,
      region: 'cn-hangzhou',
      eventRW: 'Write' as const,
      fromTime: BASE_TIME,
      cutoffSeq: cutoff,
      limit: 1,
    };
    const first = await scanEventsForDelivery(handle.db, { ...scan, afterSeq: 0 });
    const second = await scanEventsForDelivery(handle.db, {
      ...scan,
      afterSeq: first[0]?.seq ?? 0,
    });
    const third = await scanEventsForDelivery(handle.db, {
      ...scan,
      afterSeq: second[0]?.seq ?? 0,
    });
    const ids = [...first, ...second, ...third].map((e) => JSON.parse(e.eventJson).eventId);
    expect(ids).toEqual([events[0]?.eventId, events[4]?.eventId]);
    const all = await scanEventsForDelivery(handle.db, {
      ...scan,
      eventRW: 'All',
      afterSeq: 0,
      limit: 100,
    });
    expect(all.map((e) => JSON.parse(e.eventJson).eventId)).toEqual([
      events[0]?.eventId,
      events[1]?.eventId,
      events[4]?.eventId,
    ]);
  });

  it('counts exactly what a delivery scan reads, whether or not the window cuts events', async () => {
    const events = [-3, -2, -1, 0, 1, 2, 3].map((d) =>
      sampleEvent(BASE_TIME + d * 86_400_000, { eventRW: d % 2 === 0 ? 'Write' : 'Read' }),
    );
    await insertEvents(handle.db, A, events);
    await insertEvents(handle.db, B, [sampleEvent(BASE_TIME - 9 * 86_400_000)]);
    await insertEvents(handle.db, A, [
      sampleEvent(BASE_TIME, { acsRegion: 'cn-shanghai', eventRW: 'Write' }),
    ]);
    const cutoffSeq = await safeHorizon(handle.db);
    const day = 86_400_000;
    const windows = [
      { fromTime: BASE_TIME - 10 * day }, // every event of A inside: the window is left out
      { fromTime: BASE_TIME - 10 * day, toTime: BASE_TIME + 10 * day },
      { fromTime: BASE_TIME - day }, // cuts the oldest
      { fromTime: BASE_TIME - 10 * day, toTime: BASE_TIME + day }, // cuts the newest
      { fromTime: BASE_TIME + 10 * day }, // cuts everything
    ];
    const counted: number[] = [];
    for (const w of windows) {
      for (const eventRW of ['All', 'Write'] as const) {
        const scan = { accountId: A, region: 'cn-hangzhou', eventRW, afterSeq: 0, cutoffSeq, ...w };
        const read = await scanEventsForDelivery(handle.db, { ...scan, limit: 1_000 });
        const counts = await countEventsForDelivery(handle.db, {
          ...scan,
          regions: ['cn-hangzhou', 'cn-shanghai', 'cn-beijing'],
        });
        expect(counts.get('cn-hangzhou')).toBe(read.length);
        const other = await scanEventsForDelivery(handle.db, {
          ...scan,
          region: 'cn-shanghai',
          limit: 1_000,
        });
        expect(counts.get('cn-shanghai')).toBe(other.length);
        // A region of the job without events counts 0, not missing.
        expect(counts.get('cn-beijing')).toBe(0);
        counted.push(counts.get('cn-hangzhou') as number);
      }
    }
    expect(counted).toEqual([7, 3, 7, 3, 5, 2, 5, 2, 0, 0]);
    expect(
      await countEventsForDelivery(handle.db, {
        accountId: 'no-events',
        regions: ['cn-hangzhou'],
        eventRW: 'All',
        fromTime: 0,
        afterSeq: 0,
        cutoffSeq,
      }),
    ).toEqual(new Map([['cn-hangzhou', 0]]));
  });
});
