import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { insertEvents } from '../../src/db/repositories/events.repository.js';
import { DeliveryEngine } from '../../src/jobs/engine/delivery-engine.js';
import { DEFAULT_ENGINE_OPTIONS } from '../../src/jobs/engine/engine-options.js';
import { storeEventSource } from '../../src/jobs/store-event-source.js';
import { createFileSink } from '../../src/sinks/file/file.sink.js';
import { type FileSystem, nodeFileSystem } from '../../src/sinks/file/file-system.js';
import { listDeliveryFiles, readOssDelivery } from '../helpers/delivered-files.js';
import { waitForJobEnd } from '../helpers/delivery-jobs.js';
import { minutelyEvents } from '../helpers/sample-events.js';
import { call } from '../helpers/sdk-clients.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { TEST_DB } from '../helpers/test-database.js';

/**
 * Issue 16 item 3, file sink: a full disk, a read-only mount and a slow disk, injected through
 * the sink's file-system layer (the tests run as root, whom chmod does not stop). A job finishes
 * with every event or fails with the errno recorded in its failure list; it never hangs.
 * SQLite only: the faults are the sink's, the engine's bookkeeping is the same on PostgreSQL
 * (the SLS and OSS fault tests run on both).
 */
const EVENTS = 240;
let t: TestApp;
let engine: DeliveryEngine | undefined;

beforeEach(async () => {
  t = await startTestApp({
    env: { OPENTRAIL_DELIVERY_HISTORY_TO_OSS: 'true', OPENTRAIL_REGIONS: 'cn-hangzhou' },
  });
});
afterEach(async () => {
  await engine?.stop();
  await t.close();
});

function errno(code: string): Error {
  return Object.assign(new Error(`${code}: injected`), { code });
}

/** The real file system, with `fault` consulted before every temporary-file open. */
function faultyFs(fault: () => Promise<void> | void): FileSystem {
  return {
    ...nodeFileSystem,
    async open(p, flags) {
      if (flags === 'wx') await fault();
      return nodeFileSystem.open(p, flags);
    },
  };
}

function startEngine(fs: FileSystem) {
  const sink = createFileSink({ root: t.services.config.deliveryRoot, fs });
  engine = new DeliveryEngine({
    db: t.handle.db,
    capabilities: t.handle.dialect.capabilities,
    clock: t.services.clock,
    logger: t.services.logger,
    events: storeEventSource(t.handle.db),
    sinkFor: () => sink,
    options: {
      ...DEFAULT_ENGINE_OPTIONS,
      workers: 1,
      pollMs: 20,
      chunkSize: 40,
      inFlight: 2,
      maxFailures: 4,
      backoffBaseMs: 20,
      backoffMaxMs: 100,
      // Small objects (events come a minute apart): several files per chunk, two written at once.
      historyFileCap: { maxEvents: 5, maxBytes: 2 ** 20 },
    },
  });
  engine.start();
}

async function historyJob(): Promise<unknown> {
  const events = minutelyEvents('disk-', EVENTS);
  await insertEvents(t.handle.db, t.key.accountId, events);
  await call('openapi V3', t, t.key, 'CreateTrail', {
    Name: 'disk-trail',
    OssBucketName: 'disk-bucket',
  });
  const { JobId } = await call('openapi V3', t, t.key, 'CreateDeliveryHistoryJob', {
    TrailName: 'disk-trail',
  });
  return JobId;
}

/** The campaign's figures (npm run campaign:faults). */
function report(what: string): void {
  if (process.env.CAMPAIGN !== '1') return;
  const ids = delivered().map((e) => e.eventId);
  const name = expect.getState().currentTestName;
  console.log(
    `faults: ${name}: ${what}; events ${EVENTS}, delivered ${new Set(ids).size}, duplicates ${ids.length - new Set(ids).size}`,
  );
}

const delivered = () => readOssDelivery(t.services.config.deliveryRoot, 'disk-bucket', 'disk-');

describe.runIf(TEST_DB === 'sqlite')('file sink faults', () => {
  it('a disk full for a while (ENOSPC): the job waits it out and delivers every event once', async () => {
    let full = 5;
    startEngine(faultyFs(() => (full-- > 0 ? Promise.reject(errno('ENOSPC')) : undefined)));
    const job = await waitForJobEnd(t, t.key, await historyJob(), 20_000);
    expect(job.JobStatus).toBe(2);
    report(`JobStatus ${job.JobStatus}`);
    const ids = delivered().map((e) => e.eventId);
    expect(new Set(ids).size).toBe(EVENTS);
    expect(ids.length).toBe(EVENTS);
    // No temporary file is left behind by the failed writes.
    expect(
      listDeliveryFiles(t.services.config.deliveryRoot).filter((f) => f.endsWith('.tmp')),
    ).toEqual([]);
  });

  it('a disk that stays full: the job fails after its retries, with ENOSPC on record', async () => {
    startEngine(faultyFs(() => Promise.reject(errno('ENOSPC'))));
    const jobId = await historyJob();
    const job = await waitForJobEnd(t, t.key, jobId, 20_000);
    expect([job.JobStatus, job.State]).toEqual([3, 'Failed']);
    expect(job.Status).toMatchObject([{ Region: 'cn-hangzhou', Status: 3, ErrorCode: 'ENOSPC' }]);
    const failures = await call('openapi V3', t, t.key, 'ListDeliveryHistoryJobFailures', {
      JobId: jobId,
    });
    report(`JobStatus ${job.JobStatus}, ${failures.TotalCount} failures recorded`);
    expect(failures.TotalCount).toBe(4); // maxFailures attempts, each recorded
    expect(delivered()).toEqual([]);
    // Retry after the disk is freed: the same job delivers everything.
    await engine?.stop();
    startEngine(nodeFileSystem);
    await call('openapi V3', t, t.key, 'RetryDeliveryHistoryJob', { JobId: jobId });
    expect((await waitForJobEnd(t, t.key, jobId, 20_000)).JobStatus).toBe(2);
    report('after RetryDeliveryHistoryJob');
    expect(new Set(delivered().map((e) => e.eventId)).size).toBe(EVENTS);
  });

  it('a read-only mount (EROFS) fails the job at once: retrying cannot fix it', async () => {
    startEngine(faultyFs(() => Promise.reject(errno('EROFS'))));
    const job = await waitForJobEnd(t, t.key, await historyJob(), 20_000);
    expect([job.JobStatus, job.State]).toEqual([3, 'Failed']);
    report(`JobStatus ${job.JobStatus}`);
    expect(job.Status).toMatchObject([{ Status: 3, ErrorCode: 'EROFS' }]);
  });

  it('a slow disk: the job still finishes with every event', async () => {
    startEngine(faultyFs(() => new Promise((r) => setTimeout(r, 10))));
    const job = await waitForJobEnd(t, t.key, await historyJob(), 20_000);
    expect(job.JobStatus).toBe(2);
    report(`JobStatus ${job.JobStatus}`);
    expect(delivered().length).toBe(EVENTS);
  });
});
