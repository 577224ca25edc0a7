import type { Kysely } from 'kysely';
import { lockAccountForWrite } from '../../db/repositories/accounts.repository.js';
import { deleteDataEventSelectors } from '../../db/repositories/data-event-selectors.repository.js';
import { safeHorizon } from '../../db/repositories/events.repository.js';
import {
  countTrails,
  deleteTrail as deleteTrailRow,
  findTrail,
  insertTrail,
  listTrails,
  type TrailPatch,
  updateTrail,
} from '../../db/repositories/trails.repository.js';
import type { Database } from '../../db/schema.js';
import { ApiError, errors } from '../../errors/api-error.js';
import { stopJobsOfDeletedTrail } from '../delivery-jobs/delivery-jobs.js';
import {
  beginLiveDelivery,
  dropLiveDelivery,
  endLiveDelivery,
  handOverLiveDelivery,
} from './live-delivery.js';
import { startLoggingChange, stopLoggingChange } from './logging.js';
import { type Trail, type TrailSettings, toTrail } from './trail.js';
import {
  ALL_REGIONS,
  checkHasDestination,
  checkMaxComputeProjectArn,
  checkOssBucketName,
  checkOssKeyPrefix,
  checkRoleArn,
  checkSlsProjectArn,
  checkTrailName,
  checkTrailRegion,
  isValidTrailName,
  MAX_ORGANIZATION_TRAILS,
  MAX_TRAILS_PER_REGION,
} from './trail-rules.js';

/** Who acts, where and when; every query is scoped to `accountId`. */
export interface TrailContext {
  db: Kysely<Database>;
  accountId: string;
  /** The configured region list (TrailRegion must be All or one of them). */
  regions: readonly string[];
  now: number;
  /** Set when an OSS endpoint is configured: the bucket's location, or the ApiError to answer. */
  ossBucketCheck?: ((bucket: string) => Promise<string>) | undefined;
}

/**
 * Settings a request sets or clears: a value sets it, `null` clears it (only the destination
 * fields can be cleared), an absent key leaves it as it is.
 */
export type SettingsChanges = Partial<TrailSettings>;

export interface CreateTrailInput {
  name: string;
  homeRegion: string;
  isOrganizationTrail: boolean;
  settings: SettingsChanges;
}

const DEFAULT_SETTINGS: TrailSettings = {
  eventRW: 'All',
  trailRegion: ALL_REGIONS,
  ossBucketName: null,
  ossKeyPrefix: null,
  ossWriteRoleArn: null,
  slsProjectArn: null,
  slsWriteRoleArn: null,
  maxComputeProjectArn: null,
  maxComputeWriteRoleArn: null,
};

/** Validates every value a request sets, in the order a reader of the parameter list expects. */
function checkSettings(c: SettingsChanges, ctx: TrailContext): void {
  if (c.ossBucketName) checkOssBucketName(c.ossBucketName);
  if (c.ossKeyPrefix) checkOssKeyPrefix(c.ossKeyPrefix);
  if (c.ossWriteRoleArn) checkRoleArn('OssWriteRoleArn', c.ossWriteRoleArn, ctx.accountId);
  if (c.slsProjectArn) checkSlsProjectArn(c.slsProjectArn, ctx.accountId);
  if (c.slsWriteRoleArn) checkRoleArn('SlsWriteRoleArn', c.slsWriteRoleArn, ctx.accountId);
  if (c.maxComputeProjectArn) checkMaxComputeProjectArn(c.maxComputeProjectArn, ctx.accountId);
  if (c.maxComputeWriteRoleArn) {
    checkRoleArn('MaxComputeWriteRoleArn', c.maxComputeWriteRoleArn, ctx.accountId);
  }
  if (c.trailRegion !== undefined) checkTrailRegion(c.trailRegion, ctx.regions);
}

function settingsColumns(s: TrailSettings) {
  return {
    event_rw: s.eventRW,
    trail_region: s.trailRegion,
    oss_bucket_name: s.ossBucketName,
    oss_key_prefix: s.ossKeyPrefix,
    oss_write_role_arn: s.ossWriteRoleArn,
    sls_project_arn: s.slsProjectArn,
    sls_write_role_arn: s.slsWriteRoleArn,
    max_compute_project_arn: s.maxComputeProjectArn,
    max_compute_write_role_arn: s.maxComputeWriteRoleArn,
  };
}

