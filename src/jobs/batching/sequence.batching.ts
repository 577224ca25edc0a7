import { bucketOf, type StoredEvent } from '../event-source.js';
import type { Batching, EventGroup } from './batching.js';

/** PutLogs takes at most 4,096 logs and 5 MB raw per request (delivery-sinks §1.4). */
export const SLS_MAX_LOGS = 4096;
/** Raw bytes per request we aim below: 3 MB leaves room for the protobuf framing. */
export const SLS_MAX_RAW_BYTES = 3 * 1024 * 1024;
/** A log's framing beside the event text: topic, the `event` key, time, protobuf tags. */
const PER_LOG_OVERHEAD = 64;

/**
 * SLS has no object names and every log carries its own time, so a batch is simply the next
 * run of events in sequence order, cut at 4,096 logs or 3 MB raw. An event larger than the
 * cap still goes, alone (the ingest limits keep events far below PutLogs' 5 MB).
 */
export function sequenceBatching(
  limits: { maxLogs: number; maxBytes: number } = {
    maxLogs: SLS_MAX_LOGS,
    maxBytes: SLS_MAX_RAW_BYTES,
  },
): Batching {
  return {
    group(events: readonly StoredEvent[]): EventGroup[] {
      const out: EventGroup[] = [];
      let current: StoredEvent[] = [];
      let bytes = 0;
      for (const e of events) {
        const size = Buffer.byteLength(e.json) + PER_LOG_OVERHEAD;
        if (
          current.length > 0 &&
          (current.length >= limits.maxLogs || bytes + size > limits.maxBytes)
        ) {
          out.push(groupOf(current));
          current = [];
          bytes = 0;
        }
        current.push(e);
        bytes += size;
      }
      if (current.length > 0) out.push(groupOf(current));
      return out;
    },
    // The sequence range alone selects the batch again.
    rereadRange: () => ({ from: Number.MIN_SAFE_INTEGER, to: Number.MAX_SAFE_INTEGER }),
  };
}

function groupOf(events: StoredEvent[]): EventGroup {
  return { events, bucketStart: bucketOf((events[0] as StoredEvent).eventTime) };
}
