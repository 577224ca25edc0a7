import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../../src/db/migrations/index.js';
import { migrateToLatest } from '../../src/db/migrations/migrate.js';
import { openDatabase } from '../../src/db/open-database.js';
import { insertEvents, safeHorizon } from '../../src/db/repositories/events.repository.js';
import { BASE_TIME, sampleEvent } from '../helpers/sample-events.js';
import { freshDataDir } from '../helpers/server-process.js';
import { emptyDatabaseConfig, TEST_DB } from '../helpers/test-database.js';

/** Every table with its columns and types, to compare a schema before and after. */
async function tableNames(db: Parameters<typeof migrateToLatest>[0]): Promise<string[]> {
  const tables = await db.introspection.getTables();
  return tables.map(
    (t) => `${t.name}(${t.columns.map((c) => `${c.name}:${c.dataType}`).join(',')})`,
  );
}

const ACCOUNT = '1000000000000001';

describe(`migrations on ${TEST_DB}`, () => {
  it('apply on an empty database, and a second run is a no-op', async () => {
    const target = await emptyDatabaseConfig(freshDataDir());
    const first = await openDatabase(target, { migrate: false });
    expect((await migrateToLatest(first.db, first.dialect)).applied).toEqual(
      MIGRATIONS.map(([name]) => name),
    );
    const schema = await tableNames(first.db);
    expect(schema.map((t) => t.split('(')[0])).toEqual(
      expect.arrayContaining(['accounts', 'access_keys', 'delivery_jobs', 'events', 'trails']),
    );
    expect((await migrateToLatest(first.db, first.dialect)).applied).toEqual([]);
    await first.close();

    const second = await openDatabase(target);
    expect((await migrateToLatest(second.db, second.dialect)).applied).toEqual([]);
    expect(await tableNames(second.db)).toEqual(schema);
    const applied = await sql<{
      name: string;
    }>`select name from opentrail_migrations order by name`.execute(second.db);
    expect(applied.rows.map((r) => r.name)).toEqual(MIGRATIONS.map(([n]) => n));
    await second.close();
  });

  it('refuse a database written by a newer opentrail', async () => {
    const target = await emptyDatabaseConfig(freshDataDir());
    const h = await openDatabase(target);
    await sql`insert into opentrail_migrations (name, timestamp) values ('9999-from-the-future', '2030-01-01')`.execute(
      h.db,
    );
    await h.close();
    await expect(openDatabase(target)).rejects.toThrow(
      /migrated by a newer opentrail \(unknown migrations: 9999-from-the-future\)/,
    );
  });

  it('carry stored events, their sequences and their identity into the current layout', async () => {
    const target = await emptyDatabaseConfig(freshDataDir());
    const h = await openDatabase(target, { migrate: false });
    await migrateToLatest(h.db, h.dialect, { until: '0003-events' });
    await insertEvents(h.db, ACCOUNT, [sampleEvent(BASE_TIME), sampleEvent(BASE_TIME + 1000)]);
    const before = await h.db.selectFrom('events').selectAll().orderBy('seq').execute();
    await migrateToLatest(h.db, h.dialect);
    expect(await h.db.selectFrom('events').selectAll().orderBy('seq').execute()).toEqual(before);
    // Still unique per (account, eventId), and new sequences continue above the old ones.
    const repeat = JSON.parse(before[0]?.event_json ?? '{}');
    expect(await insertEvents(h.db, ACCOUNT, [repeat])).toEqual({ inserted: 0, duplicates: 1 });
    await insertEvents(h.db, ACCOUNT, [sampleEvent(BASE_TIME)]);
    const seqs = (await h.db.selectFrom('events').select('seq').orderBy('seq').execute()).map(
      (r) => r.seq,
    );
    expect(seqs[2]).toBeGreaterThan(seqs[1] ?? 0);
    expect(await safeHorizon(h.db)).toBe(seqs[2]);
    await h.close();
  });
});
