import type { Clock } from '../../lib/clock.js';

/**
 * ActionTrail's published per-API quotas (actiontrail-api.md: the 2020-07-06 quota page), per
 * AccessKey and second. Actions not listed have no published quota and are never limited.
 */
export const PUBLISHED_QUOTAS: Readonly<Record<string, number>> = {
  CreateTrail: 5,
  UpdateTrail: 5,
  DeleteTrail: 5,
  StartLogging: 5,
  StopLogging: 5,
  DescribeTrails: 100,
  GetTrailStatus: 100,
  CreateDeliveryHistoryJob: 5,
  DeleteDeliveryHistoryJob: 5,
  GetDeliveryHistoryJob: 10,
  ListDeliveryHistoryJobs: 10,
};

const WINDOW_MS = 1000;

/**
 * Per-key, per-Action limits over a sliding one-second window: at most `quota` calls in any
 * 1000 ms, so a burst straddling a second boundary cannot get twice the quota through. The
 * refusal says when the oldest call leaves the window (`x-acs-retry-after`, ms).
 */
export class RateLimiter {
  private readonly calls = new Map<string, number[]>();

  constructor(
    private readonly clock: Clock,
    private readonly quotas: Readonly<Record<string, number>>,
  ) {}

  quotaOf(action: string): number | undefined {
    return this.quotas[action];
  }

  /** Counts the call; returns undefined when allowed, else the ms until one would be. */
  take(accessKeyId: string, action: string): number | undefined {
    const quota = this.quotas[action];
    if (quota === undefined) return undefined;
    const now = this.clock.now();
    const key = `${accessKeyId}\u0000${action}`;
    const recent = (this.calls.get(key) ?? []).filter((t) => t > now - WINDOW_MS);
    if (recent.length >= quota) {
      this.calls.set(key, recent);
      return Math.max(1, (recent[0] as number) + WINDOW_MS - now);
    }
    recent.push(now);
    this.calls.set(key, recent);
    return undefined;
  }

  clear(): void {
    this.calls.clear();
  }
}