/** decisions §4: with an OSS endpoint, a trail may only name a bucket that exists. */
async function checkBucket(ctx: TrailContext, bucket: string | null | undefined) {
  if (!bucket || !ctx.ossBucketCheck) return undefined;
  return ctx.ossBucketCheck(bucket);
}

function notFound(): ApiError {
  return new ApiError('TrailNotFoundException');
}

/**
 * Creates a trail in `Fresh` state. The existence check, the quota count and the insert share
 * one transaction under the account's write lock, so two concurrent creates (also on two nodes
 * of one PostgreSQL) cannot both pass.
 */
export async function createTrail(ctx: TrailContext, input: CreateTrailInput): Promise<Trail> {
  checkTrailName(input.name);
  checkSettings(input.settings, ctx);
  const settings: TrailSettings = { ...DEFAULT_SETTINGS, ...input.settings };
  checkHasDestination(settings);
  // Outside the transaction: a slow OSS answer must not hold the account's write lock.
  const bucketLocation = await checkBucket(ctx, settings.ossBucketName);
  return ctx.db.transaction().execute(async (trx) => {
    await lockAccountForWrite(trx, ctx.accountId);
    if (await findTrail(trx, ctx.accountId, input.name)) {
      throw new ApiError('TrailAlreadyExistsException');
    }
    if (input.isOrganizationTrail) {
      const n = await countTrails(trx, ctx.accountId, { organization: true });
      if (n >= MAX_ORGANIZATION_TRAILS) {
        throw errors.detailed(
          'MaximumNumberOfTrailsExceededException',
          `An account can have ${MAX_ORGANIZATION_TRAILS} multi-account trail.`,
        );
      }
    } else {
      const n = await countTrails(trx, ctx.accountId, {
        organization: false,
        homeRegion: input.homeRegion,
      });
      if (n >= MAX_TRAILS_PER_REGION) {
        throw errors.detailed(
          'MaximumNumberOfTrailsExceededException',
          `An account can have ${MAX_TRAILS_PER_REGION} trails in region ${input.homeRegion}.`,
        );
      }
    }
    const row = await insertTrail(trx, {
      account_id: ctx.accountId,
      name: input.name,
      home_region: input.homeRegion,
      is_organization_trail: input.isOrganizationTrail ? 1 : 0,
      ...settingsColumns(settings),
      status: 'Fresh',
      start_logging_at: null,
      stop_logging_at: null,
      live_start_seq: null,
      oss_bucket_location: bucketLocation ?? null,
      created_at: ctx.now,
      updated_at: ctx.now,
    });
    return toTrail(row);
  });
}

/**
 * The account's trails, oldest first; with `names`, only those (unknown or malformed names are
 * silently left out, as Terraform reads an empty list as "gone"). Account-wide, whatever the
 * request's region (decisions §1).
 */
export async function describeTrails(
  ctx: Pick<TrailContext, 'db' | 'accountId'>,
  names?: readonly string[],
): Promise<Trail[]> {
  const rows = await listTrails(ctx.db, ctx.accountId);
  const trails = rows.map(toTrail);
  if (names === undefined) return trails;
  const wanted = new Set(names.filter(isValidTrailName));
  return trails.filter((t) => wanted.has(t.name));
}

/** The account's trail, or 404 TrailNotFoundException (also for another account's trail). */
export async function getTrail(
  ctx: Pick<TrailContext, 'db' | 'accountId'>,
  name: string,
): Promise<Trail> {
  checkTrailName(name);
  const row = await findTrail(ctx.db, ctx.accountId, name);
  if (!row) throw notFound();
  return toTrail(row);
}

/**
 * Changes the settings that are present in `changes`; UpdateTime moves only when something
 * actually changed. The trail must keep at least one destination.
 */
