import { randomUUID } from 'node:crypto';
import { formatIsoSeconds } from '../../src/lib/time.js';

/** Epoch ms of a fixed, recent-looking day all event tests build on. */
export const BASE_TIME = Date.UTC(2026, 0, 10, 12, 0, 0);

export type SampleEvent = Record<string, unknown>;

/**
 * An ActionTrail management event (shape of actiontrail-api.md §4.3) at `time`, with every
 * LookupEvents key filled; `overrides` replace top-level fields, `identity` userIdentity fields.
 */
export function sampleEvent(
  time: number,
  overrides: SampleEvent = {},
  identity: SampleEvent = {},
): SampleEvent {
  return {
    eventId: randomUUID().toUpperCase(),
    eventVersion: '1',
    eventCategory: 'Management',
    eventType: 'ApiCall',
    eventName: 'DescribeInstances',
    eventRW: 'Read',
    eventSource: 'ecs.cn-hangzhou.aliyuncs.com',
    eventTime: formatIsoSeconds(time),
    acsRegion: 'cn-hangzhou',
    serviceName: 'Ecs',
    apiVersion: '2014-05-26',
    requestId: randomUUID().toUpperCase(),
    sourceIpAddress: '192.0.2.10',
    userAgent: 'AlibabaCloud (linux; x64) Node.js/v20',
    userIdentity: {
      type: 'ram-user',
      principalId: '200000000000000001',
      accountId: '1000000000000001',
      accessKeyId: 'LTAIsample0000000001',
      userName: 'alice',
      ...identity,
    },
    requestParameters: { RegionId: 'cn-hangzhou' },
    resourceType: 'ACS::ECS::Instance',
    resourceName: 'i-sample',
    isGlobal: false,
    ...overrides,
  };
}

/**
 * `count` small ECS events with ids `<prefix><i>`, a minute apart going back from a day ago:
 * inside any backfill window and before any cut-off, in one day or two.
 */
export function minutelyEvents(prefix: string, count: number, now = Date.now()) {
  return Array.from({ length: count }, (_, i) => ({
    eventId: `${prefix}${i}`,
    eventName: 'CreateInstance',
    serviceName: 'Ecs',
    acsRegion: 'cn-hangzhou',
    eventTime: formatIsoSeconds(now - 86_400_000 - i * 60_000),
  }));
}
