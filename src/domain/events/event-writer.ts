import type { Kysely } from 'kysely';
import type { EventObject } from '../../db/repositories/event-columns.js';
import {
  commitRequestWrites,
  type NonceWrite,
} from '../../db/repositories/request-writes.repository.js';
import type { Database } from '../../db/schema.js';

interface Pending<T> {
  resolve(value: T): void;
  reject(e: unknown): void;
}

/**
 * Group commit for the API's per-request writes ([G], issue 14 item 3): every nonce and every
 * self-audit record asked for in the same turn of the event loop, by any number of concurrent
 * requests, go into one transaction, and each caller's promise settles only once that
 * transaction committed (decisions §1: nothing is answered before its writes are durable; a
 * nonce is recorded before the Action runs). Under load this turns 2N small commits into one;
 * alone, a write waits one setImmediate tick. One writer per app, shared by its routes.
 *
 * One group is in flight at a time: what arrives while a group commits waits for it and goes
 * into the next one. On PostgreSQL a commit takes several round trips, so flushing every turn
 * ran many small groups side by side (~2 writes each in the bench: a begin, a nonce upsert and
 * a commit per request); waiting gathers everything that arrived meanwhile into one.
 */
export class EventWriter {
  private nonces: Array<NonceWrite & Pending<boolean>> = [];
  private events: Array<{ accountId: string; event: EventObject } & Pending<void>> = [];
  private scheduled = false;
  private inFlight = false;

  constructor(private readonly db: Kysely<Database>) {}

  /** Stores a self-audit event. */
  write(accountId: string, event: EventObject): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.events.push({ accountId, event, resolve, reject });
      this.schedule();
    });
  }

  /** Records a nonce (nonces.repository's rememberNonce, grouped): false for a replay. */
  rememberNonce(
    accessKeyId: string,
    nonce: string,
    now: number,
    windowStart: number,
  ): Promise<boolean> {
    return new Promise<boolean>((resolve, reject) => {
      this.nonces.push({ accessKeyId, nonce, now, windowStart, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || this.inFlight) return;
    this.scheduled = true;
    setImmediate(() => void this.flush());
  }

  private async flush(): Promise<void> {
    const nonces = this.nonces;
    const events = this.events;
    this.nonces = [];
    this.events = [];
    this.scheduled = false;
    this.inFlight = true;
    try {
      const fresh = await commitRequestWrites(this.db, nonces, events);
      for (const [i, n] of nonces.entries()) n.resolve(fresh[i] === true);
      for (const e of events) e.resolve();
    } catch (e) {
      for (const w of [...nonces, ...events]) w.reject(e);
    } finally {
      this.inFlight = false;
      if (this.nonces.length > 0 || this.events.length > 0) this.schedule();
    }
  }
}
