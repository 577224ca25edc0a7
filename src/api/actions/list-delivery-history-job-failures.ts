import { getDeliveryJob } from '../../domain/delivery-jobs/delivery-jobs.js';
import { listFailures } from '../../domain/delivery-jobs/job-progress.js';
import { formatIsoSeconds } from '../../lib/time.js';
import { readInteger, readRequiredInteger } from '../rpc/params.js';
import type { ActionDefinition } from './action.js';

const time = (ms: number | null) => (ms === null ? '' : formatIsoSeconds(Number(ms)));

/**
 * ListDeliveryHistoryJobFailures(JobId, PageSize 1–100 (20), PageNumber ≥ 1), an opentrail
 * extension ([C2]): every failed delivery attempt of the job, oldest first, with the sink's own
 * code and message (e.g. SLS's `SignatureNotMatch`).
 */
export const listDeliveryHistoryJobFailures: ActionDefinition = {
  name: 'ListDeliveryHistoryJobFailures',
  eventRW: 'Read',
  async handle({ params, caller, services }) {
    const jobId = readRequiredInteger(params, 'JobId', { min: 1 });
    const pageNumber = readInteger(params, 'PageNumber', { min: 1, default: 1 });
    const pageSize = readInteger(params, 'PageSize', { min: 1, max: 100, default: 20 });
    // The job must be the caller's and not deleted (404 DeliveryHistoryJobNotFound).
    await getDeliveryJob(
      { db: services.db, accountId: caller.accountId, now: services.clock.now() },
      jobId,
    );
    const offset = (pageNumber - 1) * pageSize;
    const { total, rows } = await listFailures(services.db, jobId, {
      limit: pageSize,
      offset: Math.min(offset, Number.MAX_SAFE_INTEGER),
    });
    return {
      TotalCount: total,
      PageNumber: pageNumber,
      PageSize: pageSize,
      Failures: rows.map((f) => ({
        Region: f.region,
        Destination: f.destination,
        ErrorCode: f.error_code,
        ErrorMessage: f.error_message,
        Attempts: Number(f.attempts),
        FirstEventTime: time(f.first_event_time),
        LastEventTime: time(f.last_event_time),
        Time: formatIsoSeconds(Number(f.created_at)),
      })),
    };
  },
};
