import { BUCKET_MS, bucketOf, type StoredEvent } from '../event-source.js';
import type { Batching, EventGroup } from './batching.js';

/**
 * Live OSS objects (and OSS-layout files) hold the events of one 5-minute UTC bucket of
 * eventTime, as ActionTrail names them; a chunk of N events may therefore become up to N
 * batches (live flushes gather minutes of events first, see live-flush.ts).
 */
export function timeBucketBatching(): Batching {
  return {
    group(events: readonly StoredEvent[]): EventGroup[] {
      const groups = new Map<number, StoredEvent[]>();
      for (const e of events) {
        const b = bucketOf(e.eventTime);
        const g = groups.get(b);
        if (g) g.push(e);
        else groups.set(b, [e]);
      }
      return [...groups].map(([bucketStart, group]) => ({
        bucketStart,
        bucketMs: BUCKET_MS,
        events: group,
      }));
    },
    rereadRange: (bucketStart) => ({ from: bucketStart, to: bucketStart + BUCKET_MS }),
  };
}
