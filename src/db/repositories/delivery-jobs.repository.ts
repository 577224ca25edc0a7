import type { Insertable, Kysely, Selectable } from 'kysely';
import type { Database, DeliveryJobProgressTable, DeliveryJobsTable } from '../schema.js';
import { fixedQuery } from './fixed-query.js';

export type DeliveryJobRow = Selectable<DeliveryJobsTable>;
export type DeliveryJobProgressRow = Selectable<DeliveryJobProgressTable>;

/**
 * Inserts a job and its progress rows (one per region and destination) in one transaction (the
 * caller's, when `db` is one); returns the JobId.
 */
export async function insertDeliveryJob(
  db: Kysely<Database>,
  job: Insertable<DeliveryJobsTable>,
  progress: ReadonlyArray<Omit<Insertable<DeliveryJobProgressTable>, 'job_id'>>,
): Promise<number> {
  const atomically = <T>(fn: (trx: Kysely<Database>) => Promise<T>) =>
    db.isTransaction ? fn(db) : db.transaction().execute(fn);
  return atomically(async (trx) => {
    const { id } = await trx
      .insertInto('delivery_jobs')
      .values(job)
      .returning('id')
      .executeTakeFirstOrThrow();
    const jobId = Number(id);
    if (progress.length > 0) {
      await trx
        .insertInto('delivery_job_progress')
        .values(progress.map((p) => ({ ...p, job_id: jobId })))
        .execute();
    }
    return jobId;
  });
}

/** The number of an account's jobs that have not been deleted. */
// The signed API's job reads are compiled once (fixed-query.ts): they run on every
// ListDeliveryHistoryJobs / GetDeliveryHistoryJob call.
const countJobs = fixedQuery((db, accountId: string) =>
  db
    .selectFrom('delivery_jobs')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('account_id', '=', accountId)
    .where('kind', '=', 'history')
    .where('deleted_at', 'is', null),
);

export async function countDeliveryJobs(db: Kysely<Database>, accountId: string): Promise<number> {
  const [row] = await countJobs(db, accountId);
  return Number(row?.n ?? 0);
}

/** One page of an account's jobs, newest first, ties by JobId descending. */
export async function listDeliveryJobsPage(
  db: Kysely<Database>,
  accountId: string,
  limit: number,
  offset: number,
): Promise<DeliveryJobRow[]> {
  return jobsPage(db, accountId, limit, offset);
}

const jobsPage = fixedQuery((db, accountId: string, limit: number, offset: number) =>
  db
    .selectFrom('delivery_jobs')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('kind', '=', 'history')
    .where('deleted_at', 'is', null)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .offset(offset),
);

/** A job of the account that has not been deleted. */
export async function findLiveJob(
  db: Kysely<Database>,
  accountId: string,
  jobId: number,
): Promise<DeliveryJobRow | undefined> {
  const [row] = await liveJob(db, accountId, jobId);
  return row;
}

const liveJob = fixedQuery((db, accountId: string, jobId: number) =>
  db
    .selectFrom('delivery_jobs')
    .selectAll()
    .where('id', '=', jobId)
    .where('account_id', '=', accountId)
    .where('kind', '=', 'history')
    .where('deleted_at', 'is', null),
);

/** decisions §5: a ClientToken is kept for its job's lifetime (until the job is deleted). */
export async function findJobByClientToken(
  db: Kysely<Database>,
  accountId: string,
  clientToken: string,
): Promise<DeliveryJobRow | undefined> {
  return db
    .selectFrom('delivery_jobs')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('kind', '=', 'history')
    .where('client_token', '=', clientToken)
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
}

/** The account's job in status 0 or 1, if any (at most one: a unique index guards it). */
export async function findActiveJob(
  db: Kysely<Database>,
  accountId: string,
): Promise<DeliveryJobRow | undefined> {
  return db
    .selectFrom('delivery_jobs')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('kind', '=', 'history')
    .where('job_status', 'in', [0, 1])
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
}

/** Deletes a job for its account: it disappears at once; a worker on it lets go at its next write. */
export async function markJobDeleted(
  db: Kysely<Database>,
  accountId: string,
  jobId: number,
  now: number,
): Promise<boolean> {
  const r = await db
    .updateTable('delivery_jobs')
    .set({ deleted_at: now, updated_at: now })
    .where('id', '=', jobId)
    .where('account_id', '=', accountId)
    .where('kind', '=', 'history')
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/** The columns of a job that stops now: status 3, State Stopped, its lease given up. */
function stopped(reason: string, now: number) {
  return {
    job_status: 3,
    state: 'Stopped',
    stop_reason: reason,
    updated_at: now,
    finished_at: now,
    locked_by: null,
    lease_expires_at: null,
  };
}

/** Stops one queued or running job (StopDeliveryHistoryJob); false when it was not active. */
export async function stopActiveJob(
  db: Kysely<Database>,
  accountId: string,
  jobId: number,
  now: number,
): Promise<boolean> {
  const r = await db
    .updateTable('delivery_jobs')
    .set(stopped('Stopped', now))
    .where('id', '=', jobId)
    .where('account_id', '=', accountId)
    .where('kind', '=', 'history')
    .where('job_status', 'in', [0, 1])
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/**
 * Queues a stopped or failed job again (RetryDeliveryHistoryJob): its unfinished streams start
 * over from their checkpoints with a fresh failure budget; finished streams stay finished.
 */
export async function requeueJob(
  db: Kysely<Database>,
  accountId: string,
  jobId: number,
  now: number,
): Promise<boolean> {
  const r = await db
    .updateTable('delivery_jobs')
    .set({
      job_status: 0,
      state: 'Queued',
      stop_reason: null,
      last_error: null,
      updated_at: now,
      finished_at: null,
      run_at: now,
    })
    .where('id', '=', jobId)
    .where('account_id', '=', accountId)
    .where('kind', '=', 'history')
    .where('job_status', '=', 3)
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
  if (Number(r.numUpdatedRows) === 0) return false;
  await db
    .updateTable('delivery_job_progress')
    .set({ status: 0, failures: 0, error_code: null, error_message: null, updated_at: now })
    .where('job_id', '=', jobId)
    .where('status', '!=', 2)
    .execute();
  return true;
}

/** Stops the trail's running jobs (status 3, State Stopped) with a reason; returns how many. */
export async function stopActiveJobsOfTrail(
  db: Kysely<Database>,
  accountId: string,
  trailName: string,
  reason: string,
  now: number,
): Promise<number> {
  const r = await db
    .updateTable('delivery_jobs')
    .set(stopped(reason, now))
    .where('account_id', '=', accountId)
    .where('kind', '=', 'history')
    .where('trail_name', '=', trailName)
    .where('job_status', 'in', [0, 1])
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}
