import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryPlan, summarizePlan } from '../../../test/helpers/query-plan.js';
import { openTestDatabase } from '../../../test/helpers/test-database.js';
import type { DatabaseHandle } from '../../db/open-database.js';
import { eventDay } from '../../db/repositories/event-columns.js';
import {
  type Direction,
  EVENT_FILTER_KEYS,
  type EventCondition,
  type EventFilterKey,
  lookupEventsQuery,
} from '../../db/repositories/event-lookup.repository.js';
import { ALLOWED_PAIR_LIST } from './lookup-rules.js';

// SQLite only (the unit project): these read SQLite's EXPLAIN QUERY PLAN, whose planner has no
// statistics and must be steered. PostgreSQL plans with statistics, so its index choice is not
// pinned; test/integration/event-partitions.test.ts checks that a lookup reads only its day's
// partition there.

/** The index each key (alone) must be answered from. */
const SINGLE: Record<EventFilterKey, string> = {
  ServiceName: 'events.events_service',
  EventName: 'events.events_name',
  User: 'events.events_user',
  EventId: 'events.events_account_event_id',
  ResourceType: 'event_resources.event_resources_type',
  ResourceName: 'event_resources.event_resources_name',
  // Migration 0013: Read/Write are each a large share of the events; events_time carries the
  // column (below: any other value reads events_rw, which holds only those events).
  EventRW: 'events.events_time',
  EventAccessKeyId: 'events.events_access_key',
  // `true` (below: `false` reads events_time); events_sensitive holds only sensitive events.
  SensitiveAction: 'events.events_sensitive',
  SourceIpAddress: 'events.events_source_ip',
  EventType: 'events.events_type',
  RoleName: 'events.events_role',
  PrincipalId: 'events.events_principal',
};

/** The index each allowed pair must be answered from (both keys in it, then the time). */
const PAIR: Record<string, string> = {
  // Migration 0008: a pair whose partner is coarse or implied is read from one key's index that
  // carries the partner after (event_time, seq); only the fine-grained pairs have their own.
  'ServiceName+EventName': 'events.events_name',
  'ServiceName+User': 'events.events_service_user',
  'ServiceName+PrincipalId': 'events.events_service_principal',
  'ServiceName+RoleName': 'events.events_service_role',
  'ServiceName+ResourceName': 'event_resources.event_resources_name',
  'ServiceName+EventRW': 'events.events_service',
  'ServiceName+SensitiveAction': 'events.events_service',
  'ServiceName+EventType': 'events.events_service',
  'ResourceName+ResourceType': 'event_resources.event_resources_name',
  'ResourceName+EventName': 'event_resources.event_resources_name',
  'ResourceName+User': 'event_resources.event_resources_name',
  'ResourceName+RoleName': 'event_resources.event_resources_name',
  'EventType+EventName': 'events.events_name',
};

/** The pairs of two fine-grained keys keep an index of their own (0003, kept by 0008). */
const OWN_PAIR_INDEXES = [
  'events.events_service_user',
  'events.events_service_principal',
  'events.events_service_role',
];

const value = (key: EventFilterKey) =>
  key === 'SensitiveAction' ? 'true' : key === 'EventRW' ? 'Write' : `${key}-value`;

const cases: Array<[string, EventCondition[], string]> = [
  ['no filter', [], 'events.events_time'],
  ...EVENT_FILTER_KEYS.map((key): [string, EventCondition[], string] => [
    key,
    [{ key, value: value(key) }],
    SINGLE[key],
  ]),
  ['EventRW=Read', [{ key: 'EventRW', value: 'Read' }], 'events.events_time'],
  ['EventRW=other', [{ key: 'EventRW', value: 'write' }], 'events.events_rw'],
  ['SensitiveAction=false', [{ key: 'SensitiveAction', value: 'false' }], 'events.events_time'],
  [
    'ServiceName+SensitiveAction=false',
    [
      { key: 'ServiceName', value: 'Ecs' },
      { key: 'SensitiveAction', value: 'false' },
    ],
    'events.events_service',
  ],
  ...ALLOWED_PAIR_LIST.flatMap(([a, b]): Array<[string, EventCondition[], string]> => {
    const index = PAIR[`${a}+${b}`] ?? 'missing from PAIR';
    const ca = { key: a, value: value(a) };
    const cb = { key: b, value: value(b) };
    return [
      [`${a}+${b}`, [ca, cb], index],
      [`${b}+${a}`, [cb, ca], index],
    ];
  }),
];

describe('LookupEvents query plans (SQLite)', () => {
  let handle: DatabaseHandle;
  beforeAll(async () => {
    handle = await openTestDatabase();
  });
  afterAll(async () => {
    await handle.close();
  });

  it('covers every allowed pair', () => {
    expect(ALLOWED_PAIR_LIST.map(([a, b]) => PAIR[`${a}+${b}`])).not.toContain(undefined);
    // Every index a pair reads exists and is either its own or a single key's widened one.
    for (const index of Object.values(PAIR)) {
      expect([...Object.values(SINGLE), ...OWN_PAIR_INDEXES]).toContain(index);
    }
  });

  const variants: Array<[Direction, boolean]> = [
    ['BACKWARD', false],
    ['BACKWARD', true],
    ['FORWARD', false],
    ['FORWARD', true],
  ];
  it.each(cases)(
    '%s reads its own index, in order, without a scan',
    async (_, conditions, index) => {
      for (const [direction, paged] of variants) {
        const lookup = {
          accountId: '1000000000000001',
          conditions,
          fromTime: 1_700_000_000_000,
          toTime: 1_700_600_000_000,
          direction,
          after: paged ? { time: 1_700_300_000_000, seq: 42 } : undefined,
          limit: 21,
        };
        const query = lookupEventsQuery(handle.db, lookup, eventDay(1_700_300_000_000));
        const plan = summarizePlan(await queryPlan(handle.db, query));
        const where = `${direction}${paged ? ' with NextToken' : ''}`;
        expect(plan.indexSearches[0], where).toBe(index);
        expect(plan.fullScans, where).toEqual([]);
        expect(plan.sorts, where).toBe(false);
      }
    },
  );
});
