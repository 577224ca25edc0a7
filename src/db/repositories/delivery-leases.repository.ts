import { type Kysely, type Selectable, sql } from 'kysely';
import type { Capabilities } from '../dialects/dialect.js';
import type { Database, DeliveryJobsTable } from '../schema.js';

export type LeasedJob = Selectable<DeliveryJobsTable>;

/**
 * The lease model of the delivery engine (architecture lesson 10). Every write made on behalf of
 * a worker is conditioned on `locked_by = owner` and `deleted_at is null`, so a worker that lost
 * its lease (or whose job was deleted) cannot overwrite anything.
 */

/**
 * Claims the runnable job that waited longest: status 0/1, not deleted, due, and unleased or
 * with an expired lease. Moves JobStatus 0 → 1 on the first claim. One statement, so two
 * engines can never both win; PostgreSQL adds SKIP LOCKED to avoid waiting on each other.
 */
export async function claimNextJob(
  db: Kysely<Database>,
  capabilities: Capabilities,
  owner: string,
  now: number,
  leaseMs: number,
  options: {
    /**
     * Emulator mode: history jobs still at JobStatus 0 to leave there — these ids, or all but
     * `except`.
     */
    skipHistory?:
      | { all: false; ids: ReadonlySet<number> }
      | { all: true; except: ReadonlySet<number> }
      | undefined;
  } = {},
): Promise<LeasedJob | undefined> {
  const skip = options.skipHistory;
  let candidate = db
    .selectFrom('delivery_jobs')
    .select('id')
    .where('job_status', 'in', [0, 1])
    .where('deleted_at', 'is', null)
    .where('run_at', '<=', now)
    .where((eb) => eb.or([eb('locked_by', 'is', null), eb('lease_expires_at', '<', now)]));
  if (skip?.all) {
    const except = [...skip.except];
    candidate = candidate.where((eb) =>
      eb.or([
        eb('kind', '!=', 'history'),
        eb('job_status', '!=', 0),
        ...(except.length > 0 ? [eb('id', 'in', except)] : []),
      ]),
    );
  } else if (skip && skip.ids.size > 0) {
    candidate = candidate.where((eb) =>
      eb.or([eb('job_status', '!=', 0), eb('id', 'not in', [...skip.ids])]),
    );
  }
  candidate = candidate
    .orderBy('run_at')
    // Jobs given back in the same millisecond: the one served longest ago (or never) first.
    .orderBy(sql`coalesce(heartbeat_at, 0)`)
    .orderBy('id')
    .limit(1);
  if (capabilities.skipLocked) candidate = candidate.forUpdate().skipLocked();
  return db
    .updateTable('delivery_jobs')
    .set({
      locked_by: owner,
      lease_expires_at: now + leaseMs,
      heartbeat_at: now,
      // SET reads the old row: a lease still named here had expired, so this is a takeover.
      taken_over_from: sql`locked_by`,
      attempts: sql`attempts + 1`,
      started_at: sql`coalesce(started_at, ${now})`,
      job_status: sql`case when job_status = 0 then 1 else job_status end`,
      state: sql`case when state = 'Queued' then 'Running' else state end`,
      updated_at: sql`case when job_status = 0 then ${now} else updated_at end`,
    })
    .where('id', '=', candidate)
    .returningAll()
    .executeTakeFirst();
}

/** Extends the lease; false when the worker no longer owns the job. */
export async function renewLease(
  db: Kysely<Database>,
  jobId: number,
  owner: string,
  now: number,
  leaseMs: number,
): Promise<boolean> {
  const r = await db
    .updateTable('delivery_jobs')
    .set({ lease_expires_at: now + leaseMs, heartbeat_at: now })
    .where('id', '=', jobId)
    .where('locked_by', '=', owner)
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/** Gives the job back to the queue, due at `runAt` (now, or later after a failure). */
export async function releaseJob(
  db: Kysely<Database>,
  jobId: number,
  owner: string,
  runAt: number,
): Promise<boolean> {
  const r = await db
    .updateTable('delivery_jobs')
    .set({ locked_by: null, lease_expires_at: null, run_at: runAt })
    .where('id', '=', jobId)
    .where('locked_by', '=', owner)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/** Ends the job (JobStatus 2 or 3) and drops the lease. */
export async function finishJob(
  db: Kysely<Database>,
  jobId: number,
  owner: string,
  outcome: {
    jobStatus: 2 | 3;
    /** 'Ended': a live stream that delivered up to its end ([D2]). */
    state: 'Succeeded' | 'Failed' | 'Ended';
    lastError: string | null;
    now: number;
  },
): Promise<boolean> {
  const r = await db
    .updateTable('delivery_jobs')
    .set({
      job_status: outcome.jobStatus,
      state: outcome.state,
      last_error: outcome.lastError,
      updated_at: outcome.now,
      finished_at: outcome.now,
      locked_by: null,
      lease_expires_at: null,
    })
    .where('id', '=', jobId)
    .where('locked_by', '=', owner)
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/** True while `owner` still holds an unexpired lease on a live job. */
export async function ownsJob(
  db: Kysely<Database>,
  jobId: number,
  owner: string,
  now: number,
): Promise<boolean> {
  const row = await db
    .selectFrom('delivery_jobs')
    .select('id')
    .where('id', '=', jobId)
    .where('locked_by', '=', owner)
    .where('lease_expires_at', '>=', now)
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
  return row !== undefined;
}

/** Returns expired leases to the queue; the number returned. */
export async function sweepExpiredLeases(db: Kysely<Database>, now: number): Promise<number> {
  const r = await db
    .updateTable('delivery_jobs')
    .set({ locked_by: null, lease_expires_at: null })
    .where('locked_by', 'is not', null)
    .where('lease_expires_at', '<', now)
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}