export async function updateTrailSettings(
  ctx: TrailContext,
  name: string,
  changes: SettingsChanges,
): Promise<Trail> {
  checkTrailName(name);
  checkSettings(changes, ctx);
  // Only a bucket the request names is checked (and its location refreshed); a cleared one
  // clears the location.
  const bucketLocation = await checkBucket(ctx, changes.ossBucketName);
  return ctx.db.transaction().execute(async (trx) => {
    const row = await findTrail(trx, ctx.accountId, name);
    if (!row) throw notFound();
    const current = toTrail(row);
    const next: TrailSettings = { ...pickSettings(current), ...changes };
    checkHasDestination(next);
    const location =
      bucketLocation ??
      (next.ossBucketName === current.ossBucketName ? current.ossBucketLocation : null);
    const changed =
      (Object.keys(next) as Array<keyof TrailSettings>).some((k) => next[k] !== current[k]) ||
      location !== current.ossBucketLocation;
    if (!changed) return current;
    const updated = await updateTrail(trx, ctx.accountId, name, {
      ...settingsColumns(next),
      oss_bucket_location: location,
      updated_at: ctx.now,
    });
    if (!updated) throw notFound();
    const trail = toTrail(updated);
    if (trail.status === 'Enable') await handOverLiveDelivery(trx, trail, ctx.regions, ctx.now);
    return trail;
  });
}

function pickSettings(t: Trail): TrailSettings {
  return {
    eventRW: t.eventRW,
    trailRegion: t.trailRegion,
    ossBucketName: t.ossBucketName,
    ossKeyPrefix: t.ossKeyPrefix,
    ossWriteRoleArn: t.ossWriteRoleArn,
    slsProjectArn: t.slsProjectArn,
    slsWriteRoleArn: t.slsWriteRoleArn,
    maxComputeProjectArn: t.maxComputeProjectArn,
    maxComputeWriteRoleArn: t.maxComputeWriteRoleArn,
  };
}

/**
 * Deletes the trail and stops its running delivery job (status 3, reason TrailDeleted; the job
 * stays listable), in one transaction under the account's write lock (decisions §4).
 */
export async function deleteTrail(
  ctx: Pick<TrailContext, 'db' | 'accountId' | 'now'>,
  name: string,
): Promise<void> {
  checkTrailName(name);
  await ctx.db.transaction().execute((trx) => deleteTrailIn(trx, ctx.accountId, name, ctx.now));
}

/** deleteTrail's work inside the caller's transaction (tests hold it open to race it). */
export async function deleteTrailIn(
  trx: Kysely<Database>,
  accountId: string,
  name: string,
  now: number,
): Promise<void> {
  // CreateDeliveryHistoryJob takes it too: a job is never created for a trail being deleted.
  await lockAccountForWrite(trx, accountId);
  if (!(await deleteTrailRow(trx, accountId, name))) throw notFound();
  // A trail created later under the same name starts without selectors.
  await deleteDataEventSelectors(trx, accountId, name);
  await stopJobsOfDeletedTrail(trx, accountId, name, now);
  await dropLiveDelivery(trx, accountId, name, now);
}

/** StartLogging: `Enable`, StartLoggingTime = now, and the sequence live delivery starts at. */
export async function startLogging(ctx: TrailContext, name: string): Promise<Trail> {
  checkTrailName(name);
  return ctx.db.transaction().execute(async (trx) => {
    const row = await findTrail(trx, ctx.accountId, name);
    if (!row) throw notFound();
    const change = startLoggingChange(toTrail(row), ctx.now);
    if (!change) return toTrail(row);
    const liveStartSeq = await safeHorizon(trx);
    const patch: TrailPatch = {
      status: change.status,
      start_logging_at: change.startLoggingAt ?? null,
      // decisions §4: live delivery starts after the safe horizon of this moment; a history job
      // created while the trail logs stops exactly there, so the two never gap or overlap.
      live_start_seq: liveStartSeq,
    };
    const updated = await updateTrail(trx, ctx.accountId, name, patch);
    if (!updated) throw notFound();
    const trail = toTrail(updated);
    await beginLiveDelivery(trx, trail, ctx.regions, liveStartSeq, ctx.now);
    return trail;
  });
}

/** StopLogging: `Disable`, StopLoggingTime = now. */
export async function stopLogging(ctx: TrailContext, name: string): Promise<Trail> {
  checkTrailName(name);
  return ctx.db.transaction().execute(async (trx) => {
    const row = await findTrail(trx, ctx.accountId, name);
    if (!row) throw notFound();
    const change = stopLoggingChange(toTrail(row), ctx.now);
    if (!change) return toTrail(row);
    const updated = await updateTrail(trx, ctx.accountId, name, {
      status: change.status,
      stop_logging_at: change.stopLoggingAt ?? null,
    });
    if (!updated) throw notFound();
    await endLiveDelivery(trx, toTrail(updated), ctx.now);
    return toTrail(updated);
  });
}
