import { deleteDeliveryJob } from '../../domain/delivery-jobs/delivery-jobs.js';
import { readRequiredInteger } from '../rpc/params.js';
import type { ActionDefinition } from './action.js';

/** DeleteDeliveryHistoryJob(JobId): the job disappears at once, running or not (decisions §5). */
export const deleteDeliveryHistoryJob: ActionDefinition = {
  name: 'DeleteDeliveryHistoryJob',
  eventRW: 'Write',
  async handle({ params, caller, services }) {
    const jobId = readRequiredInteger(params, 'JobId', { min: 1 });
    await deleteDeliveryJob(
      { db: services.db, accountId: caller.accountId, now: services.clock.now() },
      jobId,
    );
    return {};
  },
};
