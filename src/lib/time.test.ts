import { describe, expect, it } from 'vitest';
import { formatIsoSeconds, parseIsoSeconds, utcFromGroups } from './time.js';

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

  it('accepts exactly the calendar times a Date round trip accepts (leap years included)', () => {
    /** The rule as it was first written: Date.UTC, then the date must come back unchanged. */
    const byRoundTrip = (g: string[]): number | undefined => {
      const [y, mo, d, h, mi, se] = g.map(Number) as [
        number,
        number,
        number,
        number,
        number,
        number,
      ];
      if (mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || se > 59) return undefined;
      const ms = Date.UTC(y, mo - 1, d, h, mi, se);
      const back = new Date(ms);
      const same =
        back.getUTCFullYear() === y && back.getUTCMonth() === mo - 1 && back.getUTCDate() === d;
      return same ? ms : undefined;
    };
    const pad = (n: number, w: number) => String(n).padStart(w, '0');
    let accepted = 0;
    for (const y of [0, 99, 100, 1600, 1900, 1970, 2000, 2023, 2024, 2100, 9999]) {
      for (let mo = 0; mo <= 13; mo++) {
        for (let d = 0; d <= 32; d++) {
          for (const [h, mi, se] of [
            [0, 0, 0],
            [23, 59, 59],
            [24, 0, 0],
            [0, 60, 0],
            [0, 0, 60],
          ] as const) {
            const g = [pad(y, 4), pad(mo, 2), pad(d, 2), pad(h, 2), pad(mi, 2), pad(se, 2)];
            const want = byRoundTrip(g);
            expect(utcFromGroups(g), g.join(' ')).toBe(want);
            if (want !== undefined) accepted += 1;
          }
        }
      }
    }
    // Two times a day in 9 years (0 and 99 are refused: Date.UTC reads them as 1900 and 1999),
    // three of them leap years (1600, 2000, 2024; not 100, 1900 or 2100).
    expect(accepted).toBe(2 * (9 * 365 + 3));
  });
});
