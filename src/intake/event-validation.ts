import { formatIsoSeconds, MINUTE_MS, utcFromGroups } from '../lib/time.js';
import { deriveEventId } from './event-id.js';

export { canonicalJson } from './event-id.js';

/**
 * Per-event ingest rules (decisions §3). Pure: the caller supplies the account, the clock reading
 * and the configured regions, so the same function serves the ingest API, file import and seeding.
 */
export interface ValidationContext {
  /** The caller's account; becomes `recipientAccountId` and salts derived event ids. */
  accountId: string;
  /** Epoch ms the time window is measured from. */
  now: number;
  retentionMs: number;
  regions: readonly string[];
  /** Region given to events without `acsRegion` (the ingest request's region). */
  defaultRegion: string;
}

export type ValidationErrorCode =
  | 'InvalidEvent'
  | 'EventTooLarge'
  | 'InvalidEventTime'
  | 'InvalidRegion';

export type ValidationResult =
  | {
      ok: true;
      event: Record<string, unknown>;
      /**
       * `JSON.stringify(event)` when it is the record's own serialisation, read for the size
       * check (nothing was added or changed: an exported event usually has every field): the
       * store takes it instead of serialising the event again ([G] round 7, ~10 µs per 2 KB
       * event of an import).
       */
      json?: string;
    }
  | { ok: false; code: ValidationErrorCode; message: string };

/** 256 KB of JSON (UTF-8) per event. */
export const MAX_EVENT_BYTES = 256 * 1024;
/** How far ahead of our clock an eventTime may be (senders' clocks drift). */
export const MAX_FUTURE_SKEW_MS = 15 * MINUTE_MS;
const MAX_NAME_LENGTH = 128;
const MAX_ID_LENGTH = 128;

