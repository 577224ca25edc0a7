import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import { lockAccountForWrite } from '../../db/repositories/accounts.repository.js';
import {
  findActiveJob,
  findJobByClientToken,
  findLiveJob,
  insertDeliveryJob,
  markJobDeleted,
  stopActiveJobsOfTrail,
} from '../../db/repositories/delivery-jobs.repository.js';
import { listProgress } from '../../db/repositories/delivery-progress.repository.js';
import { findTrail } from '../../db/repositories/trails.repository.js';
import type { Database } from '../../db/schema.js';
import { ApiError, errors } from '../../errors/api-error.js';
import { DAY_MS, MINUTE_MS } from '../../lib/time.js';
import { dataEventSelectorSet } from '../data-event-selectors/data-event-selectors.js';
import { type Trail, toTrail } from '../trails/trail.js';
import { type DeliveryJob, toDeliveryJob } from './delivery-job.js';
import { type JobProgress, jobProgress } from './job-progress.js';
import { destinationsOf, type JobDestination, regionsOf } from './job-scope.js';
import type { ChosenWindow } from './job-window.js';

export interface JobContext {
  db: Kysely<Database>;
  accountId: string;
  /** The configured region list (`TrailRegion=All`). */
  regions: readonly string[];
  now: number;
  /**
   * `delivery.historyToOss`: an opentrail extension that lets a job backfill OSS destinations
   * as well (and OSS-only trails); off, a job delivers a trail's SLS destination only.
   */
  historyToOss: boolean;
  /** The event store's safe horizon (decisions §3). */
  safeHorizon(db: Kysely<Database>): Promise<number>;
}

export interface JobInput {
  trailName: string;
  clientToken?: string | undefined;
  /** [C2]: StartTime/EndTime chosen by the caller instead of the default window. */
  window?: ChosenWindow | undefined;
}

/** decisions §5: the reported window is CreatedTime − 90 days … CreatedTime + 5 minutes. */
export const WINDOW_BEFORE_MS = 90 * DAY_MS;
export const WINDOW_AFTER_MS = 5 * MINUTE_MS;

/** What a ClientToken is bound to: the trail, and the window when one was chosen. */
function fingerprint(trailName: string, window: ChosenWindow | undefined): string {
  const params = window
    ? { TrailName: trailName, StartTime: window.start, EndTime: window.end }
    : { TrailName: trailName };
  return createHash('sha256').update(JSON.stringify(params)).digest('hex');
}

/**
 * What a job delivers (decisions §5): ActionTrail backfills a single-account trail's SLS
 * logstore only. A MaxCompute-only trail stays InvalidParameter, as before the rule existed.
 */
function jobDestinations(trail: Trail, historyToOss: boolean): JobDestination[] {
  const all = destinationsOf(trail);
  if (all.length === 0) {
    throw errors.invalidParameter(
      'TrailName',
      'The trail delivers to neither Log Service (SlsProjectArn) nor OSS (OssBucketName); MaxCompute is not supported for historical delivery.',
    );
  }
  const wrongKind = !historyToOss && !all.some((d) => d.key === 'sls');
  if (trail.isOrganizationTrail || wrongKind) {
    throw new ApiError(
      'InvalidTrailDestination',
      trail.isOrganizationTrail
        ? `The trail "${trail.name}" is an organization (multi-account) trail; a historical event delivery job needs a single-account trail that delivers to Log Service.`
        : `The trail "${trail.name}" does not deliver to Log Service (no SlsProjectArn); a historical event delivery job needs a single-account trail that delivers to Log Service.`,
    );
  }
  return historyToOss ? all : all.filter((d) => d.key === 'sls');
}

function notFound(): ApiError {
  return new ApiError('DeliveryHistoryJobNotFound');
}

/** The unique index on the active slot answers a race the explicit check did not see. */
function isActiveSlotConflict(e: unknown): boolean {
  const text = String((e as { message?: unknown })?.message ?? '');
  return /delivery_jobs_one_active|UNIQUE constraint failed: delivery_jobs\.account_id/.test(text);
}

/**
 * CreateDeliveryHistoryJob (decisions §5): ClientToken first, then the trail, its destinations,
 * the one-active-job rule, the window and the cut-off. All of it under the account's write
 * lock, which DeleteTrail takes too: copies of one request sent at once (also through several
 * nodes) find each other's job by the ClientToken, and a trail deleted meanwhile either stops
 * the new job or is not found.
 */
export async function createDeliveryJob(
  ctx: JobContext,
  input: JobInput,
): Promise<{ jobId: number; created: boolean }> {
  // Read before the lock: on PostgreSQL it waits for event writes in flight.
  const horizon = await ctx.safeHorizon(ctx.db);
  try {
    return await ctx.db.transaction().execute(async (trx) => {
      await lockAccountForWrite(trx, ctx.accountId);
      return await createLocked(trx, ctx, input, horizon);
    });
  } catch (e) {
    // The unique index on the active slot: the last guard, should a writer skip the lock.
    if (!isActiveSlotConflict(e)) throw e;
    const winner = await findActiveJob(ctx.db, ctx.accountId);
    throw runningError(winner ? Number(winner.id) : undefined);
  }
}

