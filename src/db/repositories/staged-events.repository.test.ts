import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { BASE_TIME, sampleEvent } from '../../../test/helpers/sample-events.js';
import { openTestDatabase, TEST_DB } from '../../../test/helpers/test-database.js';
import { EventWriter } from '../../domain/events/event-writer.js';
import { type DatabaseHandle, openDatabase } from '../open-database.js';
import { lookupEvents } from './event-lookup.repository.js';
import { insertAccountEvents } from './events.repository.js';
import { mergeStagedEvents, stagesEvents } from './staged-events.repository.js';

const ACCOUNT = '1000000000000001';

/** Shaped like a self-audit record: no resource pairs, so it is staged (not stored directly). */
const auditLike = (time: number) =>
  sampleEvent(time, { resourceType: undefined, resourceName: undefined });

async function tableCount(h: DatabaseHandle, table: 'events' | 'staged_events'): Promise<number> {
  const { rows } = await sql<{ n: number }>`select count(*) as n from ${sql.table(table)}`.execute(
    h.db,
  );
  return Number(rows[0]?.n ?? 0);
}

const lookup = (h: DatabaseHandle) =>
  lookupEvents(h.db, {
    accountId: ACCOUNT,
    conditions: [],
    fromTime: BASE_TIME - 86_400_000,
    toTime: BASE_TIME + 86_400_000,
    direction: 'BACKWARD',
    limit: 50,
  });

describe('staged self-audit records', () => {
  it('stages on SQLite only, and a reader sees a record as soon as its write settled', async () => {
    const h = await openTestDatabase();
    try {
      expect(stagesEvents(h.db)).toBe(TEST_DB === 'sqlite');
      const writer = new EventWriter(h.db);
      const events = [auditLike(BASE_TIME), auditLike(BASE_TIME + 1000), sampleEvent(BASE_TIME)];
      await Promise.all(events.map((e) => writer.write(ACCOUNT, e)));
      // Settled = committed; on SQLite into the staging table, not yet into events.
      expect(await tableCount(h, 'staged_events')).toBe(TEST_DB === 'sqlite' ? 2 : 0);
      // The one with resource pairs went straight into events.
      expect(await tableCount(h, 'events')).toBe(TEST_DB === 'sqlite' ? 1 : 3);
      const found = await lookup(h);
      expect(
        found.map((e) => (JSON.parse(e.eventJson) as { eventId: string }).eventId).sort(),
      ).toEqual(events.map((e) => e.eventId).sort());
      expect(await tableCount(h, 'staged_events')).toBe(0);
      writer.close();
    } finally {
      await h.close();
    }
  });

  it('loses nothing when the process stops between commit and merge (SQLite file)', async () => {
    if (TEST_DB !== 'sqlite') return; // PostgreSQL writes events directly
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'opentrail-staged-')), 'db.sqlite');
    const event = auditLike(BASE_TIME);
    const h = await openDatabase({ databasePath: file });
    const writer = new EventWriter(h.db);
    await writer.write(ACCOUNT, event);
    writer.close(); // no merge: what a crash right after the answer leaves
    await h.close();
    const again = await openDatabase({ databasePath: file });
    try {
      expect(await tableCount(again, 'staged_events')).toBe(1);
      const found = await lookup(again);
      expect(found.map((e) => (JSON.parse(e.eventJson) as { eventId: string }).eventId)).toEqual([
        event.eventId,
      ]);
      expect(await tableCount(again, 'staged_events')).toBe(0);
    } finally {
      await again.close();
      rmSync(path.dirname(file), { recursive: true, force: true });
    }
  });

  it('a failed merge leaves every row staged; the next one moves each exactly once', async () => {
    const h = await openTestDatabase();
    try {
      if (!stagesEvents(h.db)) return;
      const writer = new EventWriter(h.db);
      const first = auditLike(BASE_TIME);
      const second = auditLike(BASE_TIME + 1);
      // A record already in events is not stored twice when it is staged again.
      await insertAccountEvents(h.db, [{ accountId: ACCOUNT, event: first }]);
      await writer.write(ACCOUNT, first);
      await writer.write(ACCOUNT, second);
      await sql`CREATE TRIGGER refuse_second BEFORE INSERT ON events WHEN new.event_id = ${sql.lit(
        String(second.eventId),
      )} BEGIN SELECT RAISE(ABORT, 'disk full'); END`.execute(h.db);
      await expect(mergeStagedEvents(h.db)).rejects.toThrow(/disk full/);
      expect(await tableCount(h, 'staged_events')).toBe(2);
      expect(await tableCount(h, 'events')).toBe(1);
      await sql`DROP TRIGGER refuse_second`.execute(h.db);
      expect(await mergeStagedEvents(h.db)).toBe(2);
      const ids = await h.db.selectFrom('events').select('event_id').orderBy('seq').execute();
      expect(ids.map((r) => r.event_id)).toEqual([first.eventId, second.eventId]);
      writer.close();
    } finally {
      await h.close();
    }
  });
});
