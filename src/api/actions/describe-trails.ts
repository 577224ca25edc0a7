import { describeTrails } from '../../domain/trails/trails.js';
import { readBoolean, readOptionalString } from '../rpc/params.js';
import type { ActionDefinition } from './action.js';
import { trailToWire } from './trail.wire.js';

/**
 * DescribeTrails: the account's trails, or those named in `NameList` (comma-separated; unknown
 * names are left out). Without a NameList, organization trails are listed only with
 * `IncludeOrganizationTrail=true`; a NameList read returns every named trail, whatever the flag,
 * because Terraform reads a trail that way and an empty list means "gone" to it.
 * `IncludeShadowTrails` is validated and accepted: the list is account-wide already
 * (decisions §1), so there are no shadow copies to add.
 */
export const describeTrailsAction: ActionDefinition = {
  name: 'DescribeTrails',
  eventRW: 'Read',
  async handle({ params, caller, services }) {
    readBoolean(params, 'IncludeShadowTrails', false);
    const includeOrganization = readBoolean(params, 'IncludeOrganizationTrail', false);
    const names = (readOptionalString(params, 'NameList') ?? '')
      .split(',')
      .map((n) => n.trim())
      .filter((n) => n !== '');
    // A NameList with no names in it (`,`) lists every trail, like an absent one.
    const trails = await describeTrails(
      { db: services.db, accountId: caller.accountId },
      names.length > 0 ? names : undefined,
    );
    const listed =
      names.length > 0 || includeOrganization
        ? trails
        : trails.filter((t) => !t.isOrganizationTrail);
    return { TrailList: listed.map(trailToWire) };
  },
};
