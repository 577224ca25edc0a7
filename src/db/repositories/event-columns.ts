import type { Insertable } from 'kysely';
import { DAY_MS } from '../../lib/time.js';
import type { EventsTable } from '../schema.js';

/** An ActionTrail event as JSON: known fields are read, everything else is stored untouched. */
export type EventObject = { readonly [field: string]: unknown };

export class InvalidEventError extends Error {
  override name = 'InvalidEventError';
}

export interface ResourcePair {
  type: string;
  name: string;
}

/** The indexed copy of an event: its columns (without seq and account) and resource pairs. */
export interface IndexedEvent {
  eventId: string;
  columns: Omit<Insertable<EventsTable>, 'seq' | 'account_id'>;
  resources: ResourcePair[];
}

/**
 * At most this many resource pairs are indexed per event, so one event naming thousands of
 * resources cannot blow up the side table; the event itself is stored whole.
 */
export const MAX_RESOURCE_PAIRS = 256;

const EVENT_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$/;

function text(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

function object(value: unknown): EventObject | undefined {
  return value && typeof value === 'object' && !Array.isArray(value)
    ? (value as EventObject)
    : undefined;
}

/** The UTC day (days since the epoch) an event time falls on; see 0003-events. */
export function eventDay(ms: number): number {
  return Math.floor(ms / DAY_MS);
}

/** `eventTime` as epoch ms: ISO 8601 UTC with `Z`, seconds required, fraction optional. */
export function parseEventTime(value: unknown): number | undefined {
  if (typeof value !== 'string' || !EVENT_TIME.test(value)) return undefined;
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? ms : undefined;
}

/**
 * The role of an assumed-role caller: CloudTrail-style `sessionContext.sessionIssuer.userName`
 * when present, else the part of ActionTrail's `userName` (`role:session`) before the colon.
 */
function roleName(identity: EventObject | undefined): string | null {
  if (!identity) return null;
  const issuer = object(object(identity.sessionContext)?.sessionIssuer);
  const fromIssuer = text(issuer?.userName);
  if (fromIssuer) return fromIssuer;
  const userName = text(identity.userName);
  if (identity.type !== 'assumed-role' || !userName) return null;
  const colon = userName.indexOf(':');
  return colon > 0 ? userName.slice(0, colon) : userName;
}

function isSensitive(event: EventObject): boolean {
  const attributes = object(event.eventAttributes);
  const flag = attributes?.SensitiveAction ?? attributes?.sensitiveAction;
  return flag === true || flag === 'true';
}

function splitList(value: unknown, separator: string): string[] {
  if (typeof value !== 'string') return [];
  return value.split(separator).map((s) => s.trim());
}

/**
 * Resource pairs from `resourceType` (`;` between types) and `resourceName` (`;` between the
 * types' groups, `,` inside a group), matched by position. When the counts differ and there
 * is one type, every name gets it; otherwise names and types are indexed unpaired (type or
 * name ''). `referencedResources` (type → names) adds its pairs. Duplicates are dropped.
 */
export function resourcePairs(event: EventObject): ResourcePair[] {
  const out = new Map<string, ResourcePair>();
  const add = (type: string, name: string) => {
    if ((type !== '' || name !== '') && out.size < MAX_RESOURCE_PAIRS) {
      out.set(`${type}\u0000${name}`, { type, name });
    }
  };
  const types = splitList(event.resourceType, ';').filter(Boolean);
  const groups = splitList(event.resourceName, ';').map((g) =>
    g
      .split(',')
      .map((n) => n.trim())
      .filter(Boolean),
  );
  const paired = types.length === groups.length;
  const single = types.length === 1;
  groups.forEach((names, i) => {
    const type = paired ? (types[i] ?? '') : single ? (types[0] ?? '') : '';
    for (const name of names) add(type, name);
  });
  for (const [i, type] of types.entries()) {
    const named = paired ? (groups[i]?.length ?? 0) > 0 : single && groups.some((g) => g.length);
    if (!named) add(type, '');
  }
  const referenced = object(event.referencedResources);
  for (const [type, names] of Object.entries(referenced ?? {})) {
    if (!Array.isArray(names)) continue;
    for (const name of names) if (typeof name === 'string' && name !== '') add(type, name);
  }
  return [...out.values()];
}

/**
 * Copies the fields LookupEvents filters on out of an event. Only `eventId` and `eventTime`
 * are required here; the ingest API ([B3]) validates the rest before it stores anything.
 */
export function indexEvent(
  event: EventObject,
  /** `JSON.stringify(event)` when the caller has it (validateEvent's `json`). */
  json?: string,
): IndexedEvent {
  const eventId = text(event.eventId);
  if (!eventId) throw new InvalidEventError('eventId is missing or not a string');
  const eventTime = parseEventTime(event.eventTime);
  if (eventTime === undefined) {
    throw new InvalidEventError(`eventTime of ${eventId} is not yyyy-MM-ddTHH:mm:ss[.fff]Z`);
  }
  const identity = object(event.userIdentity);
  return {
    eventId,
    columns: {
      event_id: eventId,
      event_time: eventTime,
      event_day: eventDay(eventTime),
      acs_region: text(event.acsRegion),
      event_rw: text(event.eventRW),
      service_name: text(event.serviceName),
      event_name: text(event.eventName),
      event_type: text(event.eventType),
      user_name: text(identity?.userName),
      principal_id: text(identity?.principalId),
      role_name: roleName(identity),
      access_key_id: text(identity?.accessKeyId),
      source_ip: text(event.sourceIpAddress),
      sensitive_action: isSensitive(event) ? 1 : 0,
      event_json: json ?? JSON.stringify(event),
    },
    resources: resourcePairs(event),
  };
}
