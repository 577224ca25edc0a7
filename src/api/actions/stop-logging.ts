import { stopLogging } from '../../domain/trails/trails.js';
import { readRequiredString } from '../rpc/params.js';
import type { ActionDefinition } from './action.js';
import { trailContext } from './trail.wire.js';

/** StopLogging: `Name` (required); the trail becomes `Disable`. The SDK sends it as GET. */
export const stopLoggingAction: ActionDefinition = {
  name: 'StopLogging',
  eventRW: 'Write',
  async handle(ctx) {
    const name = readRequiredString(ctx.params, 'Name');
    await stopLogging(trailContext(ctx), name);
    return {};
  },
};
