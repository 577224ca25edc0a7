import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DatabaseHandle, openDatabase } from '../../src/db/open-database.js';
import { insertAccount } from '../../src/db/repositories/accounts.repository.js';
import {
  insertAccountEventsIn,
  safeHorizon,
  scanEventsForDelivery,
} from '../../src/db/repositories/events.repository.js';
import { BASE_TIME, sampleEvent } from '../helpers/sample-events.js';
import { freshDataDir, REPO_ROOT } from '../helpers/server-process.js';
import { emptyDatabaseConfig, openTestDatabase, TEST_DB } from '../helpers/test-database.js';

const ACCOUNT = '1000000000000001';

/** Everything of the account a cursor finds between `after` (exclusive) and `upTo`. */
async function read(h: DatabaseHandle, after: number, upTo: number) {
  return scanEventsForDelivery(h.db, {
    accountId: ACCOUNT,
    region: 'cn-hangzhou',
    eventRW: 'All',
    fromTime: 0,
    afterSeq: after,
    cutoffSeq: upTo,
    limit: 1_000_000,
  });
}

// SQLite has one writer: two write transactions cannot be in flight at once there, so this
// race exists only on PostgreSQL.
describe.runIf(TEST_DB === 'postgres')('the safe horizon with concurrent writers', () => {
  let h: DatabaseHandle;
  beforeAll(async () => {
    h = await openTestDatabase();
  });
  afterAll(() => h?.close());

  it('waits for the transaction holding the lower sequence, which commits last', async () => {
    const early = sampleEvent(BASE_TIME, { eventId: 'holds-the-lower-seq' });
    const late = sampleEvent(BASE_TIME, { eventId: 'commits-first' });
    const slow = await h.db.startTransaction().execute();
    await insertAccountEventsIn(slow, [{ accountId: ACCOUNT, event: early }]);
    const fast = await h.db.startTransaction().execute();
    await insertAccountEventsIn(fast, [{ accountId: ACCOUNT, event: late }]);
    await fast.commit().execute();

    // The fast one's event is committed and has the higher sequence; a horizon that simply took
    // the highest committed sequence would let a cursor pass the slow one's event for good.
    const committed = await read(h, 0, Number.MAX_SAFE_INTEGER);
    expect(committed.map((e) => JSON.parse(e.eventJson).eventId)).toEqual(['commits-first']);

    let settled = false;
    const horizon = safeHorizon(h.db).finally(() => {
      settled = true;
    });
    await new Promise((r) => setTimeout(r, 300));
    expect(settled).toBe(false); // still waiting for the slow writer
    await slow.commit().execute();
    const upTo = await horizon;
    const seen = await read(h, 0, upTo);
    expect(seen.map((e) => JSON.parse(e.eventJson).eventId).sort()).toEqual(
      ['commits-first', 'holds-the-lower-seq'].sort(),
    );
    expect(seen[0]?.seq).toBeLessThan(seen[1]?.seq ?? 0);
    expect(JSON.parse(seen[0]?.eventJson ?? '{}').eventId).toBe('holds-the-lower-seq');
  });

  it('does not wait for a writer that rolled back, nor for its own transaction', async () => {
    const aborted = await h.db.startTransaction().execute();
    await insertAccountEventsIn(aborted, [{ accountId: ACCOUNT, event: sampleEvent(BASE_TIME) }]);
    await aborted.rollback().execute();
    const own = await h.db.startTransaction().execute();
    await insertAccountEventsIn(own, [{ accountId: ACCOUNT, event: sampleEvent(BASE_TIME) }]);
    const inside = await safeHorizon(own);
    await own.commit().execute();
    expect(await safeHorizon(h.db)).toBe(inside);
  });
});

function writer(
  target: { databasePath: string; databaseUrl?: string },
  prefix: string,
  transactions: number,
): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        `${REPO_ROOT}/test/fixtures/scripts/write-events.ts`,
        target.databasePath,
        ACCOUNT,
        prefix,
        String(transactions),
      ],
      {
        cwd: REPO_ROOT,
        stdio: ['ignore', 'pipe', 'inherit'],
        env: { ...process.env, OPENTRAIL_DATABASE_URL: target.databaseUrl ?? '' },
      },
    );
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.on('exit', (code) =>
      code === 0 ? resolve(Number(out)) : reject(new Error(`writer ${code}`)),
    );
  });
}

describe(`a cursor following two writing nodes on ${TEST_DB}`, () => {
  it('never skips an event: it sees every event once, in the end', async () => {
    const target = await emptyDatabaseConfig(freshDataDir());
    const h = await openDatabase(target);
    await insertAccount(h.db, { id: ACCOUNT, created_at: 0 });
    try {
      const writers = Promise.all([writer(target, 'node-a', 150), writer(target, 'node-b', 150)]);
      let done = false;
      void writers.finally(() => {
        done = true;
      });
      // A cursor as live delivery runs it: read up to the horizon, advance to it, repeat.
      let cursor = 0;
      const seen: string[] = [];
      for (let last = false; !last; ) {
        last = done;
        const upTo = await safeHorizon(h.db);
        for (const e of await read(h, cursor, upTo)) seen.push(JSON.parse(e.eventJson).eventId);
        cursor = Math.max(cursor, upTo);
        await new Promise((r) => setTimeout(r, 2)); // a poll interval; lets the exits through
      }
      const [a, b] = await writers;
      const all = await read(h, 0, Number.MAX_SAFE_INTEGER);
      expect(all).toHaveLength((a ?? 0) + (b ?? 0));
      // Read exactly once each: nothing committed behind the cursor after it had passed.
      expect(seen).toHaveLength(all.length);
      expect(new Set(seen)).toEqual(new Set(all.map((e) => JSON.parse(e.eventJson).eventId)));
    } finally {
      await h.close();
    }
  }, 60_000);
});
