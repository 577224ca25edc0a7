import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, type Variant } from '../helpers/sdk-clients.js';
import {
  type Credentials,
  readCredentials,
  type ServerProcess,
  startServer,
} from '../helpers/server-process.js';
import { expectFailure, ISO_SECONDS, trailList } from '../helpers/trails.js';

/**
 * Terraform's `alicloud_actiontrail_trail` lifecycle against the real server process, with the
 * credentials a first start writes: create, wait for Fresh, StartLogging → Enable, StopLogging
 * → Disable, delete, and the reads Terraform does to see that the trail is gone.
 */
describe('trails against the real server', () => {
  let server: ServerProcess;
  let creds: Credentials;

  beforeAll(async () => {
    server = await startServer();
    creds = readCredentials(server.dataDir);
  });
  afterAll(() => server?.stop());

  it.each<Variant>(['pop-core POST', 'pop-core GET', 'openapi V3'])(
    'runs the Terraform trail flow (%s)',
    async (variant) => {
      const name = `tf-${variant.replace(/[^a-z0-9]/gi, '').toLowerCase()}`;
      const slsArn = `acs:log:cn-hangzhou:${creds.accountId}:project/tf-audit`;
      const created = await call(variant, server, creds, 'CreateTrail', {
        Name: name,
        SlsProjectArn: slsArn,
        EventRW: 'Write',
      });
      expect(created).toMatchObject({
        Name: name,
        HomeRegion: 'cn-hangzhou',
        SlsProjectArn: slsArn,
        EventRW: 'Write',
        TrailRegion: 'All',
      });

      const read = async () => {
        const list = trailList(
          await call(variant, server, creds, 'DescribeTrails', { NameList: name }),
        );
        return list[0];
      };
      const fresh = await read();
      expect(fresh).toMatchObject({
        Name: name,
        Status: 'Fresh',
        IsOrganizationTrail: false,
        TrailArn: `acs:actiontrail:cn-hangzhou:${creds.accountId}:trail/${name}`,
      });
      expect(fresh?.CreateTime).toMatch(ISO_SECONDS);

      await call(variant, server, creds, 'StartLogging', { Name: name });
      const enabled = await read();
      expect(enabled?.Status).toBe('Enable');
      expect(enabled?.StartLoggingTime).toMatch(ISO_SECONDS);
      expect(await call(variant, server, creds, 'GetTrailStatus', { Name: name })).toMatchObject({
        IsLogging: true,
        SlsLogStoreStatus: true,
        OssBucketStatus: false,
      });

      await call(variant, server, creds, 'StopLogging', { Name: name });
      const disabled = await read();
      expect(disabled?.Status).toBe('Disable');
      expect(disabled?.StopLoggingTime).toMatch(ISO_SECONDS);

      await call(variant, server, creds, 'DeleteTrail', { Name: name });
      expect(await read()).toBeUndefined();
      await expectFailure(
        variant,
        server,
        creds,
        'GetTrailStatus',
        { Name: name },
        { code: 'TrailNotFoundException', status: 404 },
      );
      // Terraform's delete treats TrailNotFoundException / 404 as "already gone".
      await expectFailure(
        variant,
        server,
        creds,
        'DeleteTrail',
        { Name: name },
        { code: 'TrailNotFoundException', status: 404 },
      );
    },
  );

  it('answers DescribeRegions with the default region list', async () => {
    const body = await call('openapi V3', server, creds, 'DescribeRegions', {});
    const regions = (body.Regions as { Region: Array<Record<string, unknown>> }).Region;
    expect(regions.find((r) => r.RegionId === 'cn-hangzhou')).toEqual({
      RegionId: 'cn-hangzhou',
      LocalName: 'China (Hangzhou)',
      RegionEndpoint: 'actiontrail.cn-hangzhou.aliyuncs.com',
    });
  });
});
