/**
 * DescribeRegions answers from the configured region list (decisions §1), in configured order,
 * with the names Alibaba Cloud shows for its public regions. A region opentrail has no name for
 * (a private one added to the list) is named by its id.
 */
export type RegionLanguage = 'en-US' | 'zh-CN';

export interface RegionInfo {
  regionId: string;
  localName: string;
  regionEndpoint: string;
}

const NAMES: Readonly<Record<string, readonly [en: string, zh: string]>> = {
  'cn-qingdao': ['China (Qingdao)', '华北1（青岛）'],
  'cn-beijing': ['China (Beijing)', '华北2（北京）'],
  'cn-zhangjiakou': ['China (Zhangjiakou)', '华北3（张家口）'],
  'cn-huhehaote': ['China (Hohhot)', '华北5（呼和浩特）'],
  'cn-wulanchabu': ['China (Ulanqab)', '华北6（乌兰察布）'],
  'cn-hangzhou': ['China (Hangzhou)', '华东1（杭州）'],
  'cn-shanghai': ['China (Shanghai)', '华东2（上海）'],
  'cn-nanjing': ['China (Nanjing - Local Region)', '华东5（南京-本地地域）'],
  'cn-fuzhou': ['China (Fuzhou - Local Region)', '华东6（福州-本地地域）'],
  'cn-shenzhen': ['China (Shenzhen)', '华南1（深圳）'],
  'cn-heyuan': ['China (Heyuan)', '华南2（河源）'],
  'cn-guangzhou': ['China (Guangzhou)', '华南3（广州）'],
  'cn-chengdu': ['China (Chengdu)', '西南1（成都）'],
  'cn-hongkong': ['China (Hong Kong)', '中国香港'],
  'ap-northeast-1': ['Japan (Tokyo)', '日本（东京）'],
  'ap-northeast-2': ['South Korea (Seoul)', '韩国（首尔）'],
  'ap-southeast-1': ['Singapore', '新加坡'],
  'ap-southeast-3': ['Malaysia (Kuala Lumpur)', '马来西亚（吉隆坡）'],
  'ap-southeast-5': ['Indonesia (Jakarta)', '印度尼西亚（雅加达）'],
  'ap-southeast-6': ['Philippines (Manila)', '菲律宾（马尼拉）'],
  'ap-southeast-7': ['Thailand (Bangkok)', '泰国（曼谷）'],
  'us-east-1': ['US (Virginia)', '美国（弗吉尼亚）'],
  'us-west-1': ['US (Silicon Valley)', '美国（硅谷）'],
  'eu-west-1': ['UK (London)', '英国（伦敦）'],
  'eu-central-1': ['Germany (Frankfurt)', '德国（法兰克福）'],
  'me-east-1': ['UAE (Dubai)', '阿联酋（迪拜）'],
  'me-central-1': ['Saudi Arabia (Riyadh - Partner Region)', '沙特（利雅得）'],
};

/**
 * `zh-CN` (any `zh…` tag) gives Chinese names; everything else, absent included, English, the
 * documented default. An unknown tag is not an error: the language only changes display names.
 */
export function regionLanguage(acceptLanguage: string | undefined): RegionLanguage {
  return acceptLanguage?.toLowerCase().startsWith('zh') ? 'zh-CN' : 'en-US';
}

export function describeRegions(
  regions: readonly string[],
  language: RegionLanguage,
): RegionInfo[] {
  return regions.map((regionId) => {
    const names = NAMES[regionId];
    return {
      regionId,
      localName: names ? names[language === 'zh-CN' ? 1 : 0] : regionId,
      // Alibaba's public endpoint of the region, as the real service reports it.
      regionEndpoint: `actiontrail.${regionId}.aliyuncs.com`,
    };
  });
}
