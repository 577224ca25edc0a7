import { describeTrails } from '../../domain/trails/trails.js';
import { readBoolean, readOptionalString } from '../rpc/params.js';
import type { ActionDefinition } from './action.js';
import { trailToWire } from './trail.wire.js';

/**
 * DescribeTrails: every trail of the account, or those named in `NameList` (comma-separated;
 * unknown names are left out). `IncludeShadowTrails` and `IncludeOrganizationTrail` are
 * validated and accepted: the list is account-wide already (decisions §1) and opentrail has no
 * other accounts' organization trails to add.
 */
export const describeTrailsAction: ActionDefinition = {
  name: 'DescribeTrails',
  eventRW: 'Read',
  async handle({ params, caller, services }) {
    readBoolean(params, 'IncludeShadowTrails', false);
    readBoolean(params, 'IncludeOrganizationTrail', false);
    const nameList = readOptionalString(params, 'NameList');
    const names = nameList
      ?.split(',')
      .map((n) => n.trim())
      .filter((n) => n !== '');
    const trails = await describeTrails({ db: services.db, accountId: caller.accountId }, names);
    return { TrailList: trails.map(trailToWire) };
  },
};
