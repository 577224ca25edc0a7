import type { Kysely } from 'kysely';
import type { EventObject } from '../../db/repositories/event-columns.js';
import { type AccountEvent, insertAccountEvents } from '../../db/repositories/events.repository.js';
import type { Database } from '../../db/schema.js';

interface Waiting extends AccountEvent {
  resolve(): void;
  reject(e: unknown): void;
}

/**
 * Group commit for self-audit records: every write made in the same turn of the event loop
 * goes into one transaction, and each caller's promise settles only once that transaction
 * committed (decisions §1: nothing is answered before its writes are durable). Under load this
 * turns N small commits into one; alone, a write waits one setImmediate tick.
 */
export class EventWriter {
  private queue: Waiting[] = [];
  private scheduled = false;

  constructor(private readonly db: Kysely<Database>) {}

  write(accountId: string, event: EventObject): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ accountId, event, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => void this.flush());
      }
    });
  }

  private async flush(): Promise<void> {
    const batch = this.queue;
    this.queue = [];
    this.scheduled = false;
    try {
      await insertAccountEvents(this.db, batch);
      for (const w of batch) w.resolve();
    } catch (e) {
      for (const w of batch) w.reject(e);
    }
  }
}
