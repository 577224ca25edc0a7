/**
 * The public Alibaba Cloud regions (decisions §1: the default region list). DescribeRegions
 * answers from the configured list, and `TrailRegion=All` means every region in it.
 */
export const PUBLIC_REGIONS = [
  'cn-qingdao',
  'cn-beijing',
  'cn-zhangjiakou',
  'cn-huhehaote',
  'cn-wulanchabu',
  'cn-hangzhou',
  'cn-shanghai',
  'cn-nanjing',
  'cn-fuzhou',
  'cn-shenzhen',
  'cn-heyuan',
  'cn-guangzhou',
  'cn-chengdu',
  'cn-hongkong',
  'ap-northeast-1',
  'ap-northeast-2',
  'ap-southeast-1',
  'ap-southeast-3',
  'ap-southeast-5',
  'ap-southeast-6',
  'ap-southeast-7',
  'us-east-1',
  'us-west-1',
  'eu-west-1',
  'eu-central-1',
  'me-east-1',
  'me-central-1',
] as const;

export const REGION_ID = /^[a-z]{2,}(-[a-z0-9]+)+$/;
