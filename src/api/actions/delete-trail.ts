import { deleteTrail } from '../../domain/trails/trails.js';
import { readRequiredString } from '../rpc/params.js';
import type { ActionDefinition } from './action.js';
import { trailContext } from './trail.wire.js';

/** DeleteTrail: `Name` (required); 404 TrailNotFoundException when the account has no such trail. */
export const deleteTrailAction: ActionDefinition = {
  name: 'DeleteTrail',
  eventRW: 'Write',
  async handle(ctx) {
    const name = readRequiredString(ctx.params, 'Name');
    await deleteTrail(trailContext(ctx), name);
    return {};
  },
};
