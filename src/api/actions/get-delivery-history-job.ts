import { getDeliveryJob } from '../../domain/delivery-jobs/delivery-jobs.js';
import { readRequiredInteger } from '../rpc/params.js';
import type { ActionDefinition } from './action.js';
import { deliveryJobToWire, progressToWire } from './delivery-job.wire.js';

/** GetDeliveryHistoryJob(JobId): the list fields plus `Status: [{Region, Status}]`. */
export const getDeliveryHistoryJob: ActionDefinition = {
  name: 'GetDeliveryHistoryJob',
  eventRW: 'Read',
  async handle({ params, caller, services }) {
    const jobId = readRequiredInteger(params, 'JobId', { min: 1 });
    const job = await getDeliveryJob(
      { db: services.db, accountId: caller.accountId, now: services.clock.now() },
      jobId,
    );
    return {
      ...deliveryJobToWire(job),
      Status: job.regions.map((r, i) => {
        // [C2] extension fields after the documented Region and Status.
        const p = job.progress.regions[i];
        return {
          Region: r.region,
          Status: r.status,
          TotalEvents: p?.totalEvents ?? 0,
          DeliveredEvents: p?.deliveredEvents ?? 0,
          PercentDone: p?.percentDone ?? 0,
          ErrorCode: p?.errorCode ?? '',
          ErrorMessage: p?.errorMessage ?? '',
        };
      }),
      // decisions §5 extension (SDK models ignore unknown fields): Queued | Running | Succeeded |
      // Failed | Stopped tells a stopped job from a failed one.
      State: job.state,
      Progress: progressToWire(job.progress),
    };
  },
};
