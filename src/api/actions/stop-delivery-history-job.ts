import { stopDeliveryJob } from '../../domain/delivery-jobs/job-control.js';
import { readRequiredInteger } from '../rpc/params.js';
import type { ActionDefinition } from './action.js';

/** StopDeliveryHistoryJob(JobId), an opentrail extension ([C2]): JobStatus 3, State Stopped. */
export const stopDeliveryHistoryJob: ActionDefinition = {
  name: 'StopDeliveryHistoryJob',
  eventRW: 'Write',
  async handle({ params, caller, services }) {
    const jobId = readRequiredInteger(params, 'JobId', { min: 1 });
    await stopDeliveryJob(
      { db: services.db, accountId: caller.accountId, now: services.clock.now() },
      jobId,
    );
    return {};
  },
};
