import { REGION_ID } from '../../config/regions.js';
import { errors } from '../../errors/api-error.js';

/**
 * The rules a trail's name and settings must follow (actiontrail-api.md §3.1, decisions.md §4).
 * Pure functions: each `check*` returns nothing or throws the ApiError a client would see.
 */

/** 6–36 characters: lowercase letters, digits, `-`, `_`, starting with a lowercase letter. */
const TRAIL_NAME = /^[a-z][a-z0-9_-]{5,35}$/;
/** 3–63 characters: lowercase letters, digits, `-`, starting with a lowercase letter or digit. */
const OSS_BUCKET_NAME = /^[a-z0-9][a-z0-9-]{2,62}$/;
/** 6–32 characters: letters, digits, `-`, `/`, `_`, starting with a letter. */
const OSS_KEY_PREFIX = /^[A-Za-z][A-Za-z0-9/_-]{5,31}$/;
/** SLS project names: 3–63 lowercase letters, digits and `-`, not starting or ending with `-`. */
const SLS_PROJECT_RESOURCE = /^project\/[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/;
/** MaxCompute projects ActionTrail delivers to must be named `actiontrail_…`. */
const MAX_COMPUTE_PROJECT_RESOURCE = /^project\/actiontrail_[A-Za-z0-9_]{1,52}$/;
/** RAM role names: 1–64 letters, digits, `.`, `-`, `_`. */
const RAM_ROLE_RESOURCE = /^role\/[A-Za-z0-9._-]{1,64}$/;

export const EVENT_RW_VALUES = ['Write', 'Read', 'All'] as const;
export type EventRW = (typeof EVENT_RW_VALUES)[number];

/** `TrailRegion=All` means every configured region (decisions §1). */
export const ALL_REGIONS = 'All';

/** Account limits (actiontrail-api.md §3.1): single-account trails per region, org trails overall. */
export const MAX_TRAILS_PER_REGION = 5;
export const MAX_ORGANIZATION_TRAILS = 1;

export function isValidTrailName(name: string): boolean {
  return TRAIL_NAME.test(name);
}

export function checkTrailName(name: string): void {
  if (!isValidTrailName(name)) {
    throw errors.detailed(
      'InvalidTrailNameException',
      'A trail name has 6 to 36 characters: lowercase letters, digits, hyphens (-) and underscores (_), and starts with a lowercase letter.',
    );
  }
}

export function checkOssBucketName(bucket: string): void {
  if (!OSS_BUCKET_NAME.test(bucket)) {
    throw errors.detailed(
      'InvalidBucketNameException',
      'A bucket name has 3 to 63 characters: lowercase letters, digits and hyphens (-), and starts with a lowercase letter or a digit.',
    );
  }
}

export function checkOssKeyPrefix(prefix: string): void {
  if (!OSS_KEY_PREFIX.test(prefix)) {
    throw errors.detailed(
      'InvalidPrefixException',
      'A prefix has 6 to 32 characters: letters, digits, hyphens (-), slashes (/) and underscores (_), and starts with a letter.',
    );
  }
}

interface Arn {
  service: string;
  region: string;
  accountId: string;
  resource: string;
}

/** `acs:<service>:<region>:<account>:<resource>`; undefined when it has another shape. */
function parseArn(arn: string): Arn | undefined {
  const parts = arn.split(':');
  if (parts.length !== 5 || parts[0] !== 'acs') return undefined;
  const [, service = '', region = '', accountId = '', resource = ''] = parts;
  return { service, region, accountId, resource };
}

/**
 * Checks an ARN against its expected shape and that it names the caller's account: a trail
 * may only deliver into the caller's own resources (decisions §4).
 */
function checkArn(
  parameter: string,
  arn: string,
  callerAccountId: string,
  expected: { service: string; regional: boolean; resource: RegExp; shape: string },
): void {
  const parsed = parseArn(arn);
  const regionOk = expected.regional ? REGION_ID.test(parsed?.region ?? '') : parsed?.region === '';
  const resourceOk = expected.resource.test(parsed?.resource ?? '');
  if (!parsed || parsed.service !== expected.service || !regionOk || !resourceOk) {
    throw errors.invalidParameter(parameter, `It must have the form ${expected.shape}.`);
  }
  if (parsed.accountId !== callerAccountId) {
    throw errors.invalidParameter(
      parameter,
      `The account in the ARN must be the caller's account (${callerAccountId}).`,
    );
  }
}

export function checkSlsProjectArn(arn: string, callerAccountId: string): void {
  checkArn('SlsProjectArn', arn, callerAccountId, {
    service: 'log',
    regional: true,
    resource: SLS_PROJECT_RESOURCE,
    shape: 'acs:log:<region>:<accountId>:project/<project>',
  });
}

export function checkMaxComputeProjectArn(arn: string, callerAccountId: string): void {
  checkArn('MaxComputeProjectArn', arn, callerAccountId, {
    service: 'odps',
    regional: true,
    resource: MAX_COMPUTE_PROJECT_RESOURCE,
    shape: 'acs:odps:<region>:<accountId>:project/actiontrail_<name>',
  });
}

/** `OssWriteRoleArn`, `SlsWriteRoleArn`, `MaxComputeWriteRoleArn`: `acs:ram::<account>:role/<role>`. */
export function checkRoleArn(parameter: string, arn: string, callerAccountId: string): void {
  checkArn(parameter, arn, callerAccountId, {
    service: 'ram',
    regional: false,
    resource: RAM_ROLE_RESOURCE,
    shape: 'acs:ram::<accountId>:role/<role>',
  });
}

export function checkTrailRegion(value: string, regions: readonly string[]): void {
  if (value !== ALL_REGIONS && !regions.includes(value)) {
    throw errors.invalidParameter(
      'TrailRegion',
      'It must be All or one of the regions DescribeRegions lists.',
    );
  }
}

/** A trail needs somewhere to deliver to (decisions §4). */
export function checkHasDestination(d: {
  ossBucketName: string | null;
  slsProjectArn: string | null;
  maxComputeProjectArn: string | null;
}): void {
  if (d.ossBucketName === null && d.slsProjectArn === null && d.maxComputeProjectArn === null) {
    throw errors.invalidParameter(
      'OssBucketName, SlsProjectArn, MaxComputeProjectArn',
      'At least one of OssBucketName, SlsProjectArn and MaxComputeProjectArn must be set.',
    );
  }
}
