import type { Kysely } from 'kysely';
import {
  countDeliveryJobs,
  listDeliveryJobsPage,
} from '../../db/repositories/delivery-jobs.repository.js';
import type { Database } from '../../db/schema.js';
import { type DeliveryJob, toDeliveryJob } from './delivery-job.js';
import { type JobProgress, jobProgress } from './job-progress.js';

export interface JobsPage {
  totalCount: number;
  jobs: Array<DeliveryJob & { progress: JobProgress }>;
}

/** One page of the account's jobs, newest first (ties by JobId descending). */
export async function listDeliveryJobs(
  db: Kysely<Database>,
  accountId: string,
  page: { pageNumber: number; pageSize: number },
  now: number,
): Promise<JobsPage> {
  const offset = (page.pageNumber - 1) * page.pageSize;
  const [totalCount, rows] = await Promise.all([
    countDeliveryJobs(db, accountId),
    offset > Number.MAX_SAFE_INTEGER
      ? []
      : listDeliveryJobsPage(db, accountId, page.pageSize, offset),
  ]);
  const jobs = await Promise.all(
    rows.map(async (row) => ({ ...toDeliveryJob(row), progress: await jobProgress(db, row, now) })),
  );
  return { totalCount, jobs };
}
