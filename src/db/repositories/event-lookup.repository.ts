import { type CompiledQuery, type Kysely, type SelectQueryBuilder, sql } from 'kysely';
import { EVENT_RW_OTHER, EVENT_RW_VALUES } from '../migrations/0013-partial-event-indexes.js';
import type { Database } from '../schema.js';
import { eventDay } from './event-columns.js';

/** Every LookupEvents `LookupAttribute.N.Key` (actiontrail-api.md §4.1). */
export const EVENT_FILTER_KEYS = [
  'ServiceName',
  'EventName',
  'User',
  'EventId',
  'ResourceType',
  'ResourceName',
  'EventRW',
  'EventAccessKeyId',
  'SensitiveAction',
  'SourceIpAddress',
  'EventType',
  'RoleName',
  'PrincipalId',
] as const;

export type EventFilterKey = (typeof EVENT_FILTER_KEYS)[number];

export interface EventCondition {
  key: EventFilterKey;
  /** Exact, case-sensitive; SensitiveAction is `true` or `false`. */
  value: string;
}

type EventColumn =
  | 'service_name'
  | 'event_name'
  | 'user_name'
  | 'event_id'
  | 'event_rw'
  | 'access_key_id'
  | 'sensitive_action'
  | 'source_ip'
  | 'event_type'
  | 'role_name'
  | 'principal_id';

const EVENT_COLUMNS: Partial<Record<EventFilterKey, EventColumn>> = {
  ServiceName: 'service_name',
  EventName: 'event_name',
  User: 'user_name',
  EventId: 'event_id',
  EventRW: 'event_rw',
  EventAccessKeyId: 'access_key_id',
  SensitiveAction: 'sensitive_action',
  SourceIpAddress: 'source_ip',
  EventType: 'event_type',
  RoleName: 'role_name',
  PrincipalId: 'principal_id',
};

type ResourceColumn =
  | 'resource_name'
  | 'resource_type'
  | 'service_name'
  | 'event_name'
  | 'user_name'
  | 'role_name';

/** The side table answers ResourceName/ResourceType and the pairs LookupEvents allows with them. */
const RESOURCE_COLUMNS: Partial<Record<EventFilterKey, ResourceColumn>> = {
  ResourceName: 'resource_name',
  ResourceType: 'resource_type',
  ServiceName: 'service_name',
  EventName: 'event_name',
  User: 'user_name',
  RoleName: 'role_name',
};

export type Direction = 'FORWARD' | 'BACKWARD';

export interface EventPosition {
  time: number;
  seq: number;
}

export interface EventLookup {
  accountId: string;
  /** At most two, already checked against the allowed pairs. */
  conditions: readonly EventCondition[];
  /** Inclusive lower bound, epoch ms. */
  fromTime: number;
  /** Exclusive upper bound, epoch ms. */
  toTime: number;
  direction: Direction;
  /** Keyset cursor: the last event of the previous page. */
  after?: EventPosition | undefined;
  limit: number;
}

export interface LookedUpEvent {
  seq: number;
  eventTime: number;
  eventJson: string;
}

function columnValue(c: EventCondition): string | number {
  return c.key === 'SensitiveAction' ? (c.value === 'true' ? 1 : 0) : c.value;
}

function usesResources(conditions: readonly EventCondition[]): boolean {
  return conditions.some((c) => c.key === 'ResourceName' || c.key === 'ResourceType');
}

/** The UTC days a lookup visits, in reading order, skipping those a cursor already passed. */
export function lookupDays(q: EventLookup): number[] {
  let first = eventDay(q.fromTime);
  let last = eventDay(q.toTime - 1);
  if (q.after && q.direction === 'BACKWARD') last = Math.min(last, eventDay(q.after.time));
  if (q.after && q.direction === 'FORWARD') first = Math.max(first, eventDay(q.after.time));
  const days: number[] = [];
  for (let d = first; d <= last; d++) days.push(d);
  return q.direction === 'BACKWARD' ? days.reverse() : days;
}

/**
 * The SQL of one day's part of a page, exposed so tests can read its query plan (each key and
 * pair must be an index search). Keyset paging on (event_time, seq), never OFFSET, so pages
 * stay stable while events arrive. The (seq, event_time) come from a covering index read (the
 * events indexes, or the resource side table); the events are then fetched by seq. Asking the
 * index for seq alone also keeps SQLite's planner, which has no statistics, on the filter's
 * index: when the same query also selects event_json, it prefers the bare time index.
 */
