import type { Kysely } from 'kysely';
import type { EventObject } from '../../db/repositories/event-columns.js';
import { type AccountEvent, insertAccountEvents } from '../../db/repositories/events.repository.js';
import type { Database } from '../../db/schema.js';

/**
 * Events per transaction for bulk writers (import, seed). Big enough that commit cost vanishes,
 * small enough that a running server's writes (self-audit, ingest) wait at most a few tens of
 * milliseconds for SQLite's one write lock.
 */
export const DEFAULT_BATCH_SIZE = 2_000;

/**
 * Collects validated events and stores them `batchSize` at a time, one transaction each, through
 * the event store (dedupe per account and eventId). `add` is synchronous so a tight producer
 * loop (the seed generator) pays no promise per event; it says when a flush is due.
 */
export class IngestBatchWriter {
  inserted = 0;
  duplicates = 0;
  private pending: AccountEvent[] = [];

  constructor(
    private readonly db: Kysely<Database>,
    private readonly batchSize = DEFAULT_BATCH_SIZE,
  ) {
    if (!Number.isInteger(batchSize) || batchSize < 1) {
      throw new RangeError('batch size must be a whole number ≥ 1');
    }
  }

  /** Events waiting for the next flush. */
  get pendingCount(): number {
    return this.pending.length;
  }

  /** Queues one event; true when the batch is full and `flush()` should be awaited. */
  add(accountId: string, event: EventObject): boolean {
    this.pending.push({ accountId, event });
    return this.pending.length >= this.batchSize;
  }

  /** Stores what is queued (one transaction); a no-op when nothing is. */
  async flush(): Promise<void> {
    if (this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    // Imported ids may overlap with a concurrent import or ingest: time order, no deadlock.
    const result = await insertAccountEvents(this.db, batch, 'time');
    this.inserted += result.inserted;
    this.duplicates += result.duplicates;
  }
}
