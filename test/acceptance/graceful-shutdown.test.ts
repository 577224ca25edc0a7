import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { insertEvents } from '../../src/db/repositories/events.repository.js';
import { waitForJobEnd } from '../helpers/delivery-jobs.js';
import { startDevSlsProcess } from '../helpers/dev-sls-process.js';
import { minutelyEvents } from '../helpers/sample-events.js';
import { call } from '../helpers/sdk-clients.js';
import { freshDataDir, type ServerProcess, startServer } from '../helpers/server-process.js';
import { storedEventIds } from '../helpers/sls-logstore.js';
import { openDatabaseOf, TEST_DB } from '../helpers/test-database.js';

/**
 * Issue 16 item 6: SIGTERM or SIGINT while batches are in flight to a slow SLS. The server stops
 * claiming, waits for the acknowledgements, checkpoints them, closes the database and exits 0;
 * the restarted server finishes the job. Unlike after kill -9, nothing reaches SLS twice.
 */
const SLS_KEYS = { accessKeyId: 'stop-ak', accessKeySecret: 'stop-secret' };
const KEY = { accessKeyId: 'gracefulkey', accessKeySecret: 'gracefulsecret' };
const ACCOUNT = '1999000033334444';
/** `npm run campaign:shutdown` sets more rounds; each alternates SIGTERM and SIGINT. */
const ROUNDS = Number(process.env.SHUTDOWN_ROUNDS ?? 2);
// Each round sees one more batch arrive and stops during the next: two chunks per round, three
// when polling SLS is slow on a busy machine, with two to spare for the last restart.
const EVENTS = 50 * (3 * ROUNDS + 2);
const CHUNK = 50;

const running: Array<{ stop(): Promise<void> }> = [];
afterEach(async () => {
  for (const p of running.splice(0).reverse()) await p.stop();
});

async function serveInto(url: string, dataDir = freshDataDir('opentrail-stop-')) {
  const config = path.join(dataDir, 'config.json');
  writeFileSync(
    config,
    JSON.stringify({ delivery: { workers: 1, chunkSize: CHUNK, inFlight: 1, sliceMs: 60_000 } }),
  );
  const server = await startServer({
    dataDir,
    args: ['--config', config],
    env: {
      OPENTRAIL_REGIONS: 'cn-hangzhou',
      OPENTRAIL_ACCOUNT_ID: ACCOUNT,
      OPENTRAIL_ACCESS_KEY_ID: KEY.accessKeyId,
      OPENTRAIL_ACCESS_KEY_SECRET: KEY.accessKeySecret,
      OPENTRAIL_SLS_ENDPOINT: url,
      OPENTRAIL_SLS_ACCESS_KEY_ID: SLS_KEYS.accessKeyId,
      OPENTRAIL_SLS_ACCESS_KEY_SECRET: SLS_KEYS.accessKeySecret,
    },
  });
  running.push(server);
  return server;
}

async function storedIds(url: string): Promise<string[]> {
  // The logstore does not exist before the first batch.
  const ids = await storedEventIds(url, SLS_KEYS, 'audit', 'actiontrail_stop-trail', {
    missing: 'empty',
  });
  return ids.filter((id) => id.startsWith('stop-'));
}

function exitOf(server: ServerProcess): Promise<{ code: number | null; signal: string | null }> {
  return new Promise((resolve) => {
    const { child } = server;
    if (child.exitCode !== null || child.signalCode !== null) {
      resolve({ code: child.exitCode, signal: child.signalCode });
    } else child.once('exit', (code, signal) => resolve({ code, signal }));
  });
}

const exitMs: number[] = [];

/** Waits for more events in SLS than `than`, sends `sig`, checks a clean exit; what SLS holds. */
async function stopWhileSending(server: ServerProcess, url: string, sig: NodeJS.Signals, than = 0) {
  let seen: string[];
  do {
    await new Promise((r) => setTimeout(r, 50));
    seen = await storedIds(url);
  } while (seen.length <= than);
  // One chunk is one SLS batch here: the next is planned and sent within a few ms of an ack
  // (more on a busy machine) and answered 0.7 s later; 300 ms later it is surely in flight.
  await new Promise((r) => setTimeout(r, 300));
  seen = await storedIds(url);
  const exited = exitOf(server);
  const signalled = Date.now();
  server.child.kill(sig);
  expect(await exited).toEqual({ code: 0, signal: null });
  exitMs.push(Date.now() - signalled);
  const log = server.stdout.map((l) => JSON.parse(l) as { msg: string });
  expect(log.map((l) => l.msg)).toContain('stopped');
  expect(log.map((l) => l.msg)).not.toContain('deliveries still in flight at shutdown; cut off');
  const atStop = await storedIds(url);
  // The batches in flight at the signal were acknowledged before the exit (not cut off).
  expect(atStop.length).toBeGreaterThan(seen.length);
  expect(atStop.length).toBeLessThan(EVENTS);
  return atStop;
}

// SQLite only: the drain is the engine's, the same on either database, and every PostgreSQL
// acceptance test already ends its servers with SIGTERM (a pool left open would hang them).
describe.runIf(TEST_DB === 'sqlite')('graceful shutdown during delivery', () => {
  it(
    'SIGTERM, then SIGINT: in-flight batches are acknowledged, exit 0, restart resumes',
    async () => {
      // Every PutLogs answers after 0.7 s, so a signal finds a batch in flight.
      const sls = await startDevSlsProcess(['--fault', 'slow', '--slow-ms', '700'], SLS_KEYS);
      running.push(sls);
      const server = await serveInto(sls.url);
      const events = minutelyEvents('stop-', EVENTS);
      const h = await openDatabaseOf(server.dataDir);
      await insertEvents(h.db, ACCOUNT, events);
      await h.close();
      await call('openapi V3', server, KEY, 'CreateTrail', {
        Name: 'stop-trail',
        SlsProjectArn: `acs:log:cn-hangzhou:${ACCOUNT}:project/audit`,
      });
      const { JobId } = await call('openapi V3', server, KEY, 'CreateDeliveryHistoryJob', {
        TrailName: 'stop-trail',
      });
      let current = server;
      let stored = 0;
      for (let round = 0; round < ROUNDS; round++) {
        const sig = round % 2 === 0 ? 'SIGTERM' : 'SIGINT';
        stored = (await stopWhileSending(current, sls.url, sig, stored)).length;
        current = await serveInto(sls.url, server.dataDir);
      }
      expect((await waitForJobEnd(current, KEY, JobId, 60_000)).JobStatus).toBe(2);
      const ids = await storedIds(sls.url);
      expect(new Set(ids).size).toBe(EVENTS);
      expect(ids.length).toBe(EVENTS); // what was in flight at each stop was not sent again
      if (process.env.SHUTDOWN_ROUNDS) {
        const sorted = [...exitMs].sort((x, y) => x - y);
        console.log(
          `shutdown campaign: ${ROUNDS} rounds, ${EVENTS} events, exit 0 every time, ` +
            `signal-to-exit ms min ${sorted[0]} median ${sorted[Math.floor(sorted.length / 2)]} max ${sorted.at(-1)}, ` +
            `duplicates ${ids.length - new Set(ids).size}, lost ${EVENTS - new Set(ids).size}`,
        );
      }
    },
    120_000 * ROUNDS,
  );
});
