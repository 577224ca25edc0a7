import { describeRegions, regionLanguage } from '../../domain/regions/describe-regions.js';
import { readOptionalString } from '../rpc/params.js';
import type { ActionDefinition } from './action.js';

/**
 * DescribeRegions: the configured regions as `Regions.Region[]` (`RegionId`, `LocalName`,
 * `RegionEndpoint`), the SDK's DescribeRegionsResponseBody. `AcceptLanguage`: `zh-CN` or
 * `en-US` (default).
 */
export const describeRegionsAction: ActionDefinition = {
  name: 'DescribeRegions',
  eventRW: 'Read',
  async handle({ params, services }) {
    const language = regionLanguage(readOptionalString(params, 'AcceptLanguage'));
    const regions = describeRegions(services.config.regions, language);
    return {
      Regions: {
        Region: regions.map((r) => ({
          RegionId: r.regionId,
          LocalName: r.localName,
          RegionEndpoint: r.regionEndpoint,
        })),
      },
    };
  },
};
