import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { storedEventRows } from '../../../test/helpers/test-database.js';
import { type DatabaseHandle, openDatabase } from '../../db/open-database.js';
import { insertAccount } from '../../db/repositories/accounts.repository.js';
import { listInputFiles } from '../../intake/readers/list-input-files.js';
import { generateEvents } from '../../intake/seed/generate-events.js';
import { systemClock } from '../../lib/clock.js';
import { DAY_MS } from '../../lib/time.js';
import {
  type ImportFilesOptions,
  type ImportProblem,
  type ImportProgress,
  importEventFiles,
} from './ingest-files.js';

/**
 * A bulk import reads, validates and indexes its records on a thread of its own
 * (import-thread.ts). What a user must not be able to tell: the same summary, the same problems
 * in the same order, and a store holding the same events, sequences and resources as the same
 * import in-process; a load that fails keeps nothing. SQLite only (PostgreSQL has no bulk load).
 */
const FIXTURES = path.resolve(import.meta.dirname, '../../../test/fixtures/intake');
const ACCOUNT = '1000000000000001';
const REGIONS = ['cn-hangzhou', 'cn-shanghai'];
const handles: DatabaseHandle[] = [];
let dir: string | undefined;

afterEach(async () => {
  for (const h of handles.splice(0)) await h.close();
  if (dir) await rm(dir, { recursive: true, force: true });
  dir = undefined;
});

async function store(): Promise<DatabaseHandle> {
  const handle = await openDatabase({ databasePath: ':memory:' });
  handles.push(handle);
  await insertAccount(handle.db, { id: ACCOUNT, created_at: 0 });
  return handle;
}

/** The fixtures (every format, bad records) and 3,000 generated events with a repeat and junk. */
async function inputFiles() {
  dir = await mkdtemp(path.join(tmpdir(), 'opentrail-import-thread-'));
  const events = [
    ...generateEvents({
      count: 3_000,
      days: 2,
      accounts: [ACCOUNT],
      seed: 7,
      now: Date.now(),
      regions: REGIONS,
    }),
  ].map((e) => JSON.stringify(e));
  const lines = [...events.slice(0, 1_500), events[10], '{"not an event"', ...events.slice(1_500)];
  await writeFile(path.join(dir, 'generated.ndjson'), `${lines.join('\n')}\n`);
  return listInputFiles([FIXTURES, dir]);
}

function options(
  handle: DatabaseHandle,
  files: Awaited<ReturnType<typeof inputFiles>>,
  more: Partial<ImportFilesOptions> = {},
): ImportFilesOptions {
  return {
    db: handle.db,
    files,
    clock: systemClock,
    // Batches of 700: the last one is partial, and no batch boundary falls on a round number.
    batchSize: 700,
    bulk: true,
    validation: {
      accountId: ACCOUNT,
      retentionMs: 36_500 * DAY_MS, // the fixtures are from 2024
      regions: REGIONS,
      defaultRegion: 'cn-hangzhou',
    },
    ...more,
  };
}

// Each load starts a thread that loads the reader's modules through tsx: seconds, not ms.
describe('importEventFiles, bulk load with the reader thread', { timeout: 60_000 }, () => {
  it('stores, counts and reports exactly what the same import does in-process', async () => {
    const files = await inputFiles();
    const threaded = await store();
    const inProcess = await store();
    const problems: ImportProblem[][] = [[], []];
    const progress: ImportProgress[] = [];
    const a = await importEventFiles(
      options(threaded, files, {
        onProblem: (p) => problems[0]?.push(p),
        onProgress: (p) => progress.push(p),
      }),
    );
    const b = await importEventFiles(
      options(inProcess, files, { readerThread: false, onProblem: (p) => problems[1]?.push(p) }),
    );
    expect(a).toMatchObject({ read: 3_022, imported: 3_012, duplicates: 1, rejected: 9 });
    expect({ ...a, seconds: 0 }).toEqual({ ...b, seconds: 0 });
    expect(problems[0]).toEqual(problems[1]);
    expect(problems[0]?.map((p) => p.code)).toContain('Unreadable');
    expect(progress.at(-1)?.bytes).toBe(files.reduce((n, f) => n + f.size, 0));
    const rows = await storedEventRows(threaded.db);
    expect(rows).toEqual(await storedEventRows(inProcess.db));
    expect(rows.events).toHaveLength(3_012);

    const again = await importEventFiles(options(threaded, files));
    expect(again).toMatchObject({ imported: 0, duplicates: 3_013, rejected: 9 });
    expect(await storedEventRows(threaded.db)).toEqual(rows);
  });

  it('keeps nothing of a load that fails midway, and the store stays usable', async () => {
    const files = await inputFiles();
    const handle = await store();
    let messages = 0;
    const failing = importEventFiles(
      options(handle, files, {
        onProgress: () => {
          messages += 1;
          if (messages === 9) throw new Error('disk full');
        },
      }),
    );
    await expect(failing).rejects.toThrow('disk full');
    expect(await storedEventRows(handle.db)).toEqual({ events: [], resources: [] });
    expect(await importEventFiles(options(handle, files))).toMatchObject({ imported: 3_012 });
  });
});
