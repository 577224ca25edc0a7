import type { DeliveryJob } from '../../domain/delivery-jobs/delivery-job.js';
import type { JobProgress } from '../../domain/delivery-jobs/job-progress.js';
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

/**
 * [C2] extension `Progress`, after every documented field (SDK models ignore unknown fields, so
 * no field an SDK or Terraform reads changes name, type or place).
 */
export function progressToWire(p: JobProgress): Record<string, number> {
  return {
    TotalEvents: p.totalEvents,
    DeliveredEvents: p.deliveredEvents,
    FailedEvents: p.failedEvents,
    Batches: p.batches,
    Bytes: p.bytes,
    PercentDone: p.percentDone,
    EventsPerSecond: p.eventsPerSecond,
    EtaSeconds: p.etaSeconds,
  };
}
