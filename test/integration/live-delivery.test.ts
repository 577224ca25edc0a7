import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertEvents } from '../../src/db/repositories/events.repository.js';
import { resumeLiveDelivery } from '../../src/domain/trails/live-delivery.js';
import { createDeliveryEngine } from '../../src/jobs/create-delivery-engine.js';
import { readOssDelivery } from '../helpers/delivered-files.js';
import { waitForJobEnd } from '../helpers/delivery-jobs.js';
import { call } from '../helpers/sdk-clients.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';

const DAY = 86_400_000;
const iso = (ms: number) =>
  new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');

/** Every eventId in the SLS-layout files of a logstore (file sink), with repeats. */
function slsDelivered(root: string, logstore: string, prefix: string): string[] {
  const dir = path.join(root, 'sls', 'audit-project', logstore);
  let regions: string[];
  try {
    regions = readdirSync(dir);
  } catch {
    return [];
  }
  return regions
    .flatMap((r) =>
      readdirSync(path.join(dir, r))
        .filter((f) => f.endsWith('.ndjson'))
        .flatMap((f) =>
          readFileSync(path.join(dir, r, f), 'utf8')
            .trim()
            .split('\n'),
        ),
    )
    .map((l) => (JSON.parse(JSON.parse(l).event) as { eventId: string }).eventId)
    .filter((id) => id.startsWith(prefix));
}

