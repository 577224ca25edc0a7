import { describe, expect, it } from 'vitest';
import { DAY_MS } from '../../lib/time.js';
import { createRng } from './prng.js';
import { sortedTimes } from './time-spread.js';

// Monday 2024-06-03 00:00 China time = 2024-06-02T16:00Z.
const MONDAY = Date.UTC(2024, 5, 2, 16);

describe('sortedTimes', () => {
  it('is ascending, inside the bounds, and quieter at weekends', () => {
    const times = [
      ...sortedTimes(createRng(1), {
        count: 50_000,
        start: MONDAY,
        end: MONDAY + 7 * DAY_MS,
        utcOffsetHours: 8,
      }),
    ];
    expect(times).toHaveLength(50_000);
    expect(times.findIndex((t, i) => i > 0 && t < (times[i - 1] as number))).toBe(-1);
    expect(times[0]).toBeGreaterThanOrEqual(MONDAY);
    expect(times.at(-1)).toBeLessThanOrEqual(MONDAY + 7 * DAY_MS);
    const perDay = Array.from(
      { length: 7 },
      (_, d) =>
        times.filter((t) => t >= MONDAY + d * DAY_MS && t < MONDAY + (d + 1) * DAY_MS).length,
    );
    const [mon = 0, , , , , sat = 0, sun = 0] = perDay;
    expect(sat).toBeLessThan(mon * 0.5);
    expect(sun).toBeLessThan(mon * 0.5);
  });

  it('handles a single instant and no events', () => {
    expect([
      ...sortedTimes(createRng(1), { count: 3, start: MONDAY, end: MONDAY, utcOffsetHours: 0 }),
    ]).toEqual([MONDAY, MONDAY, MONDAY]);
    expect([
      ...sortedTimes(createRng(1), { count: 0, start: 0, end: DAY_MS, utcOffsetHours: 0 }),
    ]).toEqual([]);
  });
});
