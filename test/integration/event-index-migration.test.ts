import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { migrateToLatest } from '../../src/db/migrations/migrate.js';
import { openDatabase } from '../../src/db/open-database.js';
import {
  lastUsePer,
  lastUsePerResource,
} from '../../src/db/repositories/access-key-usage.repository.js';
import { type IndexedEvent, indexEvent } from '../../src/db/repositories/event-columns.js';
import {
  EVENT_FILTER_KEYS,
  type EventCondition,
  type EventFilterKey,
  lookupEvents,
} from '../../src/db/repositories/event-lookup.repository.js';
import { insertEvents } from '../../src/db/repositories/events.repository.js';
import { ALLOWED_PAIR_LIST } from '../../src/domain/events/lookup-rules.js';
import { generateEvents } from '../../src/intake/seed/generate-events.js';
import { freshDataDir } from '../helpers/server-process.js';
import { emptyDatabaseConfig, storedEventRows, TEST_DB } from '../helpers/test-database.js';

// Migrations 0008 ([G]: ten pair indexes dropped, three single-key ones widened), 0013
// ([G] round 4: events_rw dropped, events_time widened, partial indexes for SensitiveAction,
// RoleName and AccessKeyId) and 0014 ([G] round 11: one AccessKey index instead of two). An
// existing store must come through each with every event, sequence, LookupEvents answer and
// GetAccessKeyLastUsed* aggregation unchanged.
const ACCOUNT = '1000000000000001';
const NOW = Date.UTC(2026, 10, 20);
const DAY = 86_400_000;