async function createLocked(
  trx: Kysely<Database>,
  ctx: JobContext,
  input: JobInput,
  horizon: number,
): Promise<{ jobId: number; created: boolean }> {
  const print = fingerprint(input.trailName, input.window);
  if (input.clientToken !== undefined) {
    const earlier = await findJobByClientToken(trx, ctx.accountId, input.clientToken);
    if (earlier) {
      if (earlier.request_fingerprint !== print) throw new ApiError('IdempotentParameterMismatch');
      return { jobId: Number(earlier.id), created: false };
    }
  }
  const row = await findTrail(trx, ctx.accountId, input.trailName);
  if (!row) throw new ApiError('TrailNotFoundException');
  const trail = toTrail(row);
  const dataEvents = await dataEventSelectorSet(trx, ctx.accountId, trail.name);
  const destinations = jobDestinations(trail, ctx.historyToOss).map((d) => ({ ...d, dataEvents }));
  const active = await findActiveJob(trx, ctx.accountId);
  if (active) throw runningError(Number(active.id));

  const regions = regionsOf(trail, ctx.regions);
  const cutoff =
    trail.status === 'Enable' && trail.liveStartSeq !== null ? trail.liveStartSeq : horizon;
  const now = ctx.now;
  const jobId = await insertDeliveryJob(
    trx,
    {
      account_id: ctx.accountId,
      trail_name: trail.name,
      home_region: trail.homeRegion,
      event_rw: trail.eventRW,
      regions_json: JSON.stringify(regions),
      destinations_json: JSON.stringify(destinations),
      job_status: 0,
      state: 'Queued',
      client_token: input.clientToken ?? null,
      request_fingerprint: print,
      created_at: now,
      updated_at: now,
      window_start: input.window?.start ?? now - WINDOW_BEFORE_MS,
      window_end: input.window?.end ?? now + WINDOW_AFTER_MS,
      window_chosen: input.window ? 1 : 0,
      cutoff_seq: cutoff,
      run_at: now,
    },
    regions.flatMap((region) =>
      destinations.map((d) => ({ region, destination: d.key, status: 0, updated_at: now })),
    ),
  );
  return { jobId, created: true };
}

function runningError(jobId: number | undefined): ApiError {
  return new ApiError(
    'DeliveryHistoryJobAlreadyRunning',
    `A historical event delivery job${jobId === undefined ? '' : ` (JobId ${jobId})`} is already running for this account; only one may run at a time.`,
  );
}

export interface RegionStatus {
  region: string;
  status: number;
}

export interface DeliveryJobDetail extends DeliveryJob {
  regions: RegionStatus[];
  /** [C2] extension: counters, in all and per region (same order as `regions`). */
  progress: JobProgress;
}

/** A region's status from its destinations: failed if any failed, done when all are done. */
function regionStatus(job: DeliveryJob, statuses: number[]): number {
  if (statuses.some((s) => s === 3)) return 3;
  if (statuses.length > 0 && statuses.every((s) => s === 2)) return 2;
  if (job.jobStatus === 3) return 3; // stopped before this region finished
  if (job.jobStatus === 0) return 0;
  return statuses.some((s) => s > 0) || job.jobStatus === 1 ? 1 : 0;
}

export async function getDeliveryJob(
  ctx: Pick<JobContext, 'db' | 'accountId' | 'now'>,
  jobId: number,
): Promise<DeliveryJobDetail> {
  const row = await findLiveJob(ctx.db, ctx.accountId, jobId);
  if (!row) throw notFound();
  const job = toDeliveryJob(row);
  const progress = await listProgress(ctx.db, job.jobId);
  const regions = JSON.parse(row.regions_json) as string[];
  return {
    ...job,
    progress: await jobProgress(ctx.db, row, ctx.now),
    regions: regions.map((region) => ({
      region,
      status: regionStatus(
        job,
        progress.filter((p) => p.region === region).map((p) => Number(p.status)),
      ),
    })),
  };
}

export async function deleteDeliveryJob(
  ctx: Pick<JobContext, 'db' | 'accountId' | 'now'>,
  jobId: number,
): Promise<void> {
  if (!(await markJobDeleted(ctx.db, ctx.accountId, jobId, ctx.now))) throw notFound();
}

/** DeleteTrail stops the trail's running job (decisions §4): status 3, reason TrailDeleted. */
export function stopJobsOfDeletedTrail(
  db: Kysely<Database>,
  accountId: string,
  trailName: string,
  now: number,
): Promise<number> {
  return stopActiveJobsOfTrail(db, accountId, trailName, 'TrailDeleted', now);
}
