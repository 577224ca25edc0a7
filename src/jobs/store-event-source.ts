import type { Kysely } from 'kysely';
import {
  safeHorizon,
  scanEventsForDelivery,
  scanEventsPacked,
} from '../db/repositories/events.repository.js';
import type { Database } from '../db/schema.js';
import { dataEventFacts, inDataEventScope } from '../domain/data-event-selectors/selector-match.js';
import type { PackedChunk } from '../lib/packed-chunk.js';
import type { EventSource, ScopeFilter, StoredEvent } from './event-source.js';
import { packedEvents } from './packed-stored-event.js';

/** A planned batch lies inside one chunk, so re-reading its sequence range is bounded too. */
const BATCH_READ_LIMIT = 1_000_000;

/** Cheap test first: only events that may be Data events are parsed for the selector rule. */
const MAYBE_DATA = /"eventCategory"\s*:\s*"data"/i;

function inScope(filter: ScopeFilter, e: StoredEvent): boolean {
  return !MAYBE_DATA.test(e.json) || inDataEventScope(filter.dataEvents, dataEventFacts(e.json));
}

/** The scan thread's page cache: its reads go forward, so SQLite's default size does. */
const SCAN_THREAD_CACHE_KIB = 2 * 1024;

/** Drops the events of a packed chunk the Data-event rule leaves out (the thread flagged them). */
function keepInScope(filter: ScopeFilter, chunk: PackedChunk): void {
  const dropped = new Set<number>();
  for (let i = 0; i < chunk.count; i++) {
    if (chunk.flags[i] === 1 && !inDataEventScope(filter.dataEvents, dataEventFacts(chunk.text(i))))
      dropped.add(i);
  }
  if (dropped.size > 0) chunk.compact(dropped);
}

/** The delivery engine's view of the event store. */
export function storeEventSource(db: Kysely<Database>): EventSource {
  const scanOf = (filter: ScopeFilter, afterSeq: number, cutoffSeq: number, limit: number) => ({
    accountId: filter.accountId,
    region: filter.region,
    eventRW: filter.eventRW,
    fromTime: filter.fromTime,
    toTime: filter.toTime,
    afterSeq,
    cutoffSeq,
    limit,
  });
  /** SQLite: the chunk read on the scan thread (undefined: it cannot be, read it here). */
  const readPacked = async (filter: ScopeFilter, afterSeq: number, limit: number) =>
    scanEventsPacked(db, scanOf(filter, afterSeq, filter.maxSeq, limit), {
      maybeData: MAYBE_DATA,
      cacheKib: SCAN_THREAD_CACHE_KIB,
    });
  const read = async (filter: ScopeFilter, afterSeq: number, cutoffSeq: number, limit: number) =>
    (await scanEventsForDelivery(db, scanOf(filter, afterSeq, cutoffSeq, limit))).map(
      (e): StoredEvent => ({ seq: e.seq, eventTime: e.eventTime, json: e.eventJson }),
    );

  return {
    /**
     * The next events in scope. A page whose every event the Data-event rule leaves out is
     * skipped, not returned empty: an empty answer means the scope is exhausted.
     */
    async scan(filter, afterSeq, limit) {
      for (let after = afterSeq; ; ) {
        const chunk = await readPacked(filter, after, limit);
        if (chunk) {
          const read = chunk.count;
          const last = read > 0 ? (chunk.seqs[read - 1] as number) : after;
          keepInScope(filter, chunk);
          if (chunk.count > 0) return packedEvents(chunk);
          chunk.release();
          if (read < limit) return [];
          after = last;
          continue;
        }
        const page = await read(filter, after, filter.maxSeq, limit);
        const kept = page.filter((e) => inScope(filter, e));
        if (kept.length > 0 || page.length < limit) return kept;
        after = (page[page.length - 1] as StoredEvent).seq;
      }
    },
    horizon: () => safeHorizon(db),
    async batch(filter, range) {
      const events = await read(
        filter,
        range.firstSeq - 1,
        Math.min(range.lastSeq, filter.maxSeq),
        BATCH_READ_LIMIT,
      );
      return events.filter(
        (e) => e.eventTime >= range.from && e.eventTime < range.to && inScope(filter, e),
      );
    },
  };
}
