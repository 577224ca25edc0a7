import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type DatabaseHandle, openDatabase } from '../../src/db/open-database.js';
import { DAY_MS, formatIsoSeconds, HOUR_MS } from '../../src/lib/time.js';
import { createKey, runCli } from '../helpers/cli.js';
import { freshDataDir } from '../helpers/server-process.js';

/** `opentrail seed` (docs/intake.md): a deterministic history, re-runnable without duplicates. */
const NOW = formatIsoSeconds(Math.floor(Date.now() / HOUR_MS) * HOUR_MS - HOUR_MS);
const ARGS = ['--events', '2000', '--days', '30', '--accounts', '2', '--seed', '7', '--now', NOW];
const handles: DatabaseHandle[] = [];

interface SeedSummary {
  accounts: string[];
  createdAccounts: string[];
  generated: number;
  inserted: number;
  duplicates: number;
  firstEventTime: string;
  lastEventTime: string;
}

function seed(dataDir: string, args: string[] = ARGS): SeedSummary {
  const r = runCli(['seed', '--data-dir', dataDir, '--json', ...args]);
  if (r.status !== 0) throw new Error(`seed failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as SeedSummary;
}

/** Every stored event as (account, id, time, name), in insertion order. */
async function storedEvents(dataDir: string) {
  const handle = await openDatabase({ databasePath: path.join(dataDir, 'opentrail.db') });
  handles.push(handle);
  return handle.db
    .selectFrom('events')
    .select(['account_id', 'event_id', 'event_time', 'event_name'])
    .orderBy('seq')
    .execute();
}

afterAll(async () => {
  for (const h of handles) await h.close();
});

describe('opentrail seed', () => {
  const first = freshDataDir();
  const second = freshDataDir();
  let accounts: string[] = [];

  it('writes the same events into two fresh data directories, and re-running adds none', async () => {
    const a = seed(first);
    const b = seed(second);
    expect(a).toMatchObject({ generated: 2000, inserted: 2000, duplicates: 0 });
    expect(b.accounts).toEqual(a.accounts);
    expect(a.createdAccounts).toEqual(a.accounts);
    accounts = a.accounts;
    const rowsA = await storedEvents(first);
    expect(await storedEvents(second)).toEqual(rowsA);

    const again = seed(first);
    expect(again).toMatchObject({ inserted: 0, duplicates: 2000, createdAccounts: [] });
    expect(await storedEvents(first)).toHaveLength(2000);
  });

  it('spreads the asked number of events over the asked accounts and days', async () => {
    const rows = await storedEvents(first);
    expect(rows).toHaveLength(2000);
    const perAccount = new Map<string, number>();
    for (const r of rows) perAccount.set(r.account_id, (perAccount.get(r.account_id) ?? 0) + 1);
    expect([...perAccount.keys()].sort()).toEqual([...accounts].sort());
    for (const n of perAccount.values()) expect(n).toBeGreaterThan(200);
    const times = rows.map((r) => Number(r.event_time));
    const end = Date.parse(NOW);
    expect(Math.min(...times)).toBeGreaterThanOrEqual(end - 30 * DAY_MS);
    expect(Math.min(...times)).toBeLessThan(end - 29 * DAY_MS);
    expect(Math.max(...times)).toBeLessThanOrEqual(end);
    expect(Math.max(...times)).toBeGreaterThan(end - DAY_MS);
  });

  it('seeds into an existing account with --account, and refuses an unknown one', async () => {
    const dir = freshDataDir();
    const key = createKey(dir, ['--new-account']);
    const s = seed(dir, ['--events', '300', '--account', key.accountId, '--seed', 'demo']);
    expect(s).toMatchObject({ accounts: [key.accountId], createdAccounts: [], inserted: 300 });
    const rows = await storedEvents(dir);
    expect(new Set(rows.map((r) => r.account_id))).toEqual(new Set([key.accountId]));
    const r = runCli(['seed', '--data-dir', dir, '--account', '1111111111111111']);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/account 1111111111111111 does not exist/);
  });
});
