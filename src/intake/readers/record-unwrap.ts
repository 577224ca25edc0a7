/** A record read from an input, or why the record at that position could not be read. */
export type RecordResult = { record: unknown; line: number } | { error: string; line: number };

type Unwrapped = { record: unknown } | { error: string };

/**
 * Turns one parsed JSON value into an event record. SLS exports wrap each event as
 * `{"__topic__":"actiontrail_audit_event","__time__":…,"event":"<event JSON string>"}`
 * (delivery-sinks §1.2); the `event` string is parsed here. Any other object is taken as the
 * event itself and left to `validateEvent` to judge.
 */
export function unwrapRecord(value: unknown): Unwrapped {
  if (!isObject(value)) return { error: `expected a JSON object, found ${describeJson(value)}` };
  if (!isSlsLog(value)) return { record: value };
  const inner = value.event;
  if (isObject(inner)) return { record: inner };
  if (typeof inner !== 'string') return { error: 'SLS log has no "event" field holding the event' };
  let parsed: unknown;
  try {
    parsed = JSON.parse(inner);
  } catch (err) {
    return { error: `SLS "event" field is not valid JSON: ${errorText(err)}` };
  }
  if (!isObject(parsed)) return { error: `SLS "event" field holds ${describeJson(parsed)}` };
  return { record: parsed };
}

/** Parses one NDJSON line; undefined for a blank line (skipped silently). */
export function parseRecordLine(text: string): Unwrapped | undefined {
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  let value: unknown;
  try {
    value = JSON.parse(trimmed);
  } catch (err) {
    return { error: `invalid JSON: ${errorText(err)}` };
  }
  return unwrapRecord(value);
}

// An ActionTrail event has no `event` field, so `event` without `eventName` marks an SLS log
// even when an export dropped the `__topic__`/`__time__` keys.
function isSlsLog(value: Record<string, unknown>): boolean {
  return (
    '__topic__' in value || '__time__' in value || ('event' in value && !('eventName' in value))
  );
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describeJson(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}

export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
