import type { AppServices, Caller, RequestInfo } from '../api/actions/action.js';
import { lookupEvents } from '../api/actions/lookup-events.js';
import type { RpcParams } from '../api/rpc/params.js';
import { HOUR_MS, parseIsoSeconds } from '../lib/time.js';

/** Largest page LookupEvents gives (MaxResults 1–50). */
const PAGE = 50;
/** The timeline counts at most this many events; beyond, it says it is partial. */
export const TIMELINE_MAX_EVENTS = 20_000;
/** The NDJSON export holds at most this many events (a few MB); beyond, it says so. */
export const EXPORT_MAX_EVENTS = 10_000;

export interface CollectedEvents {
  events: Array<Record<string, unknown>>;
  /** Stopped at the cap with more pages left. */
  truncated: boolean;
  startTime: string;
  endTime: string;
}

/**
 * Every page of one LookupEvents query, up to `max` events, through the Action's own handler
 * (same validation, same filters, same account scoping); the caller audits it once.
 */
export async function collectEvents(
  services: AppServices,
  caller: Caller,
  request: RequestInfo,
  params: RpcParams,
  max: number,
): Promise<CollectedEvents> {
  const events: Array<Record<string, unknown>> = [];
  const base: Record<string, string> = { ...params, MaxResults: String(PAGE) };
  delete base.NextToken;
  let token: string | undefined;
  let range = { start: '', end: '' };
  for (;;) {
    const page = await lookupEvents.handle({
      params: token ? { ...base, NextToken: token } : base,
      caller,
      request,
      services,
    });
    range = { start: String(page.StartTime), end: String(page.EndTime) };
    events.push(...(page.Events as Array<Record<string, unknown>>));
    token = typeof page.NextToken === 'string' ? page.NextToken : undefined;
    if (!token) return { events, truncated: false, startTime: range.start, endTime: range.end };
    if (events.length >= max) {
      return {
        events: events.slice(0, max),
        truncated: true,
        startTime: range.start,
        endTime: range.end,
      };
    }
  }
}

export interface Timeline {
  StartTime: string;
  EndTime: string;
  /** Start of the first hour bucket (UTC, on the hour). */
  BucketStart: string;
  BucketSeconds: number;
  /** Events per hour, from BucketStart on, up to the hour holding EndTime. */
  Counts: number[];
  Total: number;
  Truncated: boolean;
}

/** Events per hour over the query's window. */
export function hourlyTimeline(collected: CollectedEvents): Timeline {
  const start = parseIsoSeconds(collected.startTime) ?? 0;
  const end = parseIsoSeconds(collected.endTime) ?? start;
  const first = Math.floor(start / HOUR_MS) * HOUR_MS;
  const buckets = Math.max(1, Math.floor((end - first) / HOUR_MS) + 1);
  const counts = new Array<number>(buckets).fill(0);
  for (const event of collected.events) {
    const t = typeof event.eventTime === 'string' ? parseIsoSeconds(event.eventTime) : undefined;
    if (t === undefined) continue;
    const i = Math.floor((t - first) / HOUR_MS);
    if (i >= 0 && i < buckets) counts[i] = (counts[i] ?? 0) + 1;
  }
  return {
    StartTime: collected.startTime,
    EndTime: collected.endTime,
    BucketStart: new Date(first).toISOString().replace('.000Z', 'Z'),
    BucketSeconds: HOUR_MS / 1000,
    Counts: counts,
    Total: collected.events.length,
    Truncated: collected.truncated,
  };
}

/** One event per line, as the CLI's `events export` and the ingest API read them. */
export function toNdjson(events: ReadonlyArray<Record<string, unknown>>): string {
  return events.map((e) => `${JSON.stringify(e)}\n`).join('');
}
