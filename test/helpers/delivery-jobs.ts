import { type ClientKey, call, type Target } from './sdk-clients.js';

/** Polls GetDeliveryHistoryJob until the job ends (JobStatus 2 or 3) or `ms` pass; its last answer. */
export async function waitForJobEnd(target: Target, key: ClientKey, jobId: unknown, ms: number) {
  const start = Date.now();
  for (;;) {
    const job = await call('openapi V3', target, key, 'GetDeliveryHistoryJob', { JobId: jobId });
    if (job.JobStatus === 2 || job.JobStatus === 3 || Date.now() - start > ms) return job;
    await new Promise((r) => setTimeout(r, 100));
  }
}
