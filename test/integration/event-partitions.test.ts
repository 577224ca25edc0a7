import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { partitionName } from '../../src/db/dialects/postgres-partitions.js';
import type { DatabaseHandle } from '../../src/db/open-database.js';
import { eventDay } from '../../src/db/repositories/event-columns.js';
import {
  lookupEvents,
  lookupEventsQuery,
} from '../../src/db/repositories/event-lookup.repository.js';
import { insertEvents } from '../../src/db/repositories/events.repository.js';
import { type DayPartitions, dayPartitionsOf } from '../../src/domain/events/day-partitions.js';
import { RetentionHolds, RetentionPurger } from '../../src/domain/events/retention.js';
import { ManualClock } from '../../src/lib/clock.js';
import { DAY_MS } from '../../src/lib/time.js';
import { postgresPlanRelations } from '../helpers/query-plan.js';
import { sampleEvent } from '../helpers/sample-events.js';
import { openTestDatabase, TEST_DB } from '../helpers/test-database.js';

const A = '1000000000000001';
/**
 * openTestDatabase() has no day partitions yet (a server would create today − 90 … today + 2);
 * the days used here lie outside that window anyway, so they start without partitions.
 */
const NOW = Date.now();
const TODAY = eventDay(NOW);
const FUTURE = TODAY + 40;
const at = (day: number, hour = 10) => day * DAY_MS + hour * 3_600_000;
const part = (table: 'events' | 'event_resources', day: number) => partitionName(table, day);

