import {
  alertCounts,
  type DailySeries,
  dayRange,
  logCounts,
  trailCounts,
} from '../../domain/statistics/daily-counts.js';
import { METRIC_NAMES, metricPoints } from '../../domain/statistics/delivery-metrics.js';
import { lifeCycleEvents } from '../../domain/statistics/resource-life-cycle.js';
import { getTrail } from '../../domain/trails/trails.js';
import {
  readInteger,
  readOptionalEnum,
  readOptionalString,
  readRequiredString,
} from '../rpc/params.js';
import type { ActionContext, ActionDefinition } from './action.js';

function dailyToWire(s: DailySeries) {
  return { Data: { Counts: s.counts, Dates: s.dates } };
}

function readRange(ctx: ActionContext) {
  return dayRange(
    ctx.services.clock.now(),
    readOptionalString(ctx.params, 'StartDate'),
    readOptionalString(ctx.params, 'EndDate'),
  );
}

/** DescribeUserLogCount: `StartDate`, `EndDate` (`yyyy-MM-dd`); events stored per UTC day. */
export const describeUserLogCount: ActionDefinition = {
  name: 'DescribeUserLogCount',
  eventRW: 'Read',
  async handle(ctx) {
    const range = readRange(ctx);
    return dailyToWire(await logCounts(ctx.services.db, ctx.caller.accountId, range));
  },
};

/** DescribeUserAlertCount: as DescribeUserLogCount; 0 every day until Insights exist. */
export const describeUserAlertCount: ActionDefinition = {
  name: 'DescribeUserAlertCount',
  eventRW: 'Read',
  async handle(ctx) {
    return dailyToWire(alertCounts(readRange(ctx)));
  },
};

/** DescribeUserTrailCount: no parameters; the account's logging trails, today. */
export const describeUserTrailCount: ActionDefinition = {
  name: 'DescribeUserTrailCount',
  eventRW: 'Read',
  async handle(ctx) {
    const { db, clock } = ctx.services;
    return dailyToWire(await trailCounts(db, ctx.caller.accountId, clock.now()));
  },
};

/**
 * DescribeResourceLifeCycleEvents: `ServiceName`, `ResourceType` (both optional filters).
 * `Data` is a JSON string, as the SDK model types it.
 */
export const describeResourceLifeCycleEvents: ActionDefinition = {
  name: 'DescribeResourceLifeCycleEvents',
  eventRW: 'Read',
  async handle(ctx) {
    const { db, clock, config } = ctx.services;
    const tree = await lifeCycleEvents(
      {
        db,
        accountId: ctx.caller.accountId,
        now: clock.now(),
        retentionDays: config.retention.days,
      },
      {
        serviceName: readOptionalString(ctx.params, 'ServiceName'),
        resourceType: readOptionalString(ctx.params, 'ResourceType'),
      },
    );
    return { Data: JSON.stringify(tree) };
  },
};

/**
 * DescribeTrailDeliveryMetricData (GET in the SDK): `TrailName`, `MetricName`, `Period`,
 * `StartTime`, `EndTime`, all required. Zeros until live delivery exists.
 */
export const describeTrailDeliveryMetricData: ActionDefinition = {
  name: 'DescribeTrailDeliveryMetricData',
  eventRW: 'Read',
  async handle(ctx) {
    const { params } = ctx;
    const trailName = readRequiredString(params, 'TrailName');
    readRequiredString(params, 'MetricName');
    readOptionalEnum(params, 'MetricName', METRIC_NAMES);
    readRequiredString(params, 'Period');
    const period = readInteger(params, 'Period', { min: 60, max: 86_400, default: 60 });
    const points = metricPoints({
      startTime: readRequiredString(params, 'StartTime'),
      endTime: readRequiredString(params, 'EndTime'),
      period,
    });
    await getTrail({ db: ctx.services.db, accountId: ctx.caller.accountId }, trailName);
    return { MetricList: points.map((p) => ({ Count: p.count, Timestamp: p.timestamp })) };
  },
};
