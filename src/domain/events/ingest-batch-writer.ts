import type { Kysely } from 'kysely';
import type { EventObject } from '../../db/repositories/event-columns.js';
import {
  type AccountEvent,
  countStoredEvents,
  insertAccountEvents,
} from '../../db/repositories/events.repository.js';
import type { StoreEvents } from '../../db/repositories/events-bulk-load.js';
import type { Database } from '../../db/schema.js';

/**
 * Events per transaction for bulk writers (import, seed). Big enough that commit cost vanishes,
 * small enough that a running server's writes (self-audit, ingest) wait at most a few tens of
 * milliseconds for SQLite's one write lock.
 */
export const DEFAULT_BATCH_SIZE = 2_000;

/**
 * Whether a load of about `incoming` events should be one bulk load (events-bulk-load.ts): the
 * store allows it (no server runs on the SQLite file) and holds no more events than the load
 * brings, since building the indexes after the load reads the whole store once.
 */
export async function shouldBulkLoad(
  db: Kysely<Database>,
  allowed: boolean,
  incoming: number,
): Promise<boolean> {
  return allowed && incoming > 0 && (await countStoredEvents(db)) <= incoming;
}

/**
 * Collects validated events and stores them `batchSize` at a time, one transaction each, through
 * the event store (dedupe per account and eventId), or through `store` when given (a bulk load,
 * events-bulk-load.ts). `add` is synchronous so a tight producer loop (the seed generator) pays
 * no promise per event; it says when a flush is due.
 */
export class IngestBatchWriter {
  inserted = 0;
  duplicates = 0;
  private pending: AccountEvent[] = [];

  constructor(
    private readonly db: Kysely<Database>,
    private readonly batchSize = DEFAULT_BATCH_SIZE,
    private readonly store?: StoreEvents,
  ) {
    if (!Number.isInteger(batchSize) || batchSize < 1) {
      throw new RangeError('batch size must be a whole number ≥ 1');
    }
  }

  /** Events waiting for the next flush. */
  get pendingCount(): number {
    return this.pending.length;
  }

  /**
   * Queues one event (with its JSON when known); true when the batch is full and `flush()`
   * should be awaited.
   */
  add(accountId: string, event: EventObject, json?: string): boolean {
    this.pending.push({ accountId, event, json });
    return this.pending.length >= this.batchSize;
  }

  /** Stores what is queued (one transaction); a no-op when nothing is. */
  async flush(): Promise<void> {
    if (this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    // Imported ids may overlap with a concurrent import or ingest: time order, no deadlock.
    const result = this.store
      ? await this.store(batch)
      : await insertAccountEvents(this.db, batch, 'time');
    this.inserted += result.inserted;
    this.duplicates += result.duplicates;
  }
}
