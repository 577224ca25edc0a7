import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../lib/clock.js';
import { PUBLISHED_QUOTAS, RateLimiter } from './rate-limits.js';

describe('RateLimiter (published ActionTrail quotas, per key and Action)', () => {
  it('lets the quota through in any one second, then says how long to wait', () => {
    const clock = new ManualClock(1_000_000);
    const limiter = new RateLimiter(clock, PUBLISHED_QUOTAS);
    const results = Array.from({ length: 7 }, () => limiter.take('key-a', 'CreateTrail'));
    expect(results.slice(0, 5)).toEqual([undefined, undefined, undefined, undefined, undefined]);
    expect(results.slice(5)).toEqual([1000, 1000]);
    clock.advance(400);
    expect(limiter.take('key-a', 'CreateTrail')).toBe(600);
    clock.advance(600); // the first five leave the window
    expect(limiter.take('key-a', 'CreateTrail')).toBeUndefined();
  });

  it('counts each key and each Action apart; unlisted Actions are never limited', () => {
    const limiter = new RateLimiter(new ManualClock(0), PUBLISHED_QUOTAS);
    for (let i = 0; i < 5; i++) limiter.take('key-a', 'CreateTrail');
    expect(limiter.take('key-a', 'CreateTrail')).toBeDefined();
    expect(limiter.take('key-b', 'CreateTrail')).toBeUndefined();
    expect(limiter.take('key-a', 'DeleteTrail')).toBeUndefined();
    for (let i = 0; i < 1000; i++) expect(limiter.take('key-a', 'DescribeRegions')).toBeUndefined();
  });

  it('a burst across a second boundary gets no more than the quota in any 1000 ms', () => {
    const clock = new ManualClock(999_700);
    const limiter = new RateLimiter(clock, { ListDeliveryHistoryJobs: 10 });
    let allowed = 0;
    for (let i = 0; i < 40; i++) {
      if (limiter.take('k', 'ListDeliveryHistoryJobs') === undefined) allowed++;
      clock.advance(20); // 40 calls over 800 ms, straddling a whole second
    }
    expect(allowed).toBe(10);
  });
});
