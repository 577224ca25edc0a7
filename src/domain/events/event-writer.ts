import type { Kysely } from 'kysely';
import type { EventObject } from '../../db/repositories/event-columns.js';
import {
  commitRequestWrites,
  type NonceWrite,
  type RequestEvent,
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
 *
 * A Read Action's request gives its nonce with its self-audit event instead of before the
 * Action (the gateway): one commit per request instead of two. The event is stored only if the
 * nonce is fresh; a replay's read ran, but is answered SignatureNonceUsed and not audited.
 */
export class EventWriter {
  private nonces: Array<NonceWrite & Pending<boolean>> = [];
  private events: Array<
    { accountId: string; event: EventObject; nonce?: NonceWrite | undefined } & Pending<boolean>
  > = [];
  private scheduled = false;
  private inFlight = false;

  constructor(private readonly db: Kysely<Database>) {}

  /**
   * Stores a self-audit event, with the request's nonce when given: false (and nothing stored)
   * when that nonce was used already.
   */
  write(accountId: string, event: EventObject, nonce?: NonceWrite): Promise<boolean> {
    return new Promise<boolean>((resolve, reject) => {
      this.events.push({ accountId, event, nonce, resolve, reject });
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
      const all: NonceWrite[] = [...nonces];
      const requestEvents: RequestEvent[] = events.map((e) => ({
        accountId: e.accountId,
        event: e.event,
        nonceAt: e.nonce ? all.push(e.nonce) - 1 : undefined,
      }));
      const fresh = await commitRequestWrites(this.db, all, requestEvents);
      for (const [i, n] of nonces.entries()) n.resolve(fresh[i] === true);
      for (const [i, e] of events.entries()) {
        const at = requestEvents[i]?.nonceAt;
        e.resolve(at === undefined || fresh[at] === true);
      }
    } catch (e) {
      for (const w of [...nonces, ...events]) w.reject(e);
    } finally {
      this.inFlight = false;
      if (this.nonces.length > 0 || this.events.length > 0) this.schedule();
    }
  }
}
