import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { insertEvents } from '../../src/db/repositories/events.repository.js';
import { waitForJobEnd } from '../helpers/delivery-jobs.js';
import { startDevSlsProcess } from '../helpers/dev-sls-process.js';
import { minutelyEvents } from '../helpers/sample-events.js';
import { call } from '../helpers/sdk-clients.js';
import {
  freshDataDir,
  type ServerProcess,
  startServer,
  waitForExit,
} from '../helpers/server-process.js';
import { storedEventIds } from '../helpers/sls-logstore.js';
import { openDatabaseOf, TEST_DB } from '../helpers/test-database.js';

/**
 * [D1]: a history job into `opentrail dev sls` (its own process) through faults: bursts of 5xx,
 * quota answers, dropped connections, a receiver down for 5 s, a wrong secret, and a kill -9
 * of opentrail mid-job. Nothing is lost; duplicates come only from batches in flight.
 */
const SLS_KEYS = { accessKeyId: 'fault-ak', accessKeySecret: 'fault-secret' };
const KEY = { accessKeyId: 'slsfaultkey', accessKeySecret: 'slsfaultsecret' };
const ACCOUNT = '1999000011112222';
const CHUNK = 100;
const IN_FLIGHT = 2;

const running: Array<{ stop(): Promise<void> }> = [];
afterEach(async () => {
  for (const p of running.splice(0).reverse()) await p.stop();
});

function history(count: number) {
  return minutelyEvents('fault-', count);
}

async function serveInto(
  url: string,
  options: { dataDir?: string; env?: Record<string, string>; secret?: string } = {},
) {
  const dataDir = options.dataDir ?? freshDataDir('opentrail-sls-fault-');
  const config = path.join(dataDir, 'config.json');
  writeFileSync(
    config,
    JSON.stringify({
      // A short lease: the restarted server takes over the killed one's job quickly.
      delivery: {
        workers: 1,
        chunkSize: CHUNK,
        inFlight: IN_FLIGHT,
        maxFailures: 40,
        leaseSeconds: 2,
      },
    }),
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
      OPENTRAIL_SLS_ACCESS_KEY_SECRET: options.secret ?? SLS_KEYS.accessKeySecret,
      ...options.env,
    },
  });
  running.push(server);
  return server;
}

/** Stores the history, creates an SLS trail and its history job; returns the JobId. */
async function startJob(server: ServerProcess, events: ReturnType<typeof history>) {
  const h = await openDatabaseOf(server.dataDir);
  await insertEvents(h.db, ACCOUNT, events);
  await h.close();
  await call('openapi V3', server, KEY, 'CreateTrail', {
    Name: 'fault-trail',
    SlsProjectArn: `acs:log:cn-hangzhou:${ACCOUNT}:project/audit`,
  });
  const { JobId } = await call('openapi V3', server, KEY, 'CreateDeliveryHistoryJob', {
    TrailName: 'fault-trail',
  });
  return JobId;
}

/** Every history event id stored in the logstore, duplicates kept. */
async function storedIds(url: string): Promise<string[]> {
  const ids = await storedEventIds(url, SLS_KEYS, 'audit', 'actiontrail_fault-trail');
  return ids.filter((id) => id.startsWith('fault-'));
}

function expectEveryEvent(ids: string[], events: ReturnType<typeof history>, maxDuplicates = 0) {
  const unique = new Set(ids);
  if (process.env.CAMPAIGN === '1') {
    // The campaign's figures (npm run campaign:faults): what the user would count in SLS.
    const lost = events.filter((e) => !unique.has(e.eventId)).length;
    const name = expect.getState().currentTestName;
    console.log(
      `faults: ${name}: events ${events.length}, lost ${lost}, duplicates ${ids.length - unique.size}`,
    );
  }
  expect([...unique].sort()).toEqual(events.map((e) => e.eventId).sort());
  expect(ids.length - unique.size).toBeLessThanOrEqual(maxDuplicates);
}

const dev = async (args: string[] = [], dataDir?: string) => {
  const p = await startDevSlsProcess(args, SLS_KEYS, dataDir);
  running.push(p);
  return p;
};

