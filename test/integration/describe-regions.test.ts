import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PUBLIC_REGIONS } from '../../src/config/regions.js';
import { call, VARIANTS } from '../helpers/sdk-clients.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';

describe('DescribeRegions with the default region list', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it.each(VARIANTS)('answers Regions.Region[] via %s', async (variant) => {
    const body = await call(variant, t, t.key, 'DescribeRegions', {});
    const regions = (body.Regions as { Region: Array<Record<string, unknown>> }).Region;
    expect(regions.map((r) => r.RegionId)).toEqual([...PUBLIC_REGIONS]);
    for (const r of regions) {
      expect(Object.keys(r).sort()).toEqual(['LocalName', 'RegionEndpoint', 'RegionId']);
      expect(r.RegionEndpoint).toBe(`actiontrail.${String(r.RegionId)}.aliyuncs.com`);
      expect(typeof r.LocalName).toBe('string');
    }
    expect(regions.find((r) => r.RegionId === 'cn-hangzhou')?.LocalName).toBe('China (Hangzhou)');
  });

  it.each(['pop-core GET', 'openapi V3'] as const)(
    'honours AcceptLanguage zh-CN and en-US (%s)',
    async (variant) => {
      const name = async (lang: string) => {
        const body = await call(variant, t, t.key, 'DescribeRegions', { AcceptLanguage: lang });
        const regions = (body.Regions as { Region: Array<Record<string, unknown>> }).Region;
        return regions.find((r) => r.RegionId === 'cn-hangzhou')?.LocalName;
      };
      expect(await name('zh-CN')).toBe('华东1（杭州）');
      expect(await name('en-US')).toBe('China (Hangzhou)');
    },
  );
});
