import type { Kysely } from 'kysely';
import { eventDay } from '../../db/repositories/event-columns.js';
import { countEventsPerDay } from '../../db/repositories/event-statistics.repository.js';
import { listTrails } from '../../db/repositories/trails.repository.js';
import type { Database } from '../../db/schema.js';
import { errors } from '../../errors/api-error.js';
import { DAY_MS } from '../../lib/time.js';

/**
 * The daily series of DescribeUserLogCount / DescribeUserAlertCount / DescribeUserTrailCount:
 * `Dates` (`yyyy-MM-dd`, UTC) and `Counts`, one entry per day, oldest first.
 */
export interface DailySeries {
  dates: string[];
  counts: number[];
}

/** At most this many days per call **(choice)**: a year of daily points. */
export const MAX_SERIES_DAYS = 366;
/** Without StartDate/EndDate: the last 30 days up to today **(choice)**. */
export const DEFAULT_SERIES_DAYS = 30;

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function dayText(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** `yyyy-MM-dd` → UTC day number; 400 InvalidParameter naming the parameter otherwise. */
export function parseDate(name: string, value: string): number {
  const m = DATE.exec(value);
  const ms = m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) : Number.NaN;
  if (!m || Number.isNaN(ms) || dayText(ms / DAY_MS) !== value) {
    throw errors.invalidParameter(name, 'It must be a date in the format yyyy-MM-dd.');
  }
  return ms / DAY_MS;
}

/** The asked day range, checked: EndDate not before StartDate, at most MAX_SERIES_DAYS days. */
export function dayRange(
  now: number,
  startDate: string | undefined,
  endDate: string | undefined,
): { first: number; last: number } {
  const last = endDate === undefined ? eventDay(now) : parseDate('EndDate', endDate);
  const first =
    startDate === undefined ? last - DEFAULT_SERIES_DAYS + 1 : parseDate('StartDate', startDate);
  if (last < first) throw errors.invalidParameter('EndDate', 'It must not be before StartDate.');
  if (last - first + 1 > MAX_SERIES_DAYS) {
    throw errors.invalidParameter(
      'StartDate',
      `The range may span at most ${MAX_SERIES_DAYS} days.`,
    );
  }
  return { first, last };
}

function series(first: number, last: number, count: (day: number) => number): DailySeries {
  const dates: string[] = [];
  const counts: number[] = [];
  for (let d = first; d <= last; d++) {
    dates.push(dayText(d));
    counts.push(count(d));
  }
  return { dates, counts };
}

/** Events stored per day (ingested, imported and self-audit alike). */
export async function logCounts(
  db: Kysely<Database>,
  accountId: string,
  range: { first: number; last: number },
): Promise<DailySeries> {
  const perDay = await countEventsPerDay(db, accountId, range.first, range.last);
  return series(range.first, range.last, (d) => perDay.get(d) ?? 0);
}

/** Alerts come from Insights, which opentrail does not have yet: every day counts 0. */
export function alertCounts(range: { first: number; last: number }): DailySeries {
  return series(range.first, range.last, () => 0);
}

/**
 * Trails logging (status Enable), organization trails included, as of today: one point, since
 * opentrail keeps no history of trail counts **(choice)**.
 */
export async function trailCounts(
  db: Kysely<Database>,
  accountId: string,
  now: number,
): Promise<DailySeries> {
  const enabled = (await listTrails(db, accountId)).filter((t) => t.status === 'Enable').length;
  const today = eventDay(now);
  return series(today, today, () => enabled);
}
