import type BetterSqlite3 from 'better-sqlite3';
import type pg from 'pg';
import { listen } from './postgres-listener.js';
import { ACCESS_KEYS_CHANNEL } from './postgres-objects.js';

/** DatabaseHandle.accessKeyGeneration and what closing the handle must stop. */
export interface GenerationSource {
  current(): number | undefined;
  close(): Promise<void>;
}

const READ = 'select generation from access_key_generation where id = 1';

/**
 * SQLite: the counter 0011's triggers bump, read on the native connection: a change made by
 * the `keys` CLI in another process is seen by the next turn of the event loop. The read (a
 * prepared single-row statement, still ~5–15 µs on a loaded machine: it opens a WAL read
 * snapshot) is made once per turn and shared by the requests authenticated in it, which are
 * as good as simultaneous. Undefined inside an open transaction of this connection, which
 * could hold an uncommitted change that may still be rolled back, and before migration 0011
 * (no table yet).
 */
export function sqliteGeneration(raw: BetterSqlite3.Database): GenerationSource {
  let read: BetterSqlite3.Statement | undefined;
  let thisTurn: number | undefined;
  const forget = () => {
    thisTurn = undefined;
  };
  return {
    current() {
      if (raw.inTransaction || !raw.open) return undefined;
      if (thisTurn !== undefined) return thisTurn;
      try {
        read ??= raw.prepare(READ).pluck();
        const value = read.get();
        if (typeof value !== 'number' && typeof value !== 'bigint') return undefined;
        thisTurn = Number(value);
        setImmediate(forget);
        return thisTurn;
      } catch {
        return undefined;
      }
    },
    close: async () => {},
  };
}

/**
 * PostgreSQL: one more LISTEN connection (the job wake-ups' helper), opened on the first call.
 * The count goes up on every notification and on every (re)connect, so a cache built before a
 * lost connection is never trusted after it; while the connection is down or not yet up the
 * answer is undefined. A change is seen by this node once its NOTIFY arrives (sent at commit,
 * milliseconds on a LAN).
 */
export function postgresGeneration(config: pg.ClientConfig): GenerationSource {
  let count = 0;
  let connected = false;
  let closed = false;
  let listener: Promise<{ close(): Promise<void> }> | undefined;
  const start = () =>
    listen(
      config,
      ACCESS_KEYS_CHANNEL,
      () => {
        count += 1;
        connected = true;
      },
      () => {
        count += 1;
        connected = false;
      },
    );
  return {
    current() {
      if (closed) return undefined;
      listener ??= start();
      return connected ? count : undefined;
    },
    async close() {
      closed = true;
      connected = false;
      await (await listener)?.close();
    },
  };
}
