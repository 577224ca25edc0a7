import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../open-database.js';
import { startCheckpointer } from './sqlite-checkpointer.js';

const dir = mkdtempSync(path.join(tmpdir(), 'opentrail-checkpoint-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const sizeOf = (file: string) => statSync(file).size;

describe('the serving connection checkpoints off the event loop', () => {
  it('never checkpoints itself, and the WAL still reaches the database file', async () => {
    const file = path.join(dir, 'serve.db');
    const handle = await openDatabase({ databasePath: file }, { server: true });
    try {
      const { rows } = await sql<{
        wal_autocheckpoint: number;
      }>`pragma wal_autocheckpoint`.execute(handle.db);
      expect(Number(rows[0]?.wal_autocheckpoint)).toBe(0);
      await sql`create table filler (body text)`.execute(handle.db);
      const before = sizeOf(file);
      // ~4 MB through the WAL: only the checkpointer thread can copy it into the file.
      for (let i = 0; i < 40; i++) {
        await handle.db.transaction().execute(async (trx) => {
          for (let j = 0; j < 100; j++) {
            await sql`insert into filler (body) values (${'x'.repeat(1_000)})`.execute(trx);
          }
        });
      }
      const deadline = Date.now() + 4_000;
      while (sizeOf(file) < before + 3_000_000 && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 50));
      }
      expect(sizeOf(file)).toBeGreaterThan(before + 3_000_000);
    } finally {
      await handle.close();
    }
  });

  it('leaves other connections (CLI, bulk writers) to checkpoint themselves', async () => {
    const handle = await openDatabase({ databasePath: path.join(dir, 'cli.db') });
    try {
      const { rows } = await sql<{
        wal_autocheckpoint: number;
      }>`pragma wal_autocheckpoint`.execute(handle.db);
      expect(Number(rows[0]?.wal_autocheckpoint)).toBe(10_000);
    } finally {
      await handle.close();
    }
  });
});

describe('the WAL under a steady write load', () => {
  it('starts over once it is long, instead of growing while the load lasts', async () => {
    const file = path.join(dir, 'steady.db');
    const raw = new BetterSqlite3(file);
    raw.pragma('journal_mode = WAL');
    raw.pragma('synchronous = NORMAL');
    raw.exec('create table filler (body text)');
    // The serving settings (a pass every 250 ms), catching up past 1,024 frames (4 MB); a group
    // commit of ~150 KB every ~5 ms, a steady load with room for a short pass between commits
    // even where an fsync is slow.
    const checkpointer = startCheckpointer(raw, file, 250, 1024);
    const insert = raw.prepare('insert into filler (body) values (?)');
    const group = raw.transaction(() => {
      for (let j = 0; j < 150; j++) insert.run('x'.repeat(1_000));
    });
    try {
      const until = Date.now() + 2_000;
      let commits = 0;
      while (Date.now() < until) {
        group();
        commits += 1;
        await new Promise((r) => setTimeout(r, 5));
      }
      // Without the catch-up the WAL kept every page written (~53 MB here for ~310 commits, as
      // much as was inserted); with it, 4 MB and what came while the passes caught up (~9 MB).
      const inserted = commits * 150_000;
      expect(sizeOf(`${file}-wal`)).toBeLessThan(Math.max(12_000_000, inserted / 3));
    } finally {
      await checkpointer.stop();
      raw.close();
    }
  });
});
