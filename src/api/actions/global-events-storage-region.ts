import {
  getStorageRegion,
  type StorageRegionContext,
  updateStorageRegion,
} from '../../domain/account-settings/storage-region.js';
import { readRequiredString } from '../rpc/params.js';
import type { ActionContext, ActionDefinition } from './action.js';

function storageContext({ caller, services }: ActionContext): StorageRegionContext {
  return {
    db: services.db,
    accountId: caller.accountId,
    regions: services.config.regions,
    homeRegion: services.config.region,
    now: services.clock.now(),
  };
}

/**
 * GetGlobalEventsStorageRegion (GET in the SDK and in Terraform; POST works too): the account's
 * storage region, the configured home region until it is updated.
 */
export const getGlobalEventsStorageRegion: ActionDefinition = {
  name: 'GetGlobalEventsStorageRegion',
  eventRW: 'Read',
  async handle(ctx) {
    return { StorageRegion: await getStorageRegion(storageContext(ctx)) };
  },
};

/** UpdateGlobalEventsStorageRegion: `StorageRegion` (required), one of DescribeRegions. */
export const updateGlobalEventsStorageRegion: ActionDefinition = {
  name: 'UpdateGlobalEventsStorageRegion',
  eventRW: 'Write',
  async handle(ctx) {
    await updateStorageRegion(storageContext(ctx), readRequiredString(ctx.params, 'StorageRegion'));
    return {};
  },
};
