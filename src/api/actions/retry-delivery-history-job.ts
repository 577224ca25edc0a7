import { retryDeliveryJob } from '../../domain/delivery-jobs/job-control.js';
import { readRequiredInteger } from '../rpc/params.js';
import type { ActionDefinition } from './action.js';

/**
 * RetryDeliveryHistoryJob(JobId), an opentrail extension ([C2]): a failed or stopped job
 * resumes its unfinished regions from their checkpoints.
 */
export const retryDeliveryHistoryJob: ActionDefinition = {
  name: 'RetryDeliveryHistoryJob',
  eventRW: 'Write',
  async handle({ params, caller, services }) {
    const jobId = readRequiredInteger(params, 'JobId', { min: 1 });
    await retryDeliveryJob(
      { db: services.db, accountId: caller.accountId, now: services.clock.now() },
      jobId,
    );
    services.deliveryEngine?.wake();
    return {};
  },
};
