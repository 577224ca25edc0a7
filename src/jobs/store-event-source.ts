import type { Kysely } from 'kysely';
import { safeHorizon, scanEventsForDelivery } from '../db/repositories/events.repository.js';
import type { Database } from '../db/schema.js';
import { dataEventFacts, inDataEventScope } from '../domain/data-event-selectors/selector-match.js';
import type { EventSource, ScopeFilter, StoredEvent } from './event-source.js';

/** A planned batch lies inside one chunk, so re-reading its sequence range is bounded too. */
const BATCH_READ_LIMIT = 1_000_000;

/** Cheap test first: only events that may be Data events are parsed for the selector rule. */
const MAYBE_DATA = /"eventCategory"\s*:\s*"data"/i;

function inScope(filter: ScopeFilter, e: StoredEvent): boolean {
  return !MAYBE_DATA.test(e.json) || inDataEventScope(filter.dataEvents, dataEventFacts(e.json));
}

/** The delivery engine's view of the event store. */
export function storeEventSource(db: Kysely<Database>): EventSource {
  const read = async (filter: ScopeFilter, afterSeq: number, cutoffSeq: number, limit: number) =>
    (
      await scanEventsForDelivery(db, {
        accountId: filter.accountId,
        region: filter.region,
        eventRW: filter.eventRW,
        fromTime: filter.fromTime,
        toTime: filter.toTime,
        afterSeq,
        cutoffSeq,
        limit,
      })
    ).map((e): StoredEvent => ({ seq: e.seq, eventTime: e.eventTime, json: e.eventJson }));

  return {
    /**
     * The next events in scope. A page whose every event the Data-event rule leaves out is
     * skipped, not returned empty: an empty answer means the scope is exhausted.
     */
    async scan(filter, afterSeq, limit) {
      for (let after = afterSeq; ; ) {
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
