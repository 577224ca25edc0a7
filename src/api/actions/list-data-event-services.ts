import { listDataEventServices } from '../../domain/data-event-selectors/data-event-services.js';
import { decodeKeyToken, encodeKeyToken } from '../../lib/key-token.js';
import { readInteger, readOptionalString } from '../rpc/params.js';
import type { ActionDefinition } from './action.js';
import { LIST_PAGE } from './data-event-selector.wire.js';

/** ListDataEventServices: the services a selector can name, with their data event names. */
export const listDataEventServicesAction: ActionDefinition = {
  name: 'ListDataEventServices',
  eventRW: 'Read',
  async handle({ params }) {
    const maxResults = readInteger(params, 'MaxResults', LIST_PAGE);
    const after = decodeKeyToken(readOptionalString(params, 'NextToken'));
    const { items, more } = listDataEventServices(after, maxResults);
    const last = items.at(-1);
    return {
      Data: {
        ServiceInfos: items.map((s) => ({
          ServiceName: s.serviceName,
          EventNames: [...s.eventNames],
        })),
        MaxResults: maxResults,
        ...(more && last ? { NextToken: encodeKeyToken(last.serviceName) } : {}),
      },
    };
  },
};
