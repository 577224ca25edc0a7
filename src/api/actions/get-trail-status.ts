import { listLiveStreamState } from '../../db/repositories/live-streams.repository.js';
import { getTrail } from '../../domain/trails/trails.js';
import { readBoolean, readRequiredString } from '../rpc/params.js';
import type { ActionDefinition } from './action.js';
import { trailContext, trailStatusToWire } from './trail.wire.js';

/**
 * GetTrailStatus: `Name` (required), `IsOrganizationTrail` (validated; the name alone identifies
 * the trail within the account). Delivery fields come from the trail's live streams.
 */
export const getTrailStatusAction: ActionDefinition = {
  name: 'GetTrailStatus',
  eventRW: 'Read',
  async handle(ctx) {
    const name = readRequiredString(ctx.params, 'Name');
    readBoolean(ctx.params, 'IsOrganizationTrail', false);
    const trail = await getTrail(trailContext(ctx), name);
    const live = await listLiveStreamState(ctx.services.db, trail.accountId, trail.name);
    return trailStatusToWire(trail, live);
  },
};