export function validateEvent(raw: unknown, ctx: ValidationContext): ValidationResult {
  if (!isPlainObject(raw)) return invalid('InvalidEvent', 'event must be a JSON object');

  let size: number;
  let serialised: string;
  try {
    serialised = JSON.stringify(raw);
    size = Buffer.byteLength(serialised, 'utf8');
  } catch {
    return invalid('InvalidEvent', 'event cannot be serialised as JSON');
  }
  if (size > MAX_EVENT_BYTES) {
    return invalid(
      'EventTooLarge',
      `event is ${size} bytes; at most ${MAX_EVENT_BYTES} are accepted`,
    );
  }

  for (const field of ['eventName', 'serviceName'] as const) {
    const problem = nameProblem(raw[field], MAX_NAME_LENGTH);
    if (problem) return invalid('InvalidEvent', `${field} ${problem}`);
  }

  const rawTime = raw.eventTime;
  if (rawTime === undefined || rawTime === null)
    return invalid('InvalidEvent', 'eventTime is missing');
  const time = typeof rawTime === 'string' ? parseEventTime(rawTime) : undefined;
  if (time === undefined) {
    return invalid(
      'InvalidEvent',
      `eventTime must be ISO 8601 like 2021-01-01T00:00:00Z (got ${preview(rawTime)})`,
    );
  }
  // Already `yyyy-MM-ddTHH:mm:ssZ` (20 characters once parsed: no fraction, no offset, upper
  // case): the text is what formatting would give back.
  const canonical =
    typeof rawTime === 'string' &&
    rawTime.length === 20 &&
    rawTime[10] === 'T' &&
    rawTime[19] === 'Z';
  const eventTime = canonical ? rawTime : formatIsoSeconds(time);
  if (time > ctx.now + MAX_FUTURE_SKEW_MS) {
    return invalid(
      'InvalidEventTime',
      `eventTime ${eventTime} is more than 15 minutes in the future`,
    );
  }
  if (time < ctx.now - ctx.retentionMs) {
    const days = Math.round(ctx.retentionMs / 86_400_000);
    return invalid(
      'InvalidEventTime',
      `eventTime ${eventTime} is older than the ${days}-day retention`,
    );
  }

  for (const field of ['eventId', 'eventType', 'eventCategory', 'acsRegion'] as const) {
    if (isAbsent(raw[field])) continue;
    const problem = nameProblem(raw[field], MAX_ID_LENGTH);
    if (problem) return invalid('InvalidEvent', `${field} ${problem}`);
  }
  const version = raw.eventVersion;
  if (!isAbsent(version) && typeof version !== 'string' && typeof version !== 'number') {
    return invalid('InvalidEvent', 'eventVersion must be a string or a number');
  }
  // The store indexes userIdentity.* (User, PrincipalId, RoleName lookups); it must be an object.
  if (!isAbsent(raw.userIdentity) && !isPlainObject(raw.userIdentity)) {
    return invalid('InvalidEvent', 'userIdentity must be an object');
  }

  const acsRegion = isAbsent(raw.acsRegion) ? ctx.defaultRegion : (raw.acsRegion as string);
  if (!ctx.regions.includes(acsRegion)) {
    return invalid('InvalidRegion', `acsRegion ${preview(acsRegion)} is not a configured region`);
  }

  const set: Record<string, unknown> = {
    eventVersion: isAbsent(version) ? '1' : version,
    eventCategory: isAbsent(raw.eventCategory) ? 'Management' : raw.eventCategory,
    eventType: isAbsent(raw.eventType) ? 'ApiCall' : raw.eventType,
    eventTime,
    acsRegion,
    // Events always belong to the caller; userIdentity.accountId (the actor) is kept as sent.
    recipientAccountId: ctx.accountId,
  };
  const event: Record<string, unknown> = { ...raw, ...set };
  if (isAbsent(raw.eventId)) {
    event.eventId = deriveEventId(ctx.accountId, event);
    return { ok: true, event };
  }
  // The spread keeps the record's keys in their order and adds the missing ones at the end: when
  // every field set is already the record's own (same key, same value), the event's JSON is the
  // record's.
  for (const key in set) {
    if (!Object.hasOwn(raw, key) || raw[key] !== set[key]) return { ok: true, event };
  }
  return { ok: true, event, json: serialised };
}

// yyyy-MM-ddTHH:mm:ss, optional fraction, then Z or an offset (+08:00 / +0800).
const ISO_TIME =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d{1,9})?(?:(Z)|([+-])(\d{2}):?(\d{2}))$/i;

/** Epoch ms of an ISO 8601 date-time with a zone, fraction truncated; undefined if not one. */
export function parseEventTime(text: string): number | undefined {
  const m = ISO_TIME.exec(text);
  if (!m) return undefined;
  const local = utcFromGroups(m.slice(1, 7));
  if (local === undefined) return undefined;
  if (m[7]) return local;
  const offH = Number(m[9]);
  const offM = Number(m[10]);
  if (offH > 23 || offM > 59) return undefined;
  const offsetMs = (offH * 60 + offM) * MINUTE_MS;
  return m[8] === '-' ? local + offsetMs : local - offsetMs;
}

function nameProblem(value: unknown, maxLength: number): string | undefined {
  if (value === undefined || value === null) return 'is missing';
  if (typeof value !== 'string' || value.trim() === '') return 'must be a non-empty string';
  if (value.length > maxLength) return `must be at most ${maxLength} characters`;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point
  if (/[\u0000-\u001f\u007f]/.test(value)) return 'must not contain control characters';
  return undefined;
}

function isAbsent(value: unknown): boolean {
  return value === undefined || value === null || value === '';
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function preview(value: unknown): string {
  const text = typeof value === 'string' ? JSON.stringify(value) : String(JSON.stringify(value));
  return text.length > 64 ? `${text.slice(0, 61)}...` : text;
}

function invalid(code: ValidationErrorCode, message: string): ValidationResult {
  return { ok: false, code, message };
}
