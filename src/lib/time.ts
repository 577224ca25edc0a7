/** ActionTrail's wire time format: ISO 8601 UTC without fraction, `yyyy-MM-ddTHH:mm:ssZ`. */
export function formatIsoSeconds(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

const ISO_SECONDS = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})Z$/;

/**
 * Epoch ms of the UTC date-time given by the six captured number groups starting at
 * `groups[0]` (year, month, day, hour, minute, second), or undefined when it is not a real
 * calendar time: Date.UTC silently rolls 2021-02-30 over into March, so the date must round-trip.
 */
export function utcFromGroups(
  groups: ReadonlyArray<string | undefined>,
  extraMs = 0,
): number | undefined {
  const [y, mo, d, h, mi, se] = groups.slice(0, 6).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || se > 59) return undefined;
  const ms = Date.UTC(y, mo - 1, d, h, mi, se, extraMs);
  const back = new Date(ms);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) {
    return undefined;
  }
  return ms;
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
