import type { TrailRow } from '../../db/repositories/trails.repository.js';
import type { TrailStatus } from '../../db/schema.js';
import type { EventRW } from './trail-rules.js';

export type { TrailStatus };

/** What a caller configures on a trail; `null` means "not set". */
export interface TrailSettings {
  eventRW: EventRW;
  trailRegion: string;
  ossBucketName: string | null;
  ossKeyPrefix: string | null;
  ossWriteRoleArn: string | null;
  slsProjectArn: string | null;
  slsWriteRoleArn: string | null;
  maxComputeProjectArn: string | null;
  maxComputeWriteRoleArn: string | null;
}

export interface Trail extends TrailSettings {
  accountId: string;
  name: string;
  homeRegion: string;
  isOrganizationTrail: boolean;
  status: TrailStatus;
  startLoggingAt: number | null;
  stopLoggingAt: number | null;
  liveStartSeq: number | null;
  /** The bucket's region as OSS reported it when the bucket was checked; null if never checked. */
  ossBucketLocation: string | null;
  createdAt: number;
  updatedAt: number;
}

/** `acs:actiontrail:<homeRegion>:<accountId>:trail/<name>`, the RAM resource of a trail. */
export function trailArn(t: Pick<Trail, 'homeRegion' | 'accountId' | 'name'>): string {
  return `acs:actiontrail:${t.homeRegion}:${t.accountId}:trail/${t.name}`;
}

/**
 * ActionTrail's service-linked role, which it uses (and reports) for SLS and MaxCompute delivery
 * when the caller names no role. Terraform reads `sls_write_role_arn` and
 * `max_compute_write_role_arn` as computed, so answering it never shows a diff; OssWriteRoleArn
 * is not computed there, so it is answered as sent (issue 13).
 */
export function serviceLinkedRoleArn(accountId: string): string {
  return `acs:ram::${accountId}:role/aliyunserviceroleforactiontrail`;
}

/**
 * OssBucketLocation: what OSS reported when the bucket was checked, else `oss-<home region>`
 * (the documented form, assuming the bucket sits in the trail's home region).
 */
export function ossBucketLocation(
  t: Pick<Trail, 'ossBucketName' | 'homeRegion' | 'ossBucketLocation'>,
): string {
  if (!t.ossBucketName) return '';
  return t.ossBucketLocation ?? `oss-${t.homeRegion}`;
}

function nullableNumber(v: number | null): number | null {
  return v === null ? null : Number(v);
}

export function toTrail(row: TrailRow): Trail {
  return {
    accountId: row.account_id,
    name: row.name,
    homeRegion: row.home_region,
    trailRegion: row.trail_region,
    eventRW: row.event_rw as EventRW,
    isOrganizationTrail: row.is_organization_trail === 1,
    ossBucketName: row.oss_bucket_name,
    ossKeyPrefix: row.oss_key_prefix,
    ossWriteRoleArn: row.oss_write_role_arn,
    slsProjectArn: row.sls_project_arn,
    slsWriteRoleArn: row.sls_write_role_arn,
    maxComputeProjectArn: row.max_compute_project_arn,
    maxComputeWriteRoleArn: row.max_compute_write_role_arn,
    status: row.status,
    startLoggingAt: nullableNumber(row.start_logging_at),
    stopLoggingAt: nullableNumber(row.stop_logging_at),
    liveStartSeq: nullableNumber(row.live_start_seq),
    ossBucketLocation: row.oss_bucket_location,
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}

/** What the trail's live streams report per (region, destination) (live-streams.repository). */
export interface LiveDeliveryState {
  jobId: number;
  destination: string;
  lastDeliveredAt: number | null;
  errorCode: string | null;
  errorMessage: string | null;
  failures: number;
}

/**
 * GetTrailStatus's view of a trail, from its live delivery ([D2]): per destination kind the
 * latest acknowledged delivery of any of its live streams, and the error the current stream (the
 * newest) is failing with right now — cleared by its next successful delivery. A destination
 * counts as available (OssBucketStatus, SlsLogStoreStatus) when configured and not failing.
 * MaxCompute is stored but never delivered to (decisions §4).
 */
export interface TrailDeliveryStatus {
  isLogging: boolean;
  ossBucketStatus: boolean;
  slsLogStoreStatus: boolean;
  maxComputeSupported: boolean | undefined;
  oss: DestinationStatus;
  sls: DestinationStatus;
}

export interface DestinationStatus {
  latestDeliveryAt: number | null;
  /** `<code>: <message>` of the current failure, '' when none. */
  latestError: string;
}

function destinationStatus(live: readonly LiveDeliveryState[], key: string): DestinationStatus {
  const rows = live.filter((r) => r.destination === key);
  const times = rows.map((r) => r.lastDeliveredAt).filter((t): t is number => t !== null);
  const current = Math.max(...rows.map((r) => r.jobId));
  const failing = rows.find((r) => r.jobId === current && r.failures > 0 && r.errorCode);
  return {
    latestDeliveryAt: times.length > 0 ? Math.max(...times) : null,
    latestError: failing ? `${failing.errorCode}: ${failing.errorMessage ?? ''}`.trim() : '',
  };
}

export function deliveryStatus(
  t: Trail,
  live: readonly LiveDeliveryState[] = [],
): TrailDeliveryStatus {
  const oss = destinationStatus(live, 'oss');
  const sls = destinationStatus(live, 'sls');
  return {
    isLogging: t.status === 'Enable',
    ossBucketStatus: t.ossBucketName !== null && oss.latestError === '',
    slsLogStoreStatus: t.slsProjectArn !== null && sls.latestError === '',
    maxComputeSupported: t.maxComputeProjectArn === null ? undefined : false,
    oss,
    sls,
  };
}
