import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertEvents } from '../../src/db/repositories/events.repository.js';
import type { NewAccessKey } from '../../src/domain/accounts/access-keys.js';
import { DAY_MS, formatIsoSeconds, HOUR_MS } from '../../src/lib/time.js';
import { sampleEvent } from '../helpers/sample-events.js';
import { call, type Variant } from '../helpers/sdk-clients.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { expectFailure } from '../helpers/trails.js';

/** The daily counts, the lifecycle catalogue and the delivery metrics through the SDKs. */
const VARIANTS: Variant[] = ['pop-core GET', 'openapi V3'];
const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const TODAY = Math.floor(Date.now() / DAY_MS) * DAY_MS;
const D3 = TODAY - 3 * DAY_MS;
const D2 = TODAY - 2 * DAY_MS;

describe.each(VARIANTS)('usage statistics via %s', (variant) => {
  let t: TestApp;
  let a: NewAccessKey;
  let b: NewAccessKey;
  beforeAll(async () => {
    t = await startTestApp();
    a = await t.newKey({ newAccount: true });
    b = await t.newKey({ newAccount: true });
    await insertEvents(t.handle.db, a.accountId, [
      sampleEvent(D3 + HOUR_MS, { eventName: 'RunInstances', resourceName: 'i-1' }),
      sampleEvent(D3 + 2 * HOUR_MS, { eventName: 'DeleteInstance', resourceName: 'i-1' }),
      sampleEvent(D2 + HOUR_MS, { eventName: 'DescribeInstances' }),
      sampleEvent(D2 + HOUR_MS, {
        serviceName: 'Vpc',
        eventName: 'CreateVpc',
        resourceType: 'ACS::VPC::VPC',
        resourceName: 'vpc-1',
      }),
    ]);
    await insertEvents(t.handle.db, b.accountId, [sampleEvent(D3 + HOUR_MS, {})]);
  });
  afterAll(() => t.close());

  it('DescribeUserLogCount counts the account’s events per UTC day, zero days included', async () => {
    const body = await call(variant, t, a, 'DescribeUserLogCount', {
      StartDate: day(D3 - DAY_MS),
      EndDate: day(D2),
    });
    expect(body.Data).toEqual({ Dates: [day(D3 - DAY_MS), day(D3), day(D2)], Counts: [0, 2, 2] });
    const other = await call(variant, t, b, 'DescribeUserLogCount', {
      StartDate: day(D3),
      EndDate: day(D3),
    });
    expect(other.Data).toEqual({ Dates: [day(D3)], Counts: [1] });
  });

  it('without dates: the last 30 days up to today', async () => {
    const body = await call(variant, t, a, 'DescribeUserAlertCount', {});
    const data = body.Data as { Dates: string[]; Counts: number[] };
    expect(data.Dates).toHaveLength(30);
    expect(data.Dates.at(-1)).toBe(day(TODAY));
    expect(data.Counts.every((c) => c === 0)).toBe(true);
  });

  it('DescribeUserTrailCount: today’s logging trails, organization trails included', async () => {
    const k = await t.newKey({ newAccount: true });
    const sls = `acs:log:cn-hangzhou:${k.accountId}:project/p-count`;
    await call(variant, t, k, 'CreateTrail', { Name: 'count-one', SlsProjectArn: sls });
    await call(variant, t, k, 'CreateTrail', {
      Name: 'count-org',
      SlsProjectArn: sls,
      IsOrganizationTrail: true,
    });
    await call(variant, t, k, 'CreateTrail', { Name: 'count-off', SlsProjectArn: sls });
    await call(variant, t, k, 'StartLogging', { Name: 'count-one' });
    await call(variant, t, k, 'StartLogging', { Name: 'count-org' });
    const body = await call(variant, t, k, 'DescribeUserTrailCount', {});
    expect(body.Data).toEqual({ Dates: [day(Date.now())], Counts: [2] });
  });

  it('DescribeResourceLifeCycleEvents: create and delete event names per resource type', async () => {
    const body = await call(variant, t, a, 'DescribeResourceLifeCycleEvents', {});
    expect(typeof body.Data).toBe('string');
    expect(JSON.parse(String(body.Data))).toEqual([
      {
        label: 'Ecs',
        labelEn: 'Ecs',
        value: 'Ecs',
        children: [
          {
            label: 'ACS::ECS::Instance',
            labelEn: 'ACS::ECS::Instance',
            value: 'ACS::ECS::Instance',
            children: [
              { label: 'Create Events', labelEn: 'Create Events', value: 'RunInstances' },
              { label: 'Delete Events', labelEn: 'Delete Events', value: 'DeleteInstance' },
            ],
          },
        ],
      },
      expect.objectContaining({ value: 'Vpc' }),
    ]);
    const vpc = await call(variant, t, a, 'DescribeResourceLifeCycleEvents', {
      ServiceName: 'vpc',
    });
    expect(JSON.parse(String(vpc.Data)).map((s: { value: string }) => s.value)).toEqual(['Vpc']);
    const none = await call(variant, t, b, 'DescribeResourceLifeCycleEvents', {
      ResourceType: 'ACS::VPC::VPC',
    });
    expect(none.Data).toBe('[]');
  });

  it('DescribeTrailDeliveryMetricData: one zero point per period, timestamps in ms', async () => {
    const k = await t.newKey({ newAccount: true });
    await call(variant, t, k, 'CreateTrail', {
      Name: 'metric-trail',
      SlsProjectArn: `acs:log:cn-hangzhou:${k.accountId}:project/p-metric`,
    });
    const start = D2;
    const body = await call(variant, t, k, 'DescribeTrailDeliveryMetricData', {
      TrailName: 'metric-trail',
      MetricName: 'delivery_sls_success_count',
      Period: 3600,
      StartTime: formatIsoSeconds(start),
      EndTime: formatIsoSeconds(start + 3 * HOUR_MS),
    });
    expect(body.MetricList).toEqual([
      { Count: 0, Timestamp: start },
      { Count: 0, Timestamp: start + HOUR_MS },
      { Count: 0, Timestamp: start + 2 * HOUR_MS },
    ]);
    const base = {
      TrailName: 'metric-trail',
      MetricName: 'delivery_oss_fail_count',
      Period: 60,
      StartTime: formatIsoSeconds(start),
      EndTime: formatIsoSeconds(start + HOUR_MS),
    };
    const cases: Array<[Record<string, unknown>, string, number, string]> = [
      [{ ...base, TrailName: 'no-such-trail' }, 'TrailNotFoundException', 404, 'does not exist'],
      [{ ...base, MetricName: 'delivery_count' }, 'InvalidParameter', 400, '"MetricName"'],
      [{ ...base, Period: 90 }, 'InvalidParameter', 400, 'multiple of 60'],
      [{ ...base, EndTime: base.StartTime }, 'InvalidParameter', 400, '"EndTime"'],
      [{ ...base, StartTime: '2026-13-01T00:00:00Z' }, 'InvalidParameter', 400, '"StartTime"'],
      [{ ...base, EndTime: formatIsoSeconds(start + 2 * DAY_MS) }, 'InvalidParameter', 400, '1440'],
      [{ ...base, Period: undefined }, 'MissingParameter', 400, '"Period"'],
    ];
    for (const [params, code, status, words] of cases) {
      const clean = Object.fromEntries(Object.entries(params).filter(([, v]) => v !== undefined));
      const f = await expectFailure(variant, t, k, 'DescribeTrailDeliveryMetricData', clean, {
        code,
        status,
      });
      expect(f.message).toContain(words);
    }
    // Another account's trail is not found.
    await expectFailure(variant, t, a, 'DescribeTrailDeliveryMetricData', base, {
      code: 'TrailNotFoundException',
      status: 404,
    });
  });

  it.each([
    ['DescribeUserLogCount', { StartDate: '2026/01/01' }, '"StartDate"'],
    ['DescribeUserLogCount', { StartDate: '2026-02-30' }, '"StartDate"'],
    ['DescribeUserAlertCount', { StartDate: '2026-03-02', EndDate: '2026-03-01' }, '"EndDate"'],
    ['DescribeUserLogCount', { StartDate: '2024-01-01', EndDate: '2026-01-01' }, '366'],
  ] as const)('%s %j → 400 InvalidParameter', async (action, params, words) => {
    const f = await expectFailure(variant, t, a, action, params, {
      code: 'InvalidParameter',
      status: 400,
    });
    expect(f.message).toContain(words);
  });
});
