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

const REGIONS = ['cn-hangzhou', 'cn-beijing'];
const KEY = { accessKeyId: 'livecrashkey', accessKeySecret: 'livecrashsecret' };
const ACCOUNT = '1888000011113333';
const BUCKET = 5 * 60_000;
const DAY = 86_400_000;

const isoSeconds = (ms: number) =>
  new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');

/**
 * `count` events named `<prefix><i>`, each in its own 5-minute bucket (so one object each):
 * `when(i)` places them, e.g. weeks ago (late arrivals), now, or in the future.
 */
function events(prefix: string, count: number, when: (i: number) => number) {
  return Array.from({ length: count }, (_, i) => ({
    eventId: `${prefix}${i}`,
    eventName: 'DescribeInstances',
    eventRW: 'Read',
    serviceName: 'Ecs',
    acsRegion: REGIONS[i % REGIONS.length],
    eventTime: isoSeconds(when(i)),
  }));
}

async function ingest(dataDir: string, list: ReturnType<typeof events>) {
  const handle = await openDatabaseOf(dataDir);
  await insertEvents(handle.db, ACCOUNT, list);
  await handle.close();
}

/**
 * decisions §5 + [D2]: a history job (sequence ≤ live_start_seq) and the live stream (after it)
 * run at once while events keep arriving — late ones with old times and future-dated ones — and
 * the node is killed with SIGKILL in the middle of live delivery. After a restart every event is
 * in the bucket exactly once: nothing lost, no duplicate object.
 */
describe('history + live delivery killed with SIGKILL mid-delivery', () => {
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
    dataDir = freshDataDir('opentrail-live-crash-');
    writeFileSync(
      path.join(dataDir, 'config.json'),
      JSON.stringify({
        delivery: {
          workers: 1,
          chunkSize: 4,
          inFlight: 2,
          leaseSeconds: 1,
          sliceMs: 5000,
          pollMs: 50,
          liveFlushMs: 200,
          liveFlushEvents: 4,
          historyFileEvents: 1, // one history object per event: a kill point between any two
        },
      }),
    );
  });
  afterAll(() => server?.stop());

  it('delivers every event exactly once to the file sink', async () => {
    const args = ['--config', path.join(dataDir, 'config.json')];
    const now = Date.now();
    const before = events('hist-', 40, (i) => now - 20 * DAY + i * BUCKET);
    const late = events('late-', 40, (i) => now - 30 * DAY + i * BUCKET);
    const future = events('future-', 40, (i) => now + DAY + i * BUCKET);
    const afterRestart = events('restart-', 20, (i) => now - 40 * DAY + i * BUCKET);

    await ingest(dataDir, before);
    // The crash comes after the 70th acknowledged object: well into the live delivery.
    server = await startServer({
      dataDir,
      args,
      env: { ...env, OPENTRAIL_TEST_CRASH_AT: 'after-ack:70' },
    });
    await call('openapi V3', server, KEY, 'CreateTrail', {
      Name: 'live-crash-trail',
      OssBucketName: 'live-crash-bucket',
    });
    await call('openapi V3', server, KEY, 'StartLogging', { Name: 'live-crash-trail' });
    await ingest(dataDir, late);
    const { JobId } = await call('openapi V3', server, KEY, 'CreateDeliveryHistoryJob', {
      TrailName: 'live-crash-trail',
    });
    await ingest(dataDir, future);

    expect(await waitForExit(server, 60_000)).toBe('SIGKILL');
    const root = path.join(dataDir, 'delivery');
    const ids = (prefix: string) =>
      readOssDelivery(root, 'live-crash-bucket', prefix).map((d) => d.eventId);
    const all = () => [...ids('hist-'), ...ids('late-'), ...ids('future-'), ...ids('restart-')];
    expect(all().length).toBeGreaterThan(0);
    expect(all().length).toBeLessThan(120);
    // The history part is about 40 objects, so the 70th acknowledgement was a live one.
    expect(ids('late-').length + ids('future-').length).toBeGreaterThan(0);

    server = await startServer({ dataDir, args, env });
    await ingest(dataDir, afterRestart);
    expect((await waitForJobEnd(server, KEY, JobId, 60_000)).JobStatus).toBe(2);
    const expected = [...before, ...late, ...future, ...afterRestart].map((e) => e.eventId).sort();
    const deadline = Date.now() + 60_000;
    while (all().length < expected.length && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(all().sort()).toEqual(expected);
    // One object per event (each has its own bucket): a re-sent batch overwrote its first copy.
    const files = readOssDelivery(root, 'live-crash-bucket')
      .filter((d) => expected.includes(d.eventId))
      .map((d) => d.file);
    expect(new Set(files).size).toBe(expected.length);
  });
});
