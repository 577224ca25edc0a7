import { describe, expect, it } from 'vitest';
import { byCodeUnit } from './compare.js';
import { newTimeOrderedId } from './ids.js';

describe('newTimeOrderedId', () => {
  it('is an upper-case UUID (version 7, RFC variant) that starts with the time in ms', () => {
    const t = Date.UTC(2026, 10, 30, 4, 0, 0, 123);
    const id = newTimeOrderedId(t);
    expect(id).toMatch(/^[0-9A-F]{8}-[0-9A-F]{4}-7[0-9A-F]{3}-[89AB][0-9A-F]{3}-[0-9A-F]{12}$/);
    expect(Number.parseInt(id.slice(0, 8) + id.slice(9, 13), 16)).toBe(t);
  });

  it('sorts by time, and differs within one millisecond', () => {
    const times = [1_000, 1_001, 2 ** 40, 2 ** 47 + 5];
    const ids = times.map((t) => newTimeOrderedId(t));
    expect([...ids].sort(byCodeUnit)).toEqual(ids);
    const same = new Set(Array.from({ length: 1_000 }, () => newTimeOrderedId(5)));
    expect(same.size).toBe(1_000);
  });
});
