import { HOUR_MS } from '../../lib/time.js';
import type { Rng } from './prng.js';

/**
 * Relative activity per local hour of day: quiet nights, a morning ramp, a lunch dip, busy
 * afternoons, evening tail (cloud consoles and CI both follow office hours).
 */
const HOURLY_ACTIVITY = [
  0.12, 0.08, 0.06, 0.05, 0.05, 0.08, 0.18, 0.4, 0.8, 1.0, 1.0, 0.95, 0.7, 0.85, 1.0, 1.0, 0.95,
  0.8, 0.6, 0.45, 0.4, 0.35, 0.28, 0.18,
];
/** Saturdays and Sundays see about a third of a weekday's traffic. */
const WEEKEND_FACTOR = 0.35;

export interface TimeSpreadOptions {
  count: number;
  /** Inclusive bounds, epoch ms. */
  start: number;
  end: number;
  /** Offset of the users' local time, for the daily rhythm (China Standard Time: 8). */
  utcOffsetHours: number;
}

/**
 * Yields `count` times in ascending order, distributed by the daily and weekly rhythm, in O(1)
 * memory per time (one weight per hour of the span, not one per event). Sorted uniforms come from
 * Bentley & Saxe's descending order statistics (the max of k uniforms below x is x·U^(1/k)); each
 * is mapped through the inverse of the piecewise-constant hourly density with a forward-only
 * cursor, which keeps the order.
 */
export function* sortedTimes(rng: Rng, options: TimeSpreadOptions): Generator<number> {
  const { count, start, end } = options;
  if (count <= 0) return;
  const offsetMs = options.utcOffsetHours * HOUR_MS;

  // Hour-aligned buckets (first and last may be partial), each weighted by activity × length.
  const bucketStarts: number[] = [];
  const bucketLengths: number[] = [];
  const cumulative: number[] = [];
  let total = 0;
  for (let from = start; from < end || bucketStarts.length === 0; ) {
    const to = Math.min(end, (Math.floor((from + offsetMs) / HOUR_MS) + 1) * HOUR_MS - offsetMs);
    const local = new Date(from + offsetMs);
    const weekday = local.getUTCDay();
    const rate =
      (HOURLY_ACTIVITY[local.getUTCHours()] ?? 1) *
      (weekday === 0 || weekday === 6 ? WEEKEND_FACTOR : 1);
    total += rate * Math.max(to - from, 1);
    bucketStarts.push(from);
    bucketLengths.push(to - from);
    cumulative.push(total);
    from = to;
  }
  for (let i = 0; i < cumulative.length; i++) cumulative[i] = (cumulative[i] as number) / total;

  let bucket = 0;
  let below = 0; // cumulative share before the current bucket
  let remainingMax = 1;
  for (let k = count; k >= 1; k--) {
    remainingMax *= rng.next() ** (1 / k);
    const u = 1 - remainingMax;
    while (bucket < cumulative.length - 1 && u >= (cumulative[bucket] as number)) {
      below = cumulative[bucket] as number;
      bucket++;
    }
    const share = (cumulative[bucket] as number) - below;
    const within = share > 0 ? (u - below) / share : 0;
    const t = (bucketStarts[bucket] as number) + within * (bucketLengths[bucket] as number);
    yield Math.min(end, Math.max(start, t));
  }
}
