import { rmSync } from 'node:fs';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { lookupEvents } from '../../src/db/repositories/event-lookup.repository.js';
import { call } from '../helpers/sdk-clients.js';
import { freshDataDir, startServer, waitForExit } from '../helpers/server-process.js';
import { openDatabaseOf, TEST_DB } from '../helpers/test-database.js';

const KEY = { accessKeyId: 'stagedcrashkey', accessKeySecret: 'stagedcrashsecret' };
const ACCOUNT = '1888000033334444';

// SQLite stages self-audit records and merges them into `events` later (staged-events.
// repository.ts). A server killed with kill -9 right after answering must lose none of the
// answered requests' records: each is committed (staged or merged) before its answer.
describe.runIf(TEST_DB === 'sqlite')('self-audit records across kill -9 (SQLite staging)', () => {
  it('keeps every answered request, once, after a kill between commit and merge', async () => {
    const dataDir = freshDataDir();
    const server = await startServer({
      dataDir,
      env: {
        OPENTRAIL_ACCOUNT_ID: ACCOUNT,
        OPENTRAIL_ACCESS_KEY_ID: KEY.accessKeyId,
        OPENTRAIL_ACCESS_KEY_SECRET: KEY.accessKeySecret,
      },
    });
    const answered: string[] = [];
    try {
      // Concurrent calls (several per group commit), then the kill with no pause: the merge
      // waits for 500 records or 200 ms, so these are still staged when the process dies.
      const bodies = await Promise.all(
        Array.from({ length: 24 }, (_, i) =>
          call(i % 2 ? 'openapi V3' : 'pop-core GET', server, KEY, 'DescribeTrails'),
        ),
      );
      for (const b of bodies) answered.push(String(b.RequestId));
    } finally {
      server.child.kill('SIGKILL');
      await waitForExit(server, 10_000);
    }
    const h = await openDatabaseOf(dataDir);
    try {
      const staged = await sql<{ n: number }>`select count(*) as n from staged_events`.execute(
        h.db,
      );
      // Not a rule, a check that the test kills where it means to: records were still staged.
      expect(Number(staged.rows[0]?.n)).toBeGreaterThan(0);
      const found = await lookupEvents(h.db, {
        accountId: ACCOUNT,
        conditions: [],
        fromTime: Date.now() - 3_600_000,
        toTime: Date.now() + 60_000,
        direction: 'BACKWARD',
        limit: 100,
      });
      const ids = found.map((e) => (JSON.parse(e.eventJson) as { requestId: string }).requestId);
      expect(ids.filter((id) => answered.includes(id)).sort()).toEqual([...answered].sort());
      expect(new Set(ids).size).toBe(ids.length);
    } finally {
      await h.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 120_000);
});
