import { createTrail } from '../../domain/trails/trails.js';
import { readBoolean, readRequiredString } from '../rpc/params.js';
import type { ActionDefinition } from './action.js';
import { readSettingsChanges, trailContext, trailSettingsToWire } from './trail.wire.js';

/**
 * CreateTrail: `Name` (required), the destination parameters (at least one of OssBucketName,
 * SlsProjectArn, MaxComputeProjectArn), `EventRW` (All), `TrailRegion` (All),
 * `IsOrganizationTrail` (false). The request's region becomes the HomeRegion; the trail starts
 * `Fresh`.
 */
export const createTrailAction: ActionDefinition = {
  name: 'CreateTrail',
  eventRW: 'Write',
  async handle(ctx) {
    const { params, request } = ctx;
    const name = readRequiredString(params, 'Name');
    const isOrganizationTrail = readBoolean(params, 'IsOrganizationTrail', false);
    const settings = readSettingsChanges(params, 'create');
    const trail = await createTrail(trailContext(ctx), {
      name,
      homeRegion: request.region,
      isOrganizationTrail,
      settings,
    });
    return trailSettingsToWire(trail);
  },
};
