import { createHash } from 'node:crypto';

/**
 * Namespace of every derived eventId (decisions §3). A fixed random UUID chosen for opentrail:
 * changing it would give already-ingested, id-less events new ids on a retry, so it never changes.
 */
export const EVENT_ID_NAMESPACE = '5b0d1f0e-6a57-4c6e-9a1d-3f0b7c2e8d41';

/**
 * JSON with object keys sorted (recursively, by UTF-16 code unit) so the same content always
 * gives the same text, whatever key order the sender used. Values JSON cannot hold follow
 * `JSON.stringify`: `undefined`/functions dropped from objects, `null` in arrays.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  const withToJson = value as { toJSON?: () => unknown };
  if (typeof withToJson.toJSON === 'function') return canonicalJson(withToJson.toJSON());
  if (Array.isArray(value)) {
    return `[${value.map((item) => (isDropped(item) ? 'null' : canonicalJson(item))).join(',')}]`;
  }
  const record = value as Record<string, unknown>;
  const parts: string[] = [];
  for (const key of Object.keys(record).sort()) {
    const item = record[key];
    if (isDropped(item)) continue;
    parts.push(`${JSON.stringify(key)}:${canonicalJson(item)}`);
  }
  return `{${parts.join(',')}}`;
}

function isDropped(value: unknown): boolean {
  return value === undefined || typeof value === 'function' || typeof value === 'symbol';
}

/** RFC 4122 §4.3 name-based UUID (SHA-1, version 5); lower-case like the RFC's examples. */
export function uuidV5(name: string, namespace: string): string {
  const ns = Buffer.from(namespace.replace(/-/g, ''), 'hex');
  if (ns.length !== 16) throw new Error(`namespace is not a UUID: ${namespace}`);
  const hash = createHash('sha1').update(ns).update(name, 'utf8').digest();
  hash[6] = ((hash[6] ?? 0) & 0x0f) | 0x50;
  hash[8] = ((hash[8] ?? 0) & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * The eventId of an event sent without one: UUIDv5 of the account and the canonical JSON of the
 * (normalised, id-less) event, so a retried batch maps to the same ids and is deduplicated.
 * Upper-case, as ActionTrail writes its event ids.
 */
export function deriveEventId(accountId: string, event: Record<string, unknown>): string {
  const { eventId: _ignored, ...rest } = event;
  return uuidV5(`${accountId}\n${canonicalJson(rest)}`, EVENT_ID_NAMESPACE).toUpperCase();
}
