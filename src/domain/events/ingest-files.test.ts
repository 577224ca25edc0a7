import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTestDatabase } from '../../../test/helpers/test-database.js';
import type { DatabaseHandle } from '../../db/open-database.js';
import { insertAccount } from '../../db/repositories/accounts.repository.js';
import { listInputFiles } from '../../intake/readers/list-input-files.js';
import { systemClock } from '../../lib/clock.js';
import { DAY_MS } from '../../lib/time.js';
import { type ImportProblem, type ImportProgress, importEventFiles } from './ingest-files.js';
import { ensureAccounts, seedAccountIds, seedEvents } from './ingest-seed.js';

const FIXTURES = path.resolve(import.meta.dirname, '../../../test/fixtures/intake');
const ACCOUNT = '1000000000000001';
let handle: DatabaseHandle;

beforeEach(async () => {
  handle = await openTestDatabase();
});
afterEach(async () => {
  await handle.close();
});

describe('importEventFiles', () => {
  it('imports every format, reports bad records by position and counts each outcome', async () => {
    await insertAccount(handle.db, { id: ACCOUNT, created_at: 0 });
    const files = await listInputFiles([FIXTURES]);
    const problems: ImportProblem[] = [];
    const progress: ImportProgress[] = [];
    const options = {
      db: handle.db,
      files,
      clock: systemClock,
      batchSize: 4,
      validation: {
        accountId: ACCOUNT,
        retentionMs: 36_500 * DAY_MS, // the fixtures are from 2024
        regions: ['cn-hangzhou', 'cn-shanghai'],
        defaultRegion: 'cn-hangzhou',
      },
      onProblem: (p: ImportProblem) => problems.push(p),
      onProgress: (p: ImportProgress) => progress.push(p),
    };
    const summary = await importEventFiles(options);
    expect(summary).toMatchObject({ files: 6, read: 20, imported: 12, duplicates: 0, rejected: 8 });
    expect(summary.read).toBe(summary.imported + summary.duplicates + summary.rejected);
    expect(problems.map((p) => `${path.basename(p.file)}:${p.line} ${p.code}`)).toEqual([
      'broken.ndjson:2 Unreadable',
      'broken.ndjson:3 InvalidEvent',
      'broken.ndjson:5 Unreadable',
      'broken.ndjson:6 InvalidEvent',
      'broken.ndjson:7 InvalidRegion',
      'only-bad.ndjson:1 InvalidEvent',
      'only-bad.ndjson:2 Unreadable',
      'only-bad.ndjson:3 InvalidEvent',
    ]);
    // The progress bar reaches the sum of the file sizes.
    const total = files.reduce((n, f) => n + f.size, 0);
    expect(progress.at(-1)?.bytes).toBe(total);

    const again = await importEventFiles({ ...options, onProblem: () => {} });
    expect(again).toMatchObject({ imported: 0, duplicates: 12, rejected: 8 });
  });
});

describe('seeding', () => {
  it('derives stable, Alibaba-shaped account ids from the seed', () => {
    const ids = seedAccountIds('demo', 3);
    expect(ids).toEqual(seedAccountIds('demo', 3));
    expect(seedAccountIds('demo', 1)).toEqual(ids.slice(0, 1));
    expect(seedAccountIds('other', 3)).not.toEqual(ids);
    for (const id of ids) expect(id).toMatch(/^[1-9]\d{15}$/);
  });

  it('creates missing accounts once and stores a history that re-seeding does not grow', async () => {
    const accounts = seedAccountIds(5, 2);
    expect(await ensureAccounts(handle.db, accounts, 0)).toEqual(accounts);
    expect(await ensureAccounts(handle.db, accounts, 0)).toEqual([]);
    const now = Date.now();
    const options = { db: handle.db, accounts, count: 500, days: 10, seed: 5, now };
    const first = await seedEvents({ ...options, regions: ['cn-hangzhou'], batchSize: 128 });
    expect(first).toMatchObject({ generated: 500, inserted: 500, duplicates: 0 });
    expect(Date.parse(first.firstEventTime ?? '')).toBeGreaterThanOrEqual(now - 10 * DAY_MS);
    expect(Date.parse(first.lastEventTime ?? '')).toBeLessThanOrEqual(now);
    const second = await seedEvents({ ...options, regions: ['cn-hangzhou'] });
    expect(second).toMatchObject({ inserted: 0, duplicates: 500 });
  });
});
