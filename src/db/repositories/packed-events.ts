import { withRoom } from '../../lib/buffer-room.js';
import type { PendingEvent } from './events-native-insert.js';

/**
 * A batch of indexed events packed to cross a thread boundary cheaply ([G] rounds 5 and 11, the
 * seed's generator thread, the import's reader). Structured-cloning `PendingEvent` objects cost
 * the receiving thread 3–7 µs per event, most of it copying each ~2.4 KB `event_json` string
 * into a new string; here the JSON travels as UTF-8 bytes in one transferred buffer (no copy
 * at all) and is bound as is. The short columns travel as numbers in another transferred
 * buffer, each text a code into the batch's own list of distinct texts: a batch of 2,000 seeded
 * events has ~2,600 of them (every eventId, a few hundred names, users, addresses) instead of
 * ~34,000 values to clone, build as strings and collect on the writer's thread.
 */
export interface PackedEvents {
  /** Events in the batch, in insert order. */
  count: number;
  /**
   * Per event: the account, then `PACKED_COLUMNS` in order, then the number of resource pairs
   * and each pair's type and name. A number column holds its value; a text holds its index in
   * `texts`, or -1 for null (`unpackText`).
   */
  codes: Float64Array;
  /** The batch's distinct texts, each once. */
  texts: string[];
  /** Every event's `event_json`, UTF-8, one after the other. */
  json: Uint8Array;
  /** Where each event's JSON ends in `json` (bytes). */
  jsonEnds: Uint32Array;
}

/** The event columns in `codes`, after the account; `event_json` is in `json`. */
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

/** Whether each of an event's first PACKED_WIDTH values is a number (else a text or null). */
export const PACKED_NUMBER: readonly boolean[] = [
  false,
  ...PACKED_COLUMNS.map((c) => c === 'event_time' || c === 'event_day' || c === 'sensitive_action'),
];

/** A text's value from its code. */
export function unpackText(texts: readonly string[], code: number): string | null {
  return code < 0 ? null : (texts[code] as string);
}

let scratch: Buffer = Buffer.allocUnsafeSlow(8 * 1024 * 1024);

/** Packs events (already in insert order); the result's buffers may be transferred. */
export function packEvents(events: readonly PendingEvent[]): PackedEvents {
  const texts: string[] = [];
  const codeOf = new Map<string, number>();
  const text = (v: unknown): number => {
    if (v === null || v === undefined) return -1;
    const t = v as string;
    let code = codeOf.get(t);
    if (code === undefined) {
      code = texts.push(t) - 1;
      codeOf.set(t, code);
    }
    return code;
  };
  let size = 0;
  for (const e of events) size += PACKED_WIDTH + 1 + 2 * e.resources.length;
  const codes = new Float64Array(size);
  const jsonEnds = new Uint32Array(events.length);
  let at = 0;
  let o = 0;
  for (let i = 0; i < events.length; i++) {
    const e = events[i] as PendingEvent;
    const c = e.columns;
    codes[o++] = text(e.accountId);
    for (let k = 0; k < PACKED_COLUMNS.length; k++) {
      const v = c[PACKED_COLUMNS[k] as (typeof PACKED_COLUMNS)[number]];
      codes[o++] = PACKED_NUMBER[k + 1] ? (v as number) : text(v);
    }
    codes[o++] = e.resources.length;
    for (const r of e.resources) {
      codes[o++] = text(r.type);
      codes[o++] = text(r.name);
    }
    // A UTF-8 character is at most 3 bytes per UTF-16 code unit.
    scratch = withRoom(scratch, at, c.event_json.length * 3);
    at += scratch.write(c.event_json, at, 'utf8');
    jsonEnds[i] = at;
  }
  // A copy of exactly the bytes written: its buffer is handed over, the scratch stays here.
  const json = new Uint8Array(scratch.subarray(0, at));
  return { count: events.length, codes, texts, json, jsonEnds };
}
