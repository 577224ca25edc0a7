import {
  EVENT_FILTER_KEYS,
  type EventCondition,
  type EventFilterKey,
} from '../../db/repositories/event-lookup.repository.js';
import { ApiError, errors } from '../../errors/api-error.js';
import { DAY_MS, formatIsoSeconds, parseIsoSeconds, SECOND_MS } from '../../lib/time.js';

/** One `LookupAttribute.N` as sent (a bare `LookupAttribute.N=x` has neither field). */
export interface RawAttribute {
  key?: string | undefined;
  value?: string | undefined;
}

/** Pairs LookupEvents accepts (actiontrail-api.md §4.1), order-free. */
const ALLOWED_PAIRS: ReadonlyArray<readonly [EventFilterKey, EventFilterKey]> = [
  ['ServiceName', 'EventName'],
  ['ServiceName', 'User'],
  ['ServiceName', 'PrincipalId'],
  ['ServiceName', 'RoleName'],
  ['ServiceName', 'ResourceName'],
  ['ServiceName', 'EventRW'],
  ['ServiceName', 'SensitiveAction'],
  ['ServiceName', 'EventType'],
  ['ResourceName', 'ResourceType'],
  ['ResourceName', 'EventName'],
  ['ResourceName', 'User'],
  ['ResourceName', 'RoleName'],
  ['EventType', 'EventName'],
];

export function isAllowedPair(a: EventFilterKey, b: EventFilterKey): boolean {
  return ALLOWED_PAIRS.some(([x, y]) => (x === a && y === b) || (x === b && y === a));
}

export const ALLOWED_PAIR_LIST: ReadonlyArray<readonly [EventFilterKey, EventFilterKey]> =
  ALLOWED_PAIRS;

function isFilterKey(key: string): key is EventFilterKey {
  return (EVENT_FILTER_KEYS as readonly string[]).includes(key);
}

function readCondition(attr: RawAttribute, n: number): EventCondition {
  const name = `LookupAttribute.${n}`;
  if (attr.key === undefined || attr.key === '') throw errors.missingParameter(`${name}.Key`);
  if (!isFilterKey(attr.key)) {
    throw errors.invalidParameter(
      `${name}.Key`,
      `Supported keys: ${EVENT_FILTER_KEYS.join(', ')}.`,
    );
  }
  if (attr.value === undefined || attr.value === '') {
    throw errors.missingParameter(`${name}.Value`);
  }
  if (attr.key === 'SensitiveAction' && attr.value !== 'true' && attr.value !== 'false') {
    throw errors.invalidParameter(`${name}.Value`, 'SensitiveAction is true or false.');
  }
  return { key: attr.key, value: attr.value };
}

/**
 * The conditions a LookupEvents call applies (actiontrail-api.md §4.1): only the first two
 * attributes are read at all (later ones are ignored, even if malformed); two with the same key
 * → only the second applies; two different keys must be an allowed pair.
 */
export function effectiveConditions(attributes: readonly RawAttribute[]): EventCondition[] {
  const [first, second] = attributes.slice(0, 2).map((a, i) => readCondition(a, i + 1));
  if (!first) return [];
  if (!second) return [first];
  if (first.key === second.key) return [second];
  if (!isAllowedPair(first.key, second.key)) {
    throw errors.invalidParameter(
      'LookupAttribute',
      `The keys ${first.key} and ${second.key} cannot be combined. Allowed pairs: ${ALLOWED_PAIRS.map(
        ([a, b]) => `${a}+${b}`,
      ).join(', ')}.`,
    );
  }
  return [first, second];
}

/** LookupEvents searches at most 90 days at once. */
export const MAX_SPAN_MS = 90 * DAY_MS;
/** Without StartTime/EndTime: the last 7 days. */
export const DEFAULT_SPAN_MS = 7 * DAY_MS;

/** The searched range: whole seconds, both ends inclusive (as echoed in the response). */
export interface TimeRange {
  start: number;
  end: number;
}

function readTime(name: string, raw: string): number {
  const ms = parseIsoSeconds(raw);
  if (ms === undefined) {
    throw errors.invalidParameter(name, 'It must be a UTC time like 2021-01-01T00:00:00Z.');
  }
  return ms;
}

/**
 * StartTime/EndTime: both or neither (newest doc); neither → the last 7 days up to now.
 * End before start, or a span over 90 days → InvalidTimeRangeException.
 */
export function resolveTimeRange(
  startTime: string | undefined,
  endTime: string | undefined,
  now: number,
): TimeRange {
  if (startTime === undefined && endTime === undefined) {
    const end = Math.floor(now / SECOND_MS) * SECOND_MS;
    return { start: end - DEFAULT_SPAN_MS, end };
  }
  if (startTime === undefined || endTime === undefined) {
    throw errors.invalidParameter(
      startTime === undefined ? 'StartTime' : 'EndTime',
      'StartTime and EndTime must be given together.',
    );
  }
  const start = readTime('StartTime', startTime);
  const end = readTime('EndTime', endTime);
  if (end < start) {
    throw new ApiError(
      'InvalidTimeRangeException',
      `EndTime ${formatIsoSeconds(end)} is before StartTime ${formatIsoSeconds(start)}.`,
    );
  }
  if (end - start > MAX_SPAN_MS) {
    throw new ApiError(
      'InvalidTimeRangeException',
      'The time range between StartTime and EndTime must not exceed 90 days.',
    );
  }
  return { start, end };
}

export type LookupDirection = 'FORWARD' | 'BACKWARD';

export function readDirection(raw: string | undefined): LookupDirection {
  if (raw === undefined || raw === '') return 'BACKWARD';
  if (raw === 'FORWARD' || raw === 'BACKWARD') return raw;
  throw errors.invalidParameter('Direction', 'It must be FORWARD or BACKWARD.');
}
