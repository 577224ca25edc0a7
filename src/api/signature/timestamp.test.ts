import { describe, expect, it } from 'vitest';
import { checkTimestamp, DEFAULT_MAX_SKEW_MS, parseAcsTimestamp } from './index.js';

const T = Date.UTC(2026, 10, 25, 13, 45, 41);

describe('timestamps', () => {
  it('parses the SDK format, tolerating a fraction', () => {
    expect(parseAcsTimestamp('2026-11-25T13:45:41Z')).toBe(T);
    expect(parseAcsTimestamp('2026-11-25T13:45:41.5Z')).toBe(T + 500);
    expect(parseAcsTimestamp('2024-02-29T00:00:00Z')).toBe(Date.UTC(2024, 1, 29));
  });

  it.each([
    '2026-11-25 13:45:41',
    '2026-11-25T13:45:41',
    '2026-11-25T13:45:41+08:00',
    '2026-02-30T00:00:00Z',
    '2025-02-29T00:00:00Z',
    '2026-11-25T24:00:00Z',
    '2026-11-25T13:60:00Z',
    '2026-13-01T00:00:00Z',
    '1732542341',
    '',
  ])('rejects %j as InvalidTimeStamp.Format', (value) => {
    expect(parseAcsTimestamp(value)).toBeUndefined();
    expect(checkTimestamp(value, T, DEFAULT_MAX_SKEW_MS)?.code).toBe('InvalidTimeStamp.Format');
  });

  it('accepts up to 15 minutes of skew either way, inclusive', () => {
    const ts = '2026-11-25T13:45:41Z';
    expect(checkTimestamp(ts, T + DEFAULT_MAX_SKEW_MS, DEFAULT_MAX_SKEW_MS)).toBeUndefined();
    expect(checkTimestamp(ts, T - DEFAULT_MAX_SKEW_MS, DEFAULT_MAX_SKEW_MS)).toBeUndefined();
    expect(checkTimestamp(ts, T + DEFAULT_MAX_SKEW_MS + 1, DEFAULT_MAX_SKEW_MS)).toEqual({
      ok: false,
      code: 'InvalidTimeStamp.Expired',
      message: 'Specified time stamp or date value is expired.',
    });
    expect(checkTimestamp(ts, T - 16 * 60_000, DEFAULT_MAX_SKEW_MS)?.code).toBe(
      'InvalidTimeStamp.Expired',
    );
  });
});
