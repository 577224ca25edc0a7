import { withRoom } from '../../lib/buffer-room.js';
import type { PendingEvent } from './events-native-insert.js';

/**
 * A batch of indexed events packed to cross a thread boundary cheaply ([G] round 5, the seed's
 * generator thread). Structured-cloning `PendingEvent` objects cost the receiving thread 3–7 µs
 * per event, most of it copying each ~2.4 KB `event_json` string into a new string; here the
 * JSON travels as UTF-8 bytes in one transferred buffer (no copy at all) and is bound as is,
 * and the short columns go in one flat array.
 */
export interface PackedEvents {
  /** Events in the batch, in insert order. */
  count: number;
  /**
   * Per event: the account, then `PACKED_COLUMNS` in order, then the number of resource pairs
   * and each pair's type and name.
   */
  values: unknown[];
  /** Every event's `event_json`, UTF-8, one after the other. */
  json: Uint8Array;
  /** Where each event's JSON ends in `json` (bytes). */
  jsonEnds: Uint32Array;
}

/** The event columns in `values`, after the account; `event_json` is in `json`. */
export const PACKED_COLUMNS = [
  'event_id',
  'event_time',
  'event_day',
  'acs_region',
  'event_rw',
  'service_name',
  'event_name',
  'event_type',
  'user_name',
  'principal_id',
  'role_name',
  'access_key_id',
  'source_ip',
  'sensitive_action',
] as const satisfies ReadonlyArray<keyof PendingEvent['columns']>;

/** Values per event before its resource count: the account and `PACKED_COLUMNS`. */
export const PACKED_WIDTH = 1 + PACKED_COLUMNS.length;

let scratch: Buffer = Buffer.allocUnsafeSlow(8 * 1024 * 1024);

/** Packs events (already in insert order); the result's buffers may be transferred. */
export function packEvents(events: readonly PendingEvent[]): PackedEvents {
  const values: unknown[] = [];
  const jsonEnds = new Uint32Array(events.length);
  let at = 0;
  for (let i = 0; i < events.length; i++) {
    const e = events[i] as PendingEvent;
    const c = e.columns;
    values.push(e.accountId);
    for (const name of PACKED_COLUMNS) values.push(c[name] ?? null);
    values.push(e.resources.length);
    for (const r of e.resources) values.push(r.type, r.name);
    // A UTF-8 character is at most 3 bytes per UTF-16 code unit.
    scratch = withRoom(scratch, at, c.event_json.length * 3);
    at += scratch.write(c.event_json, at, 'utf8');
    jsonEnds[i] = at;
  }
  // A copy of exactly the bytes written: its buffer is handed over, the scratch stays here.
  return { count: events.length, values, json: new Uint8Array(scratch.subarray(0, at)), jsonEnds };
}
