import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, type Variant } from '../helpers/sdk-clients.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { callInRegion, expectFailure, trailList } from '../helpers/trails.js';

const PAIR: Variant[] = ['pop-core GET', 'openapi V3'];

describe('trail quota, regions and accounts', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  describe.each(PAIR)('via %s', (variant) => {
    it('allows 5 trails per region: the 6th is 403 MaximumNumberOfTrailsExceededException', async () => {
      const k = await t.newKey({ newAccount: true });
      for (let i = 1; i <= 5; i++) {
        await call(variant, t, k, 'CreateTrail', {
          Name: `quota-trail-${i}`,
          OssBucketName: 'b-1',
        });
      }
      const f = await expectFailure(
        variant,
        t,
        k,
        'CreateTrail',
        { Name: 'quota-trail-6', OssBucketName: 'b-1' },
        { code: 'MaximumNumberOfTrailsExceededException', status: 403 },
      );
      expect(f.message).toContain('cn-hangzhou');
      expect(trailList(await call(variant, t, k, 'DescribeTrails', {}))).toHaveLength(5);

      // The same account still has room in another region (Host actiontrail.cn-shanghai.…).
      const sh = await callInRegion('cn-shanghai', t, k, 'CreateTrail', {
        Name: 'quota-trail-sh',
        OssBucketName: 'b-1',
      });
      expect(sh).toMatchObject({ Name: 'quota-trail-sh', HomeRegion: 'cn-shanghai' });
      // Listing is account-wide: the cn-hangzhou endpoint sees the cn-shanghai trail too.
      const [listed] = trailList(
        await call(variant, t, k, 'DescribeTrails', { NameList: 'quota-trail-sh' }),
      );
      expect(listed).toMatchObject({
        HomeRegion: 'cn-shanghai',
        Region: 'cn-shanghai',
        TrailArn: `acs:actiontrail:cn-shanghai:${k.accountId}:trail/quota-trail-sh`,
      });
      // Deleting one frees a slot in its region.
      await call(variant, t, k, 'DeleteTrail', { Name: 'quota-trail-3' });
      await call(variant, t, k, 'CreateTrail', { Name: 'quota-trail-6', OssBucketName: 'b-1' });
    });

    it('keeps accounts apart: B cannot see or touch A’s trail and may reuse its name', async () => {
      const a = await t.newKey({ newAccount: true });
      const b = await t.newKey({ newAccount: true });
      const name = 'shared-name';
      await call(variant, t, a, 'CreateTrail', { Name: name, OssBucketName: 'bucket-a' });

      expect(trailList(await call(variant, t, b, 'DescribeTrails', {}))).toEqual([]);
      expect(trailList(await call(variant, t, b, 'DescribeTrails', { NameList: name }))).toEqual(
        [],
      );
      const notFound = { code: 'TrailNotFoundException', status: 404 };
      await expectFailure(variant, t, b, 'GetTrailStatus', { Name: name }, notFound);
      await expectFailure(
        variant,
        t,
        b,
        'UpdateTrail',
        { Name: name, OssBucketName: 'bucket-b' },
        notFound,
      );
      await expectFailure(variant, t, b, 'StartLogging', { Name: name }, notFound);
      await expectFailure(variant, t, b, 'StopLogging', { Name: name }, notFound);
      await expectFailure(variant, t, b, 'DeleteTrail', { Name: name }, notFound);

      await call(variant, t, b, 'CreateTrail', { Name: name, OssBucketName: 'bucket-b' });
      const [mine] = trailList(await call(variant, t, b, 'DescribeTrails', {}));
      expect(mine).toMatchObject({
        OssBucketName: 'bucket-b',
        TrailArn: `acs:actiontrail:cn-hangzhou:${b.accountId}:trail/${name}`,
      });
      const [theirs] = trailList(await call(variant, t, a, 'DescribeTrails', {}));
      expect(theirs).toMatchObject({ OssBucketName: 'bucket-a', Status: 'Fresh' });
    });
  });

  it('takes the HomeRegion from the Host and validates TrailRegion against the configured list', async () => {
    const k = await t.newKey({ newAccount: true });
    const created = await callInRegion('ap-southeast-1', t, k, 'CreateTrail', {
      Name: 'sg-trail',
      SlsProjectArn: `acs:log:ap-southeast-1:${k.accountId}:project/sg-audit`,
      TrailRegion: 'ap-southeast-1',
    });
    expect(created).toMatchObject({ HomeRegion: 'ap-southeast-1', TrailRegion: 'ap-southeast-1' });
  });
});

describe('a server with its own home region and region list', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({
      env: { OPENTRAIL_REGION: 'cn-shanghai', OPENTRAIL_REGIONS: 'cn-shanghai,cn-beijing' },
    });
  });
  afterAll(() => t.close());

  it.each(PAIR)(
    'creates trails in its home region; TrailRegion must be configured (%s)',
    async (variant) => {
      const k = await t.newKey({ newAccount: true });
      const created = await call(variant, t, k, 'CreateTrail', {
        Name: 'home-trail',
        OssBucketName: 'bucket-a',
        TrailRegion: 'cn-beijing',
      });
      expect(created).toMatchObject({ HomeRegion: 'cn-shanghai', TrailRegion: 'cn-beijing' });
      await expectFailure(
        variant,
        t,
        k,
        'CreateTrail',
        { Name: 'other-trail', OssBucketName: 'bucket-a', TrailRegion: 'cn-hangzhou' },
        { code: 'InvalidParameter', status: 400 },
      );
    },
  );

  it.each(PAIR)('DescribeRegions lists exactly the configured regions (%s)', async (variant) => {
    const body = await call(variant, t, t.key, 'DescribeRegions', {});
    expect(Object.keys(body).sort()).toEqual(['Regions', 'RequestId']);
    expect(body.Regions).toEqual({
      Region: [
        {
          RegionId: 'cn-shanghai',
          LocalName: 'China (Shanghai)',
          RegionEndpoint: 'actiontrail.cn-shanghai.aliyuncs.com',
        },
        {
          RegionId: 'cn-beijing',
          LocalName: 'China (Beijing)',
          RegionEndpoint: 'actiontrail.cn-beijing.aliyuncs.com',
        },
      ],
    });
  });
});