function keyValue(e: IndexedEvent, key: EventFilterKey): string | undefined {
  const c = e.columns;
  const byKey: Record<EventFilterKey, unknown> = {
    ServiceName: c.service_name,
    EventName: c.event_name,
    User: c.user_name,
    EventId: c.event_id,
    ResourceType: e.resources[0]?.type,
    ResourceName: e.resources[0]?.name,
    EventRW: c.event_rw,
    EventAccessKeyId: c.access_key_id,
    SensitiveAction: c.sensitive_action ? 'true' : 'false',
    SourceIpAddress: c.source_ip,
    EventType: c.event_type,
    RoleName: c.role_name,
    PrincipalId: c.principal_id,
  };
  const v = byKey[key];
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** Conditions that match something: every key alone and every allowed pair, from real events. */
function conditionSets(events: IndexedEvent[]): EventCondition[][] {
  const sets: EventCondition[][] = [[]];
  const shapes: EventFilterKey[][] = [
    ...EVENT_FILTER_KEYS.map((k) => [k]),
    ...ALLOWED_PAIR_LIST.map(([a, b]) => [a, b]),
  ];
  for (const keys of shapes) {
    // Two different events per shape: a busy value and a rare one.
    for (const e of [events[7], events.at(-11)]) {
      const found = events
        .slice(events.indexOf(e ?? events[0]!))
        .find((x) => keys.every((k) => keyValue(x, k)));
      if (found) sets.push(keys.map((key) => ({ key, value: keyValue(found, key) ?? '' })));
    }
    // And one that matches nothing.
    sets.push(
      keys.map((key) => ({ key, value: key === 'SensitiveAction' ? 'true' : 'no-such-value' })),
    );
  }
  return sets;
}

interface Case {
  migration: string;
  /** The last migration applied before the store is filled. */
  from: string;
  gone: string[];
  kept: string[];
  /** Indexes that must now hold only the events with the key (a WHERE in their definition). */
  partial?: string[];
}

const CASES: Case[] = [
  {
    migration: '0008-leaner-event-indexes',
    from: '0006-trail-settings',
    gone: ['events_service_rw', 'event_resources_name_user'],
    kept: ['events_service', 'events_name', 'events_service_user', 'events_access_key'],
  },
  {
    migration: '0013-partial-event-indexes',
    from: '0012-batch-bucket-span',
    gone: [],
    kept: ['events_time', 'events_rw', 'events_sensitive', 'events_access_key'],
    partial: ['events_rw', 'events_sensitive', 'events_role', 'events_service_role'],
  },
  {
    migration: '0014-one-access-key-index',
    from: '0013-partial-event-indexes',
    gone: ['events_access_key_usage'],
    kept: ['events_access_key'],
    partial: ['events_access_key'],
  },
];

/**
 * Generated events, every 11th made sensitive (the generator makes none) and every 97th given an
 * EventRW other than Read and Write (0013 indexes those apart).
 */
function storeEvents(seed: string) {
  return [
    ...generateEvents({
      count: 3000,
      days: 3,
      accounts: [ACCOUNT],
      seed,
      now: NOW,
      regions: ['cn-hangzhou', 'cn-shanghai'],
    }),
  ]
    .map((e, i) =>
      i % 11 === 3
        ? { ...e, eventAttributes: { ...(e.eventAttributes as object), SensitiveAction: true } }
        : e,
    )
    .map((e, i) => (i % 97 === 5 ? { ...e, eventRW: 'Other' } : e));
}

/** The event tables' indexes (on PostgreSQL the partitioned parents') and their SQL. */
async function indexDefinitions(
  h: Awaited<ReturnType<typeof openDatabase>>,
): Promise<Map<string, string>> {
  const rows =
    TEST_DB === 'sqlite'
      ? await sql<{
          name: string;
          def: string | null;
        }>`select name, sql as def from sqlite_master where type = 'index'`.execute(h.db)
      : await sql<{
          name: string;
          def: string;
        }>`select indexname as name, indexdef as def from pg_indexes where tablename in ('events', 'event_resources')`.execute(
          h.db,
        );
  return new Map(rows.rows.map((r) => [r.name, r.def ?? '']));
}

describe.each(CASES)(
  `migration $migration on ${TEST_DB}`,
  ({ migration, from, gone, kept, partial }) => {
    it('keeps every event, sequence, LookupEvents answer and AccessKey usage of an existing store', async () => {
      const target = await emptyDatabaseConfig(freshDataDir());
      const h = await openDatabase(target, { migrate: false });
      await migrateToLatest(h.db, h.dialect, { until: from });
      const events = storeEvents(`migration-${migration}`);
      await insertEvents(h.db, ACCOUNT, events);
      const indexed = events.map((e) => indexEvent(e));
      expect(indexed.filter((e) => e.columns.sensitive_action === 1).length).toBeGreaterThan(200);
      const sets = [
        ...conditionSets(indexed),
        [{ key: 'EventRW', value: 'Other' }],
        [{ key: 'EventRW', value: 'Read' }],
        [{ key: 'SensitiveAction', value: 'false' }],
        [
          { key: 'ServiceName', value: indexed[5]?.columns.service_name ?? '' },
          { key: 'EventRW', value: 'Other' },
        ],
      ] as EventCondition[][];
      const keys = [
        ...new Set(indexed.map((e) => e.columns.access_key_id).filter((k) => k != null)),
      ].slice(0, 3) as string[];
      expect(keys.length).toBeGreaterThan(1);
      const usage = () =>
        Promise.all(
          keys.flatMap((accessKeyId) => {
            const scope = {
              accountId: ACCOUNT,
              accessKeyId,
              firstDay: Math.floor(NOW / DAY) - 4,
              lastDay: Math.floor(NOW / DAY),
            };
            const service = indexed.find((e) => e.columns.access_key_id === accessKeyId)?.columns
              .service_name as string;
            return [
              ...(['service_name', 'event_name', 'source_ip'] as const).map((c) =>
                lastUsePer(h.db, scope, c, c === 'service_name' ? undefined : service),
              ),
              lastUsePerResource(h.db, scope, service),
            ];
          }),
        );
      const ask = async () => [
        await usage(),
        ...(await Promise.all(
          sets.flatMap((conditions) =>
            (['FORWARD', 'BACKWARD'] as const).map((direction) =>
              lookupEvents(h.db, {
                accountId: ACCOUNT,
                conditions,
                fromTime: NOW - 4 * DAY,
                toTime: NOW + DAY,
                direction,
                limit: 40,
              }),
            ),
          ),
        )),
      ];
      const answersBefore = await ask();
      expect((answersBefore[0] as unknown[]).flat().length).toBeGreaterThan(20);
      // The check is worth something only if most of the asked shapes find events.
      expect(answersBefore.filter((a) => a.length > 0).length).toBeGreaterThan(
        answersBefore.length / 2,
      );
      const storedBefore = await storedEventRows(h.db);
      const rowsBefore = storedBefore.events;

      const { applied } = await migrateToLatest(h.db, h.dialect);
      expect(applied).toContain(migration);
      expect(await storedEventRows(h.db)).toEqual(storedBefore);
      expect(await ask()).toEqual(answersBefore);

      // Still one event per (account, eventId); new events continue the sequence and are found.
      expect(await insertEvents(h.db, ACCOUNT, events.slice(0, 50))).toEqual({
        inserted: 0,
        duplicates: 50,
      });
      const more = { ...events[3], eventId: `after-${migration}` };
      expect(await insertEvents(h.db, ACCOUNT, [more])).toEqual({ inserted: 1, duplicates: 0 });
      const last = await h.db
        .selectFrom('events')
        .select('seq')
        .orderBy('seq', 'desc')
        .executeTakeFirst();
      expect(Number(last?.seq)).toBeGreaterThan(Number(rowsBefore.at(-1)?.seq));
      const sensitive = await lookupEvents(h.db, {
        accountId: ACCOUNT,
        conditions: [{ key: 'SensitiveAction', value: 'true' }],
        fromTime: NOW - 4 * DAY,
        toTime: NOW + DAY,
        direction: 'BACKWARD',
        limit: 1000,
      });
      expect(sensitive.map((e) => JSON.parse(e.eventJson).eventId)).toContain(more.eventId);
      const other = await lookupEvents(h.db, {
        accountId: ACCOUNT,
        conditions: [{ key: 'EventRW', value: 'Other' }],
        fromTime: NOW - 4 * DAY,
        toTime: NOW + DAY,
        direction: 'FORWARD',
        limit: 1000,
      });
      expect(other.length).toBe(indexed.filter((e) => e.columns.event_rw === 'Other').length);

      // Each dropped index cost every write a B-tree insert; the kept ones remain.
      const defs = await indexDefinitions(h);
      const list = [...defs.keys()];
      for (const name of gone) expect(list).not.toContain(name);
      expect(list).toEqual(expect.arrayContaining(kept));
      for (const name of partial ?? []) expect(defs.get(name), name).toMatch(/ where /i);
      await h.close();
      // ~220 lookups before and after, several UTC days each: ~3 s alone on PostgreSQL, over 30 s
      // on a loaded machine.
    }, 120_000);
  },
);
