import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { migrateToLatest } from '../../src/db/migrations/migrate.js';
import { openDatabase } from '../../src/db/open-database.js';
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
import { emptyDatabaseConfig, TEST_DB } from '../helpers/test-database.js';

// Migration 0008 ([G]) drops ten pair indexes and widens three single-key ones. An existing
// store must come through with every event, sequence and LookupEvents answer unchanged.
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

describe(`migration 0008 on ${TEST_DB}`, () => {
  it('keeps every event, sequence and LookupEvents answer of an existing store', async () => {
    const target = await emptyDatabaseConfig(freshDataDir());
    const h = await openDatabase(target, { migrate: false });
    await migrateToLatest(h.db, h.dialect, { until: '0006-trail-settings' });
    const events = [
      ...generateEvents({
        count: 3000,
        days: 3,
        accounts: [ACCOUNT],
        seed: 'migration-0008',
        now: NOW,
        regions: ['cn-hangzhou', 'cn-shanghai'],
      }),
    ];
    await insertEvents(h.db, ACCOUNT, events);
    const indexed = events.map((e) => indexEvent(e));
    const sets = conditionSets(indexed);
    const ask = () =>
      Promise.all(
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
      );
    const answersBefore = await ask();
    // The check is worth something only if most of the asked shapes find events.
    expect(answersBefore.filter((a) => a.length > 0).length).toBeGreaterThan(
      answersBefore.length / 2,
    );
    const rowsBefore = await h.db.selectFrom('events').selectAll().orderBy('seq').execute();
    const resourcesBefore = await h.db
      .selectFrom('event_resources')
      .selectAll()
      .orderBy('seq')
      .orderBy('resource_type')
      .orderBy('resource_name')
      .execute();

    expect((await migrateToLatest(h.db, h.dialect)).applied).toContain('0008-leaner-event-indexes');
    expect(await h.db.selectFrom('events').selectAll().orderBy('seq').execute()).toEqual(
      rowsBefore,
    );
    expect(
      await h.db
        .selectFrom('event_resources')
        .selectAll()
        .orderBy('seq')
        .orderBy('resource_type')
        .orderBy('resource_name')
        .execute(),
    ).toEqual(resourcesBefore);
    expect(await ask()).toEqual(answersBefore);

    // Still one event per (account, eventId); new events continue the sequence.
    expect(await insertEvents(h.db, ACCOUNT, events.slice(0, 50))).toEqual({
      inserted: 0,
      duplicates: 50,
    });
    const more = { ...events[0], eventId: 'after-0008' };
    expect(await insertEvents(h.db, ACCOUNT, [more])).toEqual({ inserted: 1, duplicates: 0 });
    const last = await h.db
      .selectFrom('events')
      .select('seq')
      .orderBy('seq', 'desc')
      .executeTakeFirst();
    expect(Number(last?.seq)).toBeGreaterThan(Number(rowsBefore.at(-1)?.seq));

    // The pair indexes are gone (each cost every write a B-tree insert); the kept ones remain.
    const names =
      TEST_DB === 'sqlite'
        ? await sql<{ name: string }>`select name from sqlite_master where type = 'index'`.execute(
            h.db,
          )
        : await sql<{
            name: string;
          }>`select indexname as name from pg_indexes where tablename in ('events', 'event_resources')`.execute(
            h.db,
          );
    const list = names.rows.map((r) => r.name);
    expect(list).not.toContain('events_service_rw');
    expect(list).not.toContain('event_resources_name_user');
    expect(list).toEqual(
      expect.arrayContaining([
        'events_service',
        'events_name',
        'events_service_user',
        'events_access_key_usage',
      ]),
    );
    await h.close();
  });
});
