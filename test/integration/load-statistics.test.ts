import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { partitionName } from '../../src/db/dialects/postgres-partitions.js';
import type { DatabaseHandle } from '../../src/db/open-database.js';
import { eventDay } from '../../src/db/repositories/event-columns.js';
import { insertEvents } from '../../src/db/repositories/events.repository.js';
import { settleEventStatistics } from '../../src/db/repositories/events-load-statistics.js';
import { dayPartitionsOf } from '../../src/domain/events/day-partitions.js';
import { DAY_MS } from '../../src/lib/time.js';
import { sampleEvent } from '../helpers/sample-events.js';
import { openTestDatabase, TEST_DB } from '../helpers/test-database.js';

/**
 * `seed` and `import` end with settleEventStatistics ([G] round 7): on PostgreSQL the freshly
 * filled day partitions get their statistics (and visibility map) before the first job plans
 * over them; on SQLite nothing changes (its plans are pinned without statistics).
 */
const A = '1000000000000001';
let h: DatabaseHandle | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('statistics after a load', () => {
  it.runIf(TEST_DB === 'postgres')('PostgreSQL: the filled partitions are analysed', async () => {
    h = await openTestDatabase();
    const day = eventDay(Date.now()) + 50; // outside any partition a server would have made
    const partitions = dayPartitionsOf(h.dialect.eventPartitions, h.db);
    await partitions?.createDay(day);
    const events = Array.from({ length: 40 }, (_, i) => sampleEvent(day * DAY_MS + i * 60_000));
    expect(await insertEvents(h.db, A, events)).toEqual({ inserted: 40, duplicates: 0 });
    const tuples = async () =>
      Number(
        (
          await sql<{
            n: number;
          }>`select reltuples as n from pg_class where relname = ${partitionName('events', day)}`.execute(
            (h as DatabaseHandle).db,
          )
        ).rows[0]?.n,
      );
    // A new partition has never been vacuumed or analysed (autovacuum waits for its threshold).
    expect(await tuples()).toBe(-1);
    await settleEventStatistics(h.db);
    expect(await tuples()).toBe(40);
  });

  it.runIf(TEST_DB === 'sqlite')('SQLite: no statistics are made', async () => {
    h = await openTestDatabase();
    await insertEvents(h.db, A, [sampleEvent(Date.now())]);
    await settleEventStatistics(h.db);
    const stats = await sql<{ name: string }>`
      select name from sqlite_master where name like 'sqlite_stat%'`.execute(h.db);
    expect(stats.rows).toEqual([]);
  });
});