export function lookupEventsQuery(
  db: Kysely<Database>,
  q: EventLookup,
  day: number,
): SelectQueryBuilder<Database, 'events', LookedUpEventRow> {
  const order = q.direction === 'BACKWARD' ? 'desc' : 'asc';
  const past = q.direction === 'BACKWARD' ? '<' : '>';
  const resources = usesResources(q.conditions);
  // One event may name a resource more than once (several types), hence DISTINCT there. Both
  // tables share account_id, event_day, event_time and seq; the cast merges their columns.
  let hits = (
    resources
      ? db.selectFrom('event_resources').select(['seq', 'event_time']).distinct()
      : db.selectFrom('events').select(['seq', 'event_time'])
  ) as HitsQuery;
  hits = hits.where('account_id', '=', q.accountId).where('event_day', '=', day);
  for (const c of q.conditions) {
    const column = resources ? RESOURCE_COLUMNS[c.key] : EVENT_COLUMNS[c.key];
    if (!column) throw new Error(`no column for ${c.key} in this lookup`);
    if (c.key === 'SensitiveAction') {
      // A literal, not a parameter: `events_sensitive` holds only `sensitive_action = 1`
      // (migration 0013), and a planner can match a partial index only on a condition it sees.
      // False, nearly every event, is read from `events_time`, which carries the column.
      hits = hits.where(sql<boolean>`${sql.ref(column)} = ${sql.lit(columnValue(c))}`);
    } else {
      hits = hits.where(column as EventColumn, '=', columnValue(c));
    }
    if (c.key === 'EventRW' && !(EVENT_RW_VALUES as readonly string[]).includes(c.value)) {
      // Neither Read nor Write: `events_rw` holds only such events (0013), and is chosen only
      // when its condition is in the query. Read and Write are read from `events_time`.
      hits = hits.where(sql.raw<boolean>(EVENT_RW_OTHER));
    }
  }
  hits = hits.where('event_time', '>=', q.fromTime).where('event_time', '<', q.toTime);
  if (q.after) {
    const { time, seq } = q.after;
    hits = hits.where((eb) => eb(eb.refTuple('event_time', 'seq'), past, eb.tuple(time, seq)));
  }
  const page = hits.orderBy('event_time', order).orderBy('seq', order).limit(q.limit);
  // The day again on the outer read: on PostgreSQL it confines both reads to the day's
  // partition (partition pruning); on SQLite the seq lookup is the same either way.
  return db
    .selectFrom('events')
    .innerJoin(page.as('hits'), 'hits.seq', 'events.seq')
    .where('events.event_day', '=', day)
    .select(['events.seq', 'events.event_time', 'events.event_json'])
    .orderBy('hits.event_time', order)
    .orderBy('hits.seq', order);
}

type LookedUpEventRow = { seq: number; event_time: number; event_json: string };
type HitsQuery = SelectQueryBuilder<Database, 'events', { seq: number; event_time: number }>;

/** Stand in for the day and the limit while the page query is compiled once (never real). */
const DAY_PLACEHOLDER = -1_000_003;
const LIMIT_PLACEHOLDER = -1_000_033;

/**
 * One page of an account's events matching `q`, in the requested direction: day by day (at
 * most 91 index searches for a 90-day range) until the page is full. The query is compiled
 * once and run per day with the day parameter swapped, since building and compiling it
 * costs more than running it (~120 µs against ~100 µs per day on SQLite).
 */
export async function lookupEvents(db: Kysely<Database>, q: EventLookup): Promise<LookedUpEvent[]> {
  const out: LookedUpEvent[] = [];
  let compiled:
    | { query: CompiledQuery<LookedUpEventRow>; dayAt: number[]; limitAt: number }
    | undefined;
  for (const day of lookupDays(q)) {
    if (!compiled) {
      const query = lookupEventsQuery(
        db,
        { ...q, limit: LIMIT_PLACEHOLDER },
        DAY_PLACEHOLDER,
      ).compile();
      const dayAt = query.parameters.flatMap((p, i) => (p === DAY_PLACEHOLDER ? [i] : []));
      const limitAt = query.parameters.indexOf(LIMIT_PLACEHOLDER);
      if (dayAt.length === 0 || limitAt < 0) throw new Error('lookup query lost its day or limit');
      compiled = { query, dayAt, limitAt };
    }
    const { query, dayAt, limitAt } = compiled;
    const parameters = [...query.parameters];
    for (const i of dayAt) parameters[i] = day;
    parameters[limitAt] = q.limit - out.length;
    const run: CompiledQuery<LookedUpEventRow> = { ...query, parameters };
    const { rows } = await db.executeQuery(run);
    for (const r of rows) {
      out.push({ seq: Number(r.seq), eventTime: Number(r.event_time), eventJson: r.event_json });
    }
    if (out.length >= q.limit) break;
  }
  return out;
}
