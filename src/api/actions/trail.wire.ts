import type { LiveDeliveryState, Trail } from '../../domain/trails/trail.js';
import {
  deliveryStatus,
  ossBucketLocation,
  serviceLinkedRoleArn,
  trailArn,
} from '../../domain/trails/trail.js';
import { EVENT_RW_VALUES } from '../../domain/trails/trail-rules.js';
import type { SettingsChanges, TrailContext } from '../../domain/trails/trails.js';
import { formatIsoSeconds } from '../../lib/time.js';
import {
  type RpcParams,
  readClearableString,
  readOptionalEnum,
  readOptionalString,
} from '../rpc/params.js';
import type { ActionContext } from './action.js';

/**
 * The trail Actions' shared wire shape. Unset strings are `""` (never absent, never null), so
 * Terraform's `d.Set` and the typed SDK models see a string either way; times are
 * `yyyy-MM-ddTHH:mm:ssZ` as in the SDK's DescribeTrails / GetTrailStatus examples.
 */
function text(v: string | null): string {
  return v ?? '';
}

function time(ms: number | null): string {
  return ms === null ? '' : formatIsoSeconds(ms);
}

/** The domain's view of a request: the caller's account, the configured regions, one `now`. */
export function trailContext({ caller, services }: ActionContext): TrailContext {
  return {
    db: services.db,
    accountId: caller.accountId,
    regions: services.config.regions,
    now: services.clock.now(),
    ossBucketCheck: services.ossBucketCheck,
  };
}

const DESTINATION_PARAMETERS = [
  ['OssBucketName', 'ossBucketName'],
  ['OssKeyPrefix', 'ossKeyPrefix'],
  ['OssWriteRoleArn', 'ossWriteRoleArn'],
  ['SlsProjectArn', 'slsProjectArn'],
  ['SlsWriteRoleArn', 'slsWriteRoleArn'],
  ['MaxComputeProjectArn', 'maxComputeProjectArn'],
  ['MaxComputeWriteRoleArn', 'maxComputeWriteRoleArn'],
] as const;

/**
 * The settings a CreateTrail / UpdateTrail request carries. On create an empty value means
 * "not set". On update an absent parameter leaves the setting alone and an empty one clears it
 * (Terraform sends `X=` when an argument is removed); EventRW and TrailRegion always have a
 * value, so an empty one leaves them alone.
 */
export function readSettingsChanges(params: RpcParams, mode: 'create' | 'update'): SettingsChanges {
  const changes: SettingsChanges = {};
  for (const [parameter, key] of DESTINATION_PARAMETERS) {
    const value =
      mode === 'create'
        ? readOptionalString(params, parameter)
        : readClearableString(params, parameter);
    if (value !== undefined) changes[key] = value === '' ? null : value;
  }
  const eventRW = readOptionalEnum(params, 'EventRW', EVENT_RW_VALUES);
  if (eventRW !== undefined) changes.eventRW = eventRW;
  const trailRegion = readOptionalString(params, 'TrailRegion');
  if (trailRegion !== undefined) changes.trailRegion = trailRegion;
  return changes;
}

/** CreateTrail and UpdateTrail answer with the trail's settings (SDK CreateTrailResponseBody). */
export function trailSettingsToWire(t: Trail): Record<string, unknown> {
  return {
    Name: t.name,
    HomeRegion: t.homeRegion,
    TrailRegion: t.trailRegion,
    EventRW: t.eventRW,
    OssBucketName: text(t.ossBucketName),
    OssKeyPrefix: text(t.ossKeyPrefix),
    OssWriteRoleArn: text(t.ossWriteRoleArn),
    SlsProjectArn: text(t.slsProjectArn),
    SlsWriteRoleArn: t.slsWriteRoleArn ?? serviceLinkedRoleArn(t.accountId),
    MaxComputeProjectArn: text(t.maxComputeProjectArn),
    MaxComputeWriteRoleArn: t.maxComputeWriteRoleArn ?? serviceLinkedRoleArn(t.accountId),
  };
}

/**
 * One `TrailList` entry of DescribeTrails. `Region` is the home region (listing is account-wide,
 * so there are no shadow copies); `OssBucketLocation` is the region the OSS endpoint reported for
 * the bucket, or `oss-<home region>` when no endpoint was configured when it was set; `OrganizationId` is left out, as for every single-account
 * trail, because opentrail has no resource directory. A write role the caller left out is
 * answered as the service-linked role (SLS, MaxCompute) or `""` (OSS), see serviceLinkedRoleArn.
 */
export function trailToWire(t: Trail): Record<string, unknown> {
  return {
    Name: t.name,
    HomeRegion: t.homeRegion,
    Region: t.homeRegion,
    TrailRegion: t.trailRegion,
    TrailArn: trailArn(t),
    Status: t.status,
    EventRW: t.eventRW,
    IsOrganizationTrail: t.isOrganizationTrail,
    OssBucketName: text(t.ossBucketName),
    OssBucketLocation: ossBucketLocation(t),
    OssKeyPrefix: text(t.ossKeyPrefix),
    OssWriteRoleArn: text(t.ossWriteRoleArn),
    SlsProjectArn: text(t.slsProjectArn),
    SlsWriteRoleArn: t.slsWriteRoleArn ?? serviceLinkedRoleArn(t.accountId),
    MaxComputeProjectArn: text(t.maxComputeProjectArn),
    MaxComputeWriteRoleArn: t.maxComputeWriteRoleArn ?? serviceLinkedRoleArn(t.accountId),
    CreateTime: time(t.createdAt),
    UpdateTime: time(t.updatedAt),
    StartLoggingTime: time(t.startLoggingAt),
    StopLoggingTime: time(t.stopLoggingAt),
  };
}

/**
 * GetTrailStatus, from the trail's live delivery: `LatestDeliveryTime`/`LatestDeliveryError` are
 * OSS's, `LatestDeliveryLogServiceTime`/`…Error` Log Service's (strings, '' when none).
 * `MaxComputeDeliveryStatus` (extension, only for trails with a MaxCompute project) says that
 * opentrail stores but never delivers to MaxCompute (decisions §4).
 */
export function trailStatusToWire(
  t: Trail,
  live: readonly LiveDeliveryState[] = [],
): Record<string, unknown> {
  const status = deliveryStatus(t, live);
  return {
    IsLogging: status.isLogging,
    StartLoggingTime: time(t.startLoggingAt),
    StopLoggingTime: time(t.stopLoggingAt),
    LatestDeliveryTime: time(status.oss.latestDeliveryAt),
    LatestDeliveryError: status.oss.latestError,
    LatestDeliveryLogServiceTime: time(status.sls.latestDeliveryAt),
    LatestDeliveryLogServiceError: status.sls.latestError,
    OssBucketStatus: status.ossBucketStatus,
    SlsLogStoreStatus: status.slsLogStoreStatus,
    ...(status.maxComputeSupported === false ? { MaxComputeDeliveryStatus: 'NotSupported' } : {}),
  };
}