async function until<T>(what: () => T, ok: (v: T) => boolean, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = what();
    if (ok(v) || Date.now() > end) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** [D2] live delivery: every event ingested while a trail logs reaches each destination once. */
describe('live delivery of a logging trail (file sink)', () => {
  let t: TestApp;
  let target: { url: string; host: string };
  const sls = () => `acs:log:cn-hangzhou:${t.key.accountId}:project/audit-project`;

  beforeAll(async () => {
    t = await startTestApp({
      env: {
        OPENTRAIL_REGIONS: 'cn-hangzhou,cn-beijing',
        OPENTRAIL_DELIVERY_LIVE_FLUSH_MS: '300',
        OPENTRAIL_DELIVERY_POLL_MS: '50',
        OPENTRAIL_DELIVERY_HISTORY_TO_OSS: 'true',
      },
    });
    target = { url: t.url, host: t.host };
    t.engine.start();
  }, 60_000);
  afterAll(() => t?.close());

  const ingest = (prefix: string, n: number, time: (i: number) => number) =>
    insertEvents(
      t.handle.db,
      t.key.accountId,
      Array.from({ length: n }, (_, i) => ({
        eventId: `${prefix}${i}`,
        eventName: 'DescribeInstances',
        serviceName: 'Ecs',
        acsRegion: i % 2 ? 'cn-hangzhou' : 'cn-beijing',
        eventTime: iso(time(i)),
      })),
    );
  const ids = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${i}`);
  const oss = (prefix: string) =>
    readOssDelivery(t.services.config.deliveryRoot, 'live-bucket', prefix).map((e) => e.eventId);

  it('history job + live stream: old, late and future-dated events each exactly once', async () => {
    const now = Date.now();
    await call('openapi V3', target, t.key, 'CreateTrail', {
      Name: 'live-trail',
      SlsProjectArn: sls(),
      OssBucketName: 'live-bucket',
    });
    await ingest('before-', 20, (i) => now - (i + 1) * DAY);
    await call('openapi V3', target, t.key, 'StartLogging', { Name: 'live-trail' });
    // After StartLogging: recent, late (old eventTime) and future-dated events.
    await ingest('after-', 30, (i) =>
      i % 3 === 0 ? now - 20 * DAY : i % 3 === 1 ? now : now + DAY,
    );
    const { JobId } = await call('openapi V3', target, t.key, 'CreateDeliveryHistoryJob', {
      TrailName: 'live-trail',
    });
    expect((await waitForJobEnd(target, t.key, JobId, 30_000)).JobStatus).toBe(2);
    const expected = [...ids('before-', 20), ...ids('after-', 30)].sort();
    const root = t.services.config.deliveryRoot;
    const both = () => ({
      oss: [...oss('before-'), ...oss('after-')].sort(),
      sls: [
        ...slsDelivered(root, 'actiontrail_live-trail', 'before-'),
        ...slsDelivered(root, 'actiontrail_live-trail', 'after-'),
      ].sort(),
    });
    const got = await until(both, (v) => v.oss.length >= 50 && v.sls.length >= 50);
    expect(got.oss).toEqual(expected);
    expect(got.sls).toEqual(expected);

    const status = await call('openapi V3', target, t.key, 'GetTrailStatus', {
      Name: 'live-trail',
    });
    expect(status).toMatchObject({
      IsLogging: true,
      LatestDeliveryTime: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
      LatestDeliveryError: '',
      LatestDeliveryLogServiceTime: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      LatestDeliveryLogServiceError: '',
      OssBucketStatus: true,
      SlsLogStoreStatus: true,
    });
  });

  it('StopLogging delivers what came before it and nothing after; StartLogging resumes', async () => {
    const now = Date.now();
    await ingest('pre-stop-', 10, () => now);
    await call('openapi V3', target, t.key, 'StopLogging', { Name: 'live-trail' });
    await ingest('stopped-', 10, () => now);
    await until(
      () => oss('pre-stop-'),
      (v) => v.length >= 10,
    );
    await call('openapi V3', target, t.key, 'StartLogging', { Name: 'live-trail' });
    await ingest('resumed-', 10, () => now);
    const resumed = await until(
      () => oss('resumed-'),
      (v) => v.length >= 10,
    );
    expect(resumed.sort()).toEqual(ids('resumed-', 10).sort());
    expect(oss('pre-stop-').sort()).toEqual(ids('pre-stop-', 10).sort());
    // The resumed events were delivered after the stopped ones were ingested: had the stream
    // taken those, they would be there by now.
    expect(oss('stopped-')).toEqual([]);
    expect(
      slsDelivered(t.services.config.deliveryRoot, 'actiontrail_live-trail', 'stopped-'),
    ).toEqual([]);
  });

  it('DeleteTrail ends its live delivery', async () => {
    await call('openapi V3', target, t.key, 'DeleteTrail', { Name: 'live-trail' });
    await ingest('deleted-', 5, () => Date.now());
    await new Promise((r) => setTimeout(r, 1_000));
    expect(oss('deleted-')).toEqual([]);
  });

  it('two engines on one database share the live stream: every event once', async () => {
    const config = t.services.config;
    const second = createDeliveryEngine({
      config: { ...config, delivery: { ...config.delivery, workers: 2 } },
      handle: t.handle,
      clock: t.services.clock,
      logger: t.services.logger,
    });
    second.start();
    try {
      await call('openapi V3', target, t.key, 'CreateTrail', {
        Name: 'shared-trail',
        OssBucketName: 'shared-bucket',
      });
      await call('openapi V3', target, t.key, 'StartLogging', { Name: 'shared-trail' });
      const now = Date.now();
      for (let round = 0; round < 5; round++) {
        await ingest(`shared-${round}-`, 40, (i) => now - i * 5 * 60_000);
        await new Promise((r) => setTimeout(r, 150));
      }
      const expected = Array.from({ length: 5 }, (_, r) => ids(`shared-${r}-`, 40))
        .flat()
        .sort();
      const delivered = () =>
        readOssDelivery(t.services.config.deliveryRoot, 'shared-bucket', 'shared-').map(
          (e) => e.eventId,
        );
      const got = await until(delivered, (v) => v.length >= expected.length, 30_000);
      expect(got.sort()).toEqual(expected);
    } finally {
      await second.stop();
    }
  });

  it('a trail that was logging before live delivery existed gets its stream at start-up, once', async () => {
    await call('openapi V3', target, t.key, 'CreateTrail', {
      Name: 'upgraded-trail',
      OssBucketName: 'upgraded-bucket',
    });
    await call('openapi V3', target, t.key, 'StartLogging', { Name: 'upgraded-trail' });
    // As an older version left it: logging, but no live stream.
    const live = t.handle.db
      .selectFrom('delivery_jobs')
      .select('id')
      .where('trail_name', '=', 'upgraded-trail')
      .where('kind', '=', 'live');
    await t.handle.db.deleteFrom('delivery_job_progress').where('job_id', 'in', live).execute();
    await t.handle.db.deleteFrom('delivery_jobs').where('id', 'in', live).execute();
    await ingest('upgraded-', 10, () => Date.now());
    const regions = t.services.config.regions;
    expect(await resumeLiveDelivery(t.handle.db, regions, Date.now())).toBe(1);
    expect(await resumeLiveDelivery(t.handle.db, regions, Date.now())).toBe(0);
    const delivered = () =>
      readOssDelivery(t.services.config.deliveryRoot, 'upgraded-bucket', 'upgraded-').map(
        (e) => e.eventId,
      );
    const got = await until(delivered, (v) => v.length >= 10);
    expect(got.sort()).toEqual(ids('upgraded-', 10).sort());
  });
});
