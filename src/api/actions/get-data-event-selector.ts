import { getDataEventSelectors } from '../../domain/data-event-selectors/data-event-selectors.js';
import { getTrail } from '../../domain/trails/trails.js';
import { readRequiredString } from '../rpc/params.js';
import type { ActionDefinition } from './action.js';
import { getSelectorToWire, selectorContext } from './data-event-selector.wire.js';

/**
 * GetDataEventSelector: `TrailName` (required). A trail without selectors answers 200 with
 * `DataEventSelectors` absent and `SlsDeliveryConfigs: []` (Terraform reads the trail on every
 * refresh this way); an unknown trail is 404 TrailNotFoundException (Terraform: gone).
 */
export const getDataEventSelector: ActionDefinition = {
  name: 'GetDataEventSelector',
  eventRW: 'Read',
  async handle(ctx) {
    const trailName = readRequiredString(ctx.params, 'TrailName');
    const sctx = selectorContext(ctx);
    const s = await getDataEventSelectors(sctx, trailName);
    const trail = await getTrail(sctx, trailName);
    return getSelectorToWire(s, trail.slsProjectArn);
  },
};
