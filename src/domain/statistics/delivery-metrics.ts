import { errors } from '../../errors/api-error.js';
import { parseIsoSeconds } from '../../lib/time.js';

/**
 * DescribeTrailDeliveryMetricData: the four documented delivery counters, one point per
 * `Period` seconds from StartTime (aligned down to the period) to EndTime. opentrail has no
 * live delivery yet ([D2]), so every count is 0; history jobs are not counted **(choice)**.
 */
export const METRIC_NAMES = [
  'delivery_sls_success_count',
  'delivery_sls_fail_count',
  'delivery_oss_success_count',
  'delivery_oss_fail_count',
] as const;

/** At most this many points per call **(choice)**: a day by the minute. */
export const MAX_METRIC_POINTS = 1440;

export interface MetricQuery {
  startTime: string;
  endTime: string;
  period: number;
}

function time(name: string, value: string): number {
  const ms = parseIsoSeconds(value);
  if (ms === undefined) {
    throw errors.invalidParameter(
      name,
      'It must be a UTC time in the format yyyy-MM-ddTHH:mm:ssZ.',
    );
  }
  return ms;
}

export function metricPoints(q: MetricQuery): Array<{ timestamp: number; count: number }> {
  if (q.period % 60 !== 0) throw errors.invalidParameter('Period', 'It must be a multiple of 60.');
  const start = time('StartTime', q.startTime);
  const end = time('EndTime', q.endTime);
  if (end <= start) throw errors.invalidParameter('EndTime', 'It must be after StartTime.');
  const step = q.period * 1000;
  const first = Math.floor(start / step) * step;
  const n = Math.ceil((end - first) / step);
  if (n > MAX_METRIC_POINTS) {
    throw errors.invalidParameter(
      'Period',
      `The range holds more than ${MAX_METRIC_POINTS} periods.`,
    );
  }
  return Array.from({ length: n }, (_, i) => ({ timestamp: first + i * step, count: 0 }));
}
