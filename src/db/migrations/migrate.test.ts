import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../open-database.js';
import { MIGRATIONS } from './index.js';

function tempDbPath(): string {
  return path.join(mkdtempSync(path.join(tmpdir(), 'ot-migrate-')), 'opentrail.db');
}

describe('migrations', () => {
  it('apply on a fresh database and are a no-op the second time', async () => {
    const databasePath = tempDbPath();
    const first = await openDatabase({ databasePath });
    const tables = await sql<{
      name: string;
    }>`select name from sqlite_master where type = 'table'`.execute(first.db);
    expect(tables.rows.map((r) => r.name)).toEqual(
      expect.arrayContaining([
        'accounts',
        'access_keys',
        'used_nonces',
        'delivery_jobs',
        'delivery_job_progress',
        'delivery_batches',
      ]),
    );
    await first.close();
    const second = await openDatabase({ databasePath });
    const applied = await sql<{
      name: string;
    }>`select name from opentrail_migrations order by name`.execute(second.db);
    expect(applied.rows.map((r) => r.name)).toEqual(MIGRATIONS.map(([n]) => n));
    await second.close();
  });

  it('refuse a database written by a newer opentrail', async () => {
    const databasePath = tempDbPath();
    const h = await openDatabase({ databasePath });
    await sql`insert into opentrail_migrations (name, timestamp) values ('9999-from-the-future', '2030-01-01')`.execute(
      h.db,
    );
    await h.close();
    await expect(openDatabase({ databasePath })).rejects.toThrow(
      /migrated by a newer opentrail \(unknown migrations: 9999-from-the-future\)/,
    );
  });
});
