import { lockAccountForWrite } from '../../db/repositories/accounts.repository.js';
import {
  findActiveJob,
  findLiveJob,
  requeueJob,
  stopActiveJob,
} from '../../db/repositories/delivery-jobs.repository.js';
import { ApiError } from '../../errors/api-error.js';
import type { JobContext } from './delivery-jobs.js';

type ControlContext = Pick<JobContext, 'db' | 'accountId' | 'now'>;

function notFound(): ApiError {
  return new ApiError('DeliveryHistoryJobNotFound');
}

function wrongState(jobId: number, state: string, allowed: string): ApiError {
  return new ApiError(
    'InvalidJobStatus',
    `The historical event delivery job ${jobId} is ${state}; ${allowed}.`,
  );
}

/**
 * StopDeliveryHistoryJob ([C2], an opentrail extension): a queued or running job ends with
 * JobStatus 3, State Stopped. A worker on it lets go at its next batch boundary (its lease is
 * cleared, and every engine write checks the lease), so what it had acknowledged stays
 * checkpointed and a Retry resumes from there.
 */
export async function stopDeliveryJob(ctx: ControlContext, jobId: number): Promise<void> {
  await ctx.db.transaction().execute(async (trx) => {
    await lockAccountForWrite(trx, ctx.accountId);
    const job = await findLiveJob(trx, ctx.accountId, jobId);
    if (!job) throw notFound();
    if (!(await stopActiveJob(trx, ctx.accountId, jobId, ctx.now))) {
      throw wrongState(jobId, job.state, 'only a queued or running job can be stopped');
    }
  });
}

/**
 * RetryDeliveryHistoryJob ([C2], an opentrail extension): a failed or stopped job (JobStatus 3)
 * is queued again and resumes its unfinished regions from their checkpoints, never from the
 * start. Under the account's write lock, as CreateDeliveryHistoryJob: one job at a time.
 */
export async function retryDeliveryJob(ctx: ControlContext, jobId: number): Promise<void> {
  await ctx.db.transaction().execute(async (trx) => {
    await lockAccountForWrite(trx, ctx.accountId);
    const job = await findLiveJob(trx, ctx.accountId, jobId);
    if (!job) throw notFound();
    if (job.job_status !== 3) {
      throw wrongState(jobId, job.state, 'only a failed or stopped job can be retried');
    }
    const active = await findActiveJob(trx, ctx.accountId);
    if (active) {
      throw new ApiError(
        'DeliveryHistoryJobAlreadyRunning',
        `A historical event delivery job (JobId ${Number(active.id)}) is already running for this account; only one may run at a time.`,
      );
    }
    await requeueJob(trx, ctx.accountId, jobId, ctx.now);
  });
}
