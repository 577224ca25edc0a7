/** The UTC date pieces both layouts put into names: ActionTrail partitions by UTC (delivery-sinks §2.1). */
export interface UtcParts {
  yyyy: string;
  mm: string;
  dd: string;
  /** `YYYYMMDDHHMMSS`, the timestamp field of ActionTrail's OSS file name. */
  stamp: string;
}

export function utcParts(ms: number): UtcParts {
  // toISOString is always `YYYY-MM-DDTHH:MM:SS.sssZ` (UTC) for years 0–9999.
  const iso = new Date(ms).toISOString();
  const yyyy = iso.slice(0, 4);
  const mm = iso.slice(5, 7);
  const dd = iso.slice(8, 10);
  const time = iso.slice(11, 19).replaceAll(':', '');
  return { yyyy, mm, dd, stamp: `${yyyy}${mm}${dd}${time}` };
}
