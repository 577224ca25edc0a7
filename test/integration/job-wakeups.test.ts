import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config.js';
import { type DatabaseHandle, openDatabase } from '../../src/db/open-database.js';
import { insertEvents } from '../../src/db/repositories/events.repository.js';
import { createDeliveryEngine } from '../../src/jobs/create-delivery-engine.js';
import type { DeliveryEngine } from '../../src/jobs/engine/delivery-engine.js';
import { systemClock } from '../../src/lib/clock.js';
import { createLogger } from '../../src/observability/logger.js';
import { waitForJobEnd } from '../helpers/delivery-jobs.js';
import { sampleEvent } from '../helpers/sample-events.js';
import { call } from '../helpers/sdk-clients.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { TEST_DB } from '../helpers/test-database.js';

// LISTEN/NOTIFY exists on PostgreSQL only; on SQLite the one serving process wakes its own
// engine when it creates a job (covered by the delivery tests).
describe.runIf(TEST_DB === 'postgres')('a job created on one node', () => {
  let nodeA: TestApp;
  let nodeB: { handle: DatabaseHandle; engine: DeliveryEngine };

  beforeAll(async () => {
    // serves the API; its engine never runs
    nodeA = await startTestApp({ env: { OPENTRAIL_DELIVERY_HISTORY_TO_OSS: 'true' } });
    const config = loadConfig({
      env: {
        OPENTRAIL_DATA_DIR: nodeA.services.config.dataDir,
        OPENTRAIL_DATABASE_URL: nodeA.services.config.databaseUrl ?? '',
      },
      // Polling once a minute: within the test only a wake-up can start the job.
      flags: { delivery: { pollMs: 60_000, workers: 2 } },
    });
    const handle = await openDatabase(config);
    const engine = createDeliveryEngine({
      config,
      handle,
      clock: systemClock,
      logger: createLogger('silent'),
    });
    nodeB = { handle, engine };
  });
  afterAll(async () => {
    await nodeB?.engine.stop();
    await nodeB?.handle.close();
    await nodeA?.close();
  });

  it('wakes the idle engine of another node at once', async () => {
    nodeB.engine.start();
    expect(await nodeB.engine.watchingNewJobs()).toBe(true);
    await new Promise((r) => setTimeout(r, 200)); // both workers looked once and went idle

    const now = Date.now();
    await insertEvents(
      nodeA.handle.db,
      nodeA.key.accountId,
      Array.from({ length: 20 }, (_, i) => sampleEvent(now - 3_600_000 + i * 1000)),
    );
    await call('openapi V3', nodeA, nodeA.key, 'CreateTrail', {
      Name: 'woken-trail',
      OssBucketName: 'woken',
    });
    const created = Date.now();
    const { JobId } = await call('openapi V3', nodeA, nodeA.key, 'CreateDeliveryHistoryJob', {
      TrailName: 'woken-trail',
    });
    const job = await waitForJobEnd(nodeA, nodeA.key, JobId, 10_000);
    expect(job.JobStatus).toBe(2);
    expect(Date.now() - created).toBeLessThan(20_000); // far below the 60 s poll, patient with a loaded CI machine
  });

  it('listens again after its connection is lost, and finds the job it missed meanwhile', async () => {
    await sql`select pg_terminate_backend(pid) from pg_stat_activity
      where datname = current_database() and query ilike 'listen %'`.execute(nodeA.handle.db);
    await call('openapi V3', nodeA, nodeA.key, 'CreateTrail', {
      Name: 'missed-trail',
      OssBucketName: 'missed',
    });
    const { JobId } = await call('openapi V3', nodeA, nodeA.key, 'CreateDeliveryHistoryJob', {
      TrailName: 'missed-trail',
    });
    const job = await waitForJobEnd(nodeA, nodeA.key, JobId, 15_000);
    expect(job.JobStatus).toBe(2);
  });
});
