import { listTrailSelectors } from '../../domain/data-event-selectors/data-event-selectors.js';
import { describeTrails } from '../../domain/trails/trails.js';
import { decodeKeyToken, encodeKeyToken } from '../../lib/key-token.js';
import { readInteger, readOptionalString } from '../rpc/params.js';
import type { ActionDefinition } from './action.js';
import { LIST_PAGE, selectorContext, selectorInfoToWire } from './data-event-selector.wire.js';

/**
 * ListDataEventSelectors: the account's trails that have selectors, in trail-name order,
 * `MaxResults` (1–100, default 20) per page; `NextToken` is absent on the last page.
 */
export const listDataEventSelectorsAction: ActionDefinition = {
  name: 'ListDataEventSelectors',
  eventRW: 'Read',
  async handle(ctx) {
    const maxResults = readInteger(ctx.params, 'MaxResults', LIST_PAGE);
    const after = decodeKeyToken(readOptionalString(ctx.params, 'NextToken'));
    const sctx = selectorContext(ctx);
    const { items, more } = await listTrailSelectors(sctx, after, maxResults);
    const trails = new Map((await describeTrails(sctx)).map((t) => [t.name, t]));
    const last = items.at(-1);
    return {
      Data: {
        DataEventSelectorInfos: items.map((s) =>
          selectorInfoToWire(s, trails.get(s.trailName)?.slsProjectArn ?? null),
        ),
        MaxResults: maxResults,
        ...(more && last ? { NextToken: encodeKeyToken(last.trailName) } : {}),
      },
    };
  },
};
