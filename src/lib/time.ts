/** ActionTrail's wire time format: ISO 8601 UTC without fraction, `yyyy-MM-ddTHH:mm:ssZ`. */
export function formatIsoSeconds(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

const ISO_SECONDS = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})Z$/;

/**
 * Epoch ms of the UTC date-time given by the six captured number groups starting at
 * `groups[0]` (year, month, day, hour, minute, second), or undefined when it is not a real
 * calendar time (2021-02-30 is none: Date.UTC would silently roll it over into March) or its
 * year is below 100 (which Date.UTC would read as 1900 + year). Checked by arithmetic rather
 * than a Date round trip: this runs for every imported or ingested event and every signed
 * request's timestamp ([G] round 7).
 */
export function utcFromGroups(
  groups: ReadonlyArray<string | undefined>,
  extraMs = 0,
): number | undefined {
  const y = Number(groups[0]);
  const mo = Number(groups[1]);
  const d = Number(groups[2]);
  const h = Number(groups[3]);
  const mi = Number(groups[4]);
  const se = Number(groups[5]);
  // Written so that NaN fails every test.
  if (!(y >= 100 && y <= 275_759 && mo >= 1 && mo <= 12 && d >= 1 && d <= daysIn(y, mo))) {
    return undefined;
  }
  if (!(h >= 0 && h <= 23 && mi >= 0 && mi <= 59 && se >= 0 && se <= 59)) return undefined;
  const ms = Date.UTC(y, mo - 1, d, h, mi, se, extraMs);
  return Number.isFinite(ms) ? ms : undefined;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Days in month `mo` (1–12) of year `y`, proleptic Gregorian as Date counts. */
function daysIn(y: number, mo: number): number {
  if (mo === 2 && ((y % 4 === 0 && y % 100 !== 0) || y % 400 === 0)) return 29;
  return DAYS_IN_MONTH[mo - 1] as number;
}

/** Parses `yyyy-MM-ddTHH:mm:ssZ` strictly (a real calendar date); undefined otherwise. */
export function parseIsoSeconds(s: string): number | undefined {
  const m = ISO_SECONDS.exec(s);
  return m ? utcFromGroups(m.slice(1)) : undefined;
}

export const SECOND_MS = 1000;
export const MINUTE_MS = 60 * SECOND_MS;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;
