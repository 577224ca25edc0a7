import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { storedEventRows } from '../../../test/helpers/test-database.js';
import { type DatabaseHandle, openDatabase } from '../../db/open-database.js';
import { generateEvents } from '../../intake/seed/generate-events.js';
import { DAY_MS } from '../../lib/time.js';
import { ensureAccounts, type SeedOptions, seedAccountIds, seedEvents } from './ingest-seed.js';

/**
 * A bulk seed generates and indexes its events on a thread of its own (seed-thread.ts). What
 * a user must not be able to tell: the store holds the same events, JSON bytes, sequences and
 * resources as the same seed generated in-process, and a load that fails keeps nothing.
 * SQLite only: the bulk load is SQLite's (PostgreSQL stores batch by batch, unchanged).
 */
const NOW = Date.UTC(2026, 10, 30, 8);
const ACCOUNTS = seedAccountIds(5, 2);
const REGIONS = ['cn-hangzhou', 'cn-shanghai', 'cn-beijing'];
const handles: DatabaseHandle[] = [];

afterEach(async () => {
  for (const h of handles.splice(0)) await h.close();
});

async function store(): Promise<DatabaseHandle> {
  const handle = await openDatabase({ databasePath: ':memory:' });
  handles.push(handle);
  await ensureAccounts(handle.db, ACCOUNTS, NOW);
  return handle;
}

function options(handle: DatabaseHandle, more: Partial<SeedOptions> = {}): SeedOptions {
  const base = { count: 5_000, days: 3, accounts: ACCOUNTS, seed: 5, now: NOW, regions: REGIONS };
  // Batches of 700: the last one is partial, and no batch boundary falls on a round number.
  return { db: handle.db, ...base, bulk: true, batchSize: 700, ...more };
}

// Each load starts a thread that loads the generator's modules through tsx: seconds, not ms.
describe('seedEvents, bulk load with the generator thread', { timeout: 60_000 }, () => {
  it('stores exactly what the same seed stores generated in-process', async () => {
    const threaded = await store();
    const inProcess = await store();
    const a = await seedEvents(options(threaded));
    const b = await seedEvents(options(inProcess, { generatorThread: false }));
    expect(a).toMatchObject({ generated: 5_000, inserted: 5_000, duplicates: 0 });
    expect({ ...a, seconds: 0 }).toEqual({ ...b, seconds: 0 });
    const rows = await storedEventRows(threaded.db);
    expect(rows).toEqual(await storedEventRows(inProcess.db));
    expect(rows.resources.length).toBeGreaterThan(1_000);

    // Byte for byte the generator's events, and their stored text is text.
    const generated = [
      ...generateEvents({
        count: 5_000,
        days: 3,
        accounts: ACCOUNTS,
        seed: 5,
        now: NOW,
        regions: REGIONS,
      }),
    ];
    const byId = new Map(rows.events.map((e) => [`${e.account_id}/${e.event_id}`, e.event_json]));
    for (const e of generated) {
      expect(byId.get(`${e.recipientAccountId}/${e.eventId}`)).toBe(JSON.stringify(e));
    }
    const types = await sql<{ t: string; n: number }>`
      select typeof(event_json) as t, count(*) as n from events group by 1`.execute(threaded.db);
    expect(types.rows).toEqual([{ t: 'text', n: 5_000 }]);
    expect(rows.events[0]?.event_time).toBeGreaterThanOrEqual(NOW - 3 * DAY_MS);
  });

  it('adds nothing when the same seed runs again (the (account, eventId) rule)', async () => {
    const handle = await store();
    await seedEvents(options(handle));
    const before = await storedEventRows(handle.db);
    const again = await seedEvents(options(handle));
    expect(again).toMatchObject({ generated: 5_000, inserted: 0, duplicates: 5_000 });
    expect(await storedEventRows(handle.db)).toEqual(before);
  });

  it('keeps nothing of a load that fails midway, and the store stays usable', async () => {
    const handle = await store();
    let batches = 0;
    const failing = seedEvents(
      options(handle, {
        onProgress: () => {
          batches += 1;
          if (batches === 3) throw new Error('disk full');
        },
      }),
    );
    await expect(failing).rejects.toThrow('disk full');
    expect(await storedEventRows(handle.db)).toEqual({ events: [], resources: [] });
    expect(await seedEvents(options(handle))).toMatchObject({ inserted: 5_000 });
  });
});
