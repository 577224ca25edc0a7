import { putDataEventSelectors } from '../../domain/data-event-selectors/data-event-selectors.js';
import {
  readBoolean,
  readClearableString,
  readOptionalString,
  readRequiredString,
} from '../rpc/params.js';
import type { ActionDefinition } from './action.js';
import { selectorContext } from './data-event-selector.wire.js';

/**
 * PutDataEventSelector: `TrailName` (required), `EventSelectors` (JSON array; sent empty, it
 * clears the selectors — Terraform always sends it, empty when the argument is removed),
 * `TrailRegionIds` (comma list), `IsTrailAllRegion` (default false).
 */
export const putDataEventSelector: ActionDefinition = {
  name: 'PutDataEventSelector',
  eventRW: 'Write',
  async handle(ctx) {
    const { params } = ctx;
    const trailName = readRequiredString(params, 'TrailName');
    const eventSelectors = readClearableString(params, 'EventSelectors');
    if (eventSelectors === undefined) readRequiredString(params, 'EventSelectors');
    const s = await putDataEventSelectors(selectorContext(ctx), {
      trailName,
      eventSelectors: eventSelectors ?? '',
      isTrailAllRegion: readBoolean(params, 'IsTrailAllRegion', false),
      trailRegionIds: readOptionalString(params, 'TrailRegionIds'),
    });
    return {
      ...(s.selectors === undefined ? {} : { DataEventSelectors: s.selectors }),
      TrailArn: s.trailArn,
    };
  },
};
