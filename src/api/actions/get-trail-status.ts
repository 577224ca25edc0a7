import { getTrail } from '../../domain/trails/trails.js';
import { readBoolean, readRequiredString } from '../rpc/params.js';
import type { ActionDefinition } from './action.js';
import { trailContext, trailStatusToWire } from './trail.wire.js';

/**
 * GetTrailStatus: `Name` (required), `IsOrganizationTrail` (validated; the name alone identifies
 * the trail within the account).
 */
export const getTrailStatusAction: ActionDefinition = {
  name: 'GetTrailStatus',
  eventRW: 'Read',
  async handle(ctx) {
    const name = readRequiredString(ctx.params, 'Name');
    readBoolean(ctx.params, 'IsOrganizationTrail', false);
    const trail = await getTrail(trailContext(ctx), name);
    return trailStatusToWire(trail);
  },
};