// The sink's retry rules do not depend on the database; the crash test below runs on both.
describe.runIf(TEST_DB === 'sqlite')('a history job into dev sls through faults', () => {
  it.each([
    ['5xx', '5'],
    ['quota', '3'],
    ['drop', '3'],
  ])('a burst of %s answers: the job completes with every event', async (fault, count) => {
    const sls = await dev(['--fault', fault, '--fault-count', count]);
    const server = await serveInto(sls.url);
    const events = history(300);
    const job = await waitForJobEnd(server, KEY, await startJob(server, events), 90_000);
    expect(job.JobStatus).toBe(2);
    // A dropped connection may have been stored before it dropped: at most the batches in flight.
    expectEveryEvent(await storedIds(sls.url), events, fault === 'drop' ? IN_FLIGHT * CHUNK : 0);
  });

  // Campaign only (npm run campaign:faults): each timed-out request costs the sink's 10 s limit.
  it.runIf(process.env.CAMPAIGN === '1')(
    'a slow receiver: requests time out, are retried, and every event arrives',
    async () => {
      const sls = await dev(['--fault', 'slow', '--fault-count', '2', '--slow-ms', '12000']);
      const server = await serveInto(sls.url);
      const events = history(300);
      const job = await waitForJobEnd(server, KEY, await startJob(server, events), 110_000);
      expect(job.JobStatus).toBe(2);
      // A request that timed out may still have been stored once the receiver got to it.
      expectEveryEvent(await storedIds(sls.url), events, IN_FLIGHT * CHUNK);
    },
    120_000,
  );

  it('a receiver down for 5 s: the job waits and then completes', async () => {
    const first = await dev();
    const { url, dataDir } = first;
    await first.stop();
    const server = await serveInto(url);
    const events = history(300);
    const jobId = await startJob(server, events);
    await new Promise((r) => setTimeout(r, 5_000));
    const during = await call('openapi V3', server, KEY, 'GetDeliveryHistoryJob', { JobId: jobId });
    expect(during.JobStatus).toBe(1); // still trying, not failed
    await dev(['--port', new URL(url).port], dataDir);
    expect((await waitForJobEnd(server, KEY, jobId, 90_000)).JobStatus).toBe(2);
    expectEveryEvent(await storedIds(url), events);
  });

  it('a wrong secret fails the region at once with SLS code SignatureNotMatch', async () => {
    const sls = await dev();
    const server = await serveInto(sls.url, { secret: 'not-the-secret' });
    const jobId = await startJob(server, history(50));
    const job = await waitForJobEnd(server, KEY, jobId, 30_000);
    expect([job.JobStatus, job.State]).toEqual([3, 'Failed']);
    const h = await openDatabaseOf(server.dataDir);
    const progress = await h.db
      .selectFrom('delivery_job_progress')
      .select(['status', 'error_code', 'failures'])
      .where('job_id', '=', Number(jobId))
      .execute();
    await h.close();
    expect(progress).toEqual([{ status: 3, error_code: 'SignatureNotMatch', failures: 1 }]);
    // [C2] extensions show why: the region's error and the failure list.
    expect(job.Status).toMatchObject([
      { Region: 'cn-hangzhou', Status: 3, ErrorCode: 'SignatureNotMatch' },
    ]);
    expect((job.Progress as { DeliveredEvents: number }).DeliveredEvents).toBe(0);
    const failures = await call('openapi V3', server, KEY, 'ListDeliveryHistoryJobFailures', {
      JobId: jobId,
    });
    expect(failures).toMatchObject({ TotalCount: 1, PageNumber: 1, PageSize: 20 });
    expect(failures.Failures).toEqual([
      {
        Region: 'cn-hangzhou',
        Destination: 'sls',
        ErrorCode: 'SignatureNotMatch',
        ErrorMessage: expect.any(String),
        Attempts: 1,
        FirstEventTime: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
        LastEventTime: expect.stringMatching(/Z$/),
        Time: expect.stringMatching(/Z$/),
      },
    ]);
    // Nothing reached SLS: not even the logstore was created.
    await expect(storedIds(sls.url)).rejects.toMatchObject({
      details: { code: 'LogStoreNotExist' },
    });
  });
});

describe('a history job into dev sls survives kill -9 of opentrail', () => {
  it('resumes after a restart; duplicates only from the batches in flight', async () => {
    const sls = await dev();
    const events = history(1200);
    const crashing = await serveInto(sls.url, { env: { OPENTRAIL_TEST_CRASH_AT: 'after-ack:4' } });
    const jobId = await startJob(crashing, events);
    expect(await waitForExit(crashing, 60_000)).toBe('SIGKILL');
    const before = await storedIds(sls.url);
    expect(before.length).toBeGreaterThan(0);
    expect(before.length).toBeLessThan(events.length);

    const server = await serveInto(sls.url, { dataDir: crashing.dataDir });
    expect((await waitForJobEnd(server, KEY, jobId, 90_000)).JobStatus).toBe(2);
    expectEveryEvent(await storedIds(sls.url), events, IN_FLIGHT * CHUNK);
  });
});
