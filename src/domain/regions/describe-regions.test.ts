import { describe, expect, it } from 'vitest';
import { PUBLIC_REGIONS } from '../../config/regions.js';
import { describeRegions, regionLanguage } from './describe-regions.js';

describe('DescribeRegions', () => {
  it('lists the configured regions in order with English names by default', () => {
    expect(describeRegions(['cn-shanghai', 'cn-hangzhou'], regionLanguage(undefined))).toEqual([
      {
        regionId: 'cn-shanghai',
        localName: 'China (Shanghai)',
        regionEndpoint: 'actiontrail.cn-shanghai.aliyuncs.com',
      },
      {
        regionId: 'cn-hangzhou',
        localName: 'China (Hangzhou)',
        regionEndpoint: 'actiontrail.cn-hangzhou.aliyuncs.com',
      },
    ]);
  });

  it('gives Chinese names for zh-CN and English for en-US or an unknown tag', () => {
    expect(regionLanguage('zh-CN')).toBe('zh-CN');
    expect(regionLanguage('en-US')).toBe('en-US');
    expect(regionLanguage('fr-FR')).toBe('en-US');
    expect(describeRegions(['cn-hangzhou'], 'zh-CN')[0]?.localName).toBe('华东1（杭州）');
  });

  it('names every public region and falls back to the id for a private one', () => {
    for (const r of describeRegions(PUBLIC_REGIONS, 'en-US')) {
      expect(r.localName).not.toBe(r.regionId);
    }
    for (const r of describeRegions(PUBLIC_REGIONS, 'zh-CN')) {
      expect(r.localName).not.toBe(r.regionId);
    }
    expect(describeRegions(['xx-private-1'], 'en-US')[0]?.localName).toBe('xx-private-1');
  });
});
