import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertEvents } from '../../src/db/repositories/events.repository.js';
import { readOssDelivery } from '../helpers/delivered-files.js';
import { waitForJobEnd } from '../helpers/delivery-jobs.js';
import { call } from '../helpers/sdk-clients.js';
import {
  freshDataDir,
  type ServerProcess,
  startServer,
  waitForExit,
} from '../helpers/server-process.js';
import { openDatabaseOf } from '../helpers/test-database.js';

const REGIONS = ['cn-hangzhou', 'cn-shanghai', 'cn-beijing'];
const KEY = { accessKeyId: 'crashtestkey', accessKeySecret: 'crashtestsecret' };
const ACCOUNT = '1888000011112222';
const BUCKET = 5 * 60_000;

function isoSeconds(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

/** Events each in its own 5-minute bucket: one batch per event, spread over three regions. */
function history(now: number, count: number) {
  return Array.from({ length: count }, (_, i) => ({
    eventId: `crash-${i}`,
    eventName: 'DescribeInstances',
    eventRW: 'Read',
    serviceName: 'Ecs',
    acsRegion: REGIONS[i % REGIONS.length],
    eventTime: isoSeconds(now - 10 * 86_400_000 + i * BUCKET),
  }));
}

// A lease is renewed every third of its second, so the renewal case needs a job that runs longer.
// `historyFileEvents: 1` keeps one object per event (many batches, many kill points); the last
// case keeps the default, where a chunk's events of one UTC day share one object.
describe.each([
  ['after-ack:25', 180, 1],
  ['in-checkpoint:4', 180, 1],
  ['during-renewal:1', 1500, 1],
  ['after-ack:12', 180, undefined],
])('a delivery killed with SIGKILL (%s) resumes after a restart', (crashAt, count, fileEvents) => {
  let dataDir: string;
  let server: ServerProcess | undefined;
  const env = {
    OPENTRAIL_ACCOUNT_ID: ACCOUNT,
    OPENTRAIL_ACCESS_KEY_ID: KEY.accessKeyId,
    OPENTRAIL_ACCESS_KEY_SECRET: KEY.accessKeySecret,
    OPENTRAIL_REGIONS: REGIONS.join(','),
    OPENTRAIL_DELIVERY_HISTORY_TO_OSS: 'true',
  };

  beforeAll(() => {
    dataDir = freshDataDir('opentrail-crash-');
    writeFileSync(
      path.join(dataDir, 'config.json'),
      JSON.stringify({
        delivery: {
          workers: 1,
          chunkSize: 4,
          inFlight: 2,
          leaseSeconds: 1,
          sliceMs: 5000,
          ...(fileEvents === undefined ? {} : { historyFileEvents: fileEvents }),
        },
      }),
    );
  });
  afterAll(() => server?.stop());

  it('delivers every event exactly once in the file sink', async () => {
    const args = ['--config', path.join(dataDir, 'config.json')];
    server = await startServer({
      dataDir,
      args,
      env: { ...env, OPENTRAIL_TEST_CRASH_AT: crashAt },
    });
    const now = Date.now();
    const events = history(now, count);
    const handle = await openDatabaseOf(dataDir);
    await insertEvents(handle.db, ACCOUNT, events);
    await handle.close();
    await call('openapi V3', server, KEY, 'CreateTrail', {
      Name: 'crash-trail',
      OssBucketName: 'crash-bucket',
    });
    const { JobId } = await call('openapi V3', server, KEY, 'CreateDeliveryHistoryJob', {
      TrailName: 'crash-trail',
    });

    expect(await waitForExit(server, 30_000)).toBe('SIGKILL');
    const before = readOssDelivery(path.join(dataDir, 'delivery'), 'crash-bucket');
    expect(before.length).toBeGreaterThan(0);
    expect(before.length).toBeLessThan(events.length);

    server = await startServer({ dataDir, args, env });
    const job = await waitForJobEnd(server, KEY, JobId, 60_000);
    expect(job.JobStatus).toBe(2);
    // The account's own CreateTrail call (self-audit) is part of the history as well.
    const delivered = readOssDelivery(path.join(dataDir, 'delivery'), 'crash-bucket', 'crash-');
    // Complete, and no duplicates: a re-sent batch overwrote its first copy byte for byte.
    expect(delivered.map((d) => d.eventId).sort()).toEqual(events.map((e) => e.eventId).sort());
    const files = new Set(delivered.map((d) => d.file)).size;
    if (fileEvents === 1) expect(files).toBe(events.length);
    // A chunk holds 4 events of one region within an hour: one day object per chunk (two when
    // it crosses midnight).
    else expect(files).toBeLessThan(events.length / 3);
  });
});
