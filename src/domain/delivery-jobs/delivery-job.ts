import type { DeliveryJobRow } from '../../db/repositories/delivery-jobs.repository.js';

/** Wire JobStatus values (ActionTrail docs): 0 initializing, 1 delivering, 2 complete, 3 failed. */
export const JobStatus = {
  Initializing: 0,
  Delivering: 1,
  Complete: 2,
  Failed: 3,
} as const;
export type JobStatusValue = (typeof JobStatus)[keyof typeof JobStatus];

/** decisions §5: the extension field `State`. */
export type JobState = 'Queued' | 'Running' | 'Succeeded' | 'Failed' | 'Stopped';

export interface DeliveryJob {
  jobId: number;
  accountId: string;
  trailName: string;
  homeRegion: string;
  jobStatus: number;
  state: string;
  createdAt: number;
  updatedAt: number;
  windowStart: number;
  windowEnd: number;
}

export function toDeliveryJob(row: DeliveryJobRow): DeliveryJob {
  return {
    jobId: Number(row.id),
    accountId: row.account_id,
    trailName: row.trail_name,
    homeRegion: row.home_region,
    jobStatus: Number(row.job_status),
    state: row.state,
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
    windowStart: Number(row.window_start),
    windowEnd: Number(row.window_end),
  };
}
