import { createHash } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { GetBucketLocationCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listProgress } from '../../src/db/repositories/delivery-progress.repository.js';
import { insertEvents } from '../../src/db/repositories/events.repository.js';
import { createDeliveryEngine } from '../../src/jobs/create-delivery-engine.js';
import { listDeliveryFiles } from '../helpers/delivered-files.js';
import { waitForJobEnd } from '../helpers/delivery-jobs.js';
import { type RunningS3rver, startS3rver } from '../helpers/s3rver.js';
import { call } from '../helpers/sdk-clients.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { expectFailure, trailList } from '../helpers/trails.js';

const DAY = 86_400_000;
const iso = (ms: number) =>
  new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');

/** [D2]: with `delivery.oss` configured, trails and history jobs use a real S3 API (s3rver). */
describe('OSS destination through the S3 API (s3rver)', () => {
  let s3: RunningS3rver;
  let t: TestApp;
  let target: { url: string; host: string };

  beforeAll(async () => {
    s3 = await startS3rver(['audit-bucket', 'other-bucket']);
    t = await startTestApp({
      env: {
        OPENTRAIL_REGIONS: 'cn-hangzhou,cn-beijing',
        OPENTRAIL_OSS_ENDPOINT: s3.url,
        OPENTRAIL_OSS_ACCESS_KEY_ID: 'S3RVER',
        OPENTRAIL_OSS_ACCESS_KEY_SECRET: 'S3RVER',
        OPENTRAIL_OSS_FORCE_PATH_STYLE: 'true',
        OPENTRAIL_DELIVERY_HISTORY_TO_OSS: 'true',
      },
    });
    target = { url: t.url, host: t.host };
    // Creating a PostgreSQL test database on a busy machine may take a while.
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    await s3?.close();
  });

  const describeTrail = async (name: string) =>
    trailList(await call('openapi V3', target, t.key, 'DescribeTrails', { NameList: name }))[0];

  it('CreateTrail and UpdateTrail accept only a bucket that exists, and report where it is', async () => {
    await expectFailure(
      'openapi V3',
      target,
      t.key,
      'CreateTrail',
      { Name: 'no-bucket-trail', OssBucketName: 'missing-bucket' },
      { code: 'BucketDoesNotExistException', status: 404 },
    );
    expect(await describeTrail('no-bucket-trail')).toBeUndefined();

    await call('openapi V3', target, t.key, 'CreateTrail', {
      Name: 'bucket-trail',
      OssBucketName: 'audit-bucket',
    });
    const reported = await s3.client.send(new GetBucketLocationCommand({ Bucket: 'audit-bucket' }));
    const expected = reported.LocationConstraint || 'us-east-1';
    expect(await describeTrail('bucket-trail')).toMatchObject({
      OssBucketName: 'audit-bucket',
      OssBucketLocation: expected,
    });

    await expectFailure(
      'openapi V3',
      target,
      t.key,
      'UpdateTrail',
      { Name: 'bucket-trail', OssBucketName: 'gone-bucket' },
      { code: 'BucketDoesNotExistException', status: 404 },
    );
    expect((await describeTrail('bucket-trail'))?.OssBucketName).toBe('audit-bucket');
    await call('openapi V3', target, t.key, 'UpdateTrail', {
      Name: 'bucket-trail',
      OssBucketName: 'other-bucket',
    });
    expect((await describeTrail('bucket-trail'))?.OssBucketName).toBe('other-bucket');
  });

  it('a history job writes ActionTrail objects under OssKeyPrefix: every event once', async () => {
    const now = Date.now();
    const history = Array.from({ length: 40 }, (_, i) => ({
      eventId: `oss-${i}`,
      eventName: 'DescribeInstances',
      serviceName: 'Ecs',
      acsRegion: i % 2 ? 'cn-hangzhou' : 'cn-beijing',
      eventTime: iso(now - (i + 1) * DAY),
    }));
    await insertEvents(t.handle.db, t.key.accountId, history);
    await call('openapi V3', target, t.key, 'CreateTrail', {
      Name: 'oss-history-trail',
      OssBucketName: 'audit-bucket',
      OssKeyPrefix: 'history-logs',
    });
    t.engine.start();
    const { JobId } = await call('openapi V3', target, t.key, 'CreateDeliveryHistoryJob', {
      TrailName: 'oss-history-trail',
    });
    expect((await waitForJobEnd(target, t.key, JobId, 30_000)).JobStatus).toBe(2);

    const objects = await s3.objects('audit-bucket', 'history-logs/');
    const KEY =
      /^history-logs\/AliyunLogs\/Actiontrail\/(cn-[a-z]+)\/(\d{4})\/(\d{2})\/(\d{2})\/Actiontrail_(cn-[a-z]+)_(\d{14})_1002_(\d+)_(\d+)_([0-9a-f]{32})\.gz$/;
    const delivered: string[] = [];
    for (const [key, body] of objects) {
      const m = KEY.exec(key);
      expect(m, key).not.toBeNull();
      const [, region, yyyy, mm, dd, region2, stamp, count, size, md5] = m as RegExpExecArray;
      expect(region2).toBe(region);
      expect(stamp?.slice(0, 8)).toBe(`${yyyy}${mm}${dd}`);
      expect(Number(size)).toBe(body.length);
      expect(md5).toBe(createHash('md5').update(body).digest('hex'));
      const events = JSON.parse(gunzipSync(body).toString('utf8')) as Array<{
        eventId: string;
        acsRegion: string;
      }>;
      expect(events).toHaveLength(Number(count));
      for (const e of events) {
        expect(e.acsRegion).toBe(region);
        delivered.push(e.eventId);
      }
    }
    const ours = delivered.filter((id) => id.startsWith('oss-')).sort();
    expect(ours).toEqual(history.map((e) => e.eventId).sort());
    // Nothing went to the file sink's OSS layout instead.
    expect(
      listDeliveryFiles(t.services.config.deliveryRoot).filter((f) => f.startsWith('oss/')),
    ).toEqual([]);
  });

  it('a key OSS does not know fails the job with InvalidAccessKeyId; the bucket is left untouched', async () => {
    await insertEvents(t.handle.db, t.key.accountId, [
      {
        eventId: 'bad-key-1',
        eventName: 'DescribeInstances',
        serviceName: 'Ecs',
        acsRegion: 'cn-hangzhou',
        eventTime: iso(Date.now() - DAY),
      },
    ]);
    await call('openapi V3', target, t.key, 'CreateTrail', {
      Name: 'bad-key-trail',
      OssBucketName: 'other-bucket',
      OssKeyPrefix: 'bad-key',
      TrailRegion: 'cn-hangzhou',
    });
    // Another node of the same database whose OSS key is wrong does the delivery.
    await t.engine.stop();
    const config = t.services.config;
    const badKeyEngine = createDeliveryEngine({
      config: {
        ...config,
        delivery: {
          ...config.delivery,
          oss: { ...config.delivery.oss, accessKeyId: 'LTAI-nobody' },
        },
      },
      handle: t.handle,
      clock: t.services.clock,
      logger: t.services.logger,
    });
    const { JobId } = await call('openapi V3', target, t.key, 'CreateDeliveryHistoryJob', {
      TrailName: 'bad-key-trail',
    });
    await badKeyEngine.drain(100);
    const job = await call('openapi V3', target, t.key, 'GetDeliveryHistoryJob', { JobId });
    expect(job.JobStatus).toBe(3);
    const progress = await listProgress(t.handle.db, Number(JobId));
    expect(progress.map((p) => [p.status, p.error_code])).toEqual([[3, 'InvalidAccessKeyId']]);
    expect(progress[0]?.error_message).not.toContain('S3RVER');
    expect((await s3.objects('other-bucket', 'bad-key/')).size).toBe(0);
  });

  it('live delivery with an unknown key: GetTrailStatus shows InvalidAccessKeyId, then the recovery', async () => {
    await call('openapi V3', target, t.key, 'CreateTrail', {
      Name: 'live-oss-trail',
      OssBucketName: 'audit-bucket',
      OssKeyPrefix: 'live-logs',
    });
    await call('openapi V3', target, t.key, 'StartLogging', { Name: 'live-oss-trail' });
    await insertEvents(
      t.handle.db,
      t.key.accountId,
      Array.from({ length: 12 }, (_, i) => ({
        eventId: `live-oss-${i}`,
        eventName: 'DescribeInstances',
        serviceName: 'Ecs',
        acsRegion: 'cn-hangzhou',
        eventTime: iso(Date.now() - (i % 3) * DAY),
      })),
    );
    const status = () =>
      call('openapi V3', target, t.key, 'GetTrailStatus', { Name: 'live-oss-trail' });
    // This node's OSS key is wrong: the stream keeps failing, and says why.
    await t.engine.stop();
    const config = t.services.config;
    const fast = { ...config.delivery, liveFlushMs: 100, pollMs: 20 };
    const engineWith = (accessKeyId: string) =>
      createDeliveryEngine({
        config: { ...config, delivery: { ...fast, oss: { ...config.delivery.oss, accessKeyId } } },
        handle: t.handle,
        clock: t.services.clock,
        logger: t.services.logger,
      });
    const wrong = engineWith('LTAI-nobody');
    wrong.start();
    let failing: Record<string, unknown> = {};
    for (let i = 0; i < 100 && !failing.LatestDeliveryError; i++) {
      await new Promise((r) => setTimeout(r, 100));
      failing = await status();
    }
    await wrong.stop();
    expect(failing).toMatchObject({
      IsLogging: true,
      LatestDeliveryError: expect.stringMatching(/^InvalidAccessKeyId: /),
      OssBucketStatus: false,
    });
    expect((await s3.objects('audit-bucket', 'live-logs/')).size).toBe(0);

    // The key fixed (a node with the right one): everything arrives once and the error clears.
    const fixed = engineWith('S3RVER');
    fixed.start();
    let delivered: string[] = [];
    for (let i = 0; i < 200 && delivered.length < 12; i++) {
      await new Promise((r) => setTimeout(r, 100));
      delivered = [...(await s3.objects('audit-bucket', 'live-logs/')).values()].flatMap((b) =>
        (JSON.parse(gunzipSync(b).toString('utf8')) as Array<{ eventId: string }>)
          .map((e) => e.eventId)
          // The account's own API calls (self-audit) are delivered too.
          .filter((id) => id.startsWith('live-oss-')),
      );
    }
    await fixed.stop();
    expect(delivered.sort()).toEqual(Array.from({ length: 12 }, (_, i) => `live-oss-${i}`).sort());
    expect(await status()).toMatchObject({
      LatestDeliveryError: '',
      LatestDeliveryTime: expect.stringMatching(/^\d{4}-/),
      OssBucketStatus: true,
    });
  });
});
