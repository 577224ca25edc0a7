import { updateTrailSettings } from '../../domain/trails/trails.js';
import { readRequiredString } from '../rpc/params.js';
import type { ActionDefinition } from './action.js';
import { readSettingsChanges, trailContext, trailSettingsToWire } from './trail.wire.js';

/**
 * UpdateTrail: `Name` (required) and any of the CreateTrail settings except
 * `IsOrganizationTrail`. An absent parameter keeps its value, an empty one clears a destination
 * field. Answers with the same fields as CreateTrail.
 */
export const updateTrailAction: ActionDefinition = {
  name: 'UpdateTrail',
  eventRW: 'Write',
  async handle(ctx) {
    const name = readRequiredString(ctx.params, 'Name');
    const changes = readSettingsChanges(ctx.params, 'update');
    const trail = await updateTrailSettings(trailContext(ctx), name, changes);
    return trailSettingsToWire(trail);
  },
};
