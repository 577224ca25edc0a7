import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NewAccessKey } from '../../src/domain/accounts/access-keys.js';
import { ManualClock } from '../../src/lib/clock.js';
import { call, VARIANTS, type Variant } from '../helpers/sdk-clients.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { expectFailure, ISO_SECONDS, trailList, wireTime } from '../helpers/trails.js';

/** pop-core (v1 signature, GET like the SDK's StopLogging) and the current openapi SDK (V3). */
const PAIR: Variant[] = ['pop-core GET', 'openapi V3'];

const TRAIL_FIELDS = [
  'CreateTime',
  'EventRW',
  'HomeRegion',
  'IsOrganizationTrail',
  'MaxComputeProjectArn',
  'MaxComputeWriteRoleArn',
  'Name',
  'OssBucketLocation',
  'OssBucketName',
  'OssKeyPrefix',
  'OssWriteRoleArn',
  'Region',
  'SlsProjectArn',
  'SlsWriteRoleArn',
  'StartLoggingTime',
  'Status',
  'StopLoggingTime',
  'TrailArn',
  'TrailRegion',
  'UpdateTime',
];

describe('trails through the official SDKs (in-process app, real SQLite)', () => {
  let t: TestApp;
  // Close to real time: the SDKs sign with the real clock and the skew limit is 15 minutes.
  const clock = new ManualClock(Math.floor(Date.now() / 1000) * 1000);
  const fresh = () => t.newKey({ newAccount: true });
  const sls = (k: NewAccessKey, project = 'audit-logs') =>
    `acs:log:cn-hangzhou:${k.accountId}:project/${project}`;

  beforeAll(async () => {
    t = await startTestApp({ clock });
  });
  afterAll(() => t.close());

  describe.each(VARIANTS)('Terraform’s trail flow via %s', (variant) => {
    it('Create → Fresh → StartLogging → Enable → StopLogging → Disable → Delete → gone', async () => {
      const k = await fresh();
      const name = 'tf-flow-trail';
      const created0 = clock.now();
      const created = await call(variant, t, k, 'CreateTrail', {
        Name: name,
        SlsProjectArn: sls(k),
      });
      expect(created).toMatchObject({ Name: name, HomeRegion: 'cn-hangzhou', EventRW: 'All' });

      const [fresh0] = trailList(await call(variant, t, k, 'DescribeTrails', { NameList: name }));
      expect(fresh0).toMatchObject({
        Name: name,
        Status: 'Fresh',
        CreateTime: wireTime(created0),
        UpdateTime: wireTime(created0),
        StartLoggingTime: '',
        StopLoggingTime: '',
      });

      clock.advance(61_000);
      await call(variant, t, k, 'StartLogging', { Name: name });
      const [enabled] = trailList(await call(variant, t, k, 'DescribeTrails', { NameList: name }));
      expect(enabled).toMatchObject({ Status: 'Enable', StartLoggingTime: wireTime(clock.now()) });
      const logging = await call(variant, t, k, 'GetTrailStatus', { Name: name });
      expect(logging).toMatchObject({ IsLogging: true, StartLoggingTime: wireTime(clock.now()) });

      clock.advance(62_000);
      await call(variant, t, k, 'StopLogging', { Name: name });
      const [disabled] = trailList(await call(variant, t, k, 'DescribeTrails', { NameList: name }));
      expect(disabled).toMatchObject({
        Status: 'Disable',
        StopLoggingTime: wireTime(clock.now()),
        StartLoggingTime: wireTime(clock.now() - 62_000),
        UpdateTime: wireTime(created0),
      });
      expect(await call(variant, t, k, 'GetTrailStatus', { Name: name })).toMatchObject({
        IsLogging: false,
      });

      expect(Object.keys(await call(variant, t, k, 'DeleteTrail', { Name: name }))).toEqual([
        'RequestId',
      ]);
      expect(trailList(await call(variant, t, k, 'DescribeTrails', { NameList: name }))).toEqual(
        [],
      );
      const gone = await expectFailure(
        variant,
        t,
        k,
        'GetTrailStatus',
        { Name: name },
        {
          code: 'TrailNotFoundException',
          status: 404,
        },
      );
      expect(gone.message).toContain('The specified Trail does not exist.');
      clock.set(created0);
    });
  });

  describe.each(PAIR)('each Action via %s', (variant) => {
    it('CreateTrail stores and returns every parameter', async () => {
      const k = await fresh();
      const role = (r: string) => `acs:ram::${k.accountId}:role/${r}`;
      const params = {
        Name: 'all-params_1',
        OssBucketName: 'audit-bucket-1',
        OssKeyPrefix: 'at/logs_A-1',
        OssWriteRoleArn: role('oss-writer'),
        SlsProjectArn: sls(k),
        SlsWriteRoleArn: role('aliyunserviceroleforactiontrail'),
        MaxComputeProjectArn: `acs:odps:cn-beijing:${k.accountId}:project/actiontrail_audit`,
        MaxComputeWriteRoleArn: role('mc-writer'),
        EventRW: 'Write',
        TrailRegion: 'cn-shanghai',
        IsOrganizationTrail: true,
      };
      const { IsOrganizationTrail: _, ...settings } = params;
      const created = await call(variant, t, k, 'CreateTrail', params);
      expect(created).toEqual({
        RequestId: expect.stringMatching(/^[0-9A-F-]{36}$/),
        ...settings,
        HomeRegion: 'cn-hangzhou',
      });
      // An organization trail is listed only when asked for (or named).
      expect(trailList(await call(variant, t, k, 'DescribeTrails', {}))).toEqual([]);
      const [trail] = trailList(
        await call(variant, t, k, 'DescribeTrails', { IncludeOrganizationTrail: true }),
      );
      expect(Object.keys(trail ?? {}).sort()).toEqual(TRAIL_FIELDS);
      expect(trail).toEqual({
        ...settings,
        HomeRegion: 'cn-hangzhou',
        Region: 'cn-hangzhou',
        IsOrganizationTrail: true,
        Status: 'Fresh',
        TrailArn: `acs:actiontrail:cn-hangzhou:${k.accountId}:trail/all-params_1`,
        OssBucketLocation: 'oss-cn-hangzhou',
        CreateTime: expect.stringMatching(ISO_SECONDS),
        UpdateTime: expect.stringMatching(ISO_SECONDS),
        StartLoggingTime: '',
        StopLoggingTime: '',
      });
    });

    it('CreateTrail defaults EventRW and TrailRegion to All; unset strings are ""', async () => {
      const k = await fresh();
      const created = await call(variant, t, k, 'CreateTrail', {
        Name: 'defaults-trail',
        OssBucketName: 'bucket-a',
      });
      expect(created).toMatchObject({
        EventRW: 'All',
        TrailRegion: 'All',
        OssKeyPrefix: '',
        SlsProjectArn: '',
        MaxComputeProjectArn: '',
      });
      const [trail] = trailList(await call(variant, t, k, 'DescribeTrails', {}));
      expect(trail).toMatchObject({ IsOrganizationTrail: false, EventRW: 'All' });
    });

    it.each([
      [{ OssBucketName: 'bucket-a' }, 'MissingParameter', 400, '"Name"'],
      [
        { Name: 'Trail-1x', OssBucketName: 'bucket-a' },
        'InvalidTrailNameException',
        400,
        '6 to 36',
      ],
      [{ Name: 'abcde', OssBucketName: 'bucket-a' }, 'InvalidTrailNameException', 400, '6 to 36'],
      [{ Name: 'okay-trail', OssBucketName: 'B' }, 'InvalidBucketNameException', 400, '3 to 63'],
      [
        { Name: 'okay-trail', OssBucketName: 'bucket-a', OssKeyPrefix: '1logs' },
        'InvalidPrefixException',
        400,
        '6 to 32',
      ],
      [{ Name: 'okay-trail' }, 'InvalidParameter', 400, 'OssBucketName, SlsProjectArn'],
      [
        { Name: 'okay-trail', OssBucketName: 'bucket-a', EventRW: 'write' },
        'InvalidParameter',
        400,
        '"EventRW"',
      ],
      [
        { Name: 'okay-trail', OssBucketName: 'bucket-a', TrailRegion: 'mars-north-1' },
        'InvalidParameter',
        400,
        '"TrailRegion"',
      ],
      [
        { Name: 'okay-trail', OssBucketName: 'bucket-a', IsOrganizationTrail: 'yes' },
        'InvalidParameter',
        400,
        '"IsOrganizationTrail"',
      ],
      [
        { Name: 'okay-trail', SlsProjectArn: 'acs:log:cn-hangzhou:1:logstore/x' },
        'InvalidParameter',
        400,
        '"SlsProjectArn"',
      ],
    ])('CreateTrail %j → %s %i', async (params, code, status, inMessage) => {
      const k = await fresh();
      const f = await expectFailure(variant, t, k, 'CreateTrail', params, { code, status });
      expect(f.message).toContain(inMessage);
      expect(trailList(await call(variant, t, k, 'DescribeTrails', {}))).toEqual([]);
    });

    it('CreateTrail refuses ARNs of another account (400 InvalidParameter)', async () => {
      const k = await fresh();
      for (const params of [
        { SlsProjectArn: 'acs:log:cn-hangzhou:1111111111111111:project/audit' },
        {
          OssBucketName: 'bucket-a',
          OssWriteRoleArn: 'acs:ram::1111111111111111:role/aliyunserviceroleforactiontrail',
        },
      ]) {
        const f = await expectFailure(
          variant,
          t,
          k,
          'CreateTrail',
          { Name: 'foreign-arn', ...params },
          { code: 'InvalidParameter', status: 400 },
        );
        expect(f.message).toContain("caller's account");
      }
    });

    it('CreateTrail refuses a name the account already uses (400 TrailAlreadyExistsException)', async () => {
      const k = await fresh();
      await call(variant, t, k, 'CreateTrail', { Name: 'twice-trail', OssBucketName: 'bucket-a' });
      await expectFailure(
        variant,
        t,
        k,
        'CreateTrail',
        { Name: 'twice-trail', SlsProjectArn: sls(k) },
        { code: 'TrailAlreadyExistsException', status: 400 },
      );
      const [only] = trailList(await call(variant, t, k, 'DescribeTrails', {}));
      expect(only).toMatchObject({ OssBucketName: 'bucket-a', SlsProjectArn: '' });
    });

    it('DescribeTrails lists all, or the NameList names, leaving unknown names out', async () => {
      const k = await fresh();
      for (const name of ['trail-aaa', 'trail-bbb', 'trail-ccc']) {
        await call(variant, t, k, 'CreateTrail', { Name: name, OssBucketName: 'bucket-a' });
      }
      const names = (body: Record<string, unknown>) => trailList(body).map((x) => x.Name);
      expect(names(await call(variant, t, k, 'DescribeTrails', {}))).toEqual([
        'trail-aaa',
        'trail-bbb',
        'trail-ccc',
      ]);
      const picked = await call(variant, t, k, 'DescribeTrails', {
        NameList: 'trail-ccc, no-such-trail,trail-aaa,NOT VALID',
        IncludeShadowTrails: true,
        IncludeOrganizationTrail: false,
      });
      expect(names(picked)).toEqual(['trail-aaa', 'trail-ccc']);
      expect(names(await call(variant, t, k, 'DescribeTrails', { NameList: 'nope-nope' }))).toEqual(
        [],
      );
      expect(names(await call(variant, t, k, 'DescribeTrails', { NameList: ' , ' }))).toHaveLength(
        3,
      );
      await expectFailure(
        variant,
        t,
        k,
        'DescribeTrails',
        { IncludeShadowTrails: 'maybe' },
        { code: 'InvalidParameter', status: 400 },
      );
    });
  });
});
