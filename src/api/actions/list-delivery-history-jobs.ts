import { listDeliveryJobs } from '../../domain/delivery-jobs/list-delivery-jobs.js';
import { readInteger } from '../rpc/params.js';
import type { ActionDefinition } from './action.js';
import { deliveryJobToWire, progressToWire } from './delivery-job.wire.js';

/** ListDeliveryHistoryJobs (seed document): PageNumber ≥ 1 (default 1), PageSize 1–100 (20). */
export const listDeliveryHistoryJobs: ActionDefinition = {
  name: 'ListDeliveryHistoryJobs',
  eventRW: 'Read',
  async handle({ params, caller, services }) {
    const pageNumber = readInteger(params, 'PageNumber', { min: 1, default: 1 });
    const pageSize = readInteger(params, 'PageSize', { min: 1, max: 100, default: 20 });
    const page = await listDeliveryJobs(
      services.db,
      caller.accountId,
      { pageNumber, pageSize },
      services.clock.now(),
    );
    return {
      TotalCount: page.totalCount,
      PageSize: pageSize,
      PageNumber: pageNumber,
      DeliveryHistoryJobs: page.jobs.map((job) => ({
        ...deliveryJobToWire(job),
        Progress: progressToWire(job.progress), // [C2] extension, after the documented fields
      })),
    };
  },
};
