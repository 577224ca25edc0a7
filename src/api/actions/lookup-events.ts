import { lookupEventsPage } from '../../domain/events/lookup-events.js';
import type { RawAttribute } from '../../domain/events/lookup-rules.js';
import { readDirection } from '../../domain/events/lookup-rules.js';
import { errors } from '../../errors/api-error.js';
import { formatIsoSeconds } from '../../lib/time.js';
import { type RpcParams, readInteger, readList, readOptionalString } from '../rpc/params.js';
import type { ActionDefinition } from './action.js';

function readAttributes(params: RpcParams): RawAttribute[] {
  return readList(params, 'LookupAttribute').map((entry, i) => {
    if (typeof entry === 'string') {
      throw errors.invalidParameter(
        `LookupAttribute.${i + 1}`,
        'Use LookupAttribute.N.Key and LookupAttribute.N.Value.',
      );
    }
    return { key: entry.Key, value: entry.Value };
  });
}

/**
 * LookupEvents (actiontrail-api.md §4, docs/events.md): the caller's events in a time range,
 * filtered by up to two LookupAttribute conditions, paged with an opaque NextToken.
 */
export const lookupEvents: ActionDefinition = {
  name: 'LookupEvents',
  eventRW: 'Read',
  async handle({ params, caller, services }) {
    const attributes = readAttributes(params);
    const maxResults = readInteger(params, 'MaxResults', { min: 1, max: 50, default: 20 });
    const direction = readDirection(readOptionalString(params, 'Direction'));
    const page = await lookupEventsPage(
      services.db,
      caller.accountId,
      {
        attributes,
        startTime: readOptionalString(params, 'StartTime'),
        endTime: readOptionalString(params, 'EndTime'),
        maxResults,
        direction,
        nextToken: readOptionalString(params, 'NextToken'),
      },
      services.clock.now(),
    );
    return {
      Events: page.events,
      ...(page.nextToken ? { NextToken: page.nextToken } : {}),
      StartTime: formatIsoSeconds(page.range.start),
      EndTime: formatIsoSeconds(page.range.end),
    };
  },
};
