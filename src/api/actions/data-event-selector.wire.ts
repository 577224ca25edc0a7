import type { TrailSelectors } from '../../domain/data-event-selectors/data-event-selectors.js';
import { formatIsoSeconds } from '../../lib/time.js';
import type { ActionContext } from './action.js';

export function selectorContext({ caller, services }: ActionContext) {
  return {
    db: services.db,
    accountId: caller.accountId,
    regions: services.config.regions,
    now: services.clock.now(),
  };
}

/**
 * `SlsDeliveryConfigs`: one entry per region named in TrailRegionIds, in the order sent, so
 * Terraform's `data_event_trail_region` (entry 0's TrailRegion) reads back what was written;
 * `[]` without selectors or regions — never made up from the trail's SLS project, or Terraform
 * would see a region nobody configured. Nothing is initialised remotely, so Status is `success`
 * and the error fields are `""` **(choice)**.
 */
function slsDeliveryConfigs(s: TrailSelectors, slsProjectArn: string | null) {
  if (s.selectors === undefined) return [];
  return s.trailRegionIds.map((region) => ({
    CreateTime: s.createdAt === undefined ? '' : formatIsoSeconds(s.createdAt),
    ErrorCode: '',
    ErrorMessage: '',
    RegionSlsProjectArn: slsProjectArn ?? '',
    Status: 'success',
    TrailRegion: region,
  }));
}

/** GetDataEventSelector: `DataEventSelectors` exactly as stored, absent when there are none. */
export function getSelectorToWire(s: TrailSelectors, slsProjectArn: string | null) {
  return {
    ...(s.selectors === undefined ? {} : { DataEventSelectors: s.selectors }),
    IsTrailAllRegion: s.isTrailAllRegion,
    TrailArn: s.trailArn,
    SlsDeliveryConfigs: slsDeliveryConfigs(s, slsProjectArn),
  };
}

/** One `DataEventSelectorInfos` entry of ListDataEventSelectors. */
export function selectorInfoToWire(s: TrailSelectors, slsProjectArn: string | null) {
  return {
    TrailName: s.trailName,
    TrailArn: s.trailArn,
    EventSelectors: s.selectors ?? '',
    IsTrailAllRegion: s.isTrailAllRegion,
    SlsDeliveryConfigs: slsDeliveryConfigs(s, slsProjectArn),
  };
}

/** MaxResults of the two data-event listings: 1–100, default 20 **(choice)**. */
export const LIST_PAGE = { min: 1, max: 100, default: 20 } as const;
