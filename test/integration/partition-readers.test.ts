import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { partitionName } from '../../src/db/dialects/postgres-partitions.js';
import type { DatabaseHandle } from '../../src/db/open-database.js';
import { eventDay } from '../../src/db/repositories/event-columns.js';
import { lookupEvents } from '../../src/db/repositories/event-lookup.repository.js';
import {
  insertEvents,
  scanEventsForDelivery,
} from '../../src/db/repositories/events.repository.js';
import { type DayPartitions, dayPartitionsOf } from '../../src/domain/events/day-partitions.js';
import { DAY_MS } from '../../src/lib/time.js';
import { sampleEvent } from '../helpers/sample-events.js';
import { openTestDatabase, TEST_DB } from '../helpers/test-database.js';

/**
 * [E2]: a read of `events` that starts while a day's partition is being created must see every
 * row of that day, whether the rows are still in the default partition or already in the new
 * one. The ordering is forced, not timed: the partition's transaction pauses before its commit
 * until the reader is seen waiting for a lock (pg_stat_activity), then commits.
 */
const A = '1000000000000001';
const ROWS = 300;
const at = (day: number, i: number) => day * DAY_MS + 3_600_000 + i * 1000;

describe.runIf(TEST_DB === 'postgres')('day partition maintenance and concurrent readers', () => {
  let h: DatabaseHandle;
  let partitions: DayPartitions;
  let nextDay = eventDay(Date.now()) + 300; // far outside any maintained window

  beforeAll(async () => {
    h = await openTestDatabase();
    const p = dayPartitionsOf(h.dialect.eventPartitions, h.db);
    if (!p) throw new Error('the PostgreSQL dialect has day partitions');
    partitions = p;
  });
  afterAll(() => h?.close());

  /** A day without a partition whose ROWS events wait in the default partition. */
  async function dayInDefault(): Promise<number> {
    const day = nextDay++;
    const events = Array.from({ length: ROWS }, (_, i) => sampleEvent(at(day, i)));
    expect(await insertEvents(h.db, A, events)).toEqual({ inserted: ROWS, duplicates: 0 });
    return day;
  }

  async function lockWaiters(): Promise<number> {
    const r = await sql<{ n: number }>`
      select count(*) as n from pg_stat_activity
       where datname = current_database() and wait_event_type = 'Lock'`.execute(h.db);
    return Number(r.rows[0]?.n ?? 0);
  }

  /** Creates `day`, starting `read` inside its transaction and committing once `read` waits. */
  async function readAcrossCreateDay<T>(day: number, read: () => Promise<T>): Promise<T> {
    let reading: Promise<T> | undefined;
    const created = await partitions.createDay(day, {
      beforeCommit: async () => {
        reading = read();
        reading.catch(() => undefined); // awaited below
        for (let i = 0; (await lockWaiters()) === 0; i++) {
          if (i > 1000) throw new Error('the reader never waited for the maintenance lock');
          await new Promise((r) => setTimeout(r, 10));
        }
      },
    });
    expect(created).toBe(true);
    expect(reading).toBeDefined();
    return (await reading) as T;
  }

  it('a delivery scan sees every event of a day moved out of the default partition', async () => {
    const day = await dayInDefault();
    const scanned = await readAcrossCreateDay(day, () =>
      scanEventsForDelivery(h.db, {
        accountId: A,
        region: 'cn-hangzhou',
        eventRW: 'All',
        fromTime: day * DAY_MS,
        afterSeq: 0,
        cutoffSeq: Number.MAX_SAFE_INTEGER,
        limit: 10_000,
      }),
    );
    expect(scanned.filter((e) => eventDay(e.eventTime) === day)).toHaveLength(ROWS);
    expect(await partitions.listDays()).toContain(day);
  });

  it('a LookupEvents page sees every event of a day moved out of the default partition', async () => {
    const day = await dayInDefault();
    const page = await readAcrossCreateDay(day, () =>
      lookupEvents(h.db, {
        accountId: A,
        conditions: [],
        fromTime: day * DAY_MS,
        toTime: (day + 1) * DAY_MS,
        direction: 'BACKWARD',
        limit: ROWS + 10,
      }),
    );
    expect(page).toHaveLength(ROWS);
  });

  it.each([
    ['with rows to move', true],
    ['with nothing to move', false],
  ])(
    'an insert of the day waiting during its creation (%s) lands in the new partition',
    async (_, withRows) => {
      const day = withRows ? await dayInDefault() : nextDay++;
      const late = sampleEvent(at(day, ROWS + 1));
      const result = await readAcrossCreateDay(day, () => insertEvents(h.db, A, [late]));
      expect(result).toEqual({ inserted: 1, duplicates: 0 });
      const where = await sql<{ part: string }>`
      select tableoid::regclass::text as part from events where event_id = ${String(late.eventId)}`.execute(
        h.db,
      );
      expect(where.rows.map((r) => r.part)).toEqual([partitionName('events', day)]);
    },
  );

  it('reads of other days go on while a day with nothing to move is created', async () => {
    const other = await dayInDefault();
    await partitions.createDay(other);
    let read: unknown[] = [];
    await partitions.createDay(nextDay++, {
      beforeCommit: async () => {
        read = await lookupEvents(h.db, {
          accountId: A,
          conditions: [],
          fromTime: other * DAY_MS,
          toTime: (other + 1) * DAY_MS,
          direction: 'FORWARD',
          limit: 10,
        });
      },
    });
    expect(read).toHaveLength(10);
  });
});
