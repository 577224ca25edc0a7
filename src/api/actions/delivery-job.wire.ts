import type { DeliveryJob } from '../../domain/delivery-jobs/delivery-job.js';
import { formatIsoSeconds } from '../../lib/time.js';

/** The fields a DeliveryHistoryJob has on the wire, in List and Get alike. */
export function deliveryJobToWire(job: DeliveryJob): Record<string, unknown> {
  return {
    JobId: job.jobId,
    JobStatus: job.jobStatus,
    TrailName: job.trailName,
    HomeRegion: job.homeRegion,
    CreatedTime: formatIsoSeconds(job.createdAt),
    StartTime: formatIsoSeconds(job.windowStart),
    EndTime: formatIsoSeconds(job.windowEnd),
    UpdatedTime: formatIsoSeconds(job.updatedAt),
  };
}
