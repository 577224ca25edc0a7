import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NewAccessKey } from '../../src/domain/accounts/access-keys.js';
import { ManualClock } from '../../src/lib/clock.js';
import { call, type Variant } from '../helpers/sdk-clients.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { expectFailure, trailList, wireTime } from '../helpers/trails.js';

/** pop-core (v1 signature, GET like the SDK's StopLogging) and the current openapi SDK (V3). */
const PAIR: Variant[] = ['pop-core GET', 'openapi V3'];

const STATUS_FIELDS = [
  'IsLogging',
  'LatestDeliveryError',
  'LatestDeliveryLogServiceError',
  'LatestDeliveryLogServiceTime',
  'LatestDeliveryTime',
  'OssBucketStatus',
  'RequestId',
  'SlsLogStoreStatus',
  'StartLoggingTime',
  'StopLoggingTime',
];

describe.each(PAIR)(
  'UpdateTrail, DeleteTrail, Start/StopLogging, GetTrailStatus via %s',
  (variant) => {
    let t: TestApp;
    const clock = new ManualClock(Math.floor(Date.now() / 1000) * 1000);
    const t0 = clock.now();
    let k: NewAccessKey;
    const name = 'life-trail';
    const describeOne = async () =>
      trailList(await call(variant, t, k, 'DescribeTrails', { NameList: name }))[0];

    beforeAll(async () => {
      t = await startTestApp({ clock });
    });
    afterAll(() => t.close());

    it('UpdateTrail changes what is sent, keeps the rest, clears on "", moves UpdateTime', async () => {
      clock.set(t0);
      k = await t.newKey({ newAccount: true });
      const slsArn = `acs:log:cn-hangzhou:${k.accountId}:project/audit-logs`;
      await call(variant, t, k, 'CreateTrail', {
        Name: name,
        OssBucketName: 'bucket-a',
        OssKeyPrefix: 'prefix-a',
        EventRW: 'Read',
      });
      clock.advance(30_000);
      const updated = await call(variant, t, k, 'UpdateTrail', {
        Name: name,
        SlsProjectArn: slsArn,
        OssKeyPrefix: '',
        TrailRegion: 'cn-beijing',
      });
      expect(updated).toMatchObject({
        Name: name,
        HomeRegion: 'cn-hangzhou',
        OssBucketName: 'bucket-a',
        OssKeyPrefix: '',
        SlsProjectArn: slsArn,
        EventRW: 'Read',
        TrailRegion: 'cn-beijing',
      });
      expect(await describeOne()).toMatchObject({
        OssKeyPrefix: '',
        SlsProjectArn: slsArn,
        TrailRegion: 'cn-beijing',
        CreateTime: wireTime(t0),
        UpdateTime: wireTime(t0 + 30_000),
        Status: 'Fresh',
      });
    });

    it('UpdateTrail refuses to leave no destination and validates like CreateTrail', async () => {
      const cases: Array<[Record<string, unknown>, string, number]> = [
        [{ OssBucketName: '', SlsProjectArn: '' }, 'InvalidParameter', 400],
        [{ OssBucketName: 'Bad_Bucket' }, 'InvalidBucketNameException', 400],
        [{ OssKeyPrefix: 'x' }, 'InvalidPrefixException', 400],
        [{ EventRW: 'Both' }, 'InvalidParameter', 400],
        [
          { MaxComputeProjectArn: 'acs:odps:cn-hangzhou:1111111111111111:project/actiontrail_x' },
          'InvalidParameter',
          400,
        ],
      ];
      for (const [params, code, status] of cases) {
        await expectFailure(
          variant,
          t,
          k,
          'UpdateTrail',
          { Name: name, ...params },
          { code, status },
        );
      }
      expect(await describeOne()).toMatchObject({ OssBucketName: 'bucket-a', EventRW: 'Read' });
    });

    it('UpdateTrail: 404 for an unknown trail, 400 for a malformed name or none', async () => {
      const bucket = { OssBucketName: 'bucket-b' };
      await expectFailure(
        variant,
        t,
        k,
        'UpdateTrail',
        { Name: 'no-such-trail', ...bucket },
        { code: 'TrailNotFoundException', status: 404 },
      );
      await expectFailure(
        variant,
        t,
        k,
        'UpdateTrail',
        { Name: 'No Such', ...bucket },
        { code: 'InvalidTrailNameException', status: 400 },
      );
      await expectFailure(variant, t, k, 'UpdateTrail', bucket, {
        code: 'MissingParameter',
        status: 400,
      });
    });

    it('GetTrailStatus of a Fresh trail: every documented field, delivery fields empty', async () => {
      const status = await call(variant, t, k, 'GetTrailStatus', {
        Name: name,
        IsOrganizationTrail: false,
      });
      expect(Object.keys(status).sort()).toEqual(STATUS_FIELDS);
      expect(status).toMatchObject({
        IsLogging: false,
        StartLoggingTime: '',
        StopLoggingTime: '',
        LatestDeliveryTime: '',
        LatestDeliveryError: '',
        LatestDeliveryLogServiceTime: '',
        LatestDeliveryLogServiceError: '',
        OssBucketStatus: true,
        SlsLogStoreStatus: true,
      });
    });

    it('StopLogging on a Fresh trail disables it; StartLogging then enables it', async () => {
      clock.advance(10_000);
      await call(variant, t, k, 'StopLogging', { Name: name });
      expect(await describeOne()).toMatchObject({
        Status: 'Disable',
        StopLoggingTime: wireTime(clock.now()),
        StartLoggingTime: '',
      });
      clock.advance(10_000);
      await call(variant, t, k, 'StartLogging', { Name: name });
      const started = clock.now();
      clock.advance(10_000);
      // A second StartLogging keeps the first start time (live delivery does not restart).
      await call(variant, t, k, 'StartLogging', { Name: name });
      expect(await call(variant, t, k, 'GetTrailStatus', { Name: name })).toMatchObject({
        IsLogging: true,
        StartLoggingTime: wireTime(started),
        StopLoggingTime: wireTime(started - 10_000),
      });
    });

    it.each(['StartLogging', 'StopLogging', 'GetTrailStatus', 'DeleteTrail'])(
      '%s: 404 TrailNotFoundException, 400 InvalidTrailNameException, 400 MissingParameter',
      async (action) => {
        await expectFailure(
          variant,
          t,
          k,
          action,
          { Name: 'no-such-trail' },
          {
            code: 'TrailNotFoundException',
            status: 404,
          },
        );
        await expectFailure(
          variant,
          t,
          k,
          action,
          { Name: '9-bad-name' },
          {
            code: 'InvalidTrailNameException',
            status: 400,
          },
        );
        const f = await expectFailure(
          variant,
          t,
          k,
          action,
          {},
          {
            code: 'MissingParameter',
            status: 400,
          },
        );
        expect(f.message).toContain('"Name"');
      },
    );

    it('GetTrailStatus says MaxCompute is not delivered to (extension field)', async () => {
      const mc = 'mc-only-trail';
      await call(variant, t, k, 'CreateTrail', {
        Name: mc,
        MaxComputeProjectArn: `acs:odps:cn-hangzhou:${k.accountId}:project/actiontrail_a`,
      });
      expect(await call(variant, t, k, 'GetTrailStatus', { Name: mc })).toMatchObject({
        OssBucketStatus: false,
        SlsLogStoreStatus: false,
        MaxComputeDeliveryStatus: 'NotSupported',
      });
      expect(await call(variant, t, k, 'GetTrailStatus', { Name: name })).not.toHaveProperty(
        'MaxComputeDeliveryStatus',
      );
    });

    it('DeleteTrail removes the trail; a second delete is 404', async () => {
      await call(variant, t, k, 'DeleteTrail', { Name: name });
      expect(await describeOne()).toBeUndefined();
      await expectFailure(
        variant,
        t,
        k,
        'DeleteTrail',
        { Name: name },
        {
          code: 'TrailNotFoundException',
          status: 404,
        },
      );
      // The name is free again.
      await call(variant, t, k, 'CreateTrail', { Name: name, OssBucketName: 'bucket-a' });
      expect(await describeOne()).toMatchObject({ Status: 'Fresh' });
    });
  },
);
