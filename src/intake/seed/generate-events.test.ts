import { describe, expect, it } from 'vitest';
import { DAY_MS } from '../../lib/time.js';
import { validateEvent } from '../event-validation.js';
import { type GenerateEventsOptions, generateEvents } from './generate-events.js';
import { createRng } from './prng.js';
import { summariseEventSizes } from './size-stats.js';

const NOW = Date.UTC(2024, 5, 1, 9, 30, 15, 250);
const REGIONS = ['cn-hangzhou', 'cn-shanghai', 'cn-beijing', 'ap-southeast-1'];
const ACCOUNTS = ['1234567890123456', '2345678901234567'];
const options: GenerateEventsOptions = {
  count: 20_000,
  days: 14,
  accounts: ACCOUNTS,
  seed: 7,
  now: NOW,
  regions: REGIONS,
};

const events = [...generateEvents(options)];

function share(predicate: (e: Record<string, unknown>) => boolean): number {
  return events.filter(predicate).length / events.length;
}

function countBy(field: string): Map<unknown, number> {
  const counts = new Map<unknown, number>();
  for (const e of events) counts.set(e[field], (counts.get(e[field]) ?? 0) + 1);
  return counts;
}

describe('generateEvents', () => {
  it('is deterministic for a seed and differs across seeds', () => {
    const again = [...generateEvents({ ...options, count: 500 })];
    expect([...generateEvents({ ...options, count: 500 })]).toEqual(again);
    const other = [...generateEvents({ ...options, count: 500, seed: 8 })];
    expect(other.map((e) => e.eventId)).not.toEqual(again.map((e) => e.eventId));
    expect(new Set(events.map((e) => e.eventId)).size).toBe(events.length);
  });

  it('accepts string seeds', () => {
    const a = [...generateEvents({ ...options, count: 50, seed: 'demo' })];
    expect([...generateEvents({ ...options, count: 50, seed: 'demo' })]).toEqual(a);
  });

  it('emits the asked count, ascending, inside [now − days, now]', () => {
    expect(events).toHaveLength(options.count);
    const times = events.map((e) => Date.parse(e.eventTime as string));
    expect(times.findIndex((t, i) => i > 0 && t < (times[i - 1] as number))).toBe(-1);
    expect(times[0]).toBeGreaterThanOrEqual(NOW - 14 * DAY_MS);
    expect(times.at(-1)).toBeLessThanOrEqual(NOW);
    // The span is used, not just a corner of it.
    expect(times[0]).toBeLessThan(NOW - 13 * DAY_MS);
    expect(times.at(-1)).toBeGreaterThan(NOW - DAY_MS);
  });

  it('is lazy: a huge count yields its first events at once', () => {
    const iterator = generateEvents({ ...options, count: 1e12 });
    expect(iterator.next().done).toBe(false);
  });

  it('follows office hours (China time) more than nights', () => {
    const hourOf = (e: Record<string, unknown>) =>
      (new Date(e.eventTime as string).getUTCHours() + 8) % 24;
    const office = share((e) => hourOf(e) >= 9 && hourOf(e) < 18);
    const night = share((e) => hourOf(e) < 6);
    expect(office).toBeGreaterThan(0.5);
    expect(night).toBeLessThan(0.08);
  });

  it('has a plausible mix', () => {
    expect(share((e) => e.eventRW === 'Read')).toBeGreaterThan(0.6);
    expect(share((e) => e.eventRW === 'Read')).toBeLessThan(0.8);
    const errors = share((e) => typeof e.errorCode === 'string');
    expect(errors).toBeGreaterThan(0.015);
    expect(errors).toBeLessThan(0.05);
    expect(countBy('serviceName').size).toBeGreaterThanOrEqual(10);
    expect(countBy('acsRegion').size).toBe(REGIONS.length);
    expect(countBy('recipientAccountId').size).toBe(ACCOUNTS.length);
    const types = countBy('eventType');
    expect((types.get('ApiCall') ?? 0) / events.length).toBeGreaterThan(0.8);
    for (const t of ['ConsoleOperation', 'ConsoleSignin', 'AliyunServiceEvent']) {
      expect(types.get(t)).toBeGreaterThan(0);
    }
    const identityTypes = new Set(events.map((e) => (e.userIdentity as { type: string }).type));
    expect(identityTypes).toEqual(new Set(['root-account', 'ram-user', 'assumed-role', 'system']));
    expect(share((e) => typeof e.resourceName === 'string')).toBeGreaterThan(0.3);
    // Traffic leans on the first region.
    const regions = countBy('acsRegion');
    expect(regions.get(REGIONS[0])).toBeGreaterThan(regions.get(REGIONS[3]) as number);
  });

  it('shapes events like ActionTrail', () => {
    const role = events.find((e) => (e.userIdentity as { type: string }).type === 'assumed-role');
    expect(role?.userIdentity).toMatchObject({
      principalId: expect.stringMatching(/^\d+:.+/),
      userName: expect.stringMatching(/^[\w-]+:.+/),
      sessionContext: { attributes: { mfaAuthenticated: expect.any(String) } },
    });
    const instance = events.find((e) => e.resourceType === 'ACS::ECS::Instance');
    expect(instance?.resourceName).toMatch(/^i-[0-9a-z]{20}$/);
    for (const e of events.slice(0, 200)) {
      expect(e.eventId).toMatch(
        /^[0-9A-F]{8}-[0-9A-F]{4}-4[0-9A-F]{3}-[89AB][0-9A-F]{3}-[0-9A-F]{12}$/,
      );
      expect(e.eventTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    }
  });

  it('produces events that all pass validateEvent', () => {
    for (const e of events) {
      const result = validateEvent(e, {
        accountId: e.recipientAccountId as string,
        now: NOW,
        retentionMs: 14 * DAY_MS,
        regions: REGIONS,
        defaultRegion: 'cn-hangzhou',
      });
      if (!result.ok) throw new Error(`${result.code}: ${result.message}`);
      // Nothing to normalise: ids, defaults and times are already as the store keeps them.
      if (JSON.stringify(result.event) !== JSON.stringify(e)) expect(result.event).toEqual(e);
    }
  });

  it('keeps the documented size distribution (docs/intake.md)', () => {
    const stats = summariseEventSizes(events);
    expect(stats.mean).toBeGreaterThan(900);
    expect(stats.mean).toBeLessThan(1150);
    expect(stats.p50).toBeGreaterThan(850);
    expect(stats.p50).toBeLessThan(1050);
    expect(stats.p95).toBeGreaterThan(1100);
    expect(stats.p95).toBeLessThan(1450);
    expect(stats.max).toBeLessThan(16 * 1024);
  });

  it('rejects impossible options', () => {
    expect(() => generateEvents({ ...options, count: -1 }).next()).toThrow(RangeError);
    expect(() => generateEvents({ ...options, accounts: [] }).next()).toThrow(RangeError);
    expect(() => generateEvents({ ...options, regions: [] }).next()).toThrow(RangeError);
    expect(() => generateEvents({ ...options, days: 0 }).next()).toThrow(RangeError);
  });
});

describe('createRng', () => {
  it('repeats per seed and stays in [0, 1)', () => {
    const a = createRng(99);
    const b = createRng(99);
    for (let i = 0; i < 1000; i++) {
      const x = a.next();
      expect(x).toBe(b.next());
      expect(x).toBeGreaterThan(0);
      expect(x).toBeLessThan(1);
    }
    expect(createRng(1).next()).not.toBe(createRng(2).next());
  });
});
