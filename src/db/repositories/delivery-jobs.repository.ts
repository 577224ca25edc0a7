import type { Insertable, Kysely, Selectable } from 'kysely';
import type { Database, DeliveryJobProgressTable, DeliveryJobsTable } from '../schema.js';

export type DeliveryJobRow = Selectable<DeliveryJobsTable>;
export type DeliveryJobProgressRow = Selectable<DeliveryJobProgressTable>;

/** Inserts a job and its progress rows (one per region and destination); returns the JobId. */
export async function insertDeliveryJob(
  db: Kysely<Database>,
  job: Insertable<DeliveryJobsTable>,
  progress: ReadonlyArray<Omit<Insertable<DeliveryJobProgressTable>, 'job_id'>>,
): Promise<number> {
  return db.transaction().execute(async (trx) => {
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
export async function countDeliveryJobs(db: Kysely<Database>, accountId: string): Promise<number> {
  const row = await db
    .selectFrom('delivery_jobs')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('account_id', '=', accountId)
    .where('deleted_at', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** One page of an account's jobs, newest first, ties by JobId descending. */
export async function listDeliveryJobsPage(
  db: Kysely<Database>,
  accountId: string,
  limit: number,
  offset: number,
): Promise<DeliveryJobRow[]> {
  return db
    .selectFrom('delivery_jobs')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('deleted_at', 'is', null)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .offset(offset)
    .execute();
}
