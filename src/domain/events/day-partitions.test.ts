import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../lib/clock.js';
import { DAY_MS } from '../../lib/time.js';
import {
  DayPartitionMaintenance,
  type DayPartitions,
  MAX_PARTITIONED_PAST_DAYS,
} from './day-partitions.js';

const NOW = Date.UTC(2026, 10, 25, 12);
const TODAY = Math.floor(NOW / DAY_MS);

/** In-memory partitions; `onCreate` runs inside each createDay. */
function memoryPartitions(existing: number[] = [], onCreate: (day: number) => void = () => {}) {
  const days = new Set(existing);
  const created: number[] = [];
  const partitions: DayPartitions = {
    listDays: async () => [...days].sort((a, b) => a - b),
    createDay: async (day) => {
      onCreate(day);
      if (days.has(day)) return false;
      days.add(day);
      created.push(day);
      return true;
    },
    dropDay: async () => undefined,
    forgetDroppedIds: async () => false,
  };
  return { partitions, created };
}

describe('DayPartitionMaintenance', () => {
  it('creates the missing days of the retention window, today and the days ahead first', async () => {
    const { partitions, created } = memoryPartitions([TODAY - 1]);
    const m = new DayPartitionMaintenance({
      partitions,
      clock: new ManualClock(NOW),
      retentionDays: 5,
    });
    expect(await m.runOnce()).toEqual(created);
    expect(created).toEqual([
      TODAY,
      TODAY + 1,
      TODAY + 2,
      TODAY - 2,
      TODAY - 3,
      TODAY - 4,
      TODAY - 5,
    ]);
    expect(await m.runOnce()).toEqual([]);
  });

  it('gives at most 100 past days partitions of their own, however long the retention', async () => {
    const { partitions, created } = memoryPartitions();
    const m = new DayPartitionMaintenance({
      partitions,
      clock: new ManualClock(NOW),
      retentionDays: 36_500,
    });
    await m.runOnce();
    expect(created).toHaveLength(MAX_PARTITIONED_PAST_DAYS + 3);
    expect(Math.min(...created)).toBe(TODAY - MAX_PARTITIONED_PAST_DAYS);
  });

  it('stops a pass in the middle when the server stops', async () => {
    let m: DayPartitionMaintenance | undefined;
    let stopped: Promise<void> | undefined;
    const { partitions, created } = memoryPartitions([], () => {
      if (created.length === 3) stopped = m?.stop();
    });
    m = new DayPartitionMaintenance({ partitions, clock: new ManualClock(NOW), retentionDays: 90 });
    m.start(60_000);
    await new Promise((r) => setTimeout(r, 50));
    await stopped;
    expect(created.length).toBeGreaterThanOrEqual(3);
    expect(created.length).toBeLessThan(10);
  });
});
