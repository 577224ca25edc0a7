import { BUCKET_MS, type StoredEvent } from '../event-source.js';
import type { Batching, EventGroup } from './batching.js';

const HOUR_MS = 60 * 60 * 1000;
const DAY_MS = 24 * HOUR_MS;

/** The bucket lengths a history job's OSS-layout batch may have, widest first (decisions §6). */
export const HISTORY_SPANS = [DAY_MS, HOUR_MS, BUCKET_MS] as const;

/** How large one history object may grow before its bucket is split into narrower ones. */
export interface FileCap {
  maxEvents: number;
  /** Sum of the stored JSON texts' lengths (the object before gzip). */
  maxBytes: number;
}

export const HISTORY_FILE_CAP: FileCap = { maxEvents: 10_000, maxBytes: 8 * 2 ** 20 };

/**
 * A history job's OSS objects (and OSS-layout files): the events of a chunk grouped by UTC day
 * of eventTime; a day over the cap is split into hours, an hour over it into 5-minute buckets,
 * and a 5-minute bucket still over it into runs in sequence order. A sparse history (a few
 * events an hour) thus becomes one object per region and day instead of one per event; a
 * dense one stays at the cap. The object name's timestamp is the bucket start. The planned
 * batch records its bucket and span, and its sequence range with that bucket selects exactly
 * its events again (a run holds consecutive events of its bucket).
 */
export function coarseBucketBatching(cap: FileCap = HISTORY_FILE_CAP): Batching {
  return {
    group(events: readonly StoredEvent[]): EventGroup[] {
      const out: EventGroup[] = [];
      split(events, 0, cap, out);
      return out;
    },
    rereadRange: (bucketStart, bucketMs) => ({ from: bucketStart, to: bucketStart + bucketMs }),
  };
}

function fits(events: readonly StoredEvent[], cap: FileCap): boolean {
  if (events.length > cap.maxEvents) return false;
  let bytes = 0;
  for (const e of events) {
    bytes += e.chars ?? e.json.length;
    if (bytes > cap.maxBytes) return false;
  }
  return true;
}

function split(events: readonly StoredEvent[], level: number, cap: FileCap, out: EventGroup[]) {
  const bucketMs = HISTORY_SPANS[level] as number;
  const buckets = new Map<number, StoredEvent[]>();
  for (const e of events) {
    const start = Math.floor(e.eventTime / bucketMs) * bucketMs;
    const b = buckets.get(start);
    if (b) b.push(e);
    else buckets.set(start, [e]);
  }
  for (const [bucketStart, group] of buckets) {
    if (fits(group, cap)) out.push({ bucketStart, bucketMs, events: group });
    else if (level + 1 < HISTORY_SPANS.length) split(group, level + 1, cap, out);
    else for (const run of runs(group, cap)) out.push({ bucketStart, bucketMs, events: run });
  }
}

/** Consecutive runs (sequence order) within the cap; an event over the cap goes alone. */
function runs(events: readonly StoredEvent[], cap: FileCap): StoredEvent[][] {
  const out: StoredEvent[][] = [];
  let current: StoredEvent[] = [];
  let bytes = 0;
  for (const e of events) {
    if (
      current.length > 0 &&
      (current.length >= cap.maxEvents || bytes + (e.chars ?? e.json.length) > cap.maxBytes)
    ) {
      out.push(current);
      current = [];
      bytes = 0;
    }
    current.push(e);
    bytes += e.chars ?? e.json.length;
  }
  if (current.length > 0) out.push(current);
  return out;
}