// Day partitions exist on PostgreSQL only (migration 0005); SQLite keeps one table.
describe.runIf(TEST_DB === 'postgres')('day-partitioned events on PostgreSQL', () => {
  let h: DatabaseHandle;
  let partitions: DayPartitions;
  beforeAll(async () => {
    h = await openTestDatabase();
    const p = dayPartitionsOf(h.dialect.eventPartitions, h.db);
    if (!p) throw new Error('the PostgreSQL dialect has day partitions');
    partitions = p;
  });
  afterAll(() => h?.close());

  const count = async (table: string, where = sql`true`) =>
    Number(
      (
        await sql<{
          n: number;
        }>`select count(*) as n from ${sql.table(table)} where ${where}`.execute(h.db)
      ).rows[0]?.n,
    );

  it('keeps events of a day without a partition, and moves them in when the day is created', async () => {
    const day = FUTURE - 3;
    const events = [sampleEvent(at(day)), sampleEvent(at(day, 11)), sampleEvent(at(day + 1))];
    expect(await insertEvents(h.db, A, events)).toEqual({ inserted: 3, duplicates: 0 });
    expect(await count('events_default', sql`event_day = ${day}`)).toBe(2);
    const before = await h.db
      .selectFrom('events')
      .select(['seq', 'event_id'])
      .orderBy('seq')
      .execute();

    expect(await partitions.createDay(day)).toBe(true);
    expect(await partitions.createDay(day)).toBe(false);
    expect(await count(part('events', day))).toBe(2);
    expect(await count(part('event_resources', day))).toBe(2);
    expect(await count('events_default', sql`event_day = ${day}`)).toBe(0);
    const after = await h.db
      .selectFrom('events')
      .select(['seq', 'event_id'])
      .orderBy('seq')
      .execute();
    expect(after).toEqual(before); // same events, same sequences
    // New events of the day go straight to its partition.
    await insertEvents(h.db, A, [sampleEvent(at(day, 12))]);
    expect(await count(part('events', day))).toBe(3);
  });

  it('keeps (account, eventId) unique across days and partitions', async () => {
    const first = sampleEvent(at(FUTURE - 3, 1));
    const sameIdOtherDay = {
      ...first,
      eventTime: new Date(at(FUTURE + 40)).toISOString().replace('.000Z', 'Z'),
    };
    expect(await insertEvents(h.db, A, [first])).toEqual({ inserted: 1, duplicates: 0 });
    expect(await insertEvents(h.db, A, [sameIdOtherDay])).toEqual({ inserted: 0, duplicates: 1 });
    expect(await insertEvents(h.db, '1000000000000002', [sameIdOtherDay])).toEqual({
      inserted: 1,
      duplicates: 0,
    });
  });

  it("reads only the partitions of a lookup's days", async () => {
    for (const d of [FUTURE - 1, FUTURE, FUTURE + 1]) await partitions.createDay(d);
    await insertEvents(h.db, A, [
      sampleEvent(at(FUTURE - 1), { eventName: 'Hit' }),
      sampleEvent(at(FUTURE), { eventName: 'Hit', resourceName: 'bucket-a' }),
      sampleEvent(at(FUTURE + 1), { eventName: 'Hit' }),
    ]);
    const lookup = {
      accountId: A,
      conditions: [{ key: 'EventName' as const, value: 'Hit' }],
      fromTime: at(FUTURE - 1, 0),
      toTime: at(FUTURE + 2, 0),
      direction: 'BACKWARD' as const,
      limit: 50,
    };
    expect(await postgresPlanRelations(h.db, lookupEventsQuery(h.db, lookup, FUTURE))).toEqual([
      part('events', FUTURE),
    ]);
    const byResource = {
      ...lookup,
      conditions: [{ key: 'ResourceName' as const, value: 'bucket-a' }],
    };
    expect(await postgresPlanRelations(h.db, lookupEventsQuery(h.db, byResource, FUTURE))).toEqual([
      part('event_resources', FUTURE),
      part('events', FUTURE),
    ]);
    expect((await lookupEvents(h.db, lookup)).map((e) => eventDay(e.eventTime))).toEqual([
      FUTURE + 1,
      FUTURE,
      FUTURE - 1,
    ]);
  });

  it('drops whole expired days where the holds allow, and row-deletes the rest', async () => {
    const old = TODAY - 200;
    for (const d of [old, old + 1, old + 2]) await partitions.createDay(d);
    const ids = (d: number) => [sampleEvent(at(d)), sampleEvent(at(d, 11))];
    const [d0, d1, d2] = [ids(old), ids(old + 1), ids(old + 2)];
    const stray = sampleEvent(at(old - 5)); // a day without a partition: the default keeps it
    await insertEvents(h.db, A, [stray, ...d0, ...d1, ...d2]);
    const seqOf = async (id: unknown) =>
      Number(
        (
          await h.db
            .selectFrom('events')
            .select('seq')
            .where('event_id', '=', String(id))
            .executeTakeFirstOrThrow()
        ).seq,
      );
    // A hold needs everything from the second day's first event on.
    const holds = new RetentionHolds();
    const heldFrom = await seqOf(d1[0]?.eventId);
    holds.register({ name: 'test-hold', lowestNeeded: async () => ({ seq: heldFrom }) });
    const clock = new ManualClock(NOW);
    const purger = new RetentionPurger({ db: h.db, clock, retentionDays: 90, holds, partitions });

    const report = await purger.purgeOnce();
    expect(report.droppedDays).toEqual([old]);
    expect(await partitions.listDays()).not.toContain(old);
    expect(await partitions.listDays()).toContain(old + 1);
    // The stray event (below the hold) went row by row; the held days' events stay.
    expect(await count('events', sql`event_id = ${String(stray.eventId)}`)).toBe(0);
    expect(report.deleted).toBe(3);
    expect(report.heldBack).toBe(4);
    // The dropped day's ids are forgotten with it (as a deleted row's are).
    expect(await count('event_ids', sql`event_day = ${old}`)).toBe(0);
    expect(await count('event_day_drops')).toBe(0);

    // Released: the held days go whole as well.
    const unheld = new RetentionPurger({
      db: h.db,
      clock,
      retentionDays: 90,
      holds: new RetentionHolds(),
      partitions,
    });
    const second = await unheld.purgeOnce();
    expect(second.droppedDays).toEqual([old + 1, old + 2]);
    expect(await count('events', sql`event_day between ${old} and ${old + 2}`)).toBe(0);
    expect(await count('event_ids', sql`event_day between ${old} and ${old + 2}`)).toBe(0);
  });
});
