import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { type DatabaseHandle, openDatabase } from '../../src/db/open-database.js';
import { formatIsoSeconds, HOUR_MS } from '../../src/lib/time.js';
import { runCli } from '../helpers/cli.js';
import { BIN, freshDataDir, REPO_ROOT } from '../helpers/server-process.js';
import { storedEventRows } from '../helpers/test-database.js';

/**
 * `seed` into a store no server is using is one bulk load (indexes built after, all or
 * nothing; docs/intake.md). What a user must not be able to tell apart from a load batch by
 * batch: the stored events, their sequences and resources, the indexes LookupEvents reads;
 * and a kill -9 in the middle leaves nothing half-loaded.
 */
const NOW = formatIsoSeconds(Math.floor(Date.now() / HOUR_MS) * HOUR_MS - HOUR_MS);
const ARGS = ['--events', '3000', '--days', '3', '--accounts', '2', '--seed', '11', '--now', NOW];
const handles: DatabaseHandle[] = [];

afterAll(async () => {
  for (const h of handles) await h.close();
});

function seed(dataDir: string, args: string[]) {
  const r = runCli(['seed', '--data-dir', dataDir, '--json', ...args]);
  if (r.status !== 0) throw new Error(`seed failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as { inserted: number; duplicates: number; accounts: string[] };
}

/** Whether the seed's accounts are committed (a read-only look beside the writer, WAL). */
function accountsExist(dataDir: string): boolean {
  try {
    const db = new BetterSqlite3(path.join(dataDir, 'opentrail.db'), {
      readonly: true,
      fileMustExist: true,
    });
    try {
      return (db.prepare('select count(*) as n from accounts').get() as { n: number }).n > 0;
    } finally {
      db.close();
    }
  } catch {
    return false; // not created or not migrated yet
  }
}

async function open(dataDir: string): Promise<DatabaseHandle> {
  const handle = await openDatabase({ databasePath: path.join(dataDir, 'opentrail.db') });
  handles.push(handle);
  return handle;
}

/** Everything a lookup can read: events with their sequences, resource rows, index definitions. */
async function snapshot(handle: DatabaseHandle) {
  const { db } = handle;
  return {
    ...(await storedEventRows(db)),
    indexes: (
      await sql<{ name: string; sql: string | null }>`
        select name, sql from sqlite_master
         where type = 'index' and tbl_name in ('events', 'event_resources') order by name`.execute(
        db,
      )
    ).rows,
  };
}

describe('opentrail seed as one bulk load', () => {
  it('stores the same events, sequences, resources and indexes as a load batch by batch', async () => {
    const bulkDir = freshDataDir();
    const batchDir = freshDataDir();
    expect(seed(bulkDir, ARGS)).toMatchObject({ inserted: 3000, duplicates: 0 });
    // The load ran with a rollback journal; the file is left in WAL mode (header byte 18 = 2),
    // with no journal behind.
    const file = path.join(bulkDir, 'opentrail.db');
    expect(readFileSync(file)[18]).toBe(2);
    expect(existsSync(`${file}-journal`)).toBe(false);
    expect(seed(batchDir, [...ARGS, '--no-bulk'])).toMatchObject({ inserted: 3000 });
    const bulk = await snapshot(await open(bulkDir));
    const batched = await snapshot(await open(batchDir));
    expect(bulk.events).toHaveLength(3000);
    expect(bulk.resources.length).toBeGreaterThan(500);
    expect(bulk).toEqual(batched);
  });

  it('leaves nothing half-loaded when killed with -9, and a re-run stores every event once', async () => {
    const dir = freshDataDir();
    const fresh = await snapshot(await open(freshDataDir()));
    const events = 80_000;
    const args = ['seed', '--data-dir', dir, '--json', '--events', String(events), '--days', '2'];
    const child = spawn(process.execPath, [BIN, ...args, '--now', NOW], {
      cwd: REPO_ROOT,
      stdio: 'ignore',
    });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    // The accounts are committed before the load starts; the load then runs for seconds.
    for (let i = 0; i < 600 && !accountsExist(dir) && child.exitCode === null; i++) {
      await new Promise((r) => setTimeout(r, 100));
    }
    await new Promise((r) => setTimeout(r, 1500));
    expect(child.exitCode).toBeNull();
    child.kill('SIGKILL');
    await exited;

    const after = await snapshot(await open(dir));
    // All or nothing: a kill lands before the commit (nothing) or, rarely, just after (all).
    expect([0, events]).toContain(after.events.length);
    expect(after.indexes).toEqual(fresh.indexes);

    const again = seed(dir, ['--events', String(events), '--days', '2', '--now', NOW]);
    expect(again.inserted + again.duplicates).toBe(events);
    const handle = await open(dir);
    const stored = await handle.db
      .selectFrom('events')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(stored.n)).toBe(events);
  }, 240_000);
});
