import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/load-config.js';
import { openDatabase } from '../open-database.js';

/** `OPENTRAIL_SQLITE_SYNCHRONOUS=full` trades an fsync per commit for power-loss safety. */
const dir = mkdtempSync(path.join(tmpdir(), 'opentrail-sync-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function synchronousOf(env: Record<string, string>): Promise<number> {
  const config = loadConfig({ env: { OPENTRAIL_DATA_DIR: dir, ...env } });
  const handle = await openDatabase(config);
  try {
    const { rows } = await sql<{ synchronous: number }>`pragma synchronous`.execute(handle.db);
    return Number(rows[0]?.synchronous);
  } finally {
    await handle.close();
  }
}

describe('SQLite synchronous setting', () => {
  it('is NORMAL by default and FULL when configured', async () => {
    expect(await synchronousOf({})).toBe(1);
    expect(await synchronousOf({ OPENTRAIL_SQLITE_SYNCHRONOUS: 'full' })).toBe(2);
    expect(() => loadConfig({ env: { OPENTRAIL_SQLITE_SYNCHRONOUS: 'off' } })).toThrow(
      /sqliteSynchronous/,
    );
  });
});
