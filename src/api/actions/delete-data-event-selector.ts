import { deleteDataEventSelectorsOf } from '../../domain/data-event-selectors/data-event-selectors.js';
import { readRequiredString } from '../rpc/params.js';
import type { ActionDefinition } from './action.js';
import { selectorContext } from './data-event-selector.wire.js';

/** DeleteDataEventSelector: `TrailName` (required); a trail without selectors is fine. */
export const deleteDataEventSelector: ActionDefinition = {
  name: 'DeleteDataEventSelector',
  eventRW: 'Write',
  async handle(ctx) {
    const trailName = readRequiredString(ctx.params, 'TrailName');
    await deleteDataEventSelectorsOf(selectorContext(ctx), trailName);
    return {};
  },
};
