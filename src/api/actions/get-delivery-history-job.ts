import { getDeliveryJob } from '../../domain/delivery-jobs/delivery-jobs.js';
import { readRequiredInteger } from '../rpc/params.js';
import type { ActionDefinition } from './action.js';
import { deliveryJobToWire } from './delivery-job.wire.js';

/** GetDeliveryHistoryJob(JobId): the list fields plus `Status: [{Region, Status}]`. */
export const getDeliveryHistoryJob: ActionDefinition = {
  name: 'GetDeliveryHistoryJob',
  eventRW: 'Read',
  async handle({ params, caller, services }) {
    const jobId = readRequiredInteger(params, 'JobId', { min: 1 });
    const job = await getDeliveryJob({ db: services.db, accountId: caller.accountId }, jobId);
    return {
      ...deliveryJobToWire(job),
      Status: job.regions.map((r) => ({ Region: r.region, Status: r.status })),
      // decisions §5 extension (SDK models ignore unknown fields): Queued | Running | Succeeded |
      // Failed | Stopped tells a stopped job from a failed one.
      State: job.state,
    };
  },
};
