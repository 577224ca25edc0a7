import {
  SLS_MAX_LOGS,
  SLS_MAX_RAW_BYTES,
  slsEventSize,
  slsEventSizeOfBytes,
  slsRawSize,
} from '../../sinks/sls/sls-log-group.js';
import { BUCKET_MS, bucketOf, type StoredEvent } from '../event-source.js';
import type { Batching, EventGroup } from './batching.js';

/** The LogGroup's own bytes (the topic) before any log. */
const GROUP_OVERHEAD = slsRawSize([]);

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
      let bytes = GROUP_OVERHEAD;
      for (const e of events) {
        // Exactly what the SLS sink will encode, so a planned batch always fits one PutLogs.
        const size =
          e.utf8Bytes === undefined ? slsEventSize(e.json) : slsEventSizeOfBytes(e.utf8Bytes);
        if (
          current.length > 0 &&
          (current.length >= limits.maxLogs || bytes + size > limits.maxBytes)
        ) {
          out.push(groupOf(current));
          current = [];
          bytes = GROUP_OVERHEAD;
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
  return {
    events,
    bucketStart: bucketOf((events[0] as StoredEvent).eventTime),
    bucketMs: BUCKET_MS,
  };
}
