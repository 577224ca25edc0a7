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
    const names = (readOptionalString(params, 'NameList') ?? '')
      .split(',')
      .map((n) => n.trim())
      .filter((n) => n !== '');
    // A NameList with no names in it (`,`) lists every trail, like an absent one.
    const trails = await describeTrails(
      { db: services.db, accountId: caller.accountId },
      names.length > 0 ? names : undefined,
    );
    return { TrailList: trails.map(trailToWire) };
  },
};
