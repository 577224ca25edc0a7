import { startLogging } from '../../domain/trails/trails.js';
import { readRequiredString } from '../rpc/params.js';
import type { ActionDefinition } from './action.js';
import { trailContext } from './trail.wire.js';

/** StartLogging: `Name` (required); the trail becomes `Enable`. */
export const startLoggingAction: ActionDefinition = {
  name: 'StartLogging',
  eventRW: 'Write',
  async handle(ctx) {
    const name = readRequiredString(ctx.params, 'Name');
    await startLogging(trailContext(ctx), name);
    return {};
  },
};
