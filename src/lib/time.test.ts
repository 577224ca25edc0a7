import { describe, expect, it } from 'vitest';
import { formatIsoSeconds, parseIsoSeconds } from './time.js';

describe('wire time format', () => {
  it('formats without fraction and with Z', () => {
    expect(formatIsoSeconds(Date.UTC(2021, 3, 26, 3, 17, 4, 999))).toBe('2021-04-26T03:17:04Z');
  });

  it('round-trips and rejects non-dates', () => {
    expect(parseIsoSeconds('2021-04-26T03:17:04Z')).toBe(Date.UTC(2021, 3, 26, 3, 17, 4));
    expect(parseIsoSeconds('2021-02-30T00:00:00Z')).toBeUndefined();
    expect(parseIsoSeconds('2021-04-26T24:00:00Z')).toBeUndefined();
    expect(parseIsoSeconds('2021-04-26 03:17:04')).toBeUndefined();
    expect(parseIsoSeconds('2021-04-26T03:17:04.000Z')).toBeUndefined();
  });
});
