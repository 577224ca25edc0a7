import type { Kysely } from 'kysely';
import { safeHorizon, scanEventsForDelivery } from '../db/repositories/events.repository.js';
import type { Database } from '../db/schema.js';
import type { EventSource, ScopeFilter, StoredEvent } from './event-source.js';

/** A planned batch lies inside one chunk, so re-reading its sequence range is bounded too. */
const BATCH_READ_LIMIT = 1_000_000;

/** The delivery engine's view of the event store. */
export function storeEventSource(db: Kysely<Database>): EventSource {
  const read = async (filter: ScopeFilter, afterSeq: number, cutoffSeq: number, limit: number) =>
    (
      await scanEventsForDelivery(db, {
        accountId: filter.accountId,
        region: filter.region,
        eventRW: filter.eventRW,
        fromTime: filter.fromTime,
        afterSeq,
        cutoffSeq,
        limit,
      })
    ).map((e): StoredEvent => ({ seq: e.seq, eventTime: e.eventTime, json: e.eventJson }));

  return {
    horizon: () => safeHorizon(db),
    scan: (filter, afterSeq, limit) => read(filter, afterSeq, filter.maxSeq, limit),
    async batch(filter, range) {
      const events = await read(
        filter,
        range.firstSeq - 1,
        Math.min(range.lastSeq, filter.maxSeq),
        BATCH_READ_LIMIT,
      );
      return events.filter((e) => e.eventTime >= range.from && e.eventTime < range.to);
    },
  };
}
